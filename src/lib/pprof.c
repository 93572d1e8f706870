// SPDX-License-Identifier: Apache-2.0
/* The protobuf encoding is lib/pb.c's: varints, and length-prefixed
 * fields whose body is encoded first into a scratch buffer. Interning uses
 * one open-addressing table over (kind, key bytes). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/gzip.h"
#include "lib/pb.h"
#include "lib/pprof.h"
#include "lib/strbuf.h"
#include "lib/vec.h"

/* Profile fields, profile.proto. */
enum {
	P_SAMPLE_TYPE = 1, P_SAMPLE = 2, P_MAPPING = 3, P_LOCATION = 4, P_FUNCTION = 5,
	P_STRING_TABLE = 6, P_TIME_NANOS = 9, P_DURATION_NANOS = 10, P_PERIOD_TYPE = 11, P_PERIOD = 12,
};

struct intern {
	uint64_t hash;
	char *key;
	size_t len;
	uint64_t id;
};

struct pp_mapping { uint64_t start, limit, off, file, build_id; };
struct pp_function { uint64_t name, file; };
struct pp_location {
	uint64_t mapping, addr, nlines;
	uint64_t fn[PPROF_MAX_LINES];
	int64_t line[PPROF_MAX_LINES];
};

struct pprof {
	struct intern *tab;	/* open addressing, power-of-two size */
	size_t tab_n, tab_cap;
	char **strings;
	size_t nstrings, strings_cap;
	struct pp_mapping *maps;
	size_t nmaps, maps_cap;
	struct pp_function *fns;
	size_t nfns, fns_cap;
	struct pp_location *locs;
	size_t nlocs, locs_cap;
	struct strbuf samples;	/* encoded Sample messages, field 2 each */
	uint64_t *types, *units;
	unsigned nvalues;
	int64_t period, time_ns, duration_ns;
	int err;
};

static uint64_t fnv(unsigned kind, const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL ^ kind;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h ?: 1;
}

static int tab_grow(struct pprof *p)
{
	size_t ncap = p->tab_cap ? p->tab_cap * 2 : 1024;
	struct intern *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (size_t i = 0; i < p->tab_cap; i++) {
		size_t j;

		if (!p->tab[i].hash)
			continue;
		for (j = p->tab[i].hash & (ncap - 1); nt[j].hash; j = (j + 1) & (ncap - 1))
			;
		nt[j] = p->tab[i];
	}
	free(p->tab);
	p->tab = nt;
	p->tab_cap = ncap;
	return 0;
}

/* The slot of (kind, key): found (->id set) or empty, to be filled. */
static struct intern *lookup(struct pprof *p, unsigned kind, const void *key, size_t len)
{
	uint64_t h;
	size_t i;

	if ((p->tab_n + 1) * 2 > p->tab_cap && tab_grow(p))
		return NULL;
	h = fnv(kind, key, len);
	for (i = h & (p->tab_cap - 1); p->tab[i].hash; i = (i + 1) & (p->tab_cap - 1))
		if (p->tab[i].hash == h && p->tab[i].len == len + 1 && p->tab[i].key[0] == (char)kind &&
		    !memcmp(p->tab[i].key + 1, key, len))
			return &p->tab[i];
	p->tab[i].hash = h;
	p->tab[i].len = len + 1;
	p->tab[i].id = 0;
	p->tab[i].key = malloc(len + 1);
	if (!p->tab[i].key) {
		p->tab[i].hash = 0;
		return NULL;
	}
	p->tab[i].key[0] = (char)kind;
	memcpy(p->tab[i].key + 1, key, len);
	p->tab_n++;
	return &p->tab[i];
}

static uint64_t string_id(struct pprof *p, const char *s)
{
	struct intern *e;
	char *copy;

	if (!s || !*s)
		return 0;
	e = lookup(p, 's', s, strlen(s));
	if (!e)
		goto oom;
	if (e->id || !strcmp(s, "") )
		return e->id;
	copy = strdup(s);
	if (!copy || VEC_PUSH(p->strings, p->nstrings, p->strings_cap, copy)) {
		free(copy);
		goto oom;
	}
	return e->id = p->nstrings - 1;
oom:
	p->err = -ENOMEM;
	return 0;
}

