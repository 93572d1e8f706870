// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include "lib/utf8.h"
#include "lib/json.h"

/* Bytes copied as they are: printable ASCII but '"' and '\\'. */
static const bool plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,	/* not 0x22 '"', 0x5c '\\' */
};

void json__escape(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	sb__reserve(sb, n + 2);
	sb__putc(sb, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len, run;

		/* Plain printable ASCII, the common case, in one copy. */
		for (run = i; run < n && plain[p[run]]; run++)
			;
		if (run > i) {
			sb__append(sb, s + i, run - i);
			i = run;
			continue;
		}

		switch (c) {
		case '"': sb__puts(sb, "\\\""); i++; continue;
		case '\\': sb__puts(sb, "\\\\"); i++; continue;
		case '\n': sb__puts(sb, "\\n"); i++; continue;
		case '\r': sb__puts(sb, "\\r"); i++; continue;
		case '\t': sb__puts(sb, "\\t"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			sb__append(sb, u, 6);
			i++;
		} else if ((len = utf8__seq_len(p + i, n - i))) {
			sb__append(sb, s + i, len);
			i += len;
		} else {
			sb__puts(sb, "\\ufffd");
			i++;
		}
	}
	sb__putc(sb, '"');
}

void jw__init(struct json_writer *w, struct strbuf *sb)
{
	memset(w, 0, sizeof(*w));
	w->sb = sb;
}

static void sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->depth <= JW_MAX_DEPTH) {
		if (w->need_comma[w->depth - 1])
			sb__putc(w->sb, ',');
		w->need_comma[w->depth - 1] = true;
	}
}

static void open_(struct json_writer *w, char c)
{
	sep(w);
	sb__putc(w->sb, c);
	if (w->depth < JW_MAX_DEPTH)
		w->need_comma[w->depth] = false;
	else if (!w->sb->err)
		w->sb->err = -E2BIG;
	w->depth++;
}

static void close_(struct json_writer *w, char c)
{
	w->depth--;
	sb__putc(w->sb, c);
}

void jw__init_members(struct json_writer *w, struct strbuf *sb)
{
	jw__init(w, sb);
	w->depth = 1;
}

void jw__members(struct json_writer *w, const char *s, size_t n)
{
	if (!n)
		return;
	sep(w);
	sb__append(w->sb, s, n);
}

void jw__obj_begin(struct json_writer *w) { open_(w, '{'); }
void jw__obj_end(struct json_writer *w) { close_(w, '}'); }
void jw__arr_begin(struct json_writer *w) { open_(w, '['); }
void jw__arr_end(struct json_writer *w) { close_(w, ']'); }

void jw__key(struct json_writer *w, const char *k)
{
	sep(w);
	json__escape(w->sb, k, strlen(k));
	sb__putc(w->sb, ':');
	w->after_key = true;
}

void jw__strn(struct json_writer *w, const char *s, size_t n)
{
	sep(w);
	json__escape(w->sb, s, n);
}

void jw__str(struct json_writer *w, const char *s)
{
	if (!s) {
		jw__null(w);
		return;
	}
	jw__strn(w, s, strlen(s));
}

void jw__u64(struct json_writer *w, uint64_t v)
{
	sep(w);
	sb__u64(w->sb, v);
}

void jw__i64(struct json_writer *w, int64_t v)
{
	sep(w);
	sb__i64(w->sb, v);
}

void jw__double(struct json_writer *w, double v)
{
	sep(w);
	if (isfinite(v))
		sb__printf(w->sb, "%.17g", v);
	else
		sb__puts(w->sb, "null");	/* JSON has no NaN or Inf */
}

void jw__bool(struct json_writer *w, bool v)
{
	sep(w);
	sb__puts(w->sb, v ? "true" : "false");
}

void jw__null(struct json_writer *w)
{
	sep(w);
	sb__puts(w->sb, "null");
}

/* ---- the field writer's JSON backend ---- */

#define JW(fw) (((struct json_fields *)(fw))->jw)

static void key_of(struct json_writer *w, const char *key)
{
	if (key)
		jw__key(w, key);
}

static void jf_str(struct field_writer *fw, const char *key, const char *s, size_t n)
{
	key_of(JW(fw), key);
	jw__strn(JW(fw), s, n);
}

static void jf_i64(struct field_writer *fw, const char *key, int64_t v)
{
	key_of(JW(fw), key);
	jw__i64(JW(fw), v);
}

static void jf_u64(struct field_writer *fw, const char *key, uint64_t v)
{
	key_of(JW(fw), key);
	jw__u64(JW(fw), v);
}

static void jf_dbl(struct field_writer *fw, const char *key, double v)
{
	key_of(JW(fw), key);
	jw__double(JW(fw), v);
}

static void jf_bool(struct field_writer *fw, const char *key, bool v)
{
	key_of(JW(fw), key);
	jw__bool(JW(fw), v);
}

static void jf_null(struct field_writer *fw, const char *key)
{
	key_of(JW(fw), key);
	jw__null(JW(fw));
}

static void jf_open(struct field_writer *fw, const char *key, bool array)
{
	key_of(JW(fw), key);
	if (array)
		jw__arr_begin(JW(fw));
	else
		jw__obj_begin(JW(fw));
}

static void jf_close(struct field_writer *fw, bool array)
{
	if (array)
		jw__arr_end(JW(fw));
	else
		jw__obj_end(JW(fw));
}

static const struct field_writer_ops json_field_ops = {
	.str = jf_str, .i64 = jf_i64, .u64 = jf_u64, .dbl = jf_dbl, .boolean = jf_bool,
	.null = jf_null, .open = jf_open, .close = jf_close,
};

void json_fields__init(struct json_fields *jf, struct json_writer *jw)
{
	jf->fw.ops = &json_field_ops;
	jf->jw = jw;
}

/* RFC 3339 with nanoseconds; the date part changes once a second, so it is
 * formatted then, not per event. */
void jw__time(struct json_writer *w, uint64_t time_ns)
{
	static __thread time_t last_sec = -1;
	static __thread char date[32];
	static __thread size_t date_len;
	time_t sec = time_ns / 1000000000ULL;
	unsigned long ns = time_ns % 1000000000ULL;
	char ts[48];

	if (sec != last_sec) {
		struct tm tm;

		gmtime_r(&sec, &tm);
		date_len = strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S.", &tm);
		last_sec = sec;
	}
	memcpy(ts, date, date_len);
	for (int i = 8; i >= 0; i--, ns /= 10)
		ts[date_len + i] = '0' + ns % 10;
	ts[date_len + 9] = 'Z';
	jw__strn(w, ts, date_len + 10);
}
