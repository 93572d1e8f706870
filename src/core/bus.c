// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include "core/bus.h"

struct bus_sub {
	struct kind_mask kinds;
	bus_fn fn;
	void *ctx;
	struct bus_sub *next;
};

#define MAX_SOURCES 16

struct bus {
	struct {
		struct kind_mask kinds;
		bus_drain_fn fn;
		void *ctx;
	} sources[MAX_SOURCES];
	int nsources;
	bool syncing;
	struct bus_sub *subs;
	struct sink *sinks;
	struct kind_mask sink_kinds;	/* kinds some sink wants */
	bus_resolve_fn resolve;
	void *resolve_ctx;
};

struct bus *bus__new(void)
{
	return calloc(1, sizeof(struct bus));
}

void bus__free(struct bus *b)
{
	if (!b)
		return;
	bus__close_sinks(b);
	while (b->subs) {
		struct bus_sub *s = b->subs;

		b->subs = s->next;
		free(s);
	}
	free(b);
}

struct bus_sub *bus__subscribe(struct bus *b, const struct kind_mask *kinds, bus_fn fn, void *ctx)
{
	struct bus_sub *s = calloc(1, sizeof(*s)), **pp;

	if (!s)
		return NULL;
	*s = (struct bus_sub){ .kinds = *kinds, .fn = fn, .ctx = ctx };
	/* In subscription order: a service started first sees events first. */
	for (pp = &b->subs; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	return s;
}

void bus__unsubscribe(struct bus *b, struct bus_sub *s)
{
	for (struct bus_sub **pp = &b->subs; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			free(s);
			return;
		}
	}
}

void bus__resolve(struct bus *b, struct event *ev)
{
	if (ev->task && !ev->id && b->resolve)
		b->resolve(b->resolve_ctx, ev);
}

void bus__set_resolver(struct bus *b, bus_resolve_fn fn, void *ctx)
{
	b->resolve = fn;
	b->resolve_ctx = ctx;
}

static void update_sink_kinds(struct bus *b)
{
	struct kind_mask m = {};

	for (struct sink *s = b->sinks; s; s = s->next)
		for (unsigned i = 0; i < sizeof(m.bits) / sizeof(m.bits[0]); i++)
			m.bits[i] |= s->kinds.bits[i];
	b->sink_kinds = m;
}

void bus__add_sink(struct bus *b, struct sink *s, const struct kind_mask *kinds)
{
	if (kinds)
		s->kinds = *kinds;
	else
		kind_mask__all(&s->kinds);
	s->next = b->sinks;
	b->sinks = s;
	update_sink_kinds(b);
}

void bus__remove_sink(struct bus *b, struct sink *s)
{
	for (struct sink **pp = &b->sinks; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	update_sink_kinds(b);
}

void bus__close_sinks(struct bus *b)
{
	while (b->sinks) {
		struct sink *s = b->sinks;

		b->sinks = s->next;
		s->close(s);
	}
	update_sink_kinds(b);
}

struct sink *bus__sinks(const struct bus *b) { return b->sinks; }

void bus__emit(struct bus *b, struct event *ev)
{
	for (struct bus_sub *s = b->subs; s; s = s->next)
		if (kind_mask__has(&s->kinds, ev->kind))
			s->fn(s->ctx, ev);
	if (!kind_mask__has(&b->sink_kinds, ev->kind))
		return;
	if (ev->task && !ev->id && b->resolve)
		b->resolve(b->resolve_ctx, ev);
	for (struct sink *s = b->sinks; s; s = s->next) {
		if (!kind_mask__has(&s->kinds, ev->kind))
			continue;
		int err = s->emit(s, ev);

		if (err)
			sink__drop(s, err, 1);
		else if (!s->counts_written)
			s->emitted++;
	}
}

enum sink_drop sink_drop__reason(int err)
{
	switch (err) {
	case -ENOBUFS:
	case -EAGAIN:
		return SINK_DROP_SLOW;
	case -EPIPE:
	case -ECONNRESET:
	case -EBADF:
		return SINK_DROP_GONE;
	case -ENOSPC:
	case -EDQUOT:
		return SINK_DROP_NOSPACE;
	default:
		return SINK_DROP_ERROR;
	}
}

const char *sink_drop__name(enum sink_drop r)
{
	static const char *const names[SINK_DROP__MAX] = { "slow_reader", "reader_gone", "no_space",
							   "write_error" };

	return r < SINK_DROP__MAX ? names[r] : "write_error";
}

void sink__drop(struct sink *s, int err, uint64_t n)
{
	s->dropped += n;
	s->drops[sink_drop__reason(err)] += n;
}

void bus__flush(struct bus *b)
{
	for (struct sink *s = b->sinks; s; s = s->next)
		if (s->flush)
			s->flush(s);
}

int bus__add_source(struct bus *b, const struct kind_mask *kinds, bus_drain_fn fn, void *ctx)
{
	if (b->nsources == MAX_SOURCES)
		return -E2BIG;
	b->sources[b->nsources].kinds = *kinds;
	b->sources[b->nsources].fn = fn;
	b->sources[b->nsources++].ctx = ctx;
	return 0;
}

void bus__remove_source(struct bus *b, bus_drain_fn fn, void *ctx)
{
	for (int i = 0; i < b->nsources; i++) {
		if (b->sources[i].fn == fn && b->sources[i].ctx == ctx) {
			b->sources[i] = b->sources[--b->nsources];
			return;
		}
	}
}

static bool intersect(const struct kind_mask *a, const struct kind_mask *b)
{
	for (unsigned i = 0; i < sizeof(a->bits) / sizeof(a->bits[0]); i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

void bus__sync(struct bus *b, const struct kind_mask *kinds)
{
	if (b->syncing)
		return;
	b->syncing = true;
	for (int i = 0; i < b->nsources; i++)
		if (intersect(&b->sources[i].kinds, kinds))
			b->sources[i].fn(b->sources[i].ctx);
	b->syncing = false;
}
