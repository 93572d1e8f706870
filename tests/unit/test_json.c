// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/lib/json.c (the event JSON writer) and
 * src/lib/utf8.c (the UTF-8 validator under it and the Prometheus
 * label escaper). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/strbuf.h"
#include "lib/utf8.h"
#include "lib/json.h"

/* ---- json__escape ---- */

static void check_escape(const char *in, size_t n, const char *want)
{
	struct strbuf sb = { 0 };

	json__escape(&sb, in, n);
	assert_int_equal(sb.err, 0);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, want);
	assert_int_equal(sb.len, strlen(want));
	sb__free(&sb);
}

#define ESC(in, want) check_escape(in, sizeof(in) - 1, want)

static void test_escape_plain(void **state)
{
	(void)state;
	ESC("", "\"\"");
	ESC("abc", "\"abc\"");
	ESC("a/b", "\"a/b\"");		/* '/' needs no escaping */
	ESC(" ~", "\" ~\"");
	/* Only n bytes are taken. */
	check_escape("abcdef", 3, "\"abc\"");
}

static void test_escape_specials(void **state)
{
	(void)state;
	ESC("\"", "\"\\\"\"");
	ESC("\\", "\"\\\\\"");
	ESC("\n", "\"\\n\"");
	ESC("\r", "\"\\r\"");
	ESC("\t", "\"\\t\"");
	ESC("a\"b\\c\nd\re\tf", "\"a\\\"b\\\\c\\nd\\re\\tf\"");
	ESC("\\u0041", "\"\\\\u0041\"");	/* a literal \u stays literal */
}

static void test_escape_control(void **state)
{
	(void)state;
	ESC("\x01", "\"\\u0001\"");
	ESC("\x08", "\"\\u0008\"");
	ESC("\x0b", "\"\\u000b\"");
	ESC("\x0c", "\"\\u000c\"");
	ESC("\x1b[0m", "\"\\u001b[0m\"");
	ESC("\x1f", "\"\\u001f\"");
	ESC("\x7f", "\"\\u007f\"");	/* DEL */
	ESC(" ", "\" \"");		/* 0x20 is not a control character */
	/* An embedded NUL is data when the length says so. */
	check_escape("a\0b", 3, "\"a\\u0000b\"");
	/* Every control character: \uXXXX unless it has a short form. */
	for (int c = 0; c < 0x20; c++) {
		char in[1] = { (char)c }, want[16];

		if (c == '\n')
			strcpy(want, "\"\\n\"");
		else if (c == '\r')
			strcpy(want, "\"\\r\"");
		else if (c == '\t')
			strcpy(want, "\"\\t\"");
		else
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		check_escape(in, 1, want);
	}
}

static void test_escape_utf8_valid(void **state)
{
	(void)state;
	ESC("caf\xC3\xA9", "\"caf\xC3\xA9\"");
	ESC("\xC2\x80", "\"\xC2\x80\"");			/* U+0080 (C1 control, valid UTF-8) */
	ESC("\xE2\x82\xAC", "\"\xE2\x82\xAC\"");
	ESC("\xE0\xA0\x80", "\"\xE0\xA0\x80\"");		/* U+0800, smallest 3-byte */
	ESC("\xED\x9F\xBF", "\"\xED\x9F\xBF\"");		/* U+D7FF, just below surrogates */
	ESC("\xEE\x80\x80", "\"\xEE\x80\x80\"");		/* U+E000, just above */
	ESC("\xEF\xBF\xBF", "\"\xEF\xBF\xBF\"");		/* U+FFFF */
	ESC("\xF0\x90\x80\x80", "\"\xF0\x90\x80\x80\"");	/* U+10000 */
	ESC("\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\"");
	ESC("\xF4\x8F\xBF\xBF", "\"\xF4\x8F\xBF\xBF\"");	/* U+10FFFF */
	ESC("\xE6\x97\xA5\xE6\x9C\xAC\"", "\"\xE6\x97\xA5\xE6\x9C\xAC\\\"\"");
}

