/* The agent's HTTP endpoint (libmicrohttpd driven from the agent's own
 * epoll loop, so handlers run on the loop thread and need no locks). */
#ifndef SONDE_HTTP_H
#define SONDE_HTTP_H
#include <stddef.h>
#include "core/loop.h"
#include "lib/strbuf.h"

/* Fills body; returns an HTTP status. */
typedef int (*http_handler)(void *ctx, struct strbuf *body);

struct http_route {
	const char *path;
	const char *content_type;
	http_handler fn;
};

struct http_server;

/* listen is "HOST:PORT" or "[V6]:PORT". NULL on failure with the reason
 * in err. routes ends with a zeroed entry. */
struct http_server *http__start(const char *listen, const struct http_route *routes, void *ctx,
				struct loop *loop, char *err, size_t errsz);
void http__stop(struct http_server *s, struct loop *loop);
/* Lets the server close connections that went idle (call periodically:
 * without traffic its epoll fd never wakes the loop). */
void http__tick(struct http_server *s);
/* Parses "HOST:PORT"; exposed for tests. */
int http__parse_listen(const char *listen, char *host, size_t hsz, char *port, size_t psz);
#endif
