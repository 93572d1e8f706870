// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: json__escape on arbitrary bytes.
 * FUZZ_SRCS: src/lib/json.c src/lib/utf8.c src/lib/strbuf.c
 * FUZZ_LIBS:
 *
 * Properties: the output is one JSON string literal: quoted, valid UTF-8
 * (by utf8__seq_len), no raw control character or DEL, only valid escapes;
 * and unescaping it gives back the input with every byte that does not
 * start a well-formed UTF-8 sequence replaced by U+FFFD. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/strbuf.h"
#include "lib/utf8.h"
#include "lib/json.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	char b[3];

	if (cp < 0x80) {
		sb__putc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		sb__append(sb, b, 2);
	} else {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		sb__append(sb, b, 3);
	}
}

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = { 0 }, dec = { 0 }, want = { 0 };
	const unsigned char *o;
	size_t n;

	json__escape(&out, (const char *)data, size);
	if (out.err)
		FAIL("strbuf error %d", out.err);
	o = (const unsigned char *)out.buf;
	n = out.len;
	if (n < 2 || o[0] != '"' || o[n - 1] != '"')
		FAIL("not quoted");
	if (o[n] != '\0')
		FAIL("not NUL-terminated");
	/* Valid UTF-8, no raw controls, escapes well-formed; decode. */
	for (size_t i = 1; i < n - 1;) {
		size_t l = utf8__seq_len(o + i, n - 1 - i);

		if (!l)
			FAIL("invalid UTF-8 at output byte %zu", i);
		if (o[i] < 0x20 || o[i] == 0x7f)
			FAIL("raw control 0x%02x at output byte %zu", o[i], i);
		if (o[i] == '"')
			FAIL("unescaped quote at output byte %zu", i);
		if (o[i] != '\\') {
			sb__append(&dec, (const char *)o + i, l);
			i += l;
			continue;
		}
		if (i + 1 >= n - 1)
			FAIL("dangling backslash");
		switch (o[i + 1]) {
		case '"': sb__putc(&dec, '"'); i += 2; continue;
		case '\\': sb__putc(&dec, '\\'); i += 2; continue;
		case 'n': sb__putc(&dec, '\n'); i += 2; continue;
		case 'r': sb__putc(&dec, '\r'); i += 2; continue;
		case 't': sb__putc(&dec, '\t'); i += 2; continue;
		case 'u': {
			unsigned cp = 0;

			if (i + 6 > n - 1)
				FAIL("short \\u escape");
			for (int k = 0; k < 4; k++) {
				int h = hexval((char)o[i + 2 + k]);

				if (h < 0)
					FAIL("bad hex in \\u escape");
				cp = cp << 4 | (unsigned)h;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				FAIL("lone surrogate escape \\u%04x", cp);
			put_utf8(&dec, cp);
			i += 6;
			continue;
		}
		default:
			FAIL("invalid escape \\%c", o[i + 1]);
		}
	}
	/* The expected decoding. */
	for (size_t i = 0; i < size;) {
		size_t l = utf8__seq_len(data + i, size - i);

		if (l) {
			sb__append(&want, (const char *)data + i, l);
			i += l;
		} else {
			sb__puts(&want, "\xEF\xBF\xBD");
			i++;
		}
	}
	if (dec.len != want.len || (dec.len && memcmp(dec.buf, want.buf, dec.len)))
		FAIL("decoded output differs from the input (%zu vs %zu bytes)", dec.len, want.len);
	sb__free(&out);
	sb__free(&dec);
	sb__free(&want);
	return 0;
}
