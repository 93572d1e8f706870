/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's root-only control socket: a Unix stream socket in a
 * directory only root can enter, one request line per connection and one
 * reply, each peer's uid checked (SO_PEERCRED) before a request is read.
 * What changes the agent's state (the XDP drop list) goes here, never
 * through the TCP listener. */
#ifndef SONDE_CONTROL_H
#define SONDE_CONTROL_H
#include <stddef.h>

struct loop;
struct strbuf;
struct control;

#define CONTROL_DEFAULT_PATH "/run/sonde/control.sock"
#define CONTROL_MAX_LINE 4096

/* A request's handler: writes the reply (one JSON object) into reply. */
typedef void (*control_fn)(void *ctx, const char *line, struct strbuf *reply);

/* Creates the socket (and its 0700 directory), replacing a stale one; a
 * socket another agent answers on is -EADDRINUSE. NULL with errno and the
 * reason in err. */
struct control *control__open(struct loop *l, const char *path, char *err, size_t err_sz);
/* Requests whose first word is verb go to fn (at most 8 verbs). */
int control__handle(struct control *c, const char *verb, control_fn fn, void *ctx);
void control__close(struct control *c);	/* NULL-safe: removes the socket */

/* The client side: sends line, puts the reply in reply. 0, or a negative
 * errno with the reason in err (no agent, not root, ...). */
int control__request(const char *path, const char *line, struct strbuf *reply, char *err, size_t err_sz);
#endif
