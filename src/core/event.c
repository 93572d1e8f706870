// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include <time.h>
#include "core/event.h"
#include "lib/fields.h"

/* Every kind of event there is, by id: core's own first, then each table
 * registered (the collectors', in registry order). */
static struct {
	const struct event_kind *kinds[EVENT_KINDS_MAX];
	const struct event_kind *tables[EVENT_KINDS_MAX];
	int table_base[EVENT_KINDS_MAX];
	unsigned n, ntables;
} reg;

int event_kinds__register(const struct event_kind *kinds)
{
	unsigned n = 0, base = reg.n;

	for (unsigned i = 0; i < reg.ntables; i++)
		if (reg.tables[i] == kinds)
			return reg.table_base[i];
	while (kinds[n].name)
		n++;
	if (reg.n + n > EVENT_KINDS_MAX || reg.ntables == EVENT_KINDS_MAX)
		return -1;
	for (unsigned i = 0; i < n; i++)
		reg.kinds[reg.n++] = &kinds[i];
	reg.tables[reg.ntables] = kinds;
	reg.table_base[reg.ntables++] = base;
	return base;
}

const struct event_kind *event_kind__get(unsigned id)
{
	return id < reg.n ? reg.kinds[id] : NULL;
}

int event_kind__find(const char *name)
{
	for (unsigned i = 0; i < reg.n; i++)
		if (!strcmp(reg.kinds[i]->name, name))
			return i;
	return -1;
}

unsigned event_kinds__count(void) { return reg.n; }

void kind_mask__all(struct kind_mask *m)
{
	memset(m, 0xff, sizeof(*m));
}

void kind_mask__with_flags(struct kind_mask *m, unsigned flags)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < reg.n; i++)
		if ((reg.kinds[i]->flags & flags) == flags)
			kind_mask__set(m, i);
}

int64_t event__mono_to_real(void)
{
	struct timespec m, r;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	return (r.tv_sec - m.tv_sec) * 1000000000LL + (r.tv_nsec - m.tv_nsec);
}

uint64_t event__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
