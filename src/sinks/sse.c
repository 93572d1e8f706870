// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/bus.h"
#include "server/http_server.h"
#include "sinks/json_event.h"
#include "sinks/sse.h"

struct client {
	struct sse *sse;	/* NULL once the sink is gone */
	struct http_stream *st;
	struct kind_mask kinds;
	struct client *next;
};

struct sse {
	struct sink sink;
	struct bus *bus;
	struct client *clients;
	struct strbuf line;
};

static void update_kinds(struct sse *s)
{
	struct kind_mask m = {};

	for (struct client *c = s->clients; c; c = c->next)
		for (unsigned i = 0; i < sizeof(m.bits) / sizeof(m.bits[0]); i++)
			m.bits[i] |= c->kinds.bits[i];
	/* No client, no kind: events cost nothing here. */
	bus__remove_sink(s->bus, &s->sink);
	bus__add_sink(s->bus, &s->sink, &m);
}

static int sse_emit(struct sink *sk, const struct event *ev)
{
	struct sse *s = (struct sse *)sk;
	int err = 0;

	sb__reset(&s->line);
	sb__puts(&s->line, "data: ");
	json_event__format(&s->line, ev);
	sb__puts(&s->line, "\n\n");
	if (s->line.err)
		return s->line.err;
	for (struct client *c = s->clients; c; c = c->next)
		if (kind_mask__has(&c->kinds, ev->kind) &&
		    http_stream__write(c->st, s->line.buf, s->line.len, SSE_QUEUE_MAX))
			err = -ENOBUFS;
	return err;
}

static void sse_sink_close(struct sink *sk)
{
	/* The bus closes its sinks at exit; sse__close does the work. */
}

static void on_client_gone(void *ctx)
{
	struct client *c = ctx;

	if (c->sse) {
		for (struct client **pp = &c->sse->clients; *pp; pp = &(*pp)->next) {
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		}
		update_kinds(c->sse);
	}
	free(c);
}

/* ?type=exec,open: those kinds; an unknown one is a 400. */
static int parse_kinds(const char *list, struct kind_mask *m, struct strbuf *why)
{
	char buf[512], *save, *t;

	if (!list || !*list) {
		kind_mask__all(m);
		return 0;
	}
	memset(m, 0, sizeof(*m));
	snprintf(buf, sizeof(buf), "%s", list);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = event_kind__find(t);

		if (k < 0) {
			sb__printf(why, "no event type '%s'\n", t);
			return -EINVAL;
		}
		kind_mask__set(m, k);
	}
	return 0;
}

static void serve(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct sse *s = ctx;
	struct client *c = calloc(1, sizeof(*c));

	if (!c) {
		resp->status = 500;
		return;
	}
	if (parse_kinds(http_request__arg(req, "type"), &c->kinds, &resp->body)) {
		resp->status = 400;
		free(c);
		return;
	}
	c->st = http_response__stream(resp, "text/event-stream", on_client_gone, c);
	if (!c->st) {
		free(c);
		return;
	}
	c->sse = s;
	c->next = s->clients;
	s->clients = c;
	http_stream__write(c->st, ": sonde events\n\n", 16, SSE_QUEUE_MAX);
	update_kinds(s);
}

struct sse *sse__open(struct bus *b, struct http_server *srv, const char *path)
{
	struct sse *s = calloc(1, sizeof(*s));
	struct kind_mask none = {};

	if (!s)
		return NULL;
	s->sink = (struct sink){ .name = "sse", .emit = sse_emit, .close = sse_sink_close };
	s->bus = b;
	if (http_server__route(srv, "GET", path, serve, s)) {
		free(s);
		errno = E2BIG;
		return NULL;
	}
	bus__add_sink(b, &s->sink, &none);
	return s;
}

void sse__close(struct sse *s)
{
	if (!s)
		return;
	bus__remove_sink(s->bus, &s->sink);
	for (struct client *c = s->clients; c; c = c->next) {
		c->sse = NULL;
		http_stream__end(c->st);
	}
	sb__free(&s->line);
	free(s);
}