struct pprof *pprof__new(const char *const *types, const char *const *units, unsigned nvalues,
			 int64_t period)
{
	struct pprof *p = calloc(1, sizeof(*p));
	char *empty = strdup("");

	if (!p || !empty || VEC_PUSH(p->strings, p->nstrings, p->strings_cap, empty))
		goto fail;
	p->types = calloc(nvalues, sizeof(*p->types));
	p->units = calloc(nvalues, sizeof(*p->units));
	if (!p->types || !p->units)
		goto fail;
	p->nvalues = nvalues;
	p->period = period;
	for (unsigned i = 0; i < nvalues; i++) {
		p->types[i] = string_id(p, types[i]);
		p->units[i] = string_id(p, units[i]);
	}
	if (!p->err)
		return p;
	empty = NULL;
fail:
	free(empty);
	pprof__free(p);
	return NULL;
}

void pprof__free(struct pprof *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->tab_cap; i++)
		free(p->tab[i].key);
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->tab);
	free(p->strings);
	free(p->maps);
	free(p->fns);
	free(p->locs);
	free(p->types);
	free(p->units);
	sb__free(&p->samples);
	free(p);
}

void pprof__set_time(struct pprof *p, int64_t time_ns, int64_t duration_ns)
{
	p->time_ns = time_ns;
	p->duration_ns = duration_ns;
}

uint64_t pprof__mapping(struct pprof *p, uint64_t start, uint64_t limit, uint64_t off, const char *file,
			const char *build_id)
{
	struct pp_mapping m = { start, limit, off, string_id(p, file), string_id(p, build_id) };
	struct intern *e = lookup(p, 'm', &m, sizeof(m));

	if (!e || (!e->id && VEC_PUSH(p->maps, p->nmaps, p->maps_cap, m))) {
		p->err = -ENOMEM;
		return 0;
	}
	return e->id ?: (e->id = p->nmaps);
}

uint64_t pprof__function(struct pprof *p, const char *name, const char *file)
{
	struct pp_function f = { string_id(p, name), string_id(p, file) };
	struct intern *e = lookup(p, 'f', &f, sizeof(f));

	if (!e || (!e->id && VEC_PUSH(p->fns, p->nfns, p->fns_cap, f))) {
		p->err = -ENOMEM;
		return 0;
	}
	return e->id ?: (e->id = p->nfns);
}

uint64_t pprof__location(struct pprof *p, uint64_t mapping, uint64_t addr, uint64_t function)
{
	int64_t line = 0;

	return pprof__location_lines(p, mapping, addr, &function, &line, function ? 1 : 0);
}

uint64_t pprof__location_lines(struct pprof *p, uint64_t mapping, uint64_t addr, const uint64_t *fns,
			       const int64_t *lines, unsigned n)
{
	struct pp_location l;
	struct intern *e;

	memset(&l, 0, sizeof(l));	/* the whole struct is the key */
	l.mapping = mapping;
	l.addr = addr;
	l.nlines = n < PPROF_MAX_LINES ? n : PPROF_MAX_LINES;
	for (unsigned i = 0; i < l.nlines; i++) {
		l.fn[i] = fns[i];
		l.line[i] = lines[i];
	}
	e = lookup(p, 'l', &l, sizeof(l));

	if (!e || (!e->id && VEC_PUSH(p->locs, p->nlocs, p->locs_cap, l))) {
		p->err = -ENOMEM;
		return 0;
	}
	return e->id ?: (e->id = p->nlocs);
}

int pprof__sample(struct pprof *p, const uint64_t *locs, unsigned nlocs, const int64_t *values,
		  const struct pprof_label *labels, unsigned nlabels)
{
	struct strbuf body = {}, tmp = {};
	int err = 0;

	for (unsigned i = 0; i < nlocs; i++)
		err = err ?: pb__varint(&tmp, locs[i]);
	err = err ?: pb__msg(&body, 1, &tmp);
	for (unsigned i = 0; i < p->nvalues; i++)
		err = err ?: pb__varint(&tmp, (uint64_t)values[i]);
	err = err ?: pb__msg(&body, 2, &tmp);
	for (unsigned i = 0; i < nlabels && !err; i++) {
		err = pb__uint(&tmp, 1, string_id(p, labels[i].key)) ?:
		      (labels[i].str ? pb__uint(&tmp, 2, string_id(p, labels[i].str))
				     : pb__uint(&tmp, 3, (uint64_t)labels[i].num)) ?:
		      pb__msg(&body, 3, &tmp);
	}
	err = err ?: p->err ?: pb__msg(&p->samples, P_SAMPLE, &body);
	sb__free(&body);
	sb__free(&tmp);
	return err ? -ENOMEM : 0;
}

