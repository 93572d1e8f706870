/* SPDX-License-Identifier: Apache-2.0 */
/* Events as server-sent events on the HTTP endpoint: each client of
 * /api/events gets every event it asked for (?type=exec,open; all when
 * absent) as one JSON line, the schema of the events file. A client that
 * reads too slowly loses events, counted as the sink's drops; the agent
 * never waits for it. Off unless events.http is set: the stream shows every
 * process's argv and paths to anyone who can reach the endpoint. */
#ifndef SONDE_SSE_H
#define SONDE_SSE_H

struct bus;
struct http_server;
struct sse;

#define SSE_QUEUE_MAX (1u << 20)	/* unread bytes per client before events drop */

struct sse *sse__open(struct bus *b, struct http_server *srv, const char *path);
/* Ends every stream; NULL-safe. */
void sse__close(struct sse *s);
#endif
