// SPDX-License-Identifier: Apache-2.0
/* Maps printed as bpftrace 0.17 prints them. Every expected string below
 * is bpftrace's own output on this machine for the same values, e.g.
 *   bpftrace -e 'BEGIN { @h = hist(0); @h = hist(1); ...; exit(); }'
 * (text, and -f json), except where the comment says bpftrace is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lang/print.h"

static struct strbuf sb;

static const char *out(enum lang_out_fmt fmt, const struct lang_map_out *m, struct lang_row *r,
		       unsigned n)
{
	sb__reset(&sb);
	lang_print__map(&sb, fmt, m, r, n);
	return sb.buf ? sb.buf : "";
}

/* A row with integer keys (their bytes as a u64 each, as a map holds them). */
struct krow {
	struct lang_row row;
	int64_t raw[2];
	char text[2][24];
	const char *keys[2];
};

static void key_int(struct krow *k, unsigned i, int64_t v)
{
	k->raw[i] = v;
	snprintf(k->text[i], sizeof(k->text[i]), "%lld", (long long)v);
	k->keys[i] = k->text[i];
	k->row.raw = k->raw;
	k->row.raw_len = 8 * (i + 1);
	k->row.keys = k->keys;
	k->row.nkeys = i + 1;
}

static void key_str(struct krow *k, unsigned i, const char *s)
{
	snprintf(k->text[i], sizeof(k->text[i]), "%s", s);
	memcpy((char *)k->raw + 8 * i, s, strlen(s) < 8 ? strlen(s) : 8);
	k->keys[i] = k->text[i];
	k->row.raw = k->raw;
	k->row.raw_len = 8 * (i + 1);
	k->row.keys = k->keys;
	k->row.nkeys = i + 1;
}

static void fill_hist(uint64_t *b, const int64_t *vals, unsigned n)
{
	memset(b, 0, LANG_HIST_BUCKETS * sizeof(*b));
	for (unsigned i = 0; i < n; i++)
		b[lang_hist__bucket(vals[i])]++;
}

#define BAR  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
#define NONE "                                                    "

