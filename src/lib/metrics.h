/* SPDX-License-Identifier: Apache-2.0 */
/* The metrics writer: what collectors and self-metrics write through, and
 * what each exposition backend implements (lib/prom.c: Prometheus text;
 * OTLP metrics next). Collectors never see the backend.
 *
 * A family (name, type, help) is declared first, then its samples; a
 * histogram series is one call with the log2 slots the BPF side keeps
 * (lib/hist.h). Label sets are bounded: at most METRIC_MAX_LABELS. */
#ifndef SONDE_LIB_METRICS_H
#define SONDE_LIB_METRICS_H
#include <stdint.h>

#define METRIC_MAX_LABELS 8

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

struct label {
	const char *name, *value;	/* a NULL value reads as "" */
};

/* A log2 histogram: slots[i] counts values in (2^(i-1), 2^i] ns, the last
 * slot is the overflow; slots below first_slot fold into first_slot. */
struct metric_hist {
	const uint64_t *slots;
	unsigned nslots, first_slot;
	double sum;		/* in the exported unit (seconds) */
};

struct metrics_writer;

struct metrics_writer_ops {
	void (*family)(struct metrics_writer *w, const char *name, enum metric_type type,
		       const char *help);
	void (*value)(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		      double v);
	void (*count)(struct metrics_writer *w, const char *name, const struct label *l, int nl,
		      uint64_t v);
	void (*histogram)(struct metrics_writer *w, const char *name, const struct label *l,
			  int nl, const struct metric_hist *h);
};

struct metrics_writer {
	const struct metrics_writer_ops *ops;
	/* Samples refused for more than METRIC_MAX_LABELS labels (a bug in
	 * the caller, counted rather than written malformed). */
	unsigned long refused;
};

#define LABELS(...) ((const struct label[]){ __VA_ARGS__ }), \
	(int)(sizeof((const struct label[]){ __VA_ARGS__ }) / sizeof(struct label))
#define NO_LABELS NULL, 0

static inline void mw__family(struct metrics_writer *w, const char *name, enum metric_type type,
			      const char *help)
{
	w->ops->family(w, name, type, help);
}

static inline void mw__sample(struct metrics_writer *w, const char *name, const struct label *l,
			      int nl, double v)
{
	if (nl > METRIC_MAX_LABELS)
		w->refused++;
	else
		w->ops->value(w, name, l, nl, v);
}

static inline void mw__sample_u64(struct metrics_writer *w, const char *name,
				  const struct label *l, int nl, uint64_t v)
{
	if (nl > METRIC_MAX_LABELS)
		w->refused++;
	else
		w->ops->count(w, name, l, nl, v);
}

static inline void mw__histogram(struct metrics_writer *w, const char *name,
				 const struct label *l, int nl, const uint64_t *slots,
				 unsigned nslots, unsigned first_slot, double sum)
{
	struct metric_hist h = { slots, nslots, first_slot, sum };

	if (nl > METRIC_MAX_LABELS - 1)	/* "le" is one more */
		w->refused++;
	else
		w->ops->histogram(w, name, l, nl, &h);
}
#endif
