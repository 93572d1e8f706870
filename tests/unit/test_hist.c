// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/lib/hist.c: the user-space mirror of the BPF side's
 * log2 latency buckets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/hist.h"

/* The bucket rule written the slow, obvious way: the smallest i with
 * v <= 2^i. hist__slot_of() and the BPF side share sonde_log2_ceil()
 * (include/sonde/log2.h), so this checks the kernel's bucketing too. */
static uint32_t kernel_log2_ceil(uint64_t v)
{
	uint32_t i = 0;

	while (i < 64 && (i == 64 ? 0 : (1ULL << i)) < v)
		i++;
	return i;
}

static void test_slot_of_boundaries(void **state)
{
	(void)state;
	/* slot i holds 2^(i-1) < v <= 2^i; slot 0 holds 0 and 1. */
	assert_int_equal(hist__slot_of(0), 0);
	assert_int_equal(hist__slot_of(1), 0);
	assert_int_equal(hist__slot_of(2), 1);
	assert_int_equal(hist__slot_of(3), 2);
	assert_int_equal(hist__slot_of(4), 2);
	assert_int_equal(hist__slot_of(5), 3);
	assert_int_equal(hist__slot_of(8), 3);
	assert_int_equal(hist__slot_of(9), 4);
	assert_int_equal(hist__slot_of(1023), 10);
	assert_int_equal(hist__slot_of(1024), 10);
	assert_int_equal(hist__slot_of(1025), 11);
	assert_int_equal(hist__slot_of(1ULL << 40), 40);
	assert_int_equal(hist__slot_of((1ULL << 40) - 1), 40);
	assert_int_equal(hist__slot_of((1ULL << 40) + 1), 41);
	assert_int_equal(hist__slot_of(1ULL << 63), 63);
	assert_int_equal(hist__slot_of((1ULL << 63) + 1), 64);
	assert_int_equal(hist__slot_of(UINT64_MAX), 64);
}

/* The defining property, for every power of two: 2^(i-1) < v <= 2^i. */
static void test_slot_of_definition(void **state)
{
	(void)state;
	for (unsigned i = 1; i < 64; i++) {
		uint64_t p = 1ULL << i;

		assert_int_equal(hist__slot_of(p), i);
		assert_int_equal(hist__slot_of(p + 1), i + 1);
		assert_int_equal(hist__slot_of(p - 1), i == 1 ? 0 : i);
		assert_int_equal(hist__slot_of((p >> 1) + 1), i);
	}
}

static void test_slot_of_matches_kernel(void **state)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;

	(void)state;
	/* Every value around every power of two... */
	for (unsigned i = 0; i < 64; i++) {
		uint64_t p = 1ULL << i;

		for (int d = -2; d <= 2; d++) {
			uint64_t v = p + (uint64_t)(int64_t)d;

			assert_int_equal(hist__slot_of(v), kernel_log2_ceil(v));
		}
	}
	/* ...all small values... */
	for (uint64_t v = 0; v < 70000; v++)
		assert_int_equal(hist__slot_of(v), kernel_log2_ceil(v));
	/* ...and pseudo-random ones of every magnitude (xorshift64). */
	for (int n = 0; n < 200000; n++) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (n % 64);
		assert_int_equal(hist__slot_of(v), kernel_log2_ceil(v));
	}
	assert_int_equal(hist__slot_of(UINT64_MAX), kernel_log2_ceil(UINT64_MAX));
}

static void test_le_seconds(void **state)
{
	(void)state;
	assert_true(hist__le_seconds(0) == 1e-9);
	assert_true(fabs(hist__le_seconds(1) - 2e-9) < 1e-24);
	assert_true(fabs(hist__le_seconds(10) - 1024e-9) < 1e-21);
	assert_true(fabs(hist__le_seconds(30) - 1.073741824) < 1e-15);
	assert_true(fabs(hist__le_seconds(38) - 274.877906944) < 1e-12);
	/* Strictly increasing, each twice the previous. */
	for (unsigned i = 1; i < 63; i++) {
		double a = hist__le_seconds(i - 1), b = hist__le_seconds(i);

		assert_true(b > a);
		assert_true(fabs(b / a - 2.0) < 1e-12);
	}
}

/* The le text is what Go's FormatFloat('g', -1) prints for the bucket's
 * float, as Prometheus clients do: the docs' examples, and every slot
 * round-trips to exactly hist__le_seconds. */
static void test_le_str(void **state)
{
	static const struct { unsigned i; const char *s; } want[] = {
		{ 0, "1e-09" }, { 7, "1.28e-07" }, { 10, "1.024e-06" }, { 16, "6.5536e-05" },
		{ 17, "0.000131072" }, { 20, "0.001048576" }, { 30, "1.073741824" },
		{ 34, "17.179869184" }, { 38, "274.877906944" },
	};
	char buf[64];

	(void)state;
	for (unsigned k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		assert_int_equal(hist__le_str(want[k].i, buf, sizeof(buf)), strlen(want[k].s));
		assert_string_equal(buf, want[k].s);
	}
	for (unsigned i = 0; i < 63; i++) {
		hist__le_str(i, buf, sizeof(buf));
		assert_true(strtod(buf, NULL) == (double)(1ULL << i) / 1e9);
	}
}

