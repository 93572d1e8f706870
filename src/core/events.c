#include <time.h>
#include "core/events.h"

static struct sink *sinks;

void events__add_sink(struct sink *s)
{
	s->next = sinks;
	sinks = s;
}

struct sink *events__sinks(void) { return sinks; }

void events__remove_sink(struct sink *s)
{
	for (struct sink **pp = &sinks; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			return;
		}
	}
}

void events__close_sinks(void)
{
	while (sinks) {
		struct sink *s = sinks;

		sinks = s->next;
		s->close(s);
	}
}

void events__emit(const struct sonde_event *ev)
{
	for (struct sink *s = sinks; s; s = s->next) {
		if (s->emit(s, ev))
			s->dropped++;
		else
			s->emitted++;
	}
}

void events__flush(void)
{
	for (struct sink *s = sinks; s; s = s->next)
		if (s->flush)
			s->flush(s);
}

int64_t events__mono_to_real(void)
{
	struct timespec m, r;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	return (r.tv_sec - m.tv_sec) * 1000000000LL + (r.tv_nsec - m.tv_nsec);
}

uint64_t events__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
