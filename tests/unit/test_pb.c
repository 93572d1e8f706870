// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the protobuf wire primitives (src/lib/pb.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/pb.h"
#include "pb_reader.h"

static void test_varint(void **state)
{
	static const struct { uint64_t v; const char *enc; size_t n; } cases[] = {
		{ 0, "\x00", 1 }, { 1, "\x01", 1 }, { 127, "\x7f", 1 }, { 128, "\x80\x01", 2 },
		{ 300, "\xac\x02", 2 }, { UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = {};

		assert_int_equal(pb__varint(&sb, cases[i].v), 0);
		assert_int_equal(sb.len, cases[i].n);
		assert_memory_equal(sb.buf, cases[i].enc, cases[i].n);
		sb__free(&sb);
	}
}

static void test_fields(void **state)
{
	struct strbuf sb = {};
	struct pbr_field f;
	char s[16];

	assert_int_equal(pb__uint(&sb, 1, 150), 0);
	assert_memory_equal(sb.buf, "\x08\x96\x01", 3);	/* the protobuf docs' example */
	pb__str(&sb, 2, "testing");
	pb__fixed64(&sb, 3, 0x0102030405060708ULL);
	pb__double(&sb, 4, 1.5);
	pb__bytes(&sb, 5, "", 0);
	assert_int_equal(sb.err, 0);
	assert_true(pbr__find(sb.buf, sb.len, 1, 0, &f) && f.v == 150);
	assert_string_equal(pbr__str(sb.buf, sb.len, 2, s, sizeof(s)), "testing");
	assert_true(pbr__find(sb.buf, sb.len, 3, 0, &f) && f.wt == 1 && f.v == 0x0102030405060708ULL);
	assert_true(pbr__find(sb.buf, sb.len, 4, 0, &f) && pbr__as_double(f.v) == 1.5);
	assert_true(pbr__find(sb.buf, sb.len, 5, 0, &f) && f.wt == 2 && f.len == 0);
	sb__free(&sb);
}

/* In-place nesting: bodies of 0, 127, 128 and 20000 bytes (one, two and
 * three length bytes), nested three deep, read back whole. */
static void test_nested(void **state)
{
	static const size_t sizes[] = { 0, 1, 126, 127, 128, 300, 16383, 16384, 20000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct strbuf sb = {}, tmp = {};
		struct pbr_field outer, mid, inner;
		size_t m1, m2, m3;

		pb__uint(&sb, 1, 7);
		m1 = pb__begin(&sb, 2);
		m2 = pb__begin(&sb, 3);
		m3 = pb__begin(&sb, 4);
		for (size_t k = 0; k < sizes[i]; k++)
			sb__putc(&sb, (char)('a' + k % 26));
		assert_int_equal(pb__end(&sb, m3), 0);
		pb__uint(&sb, 5, 9);
		assert_int_equal(pb__end(&sb, m2), 0);
		assert_int_equal(pb__end(&sb, m1), 0);
		pb__uint(&sb, 6, 11);
		assert_true(pbr__find(sb.buf, sb.len, 2, 0, &outer));
		assert_true(pbr__find(outer.p, outer.len, 3, 0, &mid));
		assert_true(pbr__find(mid.p, mid.len, 4, 0, &inner));
		assert_int_equal(inner.len, sizes[i]);
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(inner.p[k], 'a' + k % 26);
		assert_true(pbr__find(mid.p, mid.len, 5, 0, &inner) && inner.v == 9);
		assert_true(pbr__find(sb.buf, sb.len, 6, 0, &inner) && inner.v == 11);
		/* The scratch-buffer form encodes the same bytes. */
		for (size_t k = 0; k < sizes[i]; k++)
			sb__putc(&tmp, (char)('a' + k % 26));
		{
			struct strbuf a = {}, b = {};

			pb__msg(&a, 4, &tmp);
			m3 = pb__begin(&b, 4);
			for (size_t k = 0; k < sizes[i]; k++)
				sb__putc(&b, (char)('a' + k % 26));
			pb__end(&b, m3);
			assert_int_equal(a.len, b.len);
			assert_memory_equal(a.buf ?: "", b.buf, a.len);
			assert_int_equal(tmp.len, 0);
			sb__free(&a);
			sb__free(&b);
		}
		sb__free(&sb);
		sb__free(&tmp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
