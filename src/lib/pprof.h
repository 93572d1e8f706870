/* SPDX-License-Identifier: Apache-2.0 */
/* A pprof profile (github.com/google/pprof proto/profile.proto) built up
 * from samples and written as the gzipped protobuf `go tool pprof` reads.
 * Strings, functions, mappings and locations are interned: the caller
 * names them, the builder numbers them. Pure: no I/O. */
#ifndef SONDE_PPROF_H
#define SONDE_PPROF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct pprof;

struct pprof_label {
	const char *key;
	const char *str;	/* NULL: a number */
	int64_t num;
};

/* Sample values: nvalues of (type, unit), e.g. ("samples", "count") and
 * ("cpu", "nanoseconds"); the period is of the last value's unit. */
struct pprof *pprof__new(const char *const *types, const char *const *units, unsigned nvalues,
			 int64_t period);
void pprof__free(struct pprof *p);
void pprof__set_time(struct pprof *p, int64_t time_ns, int64_t duration_ns);
/* Ids (from 1) of a mapping, a function and a location; 0 when out of
 * memory. A mapping is one (start, limit, offset, file); a location one
 * (mapping, address), with the function of its line (0: none). */
uint64_t pprof__mapping(struct pprof *p, uint64_t start, uint64_t limit, uint64_t off, const char *file,
			const char *build_id);
uint64_t pprof__function(struct pprof *p, const char *name, const char *file);
uint64_t pprof__location(struct pprof *p, uint64_t mapping, uint64_t addr, uint64_t function);
/* The same with n lines (function and line number, 0: unknown), innermost
 * first: the functions inlined at addr, then the one holding them. */
#define PPROF_MAX_LINES 8
uint64_t pprof__location_lines(struct pprof *p, uint64_t mapping, uint64_t addr, const uint64_t *fns,
			       const int64_t *lines, unsigned n);
/* locs: leaf first, as pprof wants. 0 or -ENOMEM. */
int pprof__sample(struct pprof *p, const uint64_t *locs, unsigned nlocs, const int64_t *values,
		  const struct pprof_label *labels, unsigned nlabels);
/* The protobuf, gzipped or not, appended to out. 0 or a negative errno. */
int pprof__write(struct pprof *p, struct strbuf *out, bool gzip);
#endif
