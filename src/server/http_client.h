/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP/1.1 client: what sonde status needs (GET) and what OTLP/HTTP
 * export needs (POST with a body, gzip-compressed on request, keep-alive,
 * connect and total timeouts). One connection, reused while the server
 * keeps it open; a reused one the server closed meanwhile is reopened
 * once. Responses are parsed by server/http_parse.c and bounded. */
#ifndef SONDE_HTTP_CLIENT_H
#define SONDE_HTTP_CLIENT_H
#include <stdbool.h>
#include <stddef.h>
#include "lib/strbuf.h"

#define HTTP_REPLY_MAX (64u << 20)

struct http_client_opts {
	int connect_ms;		/* 0: 2000 */
	int total_ms;		/* whole request and response; 0: 10000 */
	bool gzip;		/* Content-Encoding: gzip on request bodies */
	const char *headers;	/* more "Name: value\r\n" lines for every request (copied); NULL: none */
};

struct http_reply {
	int status;
	char content_type[96];
	int retry_after;	/* seconds, from Retry-After; -1: none */
	struct strbuf body;	/* the caller frees it */
};

struct http_client;

/* base is "HOST:PORT"; NULL with the reason in err. */
struct http_client *http_client__new(const char *base, const struct http_client_opts *o, char *err,
				     size_t errsz);
void http_client__free(struct http_client *c);
/* body may be NULL; returns the HTTP status, or a negative errno with the
 * reason in err. */
int http_client__request(struct http_client *c, const char *method, const char *path,
			 const char *content_type, const void *body, size_t len,
			 struct http_reply *r, char *err, size_t errsz);
/* Connections opened so far (keep-alive makes it 1 for many requests). */
unsigned http_client__connects(const struct http_client *c);

/* One GET on a fresh client: for commands that ask the running agent. */
int http__get(const char *base, const char *path, int timeout_ms, struct strbuf *body, char *err,
	      size_t errsz);
#endif