static void test_hist(void **state)
{
	static const int64_t v[] = { 0, 1, 3, 5, 1000, 1500, 2000000 };
	uint64_t b[LANG_HIST_BUCKETS];
	struct lang_row r = { .buckets = b, .nbuckets = LANG_HIST_BUCKETS };
	struct lang_map_out m = { .name = "@h", .kind = LANG_MV_HIST };

	assert_int_equal(lang_hist__bucket(-5), 0);
	assert_int_equal(lang_hist__bucket(0), 1);
	assert_int_equal(lang_hist__bucket(1), 2);
	assert_int_equal(lang_hist__bucket(3), 3);
	assert_int_equal(lang_hist__bucket(INT64_MAX), 64);
	fill_hist(b, v, 7);
	assert_string_equal(out(LANG_OUT_TEXT, &m, &r, 1),
			    "@h: \n"
			    "[0]                    1 |" BAR "|\n"
			    "[1]                    1 |" BAR "|\n"
			    "[2, 4)                 1 |" BAR "|\n"
			    "[4, 8)                 1 |" BAR "|\n"
			    "[8, 16)                0 |" NONE "|\n"
			    "[16, 32)               0 |" NONE "|\n"
			    "[32, 64)               0 |" NONE "|\n"
			    "[64, 128)              0 |" NONE "|\n"
			    "[128, 256)             0 |" NONE "|\n"
			    "[256, 512)             0 |" NONE "|\n"
			    "[512, 1K)              1 |" BAR "|\n"
			    "[1K, 2K)               1 |" BAR "|\n"
			    "[2K, 4K)               0 |" NONE "|\n"
			    "[4K, 8K)               0 |" NONE "|\n"
			    "[8K, 16K)              0 |" NONE "|\n"
			    "[16K, 32K)             0 |" NONE "|\n"
			    "[32K, 64K)             0 |" NONE "|\n"
			    "[64K, 128K)            0 |" NONE "|\n"
			    "[128K, 256K)           0 |" NONE "|\n"
			    "[256K, 512K)           0 |" NONE "|\n"
			    "[512K, 1M)             0 |" NONE "|\n"
			    "[1M, 2M)               1 |" BAR "|\n"
			    "\n");
	/* Bars scale to the largest bucket; bpftrace 0.17 puts 2^40 in
	 * [2G, 4G) (a 32-bit shift): here it is where it belongs. */
	{
		static const int64_t w[] = { -5, 0, 0, 0, 0, 1LL << 40 };

		fill_hist(b, w, 6);
		assert_string_equal(out(LANG_OUT_TEXT, &m, &r, 1),
				    "@h: \n"
				    "(..., 0)               1 |@@@@@@@@@@@@@                                       |\n"
				    "[0]                    4 |" BAR "|\n"
				    "[1]                    0 |" NONE "|\n"
				    "[2, 4)                 0 |" NONE "|\n"
				    "[4, 8)                 0 |" NONE "|\n"
				    "[8, 16)                0 |" NONE "|\n"
				    "[16, 32)               0 |" NONE "|\n"
				    "[32, 64)               0 |" NONE "|\n"
				    "[64, 128)              0 |" NONE "|\n"
				    "[128, 256)             0 |" NONE "|\n"
				    "[256, 512)             0 |" NONE "|\n"
				    "[512, 1K)              0 |" NONE "|\n"
				    "[1K, 2K)               0 |" NONE "|\n"
				    "[2K, 4K)               0 |" NONE "|\n"
				    "[4K, 8K)               0 |" NONE "|\n"
				    "[8K, 16K)              0 |" NONE "|\n"
				    "[16K, 32K)             0 |" NONE "|\n"
				    "[32K, 64K)             0 |" NONE "|\n"
				    "[64K, 128K)            0 |" NONE "|\n"
				    "[128K, 256K)           0 |" NONE "|\n"
				    "[256K, 512K)           0 |" NONE "|\n"
				    "[512K, 1M)             0 |" NONE "|\n"
				    "[1M, 2M)               0 |" NONE "|\n"
				    "[2M, 4M)               0 |" NONE "|\n"
				    "[4M, 8M)               0 |" NONE "|\n"
				    "[8M, 16M)              0 |" NONE "|\n"
				    "[16M, 32M)             0 |" NONE "|\n"
				    "[32M, 64M)             0 |" NONE "|\n"
				    "[64M, 128M)            0 |" NONE "|\n"
				    "[128M, 256M)           0 |" NONE "|\n"
				    "[256M, 512M)           0 |" NONE "|\n"
				    "[512M, 1G)             0 |" NONE "|\n"
				    "[1G, 2G)               0 |" NONE "|\n"
				    "[2G, 4G)               0 |" NONE "|\n"
				    "[4G, 8G)               0 |" NONE "|\n"
				    "[8G, 16G)              0 |" NONE "|\n"
				    "[16G, 32G)             0 |" NONE "|\n"
				    "[32G, 64G)             0 |" NONE "|\n"
				    "[64G, 128G)            0 |" NONE "|\n"
				    "[128G, 256G)           0 |" NONE "|\n"
				    "[256G, 512G)           0 |" NONE "|\n"
				    "[512G, 1T)             0 |" NONE "|\n"
				    "[1T, 2T)               1 |@@@@@@@@@@@@@                                       |\n"
				    "\n");
	}
}

