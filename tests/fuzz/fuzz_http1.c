// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: the HTTP/1.x parser and its pairing.
 * FUZZ_SRCS: src/proto/http1.c src/proto/url.c
 * FUZZ_LIBS:
 *
 * Two modes, by the input's first byte:
 *  - even: raw. The rest is records of 1 control byte (bit 0: response
 *    stream; bit 1: a gap of the next byte * 64 bytes after the data; bit
 *    2: the connection ends), 1 length byte, then that many bytes (cut at
 *    the end). Properties: no crash; every exchange's fields are
 *    terminated and consistent (body within bytes, status 100-999, a
 *    traceparent empty or whole); the pending ring stays bounded.
 *  - odd: well formed. The input describes up to 16 requests (method,
 *    path bytes, body length, chunked or not) and where reads split; the
 *    harness writes them and their responses, pipelined, and feeds them
 *    split there. Property: every exchange is seen once, in order, with
 *    its method, path, status and body sizes, however the reads split. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fuzz.h"
#include "proto/http1.h"
#include "proto/url.h"
#include "sonde/l7_infer.h"

static struct http1_conn conn;

/* The route and redacted query of every path and query the parser lets
 * out: terminated, bounded, and with "*" no value but REDACTED left. */
static void check_url(const struct http1_exchange *x)
{
	char route[HTTP1_PATH_MAX], q[HTTP1_QUERY_MAX], small[8];

	url__route(x->req.path, route, sizeof(route));
	CHECK(memchr(route, 0, sizeof(route)));
	CHECK(!route[0] || route[0] == '/' || !strcmp(route, "*"));
	url__route(x->req.path, small, sizeof(small));
	CHECK(memchr(small, 0, sizeof(small)));
	url__redact_query(x->req.query, "*", q, sizeof(q));
	CHECK(memchr(q, 0, sizeof(q)));
	for (char *part = q, *amp; part; part = amp ? amp + 1 : NULL) {
		const char *eq;

		amp = strchr(part, '&');
		if (amp)
			*amp = '\0';
		eq = strchr(part, '=');
		if (!eq)
			continue;
		/* Whole before the last part; the last may be cut to fit. */
		if (amp)
			CHECK(!strcmp(eq + 1, URL_REDACTED));
		else
			CHECK(!strncmp(eq + 1, URL_REDACTED, strlen(eq + 1)));
	}
	url__redact_query(x->req.query, "a,b, key ", small, sizeof(small));
	CHECK(memchr(small, 0, sizeof(small)));
}

static void check_x(void *ctx, const struct http1_exchange *x)
{
	(*(unsigned *)ctx)++;
	CHECK(memchr(x->req.method, 0, sizeof(x->req.method)));
	CHECK(memchr(x->req.path, 0, sizeof(x->req.path)));
	CHECK(memchr(x->req.query, 0, sizeof(x->req.query)));
	CHECK(memchr(x->req.host, 0, sizeof(x->req.host)));
	CHECK(x->req.traceparent[0] == 0 || strlen(x->req.traceparent) == HTTP1_TRACEPARENT_LEN);
	CHECK(x->req.method[0]);
	CHECK(x->status >= 100 && x->status <= 999);
	CHECK(x->req_body <= x->req_bytes && x->resp_body <= x->resp_bytes);
	check_url(x);
}

/* What the kernel's first-bytes test lets through, the parser must take
 * for the start of a message of that kind. */
static void check_infer(const uint8_t *d, size_t n)
{
	uint64_t v;
	int kind;

	if (n < 8)
		return;
	memcpy(&v, d, 8);
	kind = l7_http1_kind(v);
	if (kind)
		CHECK(http1__looks_like(d, n));
	if (kind == L7_HTTP1_RESPONSE)
		CHECK(!memcmp(d, "HTTP/1.", 7));
}

static void raw(const uint8_t *d, size_t n)
{
	unsigned seen = 0;

	check_infer(d, n);
	if (n > 2)
		check_infer(d + 2, n - 2);

	http1_conn__init(&conn, check_x, &seen);
	while (n >= 2) {
		uint8_t ctl = d[0];
		size_t len = d[1], gap = 0;

		d += 2;
		n -= 2;
		if (len > n)
			len = n;
		if ((ctl & 2) && len < n)
			gap = (size_t)d[len] * 64;
		http1_conn__feed(&conn, ctl & 1, d, len, len + gap, seen);
		CHECK(conn.n <= HTTP1_PENDING_MAX);
		d += len + (gap ? 1 : 0);
		n -= len + (gap ? 1 : 0);
		if (ctl & 4)
			http1_conn__close(&conn, seen);
	}
	http1_conn__close(&conn, seen);
	CHECK(conn.n == 0 && conn.exchanges == seen);
}