static void test_cumulate(void **state)
{
	const uint64_t slots[6] = { 1, 0, 5, 0, 0, 7 };
	uint64_t cum[6];

	(void)state;
	memset(cum, 0xAA, sizeof(cum));
	assert_int_equal(hist__cumulate(slots, 6, cum), 13);
	assert_int_equal(cum[0], 1);
	assert_int_equal(cum[1], 1);
	assert_int_equal(cum[2], 6);
	assert_int_equal(cum[3], 6);
	assert_int_equal(cum[4], 6);
	assert_int_equal(cum[5], 13);
	/* cum may be NULL: only the total. */
	assert_int_equal(hist__cumulate(slots, 6, NULL), 13);
	/* n = 0 touches nothing. */
	cum[0] = 42;
	assert_int_equal(hist__cumulate(slots, 0, cum), 0);
	assert_int_equal(cum[0], 42);
	/* Partial prefix. */
	assert_int_equal(hist__cumulate(slots, 3, NULL), 6);
}

static void test_cumulate_large(void **state)
{
	const uint64_t slots[3] = { 1ULL << 62, 1ULL << 62, 5 };
	uint64_t cum[3];

	(void)state;
	assert_true(hist__cumulate(slots, 3, cum) == (1ULL << 63) + 5);
	assert_true(cum[1] == 1ULL << 63);
}

static void test_quantile_empty(void **state)
{
	uint64_t slots[40] = { 0 };

	(void)state;
	assert_int_equal(hist__quantile_ns(slots, 40, 0.5), 0);
	assert_int_equal(hist__quantile_ns(slots, 40, 0.99), 0);
	assert_int_equal(hist__quantile_ns(slots, 40, 1.0), 0);
}

static void test_quantile(void **state)
{
	uint64_t slots[40] = { 0 };

	(void)state;
	/* 99 samples of at most 8 ns, one of at most 1024 ns. */
	slots[3] = 99;
	slots[10] = 1;
	assert_int_equal(hist__quantile_ns(slots, 40, 0.5), 8);
	assert_int_equal(hist__quantile_ns(slots, 40, 0.99), 8);
	assert_int_equal(hist__quantile_ns(slots, 40, 0.995), 1024);
	assert_int_equal(hist__quantile_ns(slots, 40, 1.0), 1024);

	/* Half and half: the median is the lower bucket's bound, a hair more
	 * goes to the upper one. */
	memset(slots, 0, sizeof(slots));
	slots[5] = 50;
	slots[20] = 50;
	assert_int_equal(hist__quantile_ns(slots, 40, 0.5), 32);
	assert_int_equal(hist__quantile_ns(slots, 40, 0.51), 1ULL << 20);
	assert_int_equal(hist__quantile_ns(slots, 40, 0.99), 1ULL << 20);

	/* Only slot 0. */
	memset(slots, 0, sizeof(slots));
	slots[0] = 3;
	assert_int_equal(hist__quantile_ns(slots, 40, 0.5), 1);
	assert_int_equal(hist__quantile_ns(slots, 40, 1.0), 1);
}

static void test_quantile_overflow_slot(void **state)
{
	uint64_t slots[40] = { 0 };

	(void)state;
	/* Everything in the last (overflow) slot: the answer is its bound. */
	slots[39] = 10;
	assert_int_equal(hist__quantile_ns(slots, 40, 0.5), 1ULL << 39);
	assert_int_equal(hist__quantile_ns(slots, 40, 0.99), 1ULL << 39);

	/* 64 slots: the top one's bound saturates instead of shifting by 64. */
	{
		uint64_t big[64] = { 0 };

		big[63] = 1;
		assert_true(hist__quantile_ns(big, 64, 0.5) == UINT64_MAX);
		big[63] = 0;
		big[62] = 1;
		assert_true(hist__quantile_ns(big, 64, 0.5) == 1ULL << 62);
	}
}

/* The quantile is monotone in q. */
static void test_quantile_monotone(void **state)
{
	uint64_t slots[40];
	uint64_t prev = 0;

	(void)state;
	for (unsigned i = 0; i < 40; i++)
		slots[i] = (i * 7919) % 13 + 1;	/* every slot non-empty */
	for (int k = 1; k <= 1000; k++) {
		uint64_t q = hist__quantile_ns(slots, 40, k / 1000.0);

		assert_true(q >= prev);
		prev = q;
	}
	assert_int_equal(prev, 1ULL << 39);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_of_boundaries),
		cmocka_unit_test(test_slot_of_definition),
		cmocka_unit_test(test_slot_of_matches_kernel),
		cmocka_unit_test(test_le_seconds),
		cmocka_unit_test(test_le_str),
		cmocka_unit_test(test_cumulate),
		cmocka_unit_test(test_cumulate_large),
		cmocka_unit_test(test_quantile_empty),
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_quantile_overflow_slot),
		cmocka_unit_test(test_quantile_monotone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
