/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP/1.x over a connection's two byte streams, incrementally: messages
 * split across reads, keep-alive and pipelining, Content-Length, chunked
 * encoding, bodies to the connection's end, 100-continue, HEAD, 1xx, 204
 * and 304 without bodies, and connections joined mid-stream (the parser
 * waits for a line, or a read, that starts a message). Each request is paired with its
 * response, in order.
 *
 * Pure functions over byte buffers: no allocation, no I/O. The bytes are
 * untrusted (any process's traffic): fuzzed (tests/fuzz/fuzz_http1.c).
 * Only the fields below leave the parser; other headers (Authorization,
 * Cookie, ...) are never copied out. */
#ifndef SONDE_PROTO_HTTP1_H
#define SONDE_PROTO_HTTP1_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP1_METHOD_MAX	16	/* with its NUL */
#define HTTP1_PATH_MAX		256
#define HTTP1_QUERY_MAX		256
#define HTTP1_HOST_MAX		128
#define HTTP1_TRACEPARENT_LEN	55	/* version-traceid-parentid-flags */
#define HTTP1_HEAD_MAX		8192	/* a longer head loses the message */
#define HTTP1_PENDING_MAX	16	/* pipelined requests awaiting responses */

/* What a message's head says. */
struct http1_head {
	char method[HTTP1_METHOD_MAX];	/* requests */
	char path[HTTP1_PATH_MAX];	/* the target up to '?', cut to fit */
	char query[HTTP1_QUERY_MAX];	/* after '?', without it */
	char host[HTTP1_HOST_MAX];
	char traceparent[HTTP1_TRACEPARENT_LEN + 1];	/* "" unless well formed */
	uint16_t status;		/* responses */
	uint8_t minor;			/* HTTP/1.minor */
	bool path_cut, query_cut;
	bool chunked, has_length, close, expect_continue;
	uint64_t content_length;
};

/* A request and its response. */
struct http1_exchange {
	struct http1_head req;
	uint16_t status;
	uint64_t req_bytes, resp_bytes;		/* head and body, as on the wire */
	uint64_t req_body, resp_body;		/* body bytes (chunked: the data) */
	uint64_t start_ns, end_ns;		/* request's first byte, response's last */
	/* A chunked response with bytes not captured past a chunk: its end
	 * was found another way (the last chunk at the end of a whole read,
	 * the next message, the connection's end), and resp_body counts its
	 * framing too. */
	bool resp_body_estimated;
};

enum http1_drop {
	HTTP1_D_HEAD_TOO_LARGE,		/* a head past HTTP1_HEAD_MAX */
	HTTP1_D_MALFORMED,		/* a start line, header or chunk size that is not HTTP */
	HTTP1_D_GAP,			/* bytes not captured where a head or chunk size was */
	HTTP1_D_PENDING_FULL,		/* a request pushed out by more pipelined ones */
	HTTP1_D_ORPHAN_RESPONSE,	/* a response to no request seen (joined mid-stream) */
	HTTP1_D_UNANSWERED,		/* requests pending when the connection ended */
	HTTP1_D_MAX,
};

enum http1_state {
	H1_SYNC,		/* looking for a line that starts a message */
	H1_HEAD,
	H1_BODY,		/* Content-Length bytes left */
	H1_CHUNK_SIZE,
	H1_CHUNK_DATA,
	H1_CHUNK_END,		/* the CRLF after a chunk's data */
	H1_TRAILER,
	H1_BODY_EOF,		/* a response body that ends with the connection */
	H1_TUNNEL,		/* after 101 or a CONNECT's 2xx: not HTTP any more */
	H1_CHUNK_LOST,		/* a chunked body lost its place: looking for its end */
};

/* One direction of a connection. */
struct http1_stream {
	enum http1_state st;
	bool response;			/* this stream carries responses */
	uint64_t left;			/* H1_BODY, H1_CHUNK_DATA, H1_CHUNK_END */
	uint64_t bytes, body;		/* of the current message */
	uint64_t start_ns;
	uint64_t last_ns;		/* of the last bytes fed */
	bool estimated;			/* the message passed through H1_CHUNK_LOST */
	/* Requests: answered before the body ended (a server may reply to a
	 * request it will not read, an upload it refuses); the response is
	 * kept here until the request ends. */
	bool answered;
	struct http1_exchange early;
	struct http1_head h;
	size_t len;			/* of buf: the head, or a chunk-size or trailer line */
	char buf[HTTP1_HEAD_MAX];
};


typedef void (*http1_exchange_fn)(void *ctx, const struct http1_exchange *x);

struct http1_conn {
	struct http1_stream req, resp;
	/* A ring of pending requests: each slot is filled with its response
	 * and handed to fn as it is, without a copy. */
	struct http1_exchange pending[HTTP1_PENDING_MAX];
	unsigned head, n;
	uint64_t exchanges;
	uint64_t estimated;		/* exchanges with resp_body_estimated */
	uint64_t drops[HTTP1_D_MAX];
	http1_exchange_fn fn;
	void *ctx;
};

/* A connection at its start, or one joined mid-stream: either way the
 * parser starts at the first line that begins a message. fn gets each
 * completed exchange. */
void http1_conn__init(struct http1_conn *c, http1_exchange_fn fn, void *ctx);
/* len bytes seen at ts_ns on the request stream (response: false) or the
 * response stream, of a message total bytes long (total > len: the rest
 * was not captured, and counts as body if a body was being read, or
 * loses the parser its place else). */
void http1_conn__feed(struct http1_conn *c, bool response, const void *buf, size_t len, size_t total,
		      uint64_t ts_ns);
/* The connection ended at ts_ns: a body read to the end is complete, and
 * requests still pending are counted as unanswered. */
void http1_conn__close(struct http1_conn *c, uint64_t ts_ns);
/* Whether the bytes look like the start of an HTTP/1.x message of either
 * kind (the protocol inference user space repeats after the kernel's). */
bool http1__looks_like(const void *buf, size_t len);
const char *http1__drop_name(enum http1_drop d);
#endif
