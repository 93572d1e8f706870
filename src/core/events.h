/* The one event envelope every collector hands to every sink. Sinks never
 * know which collector produced an event. */
#ifndef SONDE_EVENTS_H
#define SONDE_EVENTS_H
#include <stdint.h>
#include "lib/json.h"

#define SONDE_EVENT_SCHEMA 1

struct sonde_event {
	uint64_t time_ns;	/* CLOCK_REALTIME */
	const char *type;	/* "agent", "exec", ... */
	uint32_t pid, tid;	/* 0 when not about a process */
	const char *comm;
	/* Writes the kind-specific fields into the open event object. */
	void (*fields)(struct json_writer *w, const void *payload);
	/* One line for people (live views): the fields that matter most. */
	void (*text)(struct strbuf *sb, const void *payload);
	const void *payload;
};

struct sink {
	const char *name;
	int (*emit)(struct sink *s, const struct sonde_event *ev);
	int (*flush)(struct sink *s);
	void (*close)(struct sink *s);
	uint64_t emitted, dropped;
	struct sink *next;
};

void events__add_sink(struct sink *s);
/* Forgets s without closing it. */
void events__remove_sink(struct sink *s);
/* Closes and forgets every sink. */
void events__close_sinks(void);
struct sink *events__sinks(void);
void events__emit(const struct sonde_event *ev);
void events__flush(void);
uint64_t events__now_ns(void);
/* CLOCK_REALTIME - CLOCK_MONOTONIC in ns: turns the kernel's event times
 * (bpf_ktime_get_ns) into wall-clock times. */
int64_t events__mono_to_real(void);
#endif
