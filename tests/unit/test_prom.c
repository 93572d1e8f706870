// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/lib/prom.c: the Prometheus text exposition writer. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/hist.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"
#include "lib/prom.h"

static const char *text(struct strbuf *sb)
{
	assert_int_equal(sb->err, 0);
	return sb->buf ? sb->buf : "";
}

/* A Prometheus text writer on sb. */
static struct metrics_writer *prom(struct prom_writer *pw, struct strbuf *sb)
{
	prom_writer__init(pw, sb);
	return &pw->mw;
}

/* Returns a malloc'ed copy of the escaped label value. */
static char *escape(const char *s)
{
	struct strbuf sb = { 0 };
	char *r;

	prom__escape_label(&sb, s);
	assert_int_equal(sb.err, 0);
	r = strdup(sb.buf ? sb.buf : "");
	sb__free(&sb);
	return r;
}

static void assert_escape(const char *in, const char *want)
{
	char *got = escape(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* ---- families and plain samples ---- */

static void test_family(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);

	(void)state;
	mw__family(w, "sonde_events_total", METRIC_COUNTER, "Events seen.");
	assert_string_equal(text(&sb_),
			    "# HELP sonde_events_total Events seen.\n"
			    "# TYPE sonde_events_total counter\n");
	sb__free(&sb_);
}

static void test_family_help_escaping(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);

	(void)state;
	/* HELP escapes backslash and newline only; quotes stay as they are. */
	mw__family(w, "m", METRIC_GAUGE, "a \\ b\nc \"d\"");
	assert_string_equal(text(&sb_),
			    "# HELP m a \\\\ b\\nc \"d\"\n"
			    "# TYPE m gauge\n");
	sb__free(&sb_);
}

static void test_samples(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);

	(void)state;
	mw__family(w, "sonde_up", METRIC_GAUGE, "1 when up.");
	mw__sample(w, "sonde_up", NO_LABELS, 1);
	mw__sample(w, "sonde_ratio", LABELS({ "a", "x" }), 0.25);
	mw__sample(w, "sonde_nan", NO_LABELS, NAN);
	mw__sample(w, "sonde_inf", LABELS({ "a", "1" }, { "b", "2" }), INFINITY);
	mw__sample(w, "sonde_ninf", NO_LABELS, -INFINITY);
	mw__sample(w, "sonde_neg", NO_LABELS, -3);
	mw__sample_u64(w, "sonde_big_total", LABELS({ "k", "v" }), UINT64_MAX);
	mw__sample_u64(w, "sonde_zero_total", NO_LABELS, 0);
	assert_string_equal(text(&sb_),
			    "# HELP sonde_up 1 when up.\n"
			    "# TYPE sonde_up gauge\n"
			    "sonde_up 1\n"
			    "sonde_ratio{a=\"x\"} 0.25\n"
			    "sonde_nan NaN\n"
			    "sonde_inf{a=\"1\",b=\"2\"} +Inf\n"
			    "sonde_ninf -Inf\n"
			    "sonde_neg -3\n"
			    "sonde_big_total{k=\"v\"} 18446744073709551615\n"
			    "sonde_zero_total 0\n");
	sb__free(&sb_);
}

/* Doubles are written with enough digits to read back exactly. */
static void test_sample_round_trip(void **state)
{
	const double vals[] = { 0.1, 1.0 / 3, 1e-9, 123456789.123456789, 1e300, -2.5e-300 };

	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
		char *end;
		double back;

		mw__sample(w, "m", NO_LABELS, vals[i]);
		assert_memory_equal(text(&sb_), "m ", 2);
		back = strtod(text(&sb_) + 2, &end);
		assert_true(back == vals[i]);
		assert_string_equal(end, "\n");
		sb__free(&sb_);
	}
}

static void test_null_label_value(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);

	(void)state;
	mw__sample_u64(w, "m", LABELS({ "comm", NULL }), 7);
	assert_string_equal(text(&sb_), "m{comm=\"\"} 7\n");
	sb__free(&sb_);
}

/* ---- label escaping ---- */

static void test_escape_plain(void **state)
{
	(void)state;
	assert_escape("", "");
	assert_escape("read", "read");
	assert_escape("a b\tc", "a b\tc");
}