static int put_value_type(struct strbuf *sb, unsigned field, uint64_t type, uint64_t unit, struct strbuf *tmp)
{
	return pb__uint(tmp, 1, type) ?: pb__uint(tmp, 2, unit) ?: pb__msg(sb, field, tmp);
}

static int encode(struct pprof *p, struct strbuf *sb)
{
	struct strbuf tmp = {}, line = {};
	int err = 0;

	for (unsigned i = 0; i < p->nvalues && !err; i++)
		err = put_value_type(sb, P_SAMPLE_TYPE, p->types[i], p->units[i], &tmp);
	err = err ?: sb__append(sb, p->samples.buf ?: "", p->samples.len);
	for (size_t i = 0; i < p->nmaps && !err; i++) {
		const struct pp_mapping *m = &p->maps[i];

		err = pb__uint(&tmp, 1, i + 1) ?: pb__uint(&tmp, 2, m->start) ?: pb__uint(&tmp, 3, m->limit) ?:
		      pb__uint(&tmp, 4, m->off) ?: pb__uint(&tmp, 5, m->file) ?: pb__uint(&tmp, 6, m->build_id) ?:
		      pb__uint(&tmp, 7, 1) ?: pb__msg(sb, P_MAPPING, &tmp);
	}
	for (size_t i = 0; i < p->nlocs && !err; i++) {
		const struct pp_location *l = &p->locs[i];

		err = pb__uint(&tmp, 1, i + 1) ?: pb__uint(&tmp, 2, l->mapping) ?: pb__uint(&tmp, 3, l->addr);
		/* Lines innermost first: inlined functions, then the one holding them. */
		for (uint64_t k = 0; k < l->nlines && !err; k++) {
			err = pb__uint(&line, 1, l->fn[k]);
			if (!err && l->line[k])
				err = pb__uint(&line, 2, (uint64_t)l->line[k]);
			err = err ?: pb__msg(&tmp, 4, &line);
		}
		err = err ?: pb__msg(sb, P_LOCATION, &tmp);
	}
	for (size_t i = 0; i < p->nfns && !err; i++)
		err = pb__uint(&tmp, 1, i + 1) ?: pb__uint(&tmp, 2, p->fns[i].name) ?:
		      pb__uint(&tmp, 3, p->fns[i].name) ?: pb__uint(&tmp, 4, p->fns[i].file) ?:
		      pb__msg(sb, P_FUNCTION, &tmp);
	for (size_t i = 0; i < p->nstrings && !err; i++)
		err = pb__bytes(sb, P_STRING_TABLE, p->strings[i], strlen(p->strings[i]));
	if (!err && p->time_ns)
		err = pb__uint(sb, P_TIME_NANOS, (uint64_t)p->time_ns);
	if (!err && p->duration_ns)
		err = pb__uint(sb, P_DURATION_NANOS, (uint64_t)p->duration_ns);
	if (!err && p->nvalues)
		err = put_value_type(sb, P_PERIOD_TYPE, p->types[p->nvalues - 1], p->units[p->nvalues - 1], &tmp) ?:
		      pb__uint(sb, P_PERIOD, (uint64_t)p->period);
	sb__free(&tmp);
	sb__free(&line);
	return err;
}

int pprof__write(struct pprof *p, struct strbuf *out, bool gzip)
{
	struct strbuf raw = {};
	int err;

	if (p->err)
		return p->err;
	if (!gzip)
		return encode(p, out) ? -ENOMEM : 0;
	err = encode(p, &raw) ? -ENOMEM : gzip__append(out, raw.buf ?: "", raw.len);
	sb__free(&raw);
	return err;
}
