// SPDX-License-Identifier: Apache-2.0
/* Maps in bpftrace 0.17's text and JSON shapes (print.h). The details
 * that users' eyes and scripts rely on were taken from bpftrace's own
 * output here: a histogram row is its label left in 16 columns, its
 * count right in 8, then a bar of at most 52 '@'; bounds that are whole
 * powers of 1024 get K, M, G...; only the rows from the first to the
 * last non-empty bucket are shown; avg, stats and histograms are
 * followed by a blank line, other maps not. */
#include <stdlib.h>
#include <string.h>
#include "lang/print.h"
#include "lib/json.h"

#define BAR_WIDTH 52

unsigned lang_hist__bucket(int64_t v)
{
	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	return 2 + 63 - __builtin_clzll((uint64_t)v);
}

static bool is_hist(enum lang_map_kind k) { return k == LANG_MV_HIST || k == LANG_MV_LHIST; }

static int64_t avg_of(const struct lang_row *r)
{
	return r->count ? r->total / (int64_t)r->count : 0;
}

static uint64_t total_of(const struct lang_row *r)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < r->nbuckets; i++)
		t += r->buckets[i];
	return t;
}

static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct lang_row *a = pa, *b = pb;
	enum lang_map_kind sort_kind = *(const enum lang_map_kind *)ctx;
	size_t n = a->raw_len < b->raw_len ? a->raw_len : b->raw_len;
	int c;

	if (!a->str && !b->str) {
		if (is_hist(sort_kind)) {
			uint64_t x = total_of(a), y = total_of(b);

			if (x != y)
				return x < y ? -1 : 1;
		} else {
			int64_t x = sort_kind == LANG_MV_AVG || sort_kind == LANG_MV_STATS ? avg_of(a) : a->value;
			int64_t y = sort_kind == LANG_MV_AVG || sort_kind == LANG_MV_STATS ? avg_of(b) : b->value;

			if (x != y)
				return x < y ? -1 : 1;
		}
	}
	c = n ? memcmp(a->raw, b->raw, n) : 0;
	return c ? c : (a->raw_len > b->raw_len) - (a->raw_len < b->raw_len);
}

/* "@name[k1, k2]" (text) or "k1,k2" (a JSON key, unquoted). */
static void put_keys(struct strbuf *sb, const struct lang_row *r, const char *sep)
{
	for (unsigned i = 0; i < r->nkeys; i++) {
		if (i)
			sb__puts(sb, sep);
		sb__puts(sb, r->keys[i]);
	}
}

static void put_name(struct strbuf *sb, const struct lang_map_out *m, const struct lang_row *r)
{
	sb__puts(sb, m->name);
	if (r->nkeys) {
		sb__putc(sb, '[');
		put_keys(sb, r, ", ");
		sb__putc(sb, ']');
	}
}

/* 2^p as bpftrace labels a log2 bound: "512", "1K", "2M". */
static void put_pow2(struct strbuf *sb, unsigned p)
{
	static const char sfx[] = " KMGTPE";
	unsigned s = p / 10 < 6 ? p / 10 : 6;

	sb__u64(sb, 1ULL << (p - 10 * s));
	if (s)
		sb__putc(sb, sfx[s]);
}

/* n as bpftrace labels an lhist bound: "0", "3K", "2M", "17". */
static void put_num(struct strbuf *sb, int64_t n)
{
	if (n && n % (1 << 20) == 0)
		sb__printf(sb, "%lldM", (long long)(n / (1 << 20)));
	else if (n && n % 1024 == 0)
		sb__printf(sb, "%lldK", (long long)(n / 1024));
	else
		sb__i64(sb, n);
}

static unsigned lhist_n(const struct lang_map_out *m)
{
	return m->lhist_step > 0 ? (unsigned)((m->lhist_max - m->lhist_min) / m->lhist_step) : 0;
}

static void put_label(struct strbuf *sb, const struct lang_map_out *m, unsigned i)
{
	unsigned n = lhist_n(m);

	if (m->kind == LANG_MV_HIST) {
		if (i == 0)
			sb__puts(sb, "(..., 0)");
		else if (i == 1 || i == 2)
			sb__puts(sb, i == 1 ? "[0]" : "[1]");
		else {
			sb__putc(sb, '[');
			put_pow2(sb, i - 2);
			sb__puts(sb, ", ");
			put_pow2(sb, i - 1);
			sb__putc(sb, ')');
		}
		return;
	}
	if (i == 0) {
		sb__puts(sb, "(..., ");
		put_num(sb, m->lhist_min);
		sb__putc(sb, ')');
	} else if (i > n) {
		sb__putc(sb, '[');
		put_num(sb, m->lhist_max);
		sb__puts(sb, ", ...)");
	} else {
		sb__putc(sb, '[');
		put_num(sb, m->lhist_min + (int64_t)(i - 1) * m->lhist_step);
		sb__puts(sb, ", ");
		put_num(sb, m->lhist_min + (int64_t)i * m->lhist_step);
		sb__putc(sb, ')');
	}
}

/* The first and last non-empty buckets; false when all are empty. */
static bool used_range(const struct lang_row *r, unsigned *lo, unsigned *hi)
{
	bool any = false;

	for (unsigned i = 0; i < r->nbuckets; i++) {
		if (!r->buckets[i])
			continue;
		if (!any)
			*lo = i;
		*hi = i;
		any = true;
	}
	return any;
}

