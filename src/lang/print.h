/* SPDX-License-Identifier: Apache-2.0 */
/* Maps as `sonde run` prints them, in bpftrace 0.17's shapes so its users
 * (and their scripts that read the output) find what they know: text
 * ("@name[k1, k2]: value", histograms of '@' bars, a blank line after the
 * maps that have one in bpftrace) or JSON lines ("-f json"). Pure: the
 * runtime reads the maps and hands their rows over. */
#ifndef SONDE_LANG_PRINT_H
#define SONDE_LANG_PRINT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang/ast.h"
#include "lib/strbuf.h"

enum lang_out_fmt { LANG_OUT_TEXT, LANG_OUT_JSON };

/* hist(): bucket 0 holds negative values, 1 zero, i >= 2 [2^(i-2), 2^(i-1)). */
#define LANG_HIST_BUCKETS 66

/* One entry of a map. */
struct lang_row {
	const void *raw;	/* the key's bytes: the order between equal values */
	size_t raw_len;
	const char *const *keys; /* each key element as text ("bash", "42") */
	unsigned nkeys;
	int64_t value;		/* count, sum, min, max, an integer value */
	const char *str;	/* a string value, else NULL */
	uint64_t count;		/* avg, stats */
	int64_t total;
	const uint64_t *buckets; /* hist (LANG_HIST_BUCKETS), lhist (see below) */
	unsigned nbuckets;
};

struct lang_map_out {
	const char *name;	/* "@x", "@" */
	enum lang_map_kind kind;
	/* lhist: buckets[0] below min, [1..n] of step each, [n + 1] from max on */
	int64_t lhist_min, lhist_max, lhist_step;
};

/* The bucket of v in a hist(). */
unsigned lang_hist__bucket(int64_t v);
/* The rows of map m into sb, sorted as bpftrace sorts them (rows is
 * reordered): by value, or by a histogram's total, then by key bytes. */
void lang_print__map(struct strbuf *sb, enum lang_out_fmt fmt, const struct lang_map_out *m,
		     struct lang_row *rows, unsigned n);
#endif