#define MAXR 16
static const char *const meths[] = { "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS" };

struct want {
	char method[8], path[64];
	unsigned body, rbody, status;
};

struct got {
	const struct want *w;
	unsigned n, total;
};

static void match_x(void *ctx, const struct http1_exchange *x)
{
	struct got *g = ctx;
	const struct want *w = &g->w[g->n++];

	CHECK(g->n <= g->total);
	CHECK(!strcmp(x->req.method, w->method) && !strcmp(x->req.path, w->path));
	CHECK(x->status == w->status && x->req_body == w->body && x->resp_body == w->rbody);
}

/* Feeds [s, s+n) as reads whose lengths come from the split bytes. */
static void feed_split(bool response, const char *s, size_t n, const uint8_t **sp, size_t *sn)
{
	while (n) {
		size_t k = *sn ? 1 + (**sp % 97) : n;

		if (*sn) {
			(*sp)++;
			(*sn)--;
		}
		if (k > n)
			k = n;
		http1_conn__feed(&conn, response, s, k, k, 1);
		s += k;
		n -= k;
	}
}

static void well_formed(const uint8_t *d, size_t n)
{
	static char rq[MAXR * 512], rs[MAXR * 512];
	struct want w[MAXR];
	size_t rql = 0, rsl = 0;
	unsigned nr = 0;
	struct got g = { w };

	while (n >= 4 && nr < MAXR && nr < HTTP1_PENDING_MAX) {
		struct want *x = &w[nr];
		const char *m = meths[d[0] % 7];
		unsigned plen = d[1] % 24, body = d[2] % 200, rbody = d[3] % 300;
		bool chunked = d[0] & 8, rchunked = d[0] & 16;

		d += 4;
		n -= 4;
		snprintf(x->method, sizeof(x->method), "%s", m);
		x->path[0] = '/';
		for (unsigned i = 0; i < plen; i++)
			x->path[i + 1] = "abcdefghijklmnopqrstuvwxyz0123456789-_.~"[(i * 7 + nr) % 40];
		x->path[plen + 1] = '\0';
		x->status = 200 + (d[-4] % 3) * 100 + nr;	/* 2xx, 3xx, 4xx: never 204 or 304 */
		if (x->status == 204 || x->status == 304)
			x->status++;
		x->body = body;
		x->rbody = strcmp(m, "HEAD") ? rbody : 0;
		rql += snprintf(rq + rql, sizeof(rq) - rql, "%s %s?q=%u HTTP/1.1\r\nHost: h\r\nAuthorization: x\r\n",
				m, x->path, nr);
		if (chunked && body)
			rql += snprintf(rq + rql, sizeof(rq) - rql, "Transfer-Encoding: chunked\r\n\r\n%x\r\n", body);
		else
			rql += snprintf(rq + rql, sizeof(rq) - rql, "Content-Length: %u\r\n\r\n", body);
		memset(rq + rql, 'b', body);
		rql += body;
		if (chunked && body)
			rql += snprintf(rq + rql, sizeof(rq) - rql, "\r\n0\r\n\r\n");
		if (rchunked && x->rbody)
			rsl += snprintf(rs + rsl, sizeof(rs) - rsl,
					"HTTP/1.1 %u X\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", x->status, x->rbody);
		else
			rsl += snprintf(rs + rsl, sizeof(rs) - rsl, "HTTP/1.1 %u X\r\nContent-Length: %u\r\n\r\n",
					x->status, rbody);
		memset(rs + rsl, 'r', x->rbody);
		rsl += x->rbody;
		if (rchunked && x->rbody)
			rsl += snprintf(rs + rsl, sizeof(rs) - rsl, "\r\n0\r\n\r\n");
		nr++;
	}
	g.total = nr;
	http1_conn__init(&conn, match_x, &g);
	feed_split(false, rq, rql, &d, &n);
	feed_split(true, rs, rsl, &d, &n);
	CHECK(g.n == nr);
	for (unsigned i = 0; i < HTTP1_D_MAX; i++)
		CHECK(conn.drops[i] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		well_formed(data + 1, size - 1);
	else
		raw(data + 1, size - 1);
	return 0;
}
