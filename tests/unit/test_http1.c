// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the HTTP/1.x parser and pairing (src/proto/http1.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto/http1.h"

#define MAXX 32

struct seen {
	struct http1_exchange x[MAXX];
	unsigned n;
};

static void on_x(void *ctx, const struct http1_exchange *x)
{
	struct seen *s = ctx;

	if (s->n < MAXX)
		s->x[s->n] = *x;
	s->n++;
}

static struct http1_conn conn;	/* 28 KiB: not on the stack */
static struct seen seen;

static void start(void)
{
	memset(&seen, 0, sizeof(seen));
	http1_conn__init(&conn, on_x, &seen);
}

static void req(const char *s, uint64_t ts)
{
	http1_conn__feed(&conn, false, s, strlen(s), strlen(s), ts);
}

static void resp(const char *s, uint64_t ts)
{
	http1_conn__feed(&conn, true, s, strlen(s), strlen(s), ts);
}

/* Byte by byte: framing must not depend on where reads split. */
static void req_bytes(const char *s, uint64_t ts)
{
	for (size_t i = 0; s[i]; i++)
		http1_conn__feed(&conn, false, s + i, 1, 1, ts);
}

static void resp_bytes(const char *s, uint64_t ts)
{
	for (size_t i = 0; s[i]; i++)
		http1_conn__feed(&conn, true, s + i, 1, 1, ts);
}

static const char GET[] = "GET /users/42?id=7&token=x HTTP/1.1\r\nHost: example.test:8080\r\n"
			  "Authorization: Bearer s3cr3t\r\nCookie: session=c00kie\r\n\r\n";
static const char OK5[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: id=c00kie\r\n\r\nhello";

static void check_get(const struct http1_exchange *x)
{
	assert_string_equal(x->req.method, "GET");
	assert_string_equal(x->req.path, "/users/42");
	assert_string_equal(x->req.query, "id=7&token=x");
	assert_string_equal(x->req.host, "example.test:8080");
	assert_int_equal(x->status, 200);
	assert_int_equal(x->req_bytes, strlen(GET));
	assert_int_equal(x->resp_bytes, strlen(OK5));
	assert_int_equal(x->resp_body, 5);
	assert_int_equal(x->req_body, 0);
}

static void test_simple(void **state)
{
	start();
	req(GET, 100);
	resp(OK5, 350);
	assert_int_equal(seen.n, 1);
	check_get(&seen.x[0]);
	assert_int_equal(seen.x[0].start_ns, 100);
	assert_int_equal(seen.x[0].end_ns, 350);
}

static void test_split_everywhere(void **state)
{
	start();
	req_bytes(GET, 1);
	resp_bytes(OK5, 2);
	assert_int_equal(seen.n, 1);
	check_get(&seen.x[0]);
}

/* Secrets in headers never reach an exchange: no byte of them is copied. */
static void test_secrets_stay(void **state)
{
	start();
	req(GET, 1);
	resp(OK5, 2);
	assert_int_equal(seen.n, 1);
	assert_null(memmem(&seen.x[0], sizeof(seen.x[0]), "s3cr3t", 6));
	assert_null(memmem(&seen.x[0], sizeof(seen.x[0]), "c00kie", 6));
}

static void test_keepalive_and_pipelining(void **state)
{
	start();
	req("GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcDELETE /c HTTP/1.1\r\n\r\n", 1);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx",
	     2);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.x[0].req.path, "/a");
	assert_int_equal(seen.x[0].status, 200);
	assert_string_equal(seen.x[1].req.method, "POST");
	assert_int_equal(seen.x[1].req_body, 3);
	assert_int_equal(seen.x[1].status, 201);
	assert_string_equal(seen.x[2].req.path, "/c");
	assert_int_equal(seen.x[2].status, 404);
	assert_int_equal(conn.n, 0);
}

static const char CHUNKED[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
			      "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n";

static void test_chunked(void **state)
{
	start();
	req("GET /c HTTP/1.1\r\n\r\n", 1);
	resp(CHUNKED, 2);
	req("GET /d HTTP/1.1\r\n\r\n", 3);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.x[0].resp_body, 5 + 26);
	assert_int_equal(seen.x[0].resp_bytes, strlen(CHUNKED));
	assert_string_equal(seen.x[1].req.path, "/d");

	start();
	req("GET /c HTTP/1.1\r\n\r\n", 1);
	resp_bytes(CHUNKED, 2);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.x[0].resp_body, 31);
}