static void test_escape_utf8_invalid(void **state)
{
	(void)state;
	ESC("\xFF", "\"\\ufffd\"");
	ESC("\xFE", "\"\\ufffd\"");
	ESC("\x80", "\"\\ufffd\"");			/* lone continuation */
	ESC("a\xBF" "b", "\"a\\ufffdb\"");
	ESC("\xC0\x80", "\"\\ufffd\\ufffd\"");		/* overlong NUL */
	ESC("\xC1\xBF", "\"\\ufffd\\ufffd\"");		/* overlong */
	ESC("\xC3\x28", "\"\\ufffd(\"");		/* bad continuation */
	ESC("\xC3\"", "\"\\ufffd\\\"\"");		/* the quote after it is still escaped */
	ESC("\xC3\n", "\"\\ufffd\\n\"");
	ESC("\xF5\x80", "\"\\ufffd\\ufffd\"");		/* lead > F4 */
	ESC("\xF8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* 5-byte form */
}

/* Sequences where "one U+FFFD per byte" and "one per maximal subpart" may
 * differ: the output must hold U+FFFD, no raw byte of the bad sequence, and
 * what follows must survive. */
static void check_replaced(const char *in, size_t n, const char *tail)
{
	struct strbuf sb = { 0 };
	size_t tl = tail ? strlen(tail) : 0, body;

	json__escape(&sb, in, n);
	assert_int_equal(sb.err, 0);
	assert_true(sb.len >= 2 + tl);
	assert_int_equal(sb.buf[0], '"');
	assert_int_equal(sb.buf[sb.len - 1], '"');
	assert_non_null(strstr(sb.buf, "\\ufffd"));
	/* Before the tail: ASCII only (escapes), no raw byte of the bad input. */
	body = sb.len - 1 - tl;
	for (size_t i = 1; i < body; i++)
		assert_true((unsigned char)sb.buf[i] < 0x80);
	if (tail)
		assert_memory_equal(sb.buf + body, tail, tl);
	sb__free(&sb);
}

#define REPL(in, tail) check_replaced(in, sizeof(in) - 1, tail)

static void test_escape_utf8_overlong_surrogate_truncated(void **state)
{
	(void)state;
	REPL("\xE0\x80\xAF", NULL);		/* overlong 3-byte */
	REPL("\xE0\x9F\xBF", NULL);		/* overlong U+07FF */
	REPL("\xF0\x80\x80\xAF", NULL);		/* overlong 4-byte */
	REPL("\xF0\x8F\xBF\xBF", NULL);		/* overlong U+FFFF */
	REPL("\xED\xA0\x80", NULL);		/* U+D800 */
	REPL("\xED\xAF\xBF\xED\xB0\x80", NULL);	/* surrogate pair in CESU-8 */
	REPL("\xED\xBF\xBF", NULL);		/* U+DFFF */
	REPL("\xF4\x90\x80\x80", NULL);		/* U+110000 */
	REPL("\xE2\x82", NULL);			/* truncated 3-byte at the end */
	REPL("\xF0\x9F\x98", NULL);		/* truncated 4-byte at the end */
	REPL("\xC3", NULL);			/* truncated 2-byte at the end */
	REPL("\xE2\x82z", "z");			/* truncated before ASCII */
	REPL("\xF0\x9F\x98!", "!");
	REPL("\xE2\x82\xC3\xA9", "\xC3\xA9");	/* truncated before a valid character */
	/* Truncated by n although the bytes continue past it. */
	check_replaced("\xE2\x82\xAC", 2, NULL);
}

/* ---- json writer ---- */

static void test_writer_flat(void **state)
{
	struct strbuf sb = { 0 };
	struct json_writer w;

	(void)state;
	jw__init(&w, &sb);
	jw__obj_begin(&w);
	jw__key(&w, "s"); jw__str(&w, "x\"y");
	jw__key(&w, "n"); jw__str(&w, NULL);
	jw__key(&w, "u"); jw__u64(&w, UINT64_MAX);
	jw__key(&w, "i"); jw__i64(&w, INT64_MIN);
	jw__key(&w, "t"); jw__bool(&w, true);
	jw__key(&w, "f"); jw__bool(&w, false);
	jw__key(&w, "z"); jw__null(&w);
	jw__key(&w, "sn"); jw__strn(&w, "abcdef", 2);
	jw__key(&w, "k\n"); jw__u64(&w, 0);
	jw__obj_end(&w);
	assert_string_equal(sb.buf,
			    "{\"s\":\"x\\\"y\",\"n\":null,\"u\":18446744073709551615,"
			    "\"i\":-9223372036854775808,\"t\":true,\"f\":false,\"z\":null,"
			    "\"sn\":\"ab\",\"k\\n\":0}");
	assert_int_equal(w.depth, 0);
	sb__free(&sb);
}

static void test_writer_nested(void **state)
{
	struct strbuf sb = { 0 };
	struct json_writer w;

	(void)state;
	jw__init(&w, &sb);
	jw__obj_begin(&w);
	jw__key(&w, "a"); jw__u64(&w, 1);
	jw__key(&w, "b");
	jw__arr_begin(&w);
	jw__u64(&w, 1);
	jw__u64(&w, 2);
	jw__obj_begin(&w);
	jw__key(&w, "c"); jw__null(&w);
	jw__obj_end(&w);
	jw__arr_begin(&w); jw__arr_end(&w);
	jw__obj_begin(&w); jw__obj_end(&w);
	jw__arr_begin(&w); jw__str(&w, "x"); jw__arr_end(&w);
	jw__arr_end(&w);
	jw__key(&w, "d"); jw__obj_begin(&w); jw__obj_end(&w);
	jw__key(&w, "e"); jw__arr_begin(&w); jw__arr_end(&w);
	jw__key(&w, "f");
	jw__obj_begin(&w);
	jw__key(&w, "g");
	jw__obj_begin(&w);
	jw__key(&w, "h"); jw__i64(&w, -1);
	jw__key(&w, "i"); jw__i64(&w, 2);
	jw__obj_end(&w);
	jw__key(&w, "j"); jw__bool(&w, false);
	jw__obj_end(&w);
	jw__obj_end(&w);
	assert_string_equal(sb.buf,
			    "{\"a\":1,\"b\":[1,2,{\"c\":null},[],{},[\"x\"]],\"d\":{},\"e\":[],"
			    "\"f\":{\"g\":{\"h\":-1,\"i\":2},\"j\":false}}");
	assert_int_equal(w.depth, 0);
	sb__free(&sb);
}

static void test_writer_top_level_array(void **state)
{
	struct strbuf sb = { 0 };
	struct json_writer w;

	(void)state;
	jw__init(&w, &sb);
	jw__arr_begin(&w);
	for (int i = 0; i < 3; i++) {
		jw__obj_begin(&w);
		jw__key(&w, "i"); jw__i64(&w, i);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	assert_string_equal(sb.buf, "[{\"i\":0},{\"i\":1},{\"i\":2}]");
	sb__free(&sb);
}

/* Writes [[[...[1,2]...,1,2],1,2] with `depth` arrays, checks the text. */
static void check_deep(int depth)
{
	struct strbuf sb = { 0 }, want = { 0 };
	struct json_writer w;

	jw__init(&w, &sb);
	for (int i = 0; i < depth; i++)
		jw__arr_begin(&w);
	for (int i = 0; i < depth; i++) {
		jw__u64(&w, 1);
		jw__u64(&w, 2);
		jw__arr_end(&w);
	}
	for (int i = 0; i < depth; i++)
		sb__putc(&want, '[');
	for (int i = 0; i < depth; i++)
		sb__puts(&want, i ? ",1,2]" : "1,2]");
	assert_string_equal(sb.buf, want.buf);
	assert_int_equal(w.depth, 0);
	sb__free(&sb);
	sb__free(&want);
}

static void test_writer_depth_16(void **state)
{
	(void)state;
	check_deep(1);
	check_deep(15);
	check_deep(16);
}

/* json.h: "always well-formed". The comma state has 16 levels; deeper
 * nesting must still produce valid JSON (or at least not write outside
 * need_comma[]). */
static void test_writer_depth_over_16(void **state)
{
	(void)state;
	check_deep(17);
	check_deep(24);
}

static void check_double(double v, const char *want)
{
	struct strbuf sb = { 0 };
	struct json_writer w;

	jw__init(&w, &sb);
	jw__double(&w, v);
	assert_string_equal(sb.buf, want);
	sb__free(&sb);
}

static void test_writer_double(void **state)
{
	(void)state;
	check_double(NAN, "null");
	check_double(-NAN, "null");
	check_double(INFINITY, "null");
	check_double(-INFINITY, "null");
	check_double(0.5, "0.5");
	check_double(0, "0");
	check_double(-3, "-3");
	check_double(1e300, "1.0000000000000001e+300");
	{
		struct strbuf sb = { 0 };
		struct json_writer w;

		jw__init(&w, &sb);
		jw__arr_begin(&w);
		jw__double(&w, NAN);
		jw__double(&w, 0.1);
		jw__double(&w, INFINITY);
		jw__arr_end(&w);
		assert_string_equal(sb.buf, "[null,0.10000000000000001,null]");
		/* Finite values read back exactly. */
		assert_true(strtod(sb.buf + 6, NULL) == 0.1);
		sb__free(&sb);
	}
}

/* ---- utf8__seq_len ---- */

#define SEQ(bytes) utf8__seq_len((const unsigned char *)(bytes), sizeof(bytes) - 1)

static void test_utf8_edges(void **state)
{
	(void)state;
	assert_int_equal(utf8__seq_len((const unsigned char *)"\0", 1), 1);
	assert_int_equal(SEQ("A"), 1);
	assert_int_equal(SEQ("\x7F"), 1);
	assert_int_equal(SEQ("\x80"), 0);
	assert_int_equal(SEQ("\xBF"), 0);
	assert_int_equal(SEQ("\xC0\x80"), 0);
	assert_int_equal(SEQ("\xC1\xBF"), 0);
	assert_int_equal(SEQ("\xC2\x80"), 2);
	assert_int_equal(SEQ("\xDF\xBF"), 2);
	assert_int_equal(SEQ("\xC2\x7F"), 0);
	assert_int_equal(SEQ("\xC2\xC0"), 0);
	assert_int_equal(SEQ("\xE0\x9F\xBF"), 0);	/* overlong */
	assert_int_equal(SEQ("\xE0\xA0\x80"), 3);
	assert_int_equal(SEQ("\xED\x9F\xBF"), 3);
	assert_int_equal(SEQ("\xED\xA0\x80"), 0);	/* U+D800 */
	assert_int_equal(SEQ("\xED\xBF\xBF"), 0);	/* U+DFFF */
	assert_int_equal(SEQ("\xEE\x80\x80"), 3);
	assert_int_equal(SEQ("\xEF\xBF\xBF"), 3);
	assert_int_equal(SEQ("\xE2\x82\x41"), 0);	/* bad third byte */
	assert_int_equal(SEQ("\xE2\x82\xC0"), 0);
	assert_int_equal(SEQ("\xF0\x8F\xBF\xBF"), 0);	/* overlong */
	assert_int_equal(SEQ("\xF0\x90\x80\x80"), 4);
	assert_int_equal(SEQ("\xF4\x8F\xBF\xBF"), 4);
	assert_int_equal(SEQ("\xF4\x90\x80\x80"), 0);	/* > U+10FFFF */
	assert_int_equal(SEQ("\xF0\x9F\x98\x41"), 0);	/* bad fourth byte */
	assert_int_equal(SEQ("\xF0\x9F\x41\x80"), 0);	/* bad third byte */
	for (int c = 0xF5; c <= 0xFF; c++) {
		unsigned char b[4] = { (unsigned char)c, 0x80, 0x80, 0x80 };

		assert_int_equal(utf8__seq_len(b, 4), 0);
	}
	/* Extra bytes after a complete sequence do not matter. */
	assert_int_equal(SEQ("\xC3\xA9\xC3"), 2);
	assert_int_equal(SEQ("a\xFF"), 1);
}

/* Sequences cut short by n: 0, and no byte at or past n is read (the
 * buffers are exactly n bytes on the heap, so ASan sees any over-read). */
static void test_utf8_truncated(void **state)
{
	static const char *const full[] = { "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80" };

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		size_t len = strlen(full[k]);

		assert_int_equal(utf8__seq_len((const unsigned char *)full[k], len), len);
		for (size_t n = 1; n < len; n++) {
			unsigned char *b = malloc(n);

			memcpy(b, full[k], n);
			assert_int_equal(utf8__seq_len(b, n), 0);
			free(b);
		}
	}
}

/* Reference decoder: well-formed iff the code point is in range, not a
 * surrogate and in its shortest form. */
static size_t ref_seq_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static void check_seq(const unsigned char s[4])
{
	for (size_t n = 1; n <= 4; n++)
		if (utf8__seq_len(s, n) != ref_seq_len(s, n))
			fail_msg("utf8__seq_len(%02x %02x %02x %02x, %zu) = %zu, want %zu", s[0], s[1],
				 s[2], s[3], n, utf8__seq_len(s, n), ref_seq_len(s, n));
}

static void test_utf8_exhaustive(void **state)
{
	static const unsigned char some[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
					      0xA0, 0xBF, 0xC0, 0xFF };

	(void)state;
	/* Every lead byte with every second byte; every third byte after a
	 * 3-byte lead; third and fourth bytes from a set after 4-byte leads. */
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			if (a >= 0xE0 && a <= 0xEF) {
				for (unsigned c = 0; c < 256; c++)
					check_seq((const unsigned char[4]){ a, b, c, 0x80 });
			} else if (a >= 0xF0) {
				for (size_t i = 0; i < sizeof(some); i++)
					for (size_t j = 0; j < sizeof(some); j++)
						check_seq((const unsigned char[4]){ a, b, some[i], some[j] });
			} else {
				check_seq((const unsigned char[4]){ a, b, 0x80, 0x80 });
				check_seq((const unsigned char[4]){ a, b, 0x41, 0x41 });
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_control),
		cmocka_unit_test(test_escape_utf8_valid),
		cmocka_unit_test(test_escape_utf8_invalid),
		cmocka_unit_test(test_escape_utf8_overlong_surrogate_truncated),
		cmocka_unit_test(test_writer_flat),
		cmocka_unit_test(test_writer_nested),
		cmocka_unit_test(test_writer_top_level_array),
		cmocka_unit_test(test_writer_depth_16),
		cmocka_unit_test(test_writer_double),
		cmocka_unit_test(test_utf8_edges),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_exhaustive),
		/* Last: hits undefined behaviour in src/ until fixed, which
		 * aborts the whole binary in the UBSan build. */
		cmocka_unit_test(test_writer_depth_over_16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
