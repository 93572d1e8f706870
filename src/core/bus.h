/* SPDX-License-Identifier: Apache-2.0 */
/* The event bus: collectors emit, core services and sinks subscribe to
 * the kinds they want. An event goes first to the core services (which
 * keep the shared facts current: the identity cache learns of an exec
 * before anyone reads it), then to the resolver (its task's identity),
 * then to the sinks. Everything runs on the loop's thread. */
#ifndef SONDE_BUS_H
#define SONDE_BUS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/event.h"

struct bus;

struct bus *bus__new(void);
/* Closes the sinks still on it; NULL-safe. */
void bus__free(struct bus *b);

/* A core service: fn sees each event of kinds before it is resolved. */
typedef void (*bus_fn)(void *ctx, const struct event *ev);
struct bus_sub;
struct bus_sub *bus__subscribe(struct bus *b, const struct kind_mask *kinds, bus_fn fn, void *ctx);
void bus__unsubscribe(struct bus *b, struct bus_sub *s);

/* Fills ev->id from ev->task; called once per event that a sink wants. */
typedef void (*bus_resolve_fn)(void *ctx, struct event *ev);
void bus__set_resolver(struct bus *b, bus_resolve_fn fn, void *ctx);
/* Resolves ev->id now, for a collector that labels what it aggregates
 * (profiles) rather than emit events; ev->id stays NULL without a resolver. */
void bus__resolve(struct bus *b, struct event *ev);

/* A source holds events of kinds not delivered yet (a ring buffer):
 * bus__sync drains the sources of some kinds, for a service that must see
 * them before it answers (identity: an exec still in another ring). */
typedef void (*bus_drain_fn)(void *ctx);
int bus__add_source(struct bus *b, const struct kind_mask *kinds, bus_drain_fn fn, void *ctx);
void bus__remove_source(struct bus *b, bus_drain_fn fn, void *ctx);
/* Drains the sources of any of kinds; nested calls do nothing. */
void bus__sync(struct bus *b, const struct kind_mask *kinds);

/* Why a sink lost events: the reason label of
 * sonde_sink_events_dropped_total. */
enum sink_drop {
	SINK_DROP_SLOW,		/* "slow_reader": its bounded buffer was full */
	SINK_DROP_GONE,		/* "reader_gone": EPIPE, the reader closed */
	SINK_DROP_NOSPACE,	/* "no_space": ENOSPC or EDQUOT */
	SINK_DROP_ERROR,	/* "write_error": any other errno */
	SINK_DROP__MAX,
};

/* A sink: its counts are the agent's sonde_sink_events_total and
 * sonde_sink_events_dropped_total. */
struct sink {
	const char *name;
	/* 0 when the sink took the event, or a negative errno when it
	 * dropped it (the bus counts it by sink_drop__reason). */
	int (*emit)(struct sink *s, const struct event *ev);
	int (*flush)(struct sink *s);
	void (*close)(struct sink *s);
	/* A sink that buffers sets this and counts emitted itself, when the
	 * bytes are out, and its later losses with sink__drop. */
	bool counts_written;
	uint64_t emitted, dropped;
	uint64_t drops[SINK_DROP__MAX];
	/* The bus's. */
	struct kind_mask kinds;
	struct sink *next;
};

enum sink_drop sink_drop__reason(int err);
const char *sink_drop__name(enum sink_drop r);
/* Counts n events lost for err (a negative errno). */
void sink__drop(struct sink *s, int err, uint64_t n);

/* kinds NULL: every kind. */
void bus__add_sink(struct bus *b, struct sink *s, const struct kind_mask *kinds);
/* Forgets s without closing it. */
void bus__remove_sink(struct bus *b, struct sink *s);
/* Closes and forgets every sink. */
void bus__close_sinks(struct bus *b);
struct sink *bus__sinks(const struct bus *b);

void bus__emit(struct bus *b, struct event *ev);
void bus__flush(struct bus *b);
#endif
