/* SPDX-License-Identifier: Apache-2.0 */
/* Events as data: the one envelope every collector hands to the bus, and
 * the kinds of event there are. An event is the time, a numeric kind, the
 * task that did it as the kernel saw it (sonde/task.h) with its resolved
 * identity, and the collector's own record, which the kind's callbacks
 * turn into fields (lib/fields.h) or a line of text. Sinks never know which
 * collector produced an event. */
#ifndef SONDE_EVENT_H
#define SONDE_EVENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sonde/task.h"

struct field_writer;
struct identity;
struct strbuf;

/* What an exec, fork or exit tells the core services that follow
 * processes (the identity cache; the uprobe manager of L7 tracing). */
enum proc_change_type { PROC_CHANGE_EXEC = 1, PROC_CHANGE_FORK, PROC_CHANGE_EXIT };

struct proc_change {
	enum proc_change_type type;
	const char *binary;		/* exec: the executed path ("" unknown) */
	const char *argv;		/* exec: NUL-separated */
	size_t argv_len;
	const char *cwd;		/* exec: absolute; NULL unknown */
	int exit_status;		/* exit: wait status */
};

struct event {
	uint64_t time_ns;		/* CLOCK_REALTIME */
	unsigned kind;			/* from event_kinds__register */
	const struct sonde_task *task;	/* who; NULL when not about a process */
	const struct identity *id;	/* task's identity, resolved before sinks see it */
	const struct proc_change *change;	/* on lifecycle kinds */
	const void *payload;		/* the collector's own record */
};

enum event_kind_flags {
	EVENT_KIND_LIFECYCLE = 1 << 0,	/* carries ev->change */
	/* Carries no argv of its own: the identity's args are written. */
	EVENT_KIND_ARGS = 1 << 1,
};

struct event_kind {
	const char *name;		/* "exec": the "type" of JSON events, `sonde trace exec` */
	const char *text_header;	/* its text form's columns, after TIME PID COMM */
	/* Writes the kind's own fields (the envelope, task and identity are
	 * written by the backend). */
	void (*fields)(const struct event *ev, struct field_writer *w);
	/* One line for people; strings through sb__put_text (escaped). */
	void (*text)(const struct event *ev, struct strbuf *sb);
	unsigned flags;
};

#define EVENT_KINDS_MAX 128

/* Registers a table of kinds (ending at a NULL name) and returns the id of
 * its first; the same table again returns the same id. */
int event_kinds__register(const struct event_kind *kinds);
/* NULL past the last registered kind. */
const struct event_kind *event_kind__get(unsigned id);
/* The id of a kind by name, or -1. */
int event_kind__find(const char *name);
unsigned event_kinds__count(void);

/* Sets of kinds, for subscriptions. */
struct kind_mask {
	uint64_t bits[EVENT_KINDS_MAX / 64];
};

static inline void kind_mask__set(struct kind_mask *m, unsigned id)
{
	if (id < EVENT_KINDS_MAX)
		m->bits[id / 64] |= 1ULL << (id % 64);
}

static inline bool kind_mask__has(const struct kind_mask *m, unsigned id)
{
	return id < EVENT_KINDS_MAX && (m->bits[id / 64] >> (id % 64) & 1);
}

void kind_mask__all(struct kind_mask *m);
/* Every registered kind with all of flags. */
void kind_mask__with_flags(struct kind_mask *m, unsigned flags);

/* Clocks of events: the kernel stamps CLOCK_MONOTONIC (bpf_ktime_get_ns). */
uint64_t event__now_ns(void);		/* CLOCK_REALTIME */
int64_t event__mono_to_real(void);	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
#endif
