/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's HTTP endpoint: a router over libmicrohttpd, driven from the
 * agent's own loop (handlers run on the loop's thread and need no locks).
 * Modules register their routes at start; a handler gets the request
 * (method, path, query, headers, a bounded body) and answers with a
 * buffer, a file or a stream (server-sent events, chunked).
 *
 * The listening socket is the server's own: it is bound without
 * SO_REUSEPORT (a second agent on the port fails to start), and every
 * connection goes through its limits before libmicrohttpd sees it: at
 * most HTTP_MAX_CONNS in all and HTTP_MAX_PER_CLIENT per client address,
 * the longest-idle connection evicted to admit a new one, and a client
 * that sends no complete request within HTTP_HEADER_TIMEOUT_MS cut off.
 * Only GET and HEAD are routed on a TCP listener: nothing reachable there
 * changes the agent's state. */
#ifndef SONDE_HTTP_SERVER_H
#define SONDE_HTTP_SERVER_H
#include <stdbool.h>
#include <stddef.h>
#include "lib/strbuf.h"

#define HTTP_MAX_CONNS 64
#define HTTP_MAX_PER_CLIENT 16
#define HTTP_MAX_STREAMS 8
#define HTTP_HEADER_TIMEOUT_MS 3000
#define HTTP_IDLE_TIMEOUT_S 10
#define HTTP_MAX_BODY 65536

struct loop;
struct http_server;
struct http_stream;

struct http_request {
	const char *method, *path;
	const char *query;	/* after '?', "" when none */
	const char *body;	/* at most HTTP_MAX_BODY bytes */
	size_t body_len;
	void *conn;		/* the server's */
};

/* A request header's value, or NULL. */
const char *http_request__header(const struct http_request *r, const char *name);
/* A query argument's value ("a" in "?x=a"), or NULL. */
const char *http_request__arg(const struct http_request *r, const char *name);

/* What the handler answers; one of the three. */
struct http_response {
	int status;		/* 200 unless set */
	const char *content_type;
	struct strbuf body;	/* a buffer (the server frees it) */
	int fd;			/* or a file: its size bytes from offset 0 (the server closes it) */
	size_t size;
	/* or a stream: set by http_response__stream */
	struct http_stream *stream;
};

typedef void (*http_handler)(void *ctx, const struct http_request *req, struct http_response *resp);

/* listen is "HOST:PORT" or "[V6]:PORT"; port 0 picks a free one. NULL on
 * failure with the reason in err (errno set). */
struct http_server *http_server__new(const char *listen, struct loop *loop, char *err, size_t errsz);
/* NULL-safe; closes every connection and stream. */
void http_server__free(struct http_server *s);
/* The address it listens on, with the port it got ("127.0.0.1:41877"). */
const char *http_server__address(const struct http_server *s);
/* Exact paths; method "GET" (HEAD follows it). -EPERM for methods that
 * would change state on a TCP listener, -E2BIG when the table is full. */
int http_server__route(struct http_server *s, const char *method, const char *path,
		       http_handler fn, void *ctx);

/* Streaming: the response stays open and chunks are written as they come.
 * on_close runs when the client goes or the server stops (the stream is
 * gone after it). At most HTTP_MAX_STREAMS at once: NULL (and a 503) past
 * that. */
struct http_stream *http_response__stream(struct http_response *resp, const char *content_type,
					  void (*on_close)(void *ctx), void *ctx);
/* Queues n bytes; -ENOBUFS when the client has more than max_queued
 * unread (the caller counts it dropped). */
int http_stream__write(struct http_stream *st, const char *data, size_t n, size_t max_queued);
/* Ends the response once what is queued is sent. */
void http_stream__end(struct http_stream *st);

/* Connections refused or evicted by the limits, and open now, for
 * self-metrics and tests. */
struct http_stats {
	unsigned long accepted, evicted, refused, header_timeouts;
	unsigned open, streams;
};
void http_server__stats(const struct http_server *s, struct http_stats *st);
#endif