/* HEAD, 204 and 304 have no body whatever their headers say. */
static void test_no_body(void **state)
{
	start();
	req("HEAD /h HTTP/1.1\r\n\r\nGET /n HTTP/1.1\r\n\r\nGET /m HTTP/1.1\r\n\r\n", 1);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	     "HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n"
	     "HTTP/1.1 204 No Content\r\n\r\n", 2);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.x[0].status, 200);
	assert_int_equal(seen.x[0].resp_body, 0);
	assert_int_equal(seen.x[1].status, 304);
	assert_int_equal(seen.x[2].status, 204);
}

static void test_continue(void **state)
{
	start();
	req("PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", 1);
	resp("HTTP/1.1 100 Continue\r\n\r\n", 2);
	req("data", 3);
	resp("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 4);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.x[0].status, 201);
	assert_true(seen.x[0].req.expect_continue);
	assert_int_equal(seen.x[0].req_body, 4);
	assert_int_equal(seen.x[0].end_ns, 4);
}

static void test_body_to_close(void **state)
{
	start();
	req("GET /old HTTP/1.0\r\n\r\n", 1);
	resp("HTTP/1.0 200 OK\r\n\r\nsome bytes", 2);
	resp(" and more", 3);
	assert_int_equal(seen.n, 0);
	http1_conn__close(&conn, 9);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.x[0].resp_body, 19);
	assert_int_equal(seen.x[0].end_ns, 9);
	assert_int_equal(seen.x[0].req.minor, 0);
}

/* Joined mid-stream: the rest of a request's body, then a whole one; a
 * response's tail before the first whole response. */
static void test_mid_stream(void **state)
{
	start();
	req("t of a body GET /no HTTP/1.1\r\nmore\r\nGET /yes HTTP/1.1\r\n\r\n", 1);
	resp("ody\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.x[0].req.path, "/yes");
	assert_int_equal(seen.x[0].status, 200);
	/* A response to a request sonde never saw. */
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3);
	assert_int_equal(conn.drops[HTTP1_D_ORPHAN_RESPONSE], 1);
}

static void test_traceparent(void **state)
{
	start();
	req("GET / HTTP/1.1\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n", 1);
	req("GET / HTTP/1.1\r\ntraceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\r\n\r\n", 1);
	req("GET / HTTP/1.1\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7\r\n\r\n", 1);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	     "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.x[0].req.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	assert_string_equal(seen.x[1].req.traceparent, "");	/* upper-case hex is not W3C's */
	assert_string_equal(seen.x[2].req.traceparent, "");
}

/* A capture cut at 100 bytes of a 100,000-byte body: the rest counts. */
static void test_gap_in_body(void **state)
{
	char head[128], msg[256];
	size_t hn;

	start();
	req("GET /big HTTP/1.1\r\n\r\n", 1);
	hn = (size_t)snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
	memcpy(msg, head, hn);
	memset(msg + hn, 'x', 100);
	http1_conn__feed(&conn, true, msg, hn + 100, hn + 100000, 2);
	req("GET /next HTTP/1.1\r\n\r\n", 3);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.x[0].resp_body, 100000);
	assert_int_equal(seen.x[0].resp_bytes, hn + 100000);
	assert_string_equal(seen.x[1].req.path, "/next");
	/* A gap inside a head loses the message, counted, and the parser resyncs. */
	req("GET /lost HTTP/1.1\r\nHo", 5);
	http1_conn__feed(&conn, false, "", 0, 50, 5);
	assert_int_equal(conn.drops[HTTP1_D_GAP], 1);
	req("GET /after HTTP/1.1\r\n\r\n", 6);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 7);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.x[2].req.path, "/after");
}

/* A chunked response with its chunk sizes not captured: the end is found
 * from the last chunk at the end of a read seen whole, from the next
 * request, or from the connection's end; its body is marked estimated. */
static void test_chunks_lost(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n";
	size_t hn = sizeof(head) - 1;

	start();
	req("GET /a HTTP/1.1\r\n\r\n", 1);
	/* 8 KiB chunk, then more chunks: only the head and 10 bytes captured. */
	http1_conn__feed(&conn, true, head, hn, hn + 20000, 2);
	assert_int_equal(seen.n, 0);
	resp("abc\r\n0\r\n\r\n", 3);
	assert_int_equal(seen.n, 1);
	assert_true(seen.x[0].resp_body_estimated);
	assert_int_equal(seen.x[0].end_ns, 3);
	assert_int_equal(seen.x[0].resp_bytes, hn + 20000 + 10);
	/* The next request ends a lost response, at its last bytes. */
	req("GET /b HTTP/1.1\r\n\r\n", 4);
	http1_conn__feed(&conn, true, head, hn, hn + 30000, 5);
	http1_conn__feed(&conn, true, "xx", 2, 9000, 6);
	req("GET /c HTTP/1.1\r\n\r\n", 7);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.x[1].req.path, "/b");
	assert_int_equal(seen.x[1].end_ns, 6);
	resp("HTTP/1.1 204 No Content\r\n\r\n", 8);
	assert_int_equal(seen.n, 3);
	assert_false(seen.x[2].resp_body_estimated);
	/* The connection's end ends one. */
	req("GET /d HTTP/1.1\r\n\r\n", 9);
	http1_conn__feed(&conn, true, head, hn, hn + 30000, 10);
	http1_conn__close(&conn, 11);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.x[3].end_ns, 10);
	assert_int_equal(conn.drops[HTTP1_D_GAP], 0);
	assert_int_equal(conn.drops[HTTP1_D_UNANSWERED], 0);
}

