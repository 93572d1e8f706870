// SPDX-License-Identifier: Apache-2.0
/* __cxa_demangle is libstdc++'s; it mallocs its answer. The table is open
 * addressing over the mangled text; when full it starts over (a profile's
 * working set of names is far smaller than the limit). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "symbolize/demangle.h"

char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

struct dm_entry {
	char *mangled, *plain;	/* plain NULL: not demangleable, use mangled */
	uint64_t hash;
};

struct demangler {
	struct dm_entry *v;
	size_t cap, n, bytes;
};

struct demangler *demangler__new(size_t max_entries)
{
	struct demangler *d = calloc(1, sizeof(*d));
	size_t cap = 1024;

	while (cap < max_entries * 2)
		cap *= 2;
	if (d && !(d->v = calloc(cap, sizeof(*d->v)))) {
		free(d);
		return NULL;
	}
	if (d)
		d->cap = cap;
	return d;
}

static void clear(struct demangler *d)
{
	for (size_t i = 0; i < d->cap; i++) {
		free(d->v[i].mangled);
		free(d->v[i].plain);
	}
	memset(d->v, 0, d->cap * sizeof(*d->v));
	d->n = d->bytes = 0;
}

void demangler__free(struct demangler *d)
{
	if (!d)
		return;
	clear(d);
	free(d->v);
	free(d);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ?: 1;
}

const char *demangler__name(struct demangler *d, const char *name)
{
	uint64_t h;
	size_t i;
	int status = -1;

	/* _Z: C++ and Rust's legacy scheme; _R (Rust v0) is left as it is. */
	if (!d || !name || name[0] != '_' || name[1] != 'Z')
		return name;
	h = hash(name);
	for (i = h & (d->cap - 1); d->v[i].hash; i = (i + 1) & (d->cap - 1))
		if (d->v[i].hash == h && !strcmp(d->v[i].mangled, name))
			return d->v[i].plain ?: name;
	if (d->n * 2 >= d->cap) {
		clear(d);
		for (i = h & (d->cap - 1); d->v[i].hash; i = (i + 1) & (d->cap - 1))
			;
	}
	d->v[i].mangled = strdup(name);
	if (!d->v[i].mangled)
		return name;
	d->v[i].hash = h;
	d->v[i].plain = __cxa_demangle(name, NULL, NULL, &status);
	if (status) {
		free(d->v[i].plain);
		d->v[i].plain = NULL;
	}
	d->n++;
	d->bytes += strlen(name) + 1 + (d->v[i].plain ? strlen(d->v[i].plain) + 1 : 0);
	return d->v[i].plain ?: name;
}

size_t demangler__bytes(const struct demangler *d)
{
	return d ? d->bytes + d->cap * sizeof(*d->v) : 0;
}