static void test_hist_keyed_and_json(void **state)
{
	static const int64_t a[] = { 7 }, c[] = { 100 };
	uint64_t b1[LANG_HIST_BUCKETS], b2[LANG_HIST_BUCKETS];
	struct krow k[2] = {};
	struct lang_row rows[2];
	struct lang_map_out m = { .name = "@h2", .kind = LANG_MV_HIST };

	fill_hist(b2, c, 1);
	fill_hist(b1, a, 1);
	key_int(&k[0], 0, 2);
	k[0].row.buckets = b2, k[0].row.nbuckets = LANG_HIST_BUCKETS;
	key_int(&k[1], 0, 1);
	k[1].row.buckets = b1, k[1].row.nbuckets = LANG_HIST_BUCKETS;
	rows[0] = k[0].row, rows[1] = k[1].row;
	assert_string_equal(out(LANG_OUT_TEXT, &m, rows, 2),
			    "@h2[1]: \n"
			    "[4, 8)                 1 |" BAR "|\n"
			    "\n"
			    "@h2[2]: \n"
			    "[64, 128)              1 |" BAR "|\n"
			    "\n");
	{
		static const int64_t v[] = { -1, 0, 1, 2000 };
		uint64_t b[LANG_HIST_BUCKETS];
		struct lang_row r = { .buckets = b, .nbuckets = LANG_HIST_BUCKETS };
		struct lang_map_out h = { .name = "@h", .kind = LANG_MV_HIST };

		fill_hist(b, v, 4);
		assert_string_equal(
			out(LANG_OUT_JSON, &h, &r, 1),
			"{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, "
			"\"max\": 0, \"count\": 1}, {\"min\": 1, \"max\": 1, \"count\": 1}, {\"min\": 2, "
			"\"max\": 3, \"count\": 0}, {\"min\": 4, \"max\": 7, \"count\": 0}, {\"min\": 8, "
			"\"max\": 15, \"count\": 0}, {\"min\": 16, \"max\": 31, \"count\": 0}, {\"min\": 32, "
			"\"max\": 63, \"count\": 0}, {\"min\": 64, \"max\": 127, \"count\": 0}, {\"min\": "
			"128, \"max\": 255, \"count\": 0}, {\"min\": 256, \"max\": 511, \"count\": 0}, "
			"{\"min\": 512, \"max\": 1023, \"count\": 0}, {\"min\": 1024, \"max\": 2047, "
			"\"count\": 1}]}}\n");
	}
	{
		static const int64_t v[] = { 3 };
		uint64_t b[LANG_HIST_BUCKETS];
		struct krow kk = {};
		struct lang_map_out h = { .name = "@hk", .kind = LANG_MV_HIST };

		fill_hist(b, v, 1);
		key_int(&kk, 0, 1);
		key_str(&kk, 1, "a b");
		kk.row.buckets = b, kk.row.nbuckets = LANG_HIST_BUCKETS;
		assert_string_equal(out(LANG_OUT_JSON, &h, &kk.row, 1),
				    "{\"type\": \"hist\", \"data\": {\"@hk\": {\"1,a b\": [{\"min\": 2, "
				    "\"max\": 3, \"count\": 1}]}}}\n");
		assert_string_equal(out(LANG_OUT_TEXT, &h, &kk.row, 1),
				    "@hk[1, a b]: \n"
				    "[2, 4)                 1 |" BAR "|\n"
				    "\n");
	}
}

static void lhist_fill(uint64_t *b, unsigned nb, const struct lang_map_out *m, const int64_t *v,
		       unsigned n)
{
	memset(b, 0, nb * sizeof(*b));
	for (unsigned i = 0; i < n; i++) {
		unsigned k = v[i] < m->lhist_min ? 0 :
			     v[i] >= m->lhist_max ? nb - 1 :
						    1 + (unsigned)((v[i] - m->lhist_min) / m->lhist_step);
		b[k]++;
	}
}