/* A response before the request's body ended (an upload refused, a body
 * the server will not read) is paired once the request ends, or at the
 * connection's end. */
static void test_early_answer(void **state)
{
	start();
	req("POST /up HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 1);
	resp("HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(seen.n, 0);
	req("defghij", 3);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.x[0].status, 413);
	assert_int_equal(seen.x[0].req_body, 10);
	assert_int_equal(seen.x[0].end_ns, 2);
	req("POST /up2 HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 4);
	resp("HTTP/1.1 401 No\r\nContent-Length: 0\r\n\r\n", 5);
	http1_conn__close(&conn, 6);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.x[1].status, 401);
	assert_int_equal(seen.x[1].req_body, 3);
	assert_int_equal(conn.drops[HTTP1_D_ORPHAN_RESPONSE], 0);
}

static void test_malformed(void **state)
{
	static char big[HTTP1_HEAD_MAX + 64];

	start();
	/* Two lengths that differ: smuggling, not a message. */
	req("POST /s HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 1);
	assert_int_equal(conn.drops[HTTP1_D_MALFORMED], 1);
	req("GET /bad path HTTP/1.1\r\n\r\n", 1);
	assert_int_equal(conn.drops[HTTP1_D_MALFORMED], 2);
	/* A head over the limit. */
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', sizeof(big) - 19 - 1);
	req(big, 2);
	assert_int_equal(conn.drops[HTTP1_D_HEAD_TOO_LARGE], 1);
	/* A bad chunk size. */
	req("\r\nGET /c HTTP/1.1\r\n\r\n", 3);
	resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 4);
	assert_int_equal(conn.drops[HTTP1_D_MALFORMED], 3);
	assert_int_equal(seen.n, 0);
	/* And it goes on: the next whole exchange is seen. */
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 5);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.x[0].req.path, "/c");
}

static void test_upgrade(void **state)
{
	start();
	req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 1);
	resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 2);
	req("GET /not-http HTTP/1.1\r\n\r\n", 3);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.x[0].status, 101);
}

static void test_pending_bound(void **state)
{
	char buf[64];

	start();
	for (int i = 0; i < HTTP1_PENDING_MAX + 4; i++) {
		snprintf(buf, sizeof(buf), "GET /%d HTTP/1.1\r\n\r\n", i);
		req(buf, i);
	}
	assert_int_equal(conn.drops[HTTP1_D_PENDING_FULL], 4);
	resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 100);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.x[0].req.path, "/4");	/* the oldest 4 were pushed out */
	http1_conn__close(&conn, 200);
	assert_int_equal(conn.drops[HTTP1_D_UNANSWERED], HTTP1_PENDING_MAX - 1);
}

static void test_looks_like(void **state)
{
	assert_true(http1__looks_like("GET / HTTP/1.1", 14));
	assert_true(http1__looks_like("HTTP/1.1 200", 12));
	assert_true(http1__looks_like("POST", 4));
	assert_false(http1__looks_like("GETX /", 6));
	assert_false(http1__looks_like("\x16\x03\x01\x02\x00", 5));	/* a TLS ClientHello */
	assert_false(http1__looks_like("GE", 2));
	assert_string_equal(http1__drop_name(HTTP1_D_GAP), "not_captured");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_secrets_stay),
		cmocka_unit_test(test_keepalive_and_pipelining),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_no_body),
		cmocka_unit_test(test_continue),
		cmocka_unit_test(test_body_to_close),
		cmocka_unit_test(test_mid_stream),
		cmocka_unit_test(test_traceparent),
		cmocka_unit_test(test_gap_in_body),
		cmocka_unit_test(test_chunks_lost),
		cmocka_unit_test(test_early_answer),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_pending_bound),
		cmocka_unit_test(test_looks_like),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