static void test_escape_specials(void **state)
{
	(void)state;
	assert_escape("\\", "\\\\");
	assert_escape("\"", "\\\"");
	assert_escape("\n", "\\n");
	assert_escape("a\\b\"c\nd", "a\\\\b\\\"c\\nd");
	assert_escape("\\n", "\\\\n");	/* a literal backslash-n stays two characters */
	assert_escape("\"\"\\\\", "\\\"\\\"\\\\\\\\");
}

static void test_escape_utf8_valid(void **state)
{
	(void)state;
	assert_escape("caf\xC3\xA9", "caf\xC3\xA9");			/* é */
	assert_escape("\xE2\x82\xAC", "\xE2\x82\xAC");			/* € */
	assert_escape("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");		/* U+1F600 */
	assert_escape("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF");		/* U+10FFFF */
	assert_escape("\xEF\xBF\xBD", "\xEF\xBF\xBD");			/* U+FFFD itself */
}

static void test_escape_utf8_invalid(void **state)
{
	(void)state;
	assert_escape("\xFF", "\xEF\xBF\xBD");
	assert_escape("a\xFF" "b", "a\xEF\xBF\xBD" "b");
	assert_escape("\x80", "\xEF\xBF\xBD");				/* lone continuation */
	assert_escape("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");		/* overlong '/' */
	assert_escape("\xC1\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD");		/* overlong */
	assert_escape("\xC3\x28", "\xEF\xBF\xBD(");			/* bad continuation */
	assert_escape("\xF5\x80\x80\x80",
		      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");	/* > U+10FFFF lead */
	/* An invalid byte next to characters that need escaping. */
	assert_escape("\xFE\"\xFE", "\xEF\xBF\xBD\\\"\xEF\xBF\xBD");
}

/* Overlong 3/4-byte forms, surrogates and truncated sequences: every
 * replacement policy (per byte or per maximal subpart) gives valid UTF-8
 * with at least one U+FFFD and no raw bytes from the bad sequence. */
static void assert_replaced(const char *in, const char *keep)
{
	char *got = escape(in);
	size_t n = strlen(got);

	assert_non_null(strstr(got, "\xEF\xBF\xBD"));
	for (size_t i = 0; i < n;) {
		size_t l = utf8__seq_len((const unsigned char *)got + i, n - i);

		assert_true(l > 0);
		i += l;
	}
	if (keep)
		assert_non_null(strstr(got, keep));
	free(got);
}

static void test_escape_utf8_sequences(void **state)
{
	(void)state;
	assert_replaced("\xE0\x80\xAF", NULL);		/* overlong 3-byte '/' */
	assert_replaced("\xF0\x80\x80\xAF", NULL);	/* overlong 4-byte */
	assert_replaced("\xED\xA0\x80", NULL);		/* U+D800 */
	assert_replaced("\xED\xBF\xBF", NULL);		/* U+DFFF */
	assert_replaced("\xF4\x90\x80\x80", NULL);	/* U+110000 */
	assert_replaced("x\xE2\x82", "x");		/* truncated at the end */
	assert_replaced("\xE2\x82y", "y");		/* truncated before ASCII */
	assert_replaced("\xF0\x9F\x98", NULL);		/* truncated 4-byte */
	/* The character after a broken sequence survives. */
	assert_replaced("\xE2\x82\xC3\xA9", "\xC3\xA9");
}

/* ---- histograms ---- */

static void test_histogram_exact(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
	const uint64_t slots[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	mw__family(w, "lat_seconds", METRIC_HISTOGRAM, "Latency.");
	mw__histogram(w, "lat_seconds", LABELS({ "syscall", "read" }), slots, 8, 3, 1.5);
	/* Slots 0..2 fold into the first exported bucket (le = 2^3 ns); the
	 * last slot is only in +Inf. */
	assert_string_equal(text(&sb_),
			    "# HELP lat_seconds Latency.\n"
			    "# TYPE lat_seconds histogram\n"
			    "lat_seconds_bucket{syscall=\"read\",le=\"8e-09\"} 10\n"
			    "lat_seconds_bucket{syscall=\"read\",le=\"1.6e-08\"} 15\n"
			    "lat_seconds_bucket{syscall=\"read\",le=\"3.2e-08\"} 21\n"
			    "lat_seconds_bucket{syscall=\"read\",le=\"6.4e-08\"} 28\n"
			    "lat_seconds_bucket{syscall=\"read\",le=\"+Inf\"} 36\n"
			    "lat_seconds_sum{syscall=\"read\"} 1.5\n"
			    "lat_seconds_count{syscall=\"read\"} 36\n");
	sb__free(&sb_);
}

static void test_histogram_no_labels_no_fold(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
	const uint64_t slots[4] = { 0, 3, 0, 2 };

	(void)state;
	mw__histogram(w, "h", NO_LABELS, slots, 4, 0, 0);
	assert_string_equal(text(&sb_),
			    "h_bucket{le=\"1e-09\"} 0\n"
			    "h_bucket{le=\"2e-09\"} 3\n"
			    "h_bucket{le=\"4e-09\"} 3\n"
			    "h_bucket{le=\"+Inf\"} 5\n"
			    "h_sum 0\n"
			    "h_count 5\n");
	sb__free(&sb_);
}

static void test_histogram_all_folded(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
	const uint64_t slots[4] = { 1, 1, 1, 1 };

	(void)state;
	/* first_slot at the overflow slot: only +Inf remains. */
	mw__histogram(w, "h", LABELS({ "a", "b" }), slots, 4, 3, 2.0);
	assert_string_equal(text(&sb_),
			    "h_bucket{a=\"b\",le=\"+Inf\"} 4\n"
			    "h_sum{a=\"b\"} 2\n"
			    "h_count{a=\"b\"} 4\n");
	sb__free(&sb_);
}

static void test_histogram_label_escaping(void **state)
{
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
	const uint64_t slots[2] = { 1, 0 };

	(void)state;
	mw__histogram(w, "h", LABELS({ "comm", "a\"b\\c\n\xFF" }), slots, 2, 0, 1e-9);
	assert_string_equal(text(&sb_),
			    "h_bucket{comm=\"a\\\"b\\\\c\\n\xEF\xBF\xBD\",le=\"1e-09\"} 1\n"
			    "h_bucket{comm=\"a\\\"b\\\\c\\n\xEF\xBF\xBD\",le=\"+Inf\"} 1\n"
			    "h_sum{comm=\"a\\\"b\\\\c\\n\xEF\xBF\xBD\"} 1.0000000000000001e-09\n"
			    "h_count{comm=\"a\\\"b\\\\c\\n\xEF\xBF\xBD\"} 1\n");
	sb__free(&sb_);
}

/* Parses the exposition of one full-size histogram (the shape the syscalls
 * collector writes: 40 slots, first exported slot 7) and checks the
 * invariants Prometheus relies on. */
static void test_histogram_invariants(void **state)
{
	enum { N = 40, FIRST = 7 };
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
	uint64_t slots[N], total = 0, prev = 0, count = 0, inf = 0;
	double prev_le = 0;
	unsigned buckets = 0;
	char *save, *line, *copy;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		slots[i] = (i * 2654435761u) % 1000;
		total += slots[i];
	}
	mw__histogram(w, "x", LABELS({ "syscall", "openat" }), slots, N, FIRST, 12.5);
	copy = strdup(text(&sb_));
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *le = strstr(line, "le=\"");
		uint64_t v = strtoull(strrchr(line, ' ') + 1, NULL, 10);

		if (!strncmp(line, "x_bucket{syscall=\"openat\",le=\"", 30)) {
			assert_non_null(le);
			assert_true(v >= prev);	/* cumulative */
			prev = v;
			if (!strncmp(le + 4, "+Inf\"", 5)) {
				inf = v;
			} else {
				double b = strtod(le + 4, NULL);
				double want = hist__le_seconds(FIRST + buckets);

				assert_true(b > prev_le);	/* increasing */
				prev_le = b;
				/* The printed bound is the slot's bound, to 10 digits. */
				assert_true(fabs(b - want) <= want * 1e-9);
				assert_int_equal(inf, 0);	/* +Inf is last */
				buckets++;
			}
		} else if (!strncmp(line, "x_count{", 8)) {
			count = v;
		} else {
			assert_string_equal(line, "x_sum{syscall=\"openat\"} 12.5");
		}
	}
	free(copy);
	/* Buckets for slots FIRST..N-2, then +Inf. */
	assert_int_equal(buckets, N - 1 - FIRST);
	assert_int_equal(inf, total);
	assert_int_equal(count, total);
	/* The first bucket holds every folded slot. */
	{
		uint64_t cum[N];
		char want[128];

		hist__cumulate(slots, N, cum);
		snprintf(want, sizeof(want), "x_bucket{syscall=\"openat\",le=\"1.28e-07\"} %llu\n",
			 (unsigned long long)cum[FIRST]);
		assert_non_null(strstr(text(&sb_), want));
	}
	sb__free(&sb_);
}