static void test_lhist(void **state)
{
	struct lang_map_out m = { .name = "@l", .kind = LANG_MV_LHIST,
				  .lhist_min = 0, .lhist_max = 100, .lhist_step = 10 };
	static const int64_t v[] = { 5, 55, 200, -3 };
	uint64_t b[12];
	struct lang_row r = { .buckets = b, .nbuckets = 12 };

	lhist_fill(b, 12, &m, v, 4);
	assert_string_equal(out(LANG_OUT_TEXT, &m, &r, 1),
			    "@l: \n"
			    "(..., 0)               1 |" BAR "|\n"
			    "[0, 10)                1 |" BAR "|\n"
			    "[10, 20)               0 |" NONE "|\n"
			    "[20, 30)               0 |" NONE "|\n"
			    "[30, 40)               0 |" NONE "|\n"
			    "[40, 50)               0 |" NONE "|\n"
			    "[50, 60)               1 |" BAR "|\n"
			    "[60, 70)               0 |" NONE "|\n"
			    "[70, 80)               0 |" NONE "|\n"
			    "[80, 90)               0 |" NONE "|\n"
			    "[90, 100)              0 |" NONE "|\n"
			    "[100, ...)             1 |" BAR "|\n"
			    "\n");
	{
		struct lang_map_out k = { .name = "@l", .kind = LANG_MV_LHIST,
					  .lhist_min = 0, .lhist_max = 4096, .lhist_step = 1024 };
		static const int64_t w[] = { 1024, 3000 };
		uint64_t kb[6];
		struct lang_row kr = { .buckets = kb, .nbuckets = 6 };

		lhist_fill(kb, 6, &k, w, 2);
		assert_string_equal(out(LANG_OUT_TEXT, &k, &kr, 1),
				    "@l: \n"
				    "[1K, 2K)               1 |" BAR "|\n"
				    "[2K, 3K)               1 |" BAR "|\n"
				    "\n");
	}
	{
		struct lang_map_out j = { .name = "@l", .kind = LANG_MV_LHIST,
					  .lhist_min = 0, .lhist_max = 10, .lhist_step = 5 };
		static const int64_t w[] = { -5, 50, 0 };
		uint64_t jb[4];
		struct lang_row jr = { .buckets = jb, .nbuckets = 4 };

		lhist_fill(jb, 4, &j, w, 3);
		assert_string_equal(out(LANG_OUT_JSON, &j, &jr, 1),
				    "{\"type\": \"hist\", \"data\": {\"@l\": [{\"max\": -1, \"count\": 1}, "
				    "{\"min\": 0, \"max\": 4, \"count\": 1}, {\"min\": 5, \"max\": 9, "
				    "\"count\": 0}, {\"min\": 10, \"count\": 1}]}}\n");
	}
}

