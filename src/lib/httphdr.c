// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lib/httphdr.h"

static const char *const reserved[] = {
	"host", "content-length", "content-type", "content-encoding", "transfer-encoding",
	"connection", NULL,
};

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool blank(char ch) { return ch == ' ' || ch == '\t'; }

/* One "key=value" of n bytes, blanks around either trimmed. */
static int one(const char *p, size_t n, struct strbuf *out, char *err, size_t errsz)
{
	const char *end = p + n, *eq = memchr(p, '=', n), *k = p, *ke, *v;
	size_t kn, vn;

	while (k < end && blank(*k))
		k++;
	if (!eq) {
		/* Not echoed: it may be a secret written the wrong way. */
		snprintf(err, errsz, "a header without '=' (want key=value, the value percent-encoded)");
		return -EINVAL;
	}
	for (ke = eq; ke > k && blank(ke[-1]); ke--)
		;
	kn = ke - k;
	for (v = eq + 1; v < end && blank(*v); v++)
		;
	while (end > v && blank(end[-1]))
		end--;
	vn = end - v;
	for (size_t i = 0; i < kn; i++)
		if (!http__tchar(k[i]))
			kn = 0;
	if (!kn) {
		snprintf(err, errsz, "a header name must be an HTTP token (letters, digits, !#$%%&'*+-.^_`|~)");
		return -EINVAL;
	}
	for (int i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == kn && !strncasecmp(k, reserved[i], kn)) {
			snprintf(err, errsz, "header '%.*s' is written by sonde itself", (int)kn, k);
			return -EINVAL;
		}
	sb__append(out, k, kn);
	sb__puts(out, ": ");
	for (size_t i = 0; i < vn; i++) {
		int ch = (unsigned char)v[i];

		if (ch == '%') {
			int hi = i + 2 < vn ? hexval(v[i + 1]) : -1, lo = hi >= 0 ? hexval(v[i + 2]) : -1;

			if (lo < 0) {
				snprintf(err, errsz, "header '%.*s': a '%%' not followed by two hex digits",
					 (int)kn, k);
				return -EINVAL;
			}
			ch = hi * 16 + lo;
			i += 2;
		}
		if (ch < 0x20 || ch == 0x7f) {
			snprintf(err, errsz, "header '%.*s': its value has a control character", (int)kn, k);
			return -EINVAL;
		}
		sb__putc(out, ch);
	}
	sb__puts(out, "\r\n");
	return out->err ? -ENOMEM : 0;
}

int httphdr__parse_list(const char *list, struct strbuf *out, char *err, size_t errsz)
{
	const char *p = list;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		int e;

		if (n && (e = one(p, n, out, err, errsz)))
			return e;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}
