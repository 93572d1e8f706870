/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP/1.x responses as the client reads them: the head (status line and
 * the headers that frame the body) and chunked bodies, incrementally. The
 * bytes come from whatever answers on the other end: pure functions,
 * bounded, fuzzed (tests/fuzz/fuzz_http_response.c). */
#ifndef SONDE_HTTP_PARSE_H
#define SONDE_HTTP_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include "lib/strbuf.h"

#define HTTP_HEAD_MAX 65536

struct http_head {
	int status;			/* 100..999 */
	long long content_length;	/* -1: not given */
	bool chunked;			/* Transfer-Encoding: chunked */
	bool close;			/* Connection: close, or HTTP/1.0 without keep-alive */
	char content_type[96];
	int retry_after;		/* Retry-After in seconds (delta form only, at most 86400); -1: none */
	size_t head_len;		/* bytes of the head, its blank line included */
};

/* 0 when buf[0..len) holds a whole head (h filled), -EAGAIN when more bytes
 * are needed, -EPROTO when it is not an HTTP response (or frames its body
 * two ways), -E2BIG past HTTP_HEAD_MAX. */
int http_parse__head(const char *buf, size_t len, struct http_head *h);

struct http_chunked {
	int state;		/* where in a chunk the decoder is */
	unsigned long long left;	/* bytes of the current chunk still to come */
	unsigned digits;
};

/* Decodes in[0..n) into out: returns 1 at the end of the body, 0 when it
 * needs more, -EPROTO on a malformed body; *used is what it consumed (up
 * to the bad byte on an error). */
int http_chunked__feed(struct http_chunked *c, const char *in, size_t n, size_t *used,
		       struct strbuf *out);
#endif
