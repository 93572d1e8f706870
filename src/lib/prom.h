/* Prometheus text exposition (format 0.0.4) writer. Families are written
 * with HELP and TYPE once; samples of a family must follow it. */
#ifndef SONDE_PROM_H
#define SONDE_PROM_H
#include <stdint.h>
#include "lib/strbuf.h"

struct label {
	const char *name, *value;
};

struct metrics_writer {
	struct strbuf sb;
};

#define LABELS(...) ((const struct label[]){ __VA_ARGS__ }), \
	(sizeof((const struct label[]){ __VA_ARGS__ }) / sizeof(struct label))
#define NO_LABELS NULL, 0

void mw__family(struct metrics_writer *w, const char *name, const char *type, const char *help);
void mw__sample(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		double v);
void mw__sample_u64(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		    uint64_t v);
/* One histogram series from log2 slots (see core/hist.h); buckets below
 * 2^first_slot ns are folded into the first exported one. */
void mw__histogram(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		   const uint64_t *slots, unsigned nslots, unsigned first_slot, double sum);
/* Escapes a label value (backslash, quote, newline; invalid UTF-8 as U+FFFD). */
void prom__escape_label(struct strbuf *sb, const char *s);
#endif
