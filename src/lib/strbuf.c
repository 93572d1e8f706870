// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/strbuf.h"
#include "lib/utf8.h"

int sb__reserve(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->err)
		return sb->err;
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p)
		return sb->err = -ENOMEM;
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

int sb__append(struct strbuf *sb, const char *s, size_t n)
{
	int err = sb__reserve(sb, n);

	if (err)
		return err;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int sb__puts(struct strbuf *sb, const char *s) { return sb__append(sb, s, strlen(s)); }
int sb__u64(struct strbuf *sb, unsigned long long v)
{
	char tmp[20], *p = tmp + sizeof(tmp);

	do
		*--p = '0' + v % 10;
	while (v /= 10);
	return sb__append(sb, p, tmp + sizeof(tmp) - p);
}

int sb__i64(struct strbuf *sb, long long v)
{
	if (v >= 0)
		return sb__u64(sb, v);
	sb__putc(sb, '-');
	return sb__u64(sb, -(unsigned long long)v);
}

int sb__printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sb->err = -EINVAL;
	err = sb__reserve(sb, n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
	return 0;
}

char *sb__detach(struct strbuf *sb, size_t *len)
{
	char *p;

	if (sb__reserve(sb, 0)) {
		sb__free(sb);
		return NULL;
	}
	sb->buf[sb->len] = '\0';
	p = sb->buf;
	if (len)
		*len = sb->len;
	memset(sb, 0, sizeof(*sb));
	return p;
}

void sb__reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->err = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb__free(struct strbuf *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof(*sb));
}

int sb__put_text(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len;
		char esc[8];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			sb__putc(sb, c);
			i++;
			continue;
		}
		len = c >= 0x80 ? utf8__seq_len(p + i, n - i) : 0;
		/* U+0080..U+009F are C1 controls (U+009B is CSI). */
		if (len == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
			snprintf(esc, sizeof(esc), "\\u%04x", p[i + 1]);
			sb__puts(sb, esc);
		} else if (len) {
			sb__append(sb, s + i, len);
		} else if (c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			sb__append(sb, esc, 2);
		} else {
			char x[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			sb__append(sb, x, 4);
		}
		i += len ? len : 1;
	}
	return sb->err;
}