static void test_values(void **state)
{
	struct krow k[3] = {};
	struct lang_row rows[3];
	struct lang_map_out c = { .name = "@t", .kind = LANG_MV_COUNT };

	/* Equal values: in key order (bytes). Inserted b, a, c. */
	key_str(&k[0], 0, "b"), k[0].row.value = 1;
	key_str(&k[1], 0, "a"), k[1].row.value = 1;
	key_str(&k[2], 0, "c"), k[2].row.value = 2;
	for (int i = 0; i < 3; i++)
		rows[i] = k[i].row;
	assert_string_equal(out(LANG_OUT_TEXT, &c, rows, 3), "@t[a]: 1\n@t[b]: 1\n@t[c]: 2\n");
	assert_string_equal(out(LANG_OUT_JSON, &c, rows, 3),
			    "{\"type\": \"map\", \"data\": {\"@t\": {\"a\": 1, \"b\": 1, \"c\": 2}}}\n");
	/* Integer keys compare as their bytes: 5 before -1. */
	memset(k, 0, sizeof(k));
	key_int(&k[0], 0, -1), k[0].row.value = 1;
	key_int(&k[1], 0, 5), k[1].row.value = 1;
	rows[0] = k[0].row, rows[1] = k[1].row;
	c.name = "@k";
	assert_string_equal(out(LANG_OUT_TEXT, &c, rows, 2), "@k[5]: 1\n@k[-1]: 1\n");
	/* Two keys, sums sorted by value. */
	memset(k, 0, sizeof(k));
	key_int(&k[0], 0, 1), key_str(&k[0], 1, "x"), k[0].row.value = 10;
	key_int(&k[1], 0, 2), key_str(&k[1], 1, "y"), k[1].row.value = -3;
	rows[0] = k[0].row, rows[1] = k[1].row;
	c.name = "@m", c.kind = LANG_MV_SUM;
	assert_string_equal(out(LANG_OUT_TEXT, &c, rows, 2), "@m[2, y]: -3\n@m[1, x]: 10\n");
	/* One value, no keys; a string value. */
	{
		struct lang_row one = { .value = -4 }, s = { .str = "str" };
		struct lang_map_out v = { .name = "@n", .kind = LANG_MV_VALUE };

		assert_string_equal(out(LANG_OUT_TEXT, &v, &one, 1), "@n: -4\n");
		assert_string_equal(out(LANG_OUT_JSON, &v, &one, 1),
				    "{\"type\": \"map\", \"data\": {\"@n\": -4}}\n");
		v.name = "@s";
		assert_string_equal(out(LANG_OUT_TEXT, &v, &s, 1), "@s: str\n");
	}
	{
		struct krow sk = {};
		struct lang_map_out v = { .name = "@str", .kind = LANG_MV_VALUE };

		key_str(&sk, 0, "k");
		sk.row.str = "v";
		assert_string_equal(out(LANG_OUT_JSON, &v, &sk.row, 1),
				    "{\"type\": \"map\", \"data\": {\"@str\": {\"k\": \"v\"}}}\n");
		key_str(&sk, 0, "x y");
		sk.row.str = NULL, sk.row.value = 1;
		v.name = "@ck", v.kind = LANG_MV_COUNT;
		assert_string_equal(out(LANG_OUT_TEXT, &v, &sk.row, 1), "@ck[x y]: 1\n");
		assert_string_equal(out(LANG_OUT_JSON, &v, &sk.row, 1),
				    "{\"type\": \"map\", \"data\": {\"@ck\": {\"x y\": 1}}}\n");
	}
}

static void test_avg_stats(void **state)
{
	struct lang_row a = { .count = 2, .total = 7 }, n = { .count = 2, .total = -5 };
	struct lang_map_out m = { .name = "@a", .kind = LANG_MV_AVG };
	struct krow k = {};

	assert_string_equal(out(LANG_OUT_TEXT, &m, &a, 1), "@a: 3\n\n");
	m.name = "@av";
	assert_string_equal(out(LANG_OUT_TEXT, &m, &n, 1), "@av: -2\n\n"); /* -2.5 toward zero */
	a.count = 1, a.total = 5, m.name = "@a";
	assert_string_equal(out(LANG_OUT_JSON, &m, &a, 1),
			    "{\"type\": \"stats\", \"data\": {\"@a\": 5}}\n");
	m.kind = LANG_MV_STATS, m.name = "@s";
	a.count = 2, a.total = 12;
	assert_string_equal(out(LANG_OUT_TEXT, &m, &a, 1), "@s: count 2, average 6, total 12\n\n");
	key_int(&k, 0, 2);
	k.row.count = 1, k.row.total = 3;
	m.name = "@st";
	assert_string_equal(out(LANG_OUT_JSON, &m, &k.row, 1),
			    "{\"type\": \"stats\", \"data\": {\"@st\": {\"2\": {\"count\": 1, "
			    "\"average\": 3, \"total\": 3}}}}\n");
	k.row.count = 2;
	assert_string_equal(out(LANG_OUT_TEXT, &m, &k.row, 1), "@st[2]: count 2, average 1, total 3\n\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist),
		cmocka_unit_test(test_hist_keyed_and_json),
		cmocka_unit_test(test_lhist),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_avg_stats),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	sb__free(&sb);
	return rc;
}