/* ---- promtool ---- */

static void test_promtool(void **state)
{
	static const uint64_t slots[40] = { [0] = 2, [3] = 5, [7] = 9, [20] = 4, [39] = 1 };
	struct strbuf sb_ = { 0 };
	struct prom_writer pw_;
	struct metrics_writer *const w = prom(&pw_, &sb_);
	char dir[] = "/tmp/sonde-prom-XXXXXX", path[64], out[64], cmd[256], msg[4096];
	FILE *f;
	size_t n;
	int rc;

	(void)state;
	if (access("/usr/bin/promtool", X_OK)) {
		print_message("SKIP: promtool not installed\n");
		skip();
	}
	mw__family(w, "sonde_test_events_total", METRIC_COUNTER,
		   "Events by \"kind\", with a \\ backslash\nand a newline.");
	mw__sample_u64(w, "sonde_test_events_total",
		       LABELS({ "kind", "quote\"back\\slash\nnewline" }, { "comm", "ok" }), 12);
	mw__sample_u64(w, "sonde_test_events_total",
		       LABELS({ "kind", "bad\xFF\xC0utf8\xED\xA0\x80" }, { "comm", "caf\xC3\xA9 \xF0\x9F\x98\x80" }), 3);
	mw__sample_u64(w, "sonde_test_events_total",
		       LABELS({ "kind", "" }, { "comm", "tab\there{}=,\"" }), 0);
	mw__family(w, "sonde_test_temperature_celsius", METRIC_GAUGE, "A gauge.");
	mw__sample(w, "sonde_test_temperature_celsius", NO_LABELS, -1.25);
	mw__sample(w, "sonde_test_temperature_celsius", LABELS({ "probe", "nan" }), NAN);
	mw__sample(w, "sonde_test_temperature_celsius", LABELS({ "probe", "inf" }), INFINITY);
	mw__sample(w, "sonde_test_temperature_celsius", LABELS({ "probe", "tiny" }), 1e-300);
	mw__family(w, "sonde_test_duration_seconds", METRIC_HISTOGRAM, "A histogram.");
	mw__histogram(w, "sonde_test_duration_seconds", LABELS({ "syscall", "read" }), slots, 40, 7,
		      0.123);
	mw__histogram(w, "sonde_test_duration_seconds", LABELS({ "syscall", "we\"ird\\\n\xFF" }),
		      slots, 40, 0, 1e-9);
	mw__histogram(w, "sonde_test_duration_seconds", LABELS({ "syscall", "empty" }),
		      (const uint64_t[40]){ 0 }, 40, 7, 0);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/metrics.txt", dir);
	snprintf(out, sizeof(out), "%s/out.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text(&sb_), 1, sb_.len, f), sb_.len);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "/usr/bin/promtool check metrics < %s > %s 2>&1", path, out);
	rc = system(cmd);
	f = fopen(out, "r");
	n = f ? fread(msg, 1, sizeof(msg) - 1, f) : 0;
	msg[n] = '\0';
	if (f)
		fclose(f);
	if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
		print_error("promtool check metrics failed (status %d):\n%s\n--- input ---\n%s\n",
			    rc, msg, text(&sb_));
	unlink(path);
	unlink(out);
	rmdir(dir);
	sb__free(&sb_);
	assert_true(WIFEXITED(rc));
	assert_int_equal(WEXITSTATUS(rc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_family_help_escaping),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_sample_round_trip),
		cmocka_unit_test(test_null_label_value),
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_utf8_valid),
		cmocka_unit_test(test_escape_utf8_invalid),
		cmocka_unit_test(test_escape_utf8_sequences),
		cmocka_unit_test(test_histogram_exact),
		cmocka_unit_test(test_histogram_no_labels_no_fold),
		cmocka_unit_test(test_histogram_all_folded),
		cmocka_unit_test(test_histogram_label_escaping),
		cmocka_unit_test(test_histogram_invariants),
		cmocka_unit_test(test_promtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
