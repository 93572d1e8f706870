// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "server/http_parse.h"

/* The line at p (up to "\r\n" or "\n"), its length without the ending in
 * *n; NULL when the line has not ended inside end. */
static const char *line_end(const char *p, const char *end, size_t *n)
{
	const char *nl = memchr(p, '\n', end - p);

	if (!nl)
		return NULL;
	*n = nl - p - (nl > p && nl[-1] == '\r');
	return nl + 1;
}

static bool header_is(const char *p, size_t n, const char *name, const char **val, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(p, name, k) || p[k] != ':')
		return false;
	p += k + 1;
	n -= k + 1;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*val = p;
	*vlen = n;
	return true;
}

static bool token_in(const char *v, size_t n, const char *tok)
{
	size_t k = strlen(tok);

	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(v + i, tok, k) && (i == 0 || v[i - 1] == ',' || v[i - 1] == ' ') &&
		    (i + k == n || v[i + k] == ',' || v[i + k] == ' '))
			return true;
	return false;
}

int http_parse__head(const char *buf, size_t len, struct http_head *h)
{
	const char *p = buf, *end = buf + (len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX), *next;
	bool http10, keep_alive = false, have_len = false;
	size_t n;
	int minor;

	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	h->retry_after = -1;
	next = line_end(p, end, &n);
	if (!next)
		return len >= HTTP_HEAD_MAX ? -E2BIG : (len >= 5 && memcmp(buf, "HTTP/", 5) ? -EPROTO : -EAGAIN);
	/* "HTTP/1.x NNN reason" */
	if (n < 12 || memcmp(p, "HTTP/1.", 7) || (p[7] != '0' && p[7] != '1') || p[8] != ' ' ||
	    p[9] < '1' || p[9] > '9' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
	    (n > 12 && p[12] != ' '))
		return -EPROTO;
	minor = p[7] - '0';
	http10 = minor == 0;
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	for (p = next; (next = line_end(p, end, &n)); p = next) {
		const char *v;
		size_t vl;

		if (!n) {
			h->head_len = next - buf;
			if (h->chunked && have_len)
				return -EPROTO;	/* framed two ways: a smuggling vector */
			h->close = http10 ? !keep_alive : h->close;
			return 0;
		}
		if (header_is(p, n, "Content-Length", &v, &vl)) {
			long long cl = 0;

			if (!vl || vl > 18 || have_len)
				return -EPROTO;
			for (size_t i = 0; i < vl; i++) {
				if (v[i] < '0' || v[i] > '9')
					return -EPROTO;
				cl = cl * 10 + (v[i] - '0');
			}
			h->content_length = cl;
			have_len = true;
		} else if (header_is(p, n, "Transfer-Encoding", &v, &vl)) {
			if (!token_in(v, vl, "chunked"))
				return -EPROTO;	/* no other coding is decoded */
			h->chunked = true;
		} else if (header_is(p, n, "Connection", &v, &vl)) {
			h->close |= token_in(v, vl, "close");
			keep_alive |= token_in(v, vl, "keep-alive");
		} else if (header_is(p, n, "Content-Type", &v, &vl)) {
			snprintf(h->content_type, sizeof(h->content_type), "%.*s", (int)vl, v);
		} else if (header_is(p, n, "Retry-After", &v, &vl) && vl) {
			/* An HTTP date is not read: the caller's own backoff applies. */
			long ra = 0;

			for (size_t i = 0; i < vl && ra >= 0; i++)
				ra = v[i] >= '0' && v[i] <= '9' ? (ra > 86400 ? ra : ra * 10 + (v[i] - '0')) : -1;
			h->retry_after = ra < 0 ? -1 : ra > 86400 ? 86400 : (int)ra;
		}
	}
	return len >= HTTP_HEAD_MAX ? -E2BIG : -EAGAIN;
}

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_TRAILER_LF, CH_TRAILER_LINE, CH_DONE };

int http_chunked__feed(struct http_chunked *c, const char *in, size_t n, size_t *used,
		       struct strbuf *out)
{
	size_t i = 0;

	for (; i < n && c->state != CH_DONE; ) {
		char ch = in[i];

		switch (c->state) {
		case CH_SIZE:
			if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')) {
				if (++c->digits > 15)
					goto bad;
				c->left = c->left * 16 + (ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
			} else if (ch == ';' && c->digits) {
				c->state = CH_EXT;
			} else if (ch == '\r' && c->digits) {
				c->state = CH_SIZE_LF;
			} else if (ch == '\n' && c->digits) {
				c->state = c->left ? CH_DATA : CH_TRAILER;
			} else {
				goto bad;
			}
			i++;
			break;
		case CH_EXT:
			if (ch == '\n')
				c->state = c->left ? CH_DATA : CH_TRAILER;
			i++;
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				goto bad;
			c->state = c->left ? CH_DATA : CH_TRAILER;
			i++;
			break;
		case CH_DATA: {
			size_t take = n - i < c->left ? n - i : c->left;

			if (sb__append(out, in + i, take)) {
				*used = i;
				return -ENOMEM;
			}
			i += take;
			c->left -= take;
			if (!c->left)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			c->state = ch == '\r' ? CH_DATA_LF : ch == '\n' ? CH_SIZE : -1;
			if (c->state < 0)
				goto bad;
			if (c->state == CH_SIZE)
				c->digits = 0;
			i++;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				goto bad;
			c->state = CH_SIZE;
			c->digits = 0;
			i++;
			break;
		case CH_TRAILER:
			/* Trailer lines are skipped; an empty line ends the body. */
			if (ch == '\n') {
				c->state = CH_DONE;
			} else if (ch == '\r') {
				c->state = CH_TRAILER_LF;
			} else {
				c->state = CH_TRAILER_LINE;
			}
			i++;
			break;
		case CH_TRAILER_LF:
			if (ch != '\n')
				goto bad;
			c->state = CH_DONE;
			i++;
			break;
		case CH_TRAILER_LINE:	/* to its end, then maybe another */
			if (ch == '\n')
				c->state = CH_TRAILER;
			i++;
			break;
		default:
			goto bad;
		}
	}
	*used = i;
	return c->state == CH_DONE ? 1 : 0;
bad:
	*used = i;
	return -EPROTO;
}
