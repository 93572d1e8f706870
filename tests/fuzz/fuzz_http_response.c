// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as what an HTTP server answered.
 * FUZZ_SRCS: src/server/http_parse.c src/lib/strbuf.c src/lib/utf8.c
 *
 * The input is a response head then a chunked body. Properties: never
 * crashes (ASan/UBSan are fatal); http_parse__head returns 0, -EAGAIN,
 * -EPROTO or -E2BIG, and on 0 the head length is inside the input and the
 * status is 100..999; the chunked decoder, fed the rest whole or split at
 * every point the first byte picks, gives the same verdict and the same
 * bytes, never more than it was given. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "server/http_parse.h"


static int decode(const char *p, size_t n, size_t step, struct strbuf *out, size_t *consumed)
{
	struct http_chunked c = {};
	size_t off = 0;
	int r = 0;

	while (off < n && r == 0) {
		size_t take = step && n - off > step ? step : n - off, used = 0;

		r = http_chunked__feed(&c, p + off, take, &used, out);
		CHECK(used <= take);
		off += used;
		if (r == 0 && used < take)
			CHECK(0);	/* it takes all it is given unless it is done */
	}
	*consumed = off;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_head h;
	struct strbuf a = {}, b = {};
	size_t from = 0, ca, cb;
	int r, ra, rb;

	r = http_parse__head((const char *)data, size, &h);
	CHECK(r == 0 || r == -EAGAIN || r == -EPROTO || r == -E2BIG);
	if (!r) {
		CHECK(h.head_len <= size && h.status >= 100 && h.status <= 999);
		CHECK(memchr(h.content_type, '\0', sizeof(h.content_type)));
		from = h.head_len;
	}
	ra = decode((const char *)data + from, size - from, 0, &a, &ca);
	rb = decode((const char *)data + from, size - from, size ? 1 + data[0] % 7 : 1, &b, &cb);
	CHECK(ra == rb && ca == cb && a.len == b.len && (!a.len || !memcmp(a.buf, b.buf, a.len)));
	CHECK(a.len <= size - from);
	sb__free(&a);
	sb__free(&b);
	return 0;
}