static void text_hist(struct strbuf *sb, const struct lang_map_out *m, const struct lang_row *r)
{
	unsigned lo = 0, hi = 0;
	uint64_t max = 0;

	put_name(sb, m, r);
	sb__puts(sb, ": \n");
	if (used_range(r, &lo, &hi)) {
		for (unsigned i = lo; i <= hi; i++)
			max = r->buckets[i] > max ? r->buckets[i] : max;
		for (unsigned i = lo; i <= hi; i++) {
			struct strbuf label = {};
			unsigned bar = (unsigned)((double)r->buckets[i] / (double)max * BAR_WIDTH);

			put_label(&label, m, i);
			sb__printf(sb, "%-16s%8llu |", label.buf ? label.buf : "",
				   (unsigned long long)r->buckets[i]);
			for (unsigned k = 0; k < BAR_WIDTH; k++)
				sb__putc(sb, k < bar ? '@' : ' ');
			sb__puts(sb, "|\n");
			sb__free(&label);
		}
	}
	sb__putc(sb, '\n');
}

static void text_map(struct strbuf *sb, const struct lang_map_out *m, const struct lang_row *rows,
		     unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct lang_row *r = &rows[i];

		if (is_hist(m->kind)) {
			text_hist(sb, m, r);
			continue;
		}
		put_name(sb, m, r);
		sb__puts(sb, ": ");
		if (r->str)
			sb__puts(sb, r->str);
		else if (m->kind == LANG_MV_STATS)
			sb__printf(sb, "count %llu, average %lld, total %lld", (unsigned long long)r->count,
				   (long long)avg_of(r), (long long)r->total);
		else
			sb__i64(sb, m->kind == LANG_MV_AVG ? avg_of(r) : r->value);
		sb__putc(sb, '\n');
	}
	if (m->kind == LANG_MV_AVG || m->kind == LANG_MV_STATS)
		sb__putc(sb, '\n');
}

static void json_str(struct strbuf *sb, const char *s)
{
	json__escape(sb, s, strlen(s)); /* quotes included */
}

static void json_buckets(struct strbuf *sb, const struct lang_map_out *m, const struct lang_row *r)
{
	unsigned lo = 0, hi = 0, n = lhist_n(m);
	bool first = true;

	sb__putc(sb, '[');
	for (unsigned i = 0; used_range(r, &lo, &hi) && i <= hi; i++) {
		int64_t min, max;

		if (i < lo)
			continue;
		sb__puts(sb, first ? "{" : ", {");
		first = false;
		if (m->kind == LANG_MV_HIST) {
			min = i <= 1 ? 0 : (int64_t)(1ULL << (i - 2));
			max = i <= 1 ? 0 : (int64_t)((1ULL << (i - 1)) - 1);
			if (i == 0)
				sb__puts(sb, "\"max\": -1");
			else
				sb__printf(sb, "\"min\": %lld, \"max\": %lld", (long long)min, (long long)max);
		} else if (i == 0) {
			sb__printf(sb, "\"max\": %lld", (long long)(m->lhist_min - 1));
		} else if (i > n) {
			sb__printf(sb, "\"min\": %lld", (long long)m->lhist_max);
		} else {
			min = m->lhist_min + (int64_t)(i - 1) * m->lhist_step;
			sb__printf(sb, "\"min\": %lld, \"max\": %lld", (long long)min,
				   (long long)(min + m->lhist_step - 1));
		}
		sb__printf(sb, ", \"count\": %llu}", (unsigned long long)r->buckets[i]);
	}
	sb__putc(sb, ']');
}

static void json_value(struct strbuf *sb, const struct lang_map_out *m, const struct lang_row *r)
{
	if (is_hist(m->kind))
		json_buckets(sb, m, r);
	else if (r->str)
		json_str(sb, r->str);
	else if (m->kind == LANG_MV_STATS)
		sb__printf(sb, "{\"count\": %llu, \"average\": %lld, \"total\": %lld}",
			   (unsigned long long)r->count, (long long)avg_of(r), (long long)r->total);
	else
		sb__i64(sb, m->kind == LANG_MV_AVG ? avg_of(r) : r->value);
}

static void json_map(struct strbuf *sb, const struct lang_map_out *m, const struct lang_row *rows,
		     unsigned n)
{
	const char *type = is_hist(m->kind) ? "hist" :
			   m->kind == LANG_MV_AVG || m->kind == LANG_MV_STATS ? "stats" : "map";
	bool keyed = n && rows[0].nkeys;

	sb__printf(sb, "{\"type\": \"%s\", \"data\": {", type);
	json_str(sb, m->name);
	sb__puts(sb, ": ");
	if (keyed)
		sb__putc(sb, '{');
	for (unsigned i = 0; i < n; i++) {
		if (keyed) {
			struct strbuf k = {};

			put_keys(&k, &rows[i], ",");
			sb__puts(sb, i ? ", " : "");
			json_str(sb, k.buf ? k.buf : "");
			sb__puts(sb, ": ");
			sb__free(&k);
		} else if (i) {
			break; /* a map without keys has one value */
		}
		json_value(sb, m, &rows[i]);
	}
	if (keyed)
		sb__putc(sb, '}');
	else if (!n)
		sb__puts(sb, "null");
	sb__puts(sb, "}}\n");
}

void lang_print__map(struct strbuf *sb, enum lang_out_fmt fmt, const struct lang_map_out *m,
		     struct lang_row *rows, unsigned n)
{
	enum lang_map_kind kind = m->kind;

	qsort_r(rows, n, sizeof(*rows), row_cmp, &kind);
	if (fmt == LANG_OUT_JSON)
		json_map(sb, m, rows, n);
	else
		text_map(sb, m, rows, n);
}
