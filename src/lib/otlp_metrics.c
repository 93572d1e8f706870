// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include "lib/hist.h"
#include "lib/otlp.h"
#include "lib/otlp_metrics.h"
#include "lib/pb.h"

/* metrics.proto */
enum { M_NAME = 1, M_DESCRIPTION = 2, M_UNIT = 3, M_GAUGE = 5, M_SUM = 7, M_HISTOGRAM = 9 };
enum { D_POINTS = 1, D_TEMPORALITY = 2, D_MONOTONIC = 3 };
enum { TEMPORALITY_CUMULATIVE = 2 };
enum { NP_START = 2, NP_TIME = 3, NP_DOUBLE = 4, NP_INT = 6, NP_ATTRS = 7 };
enum { HP_START = 2, HP_TIME = 3, HP_COUNT = 4, HP_SUM = 5, HP_BUCKETS = 6, HP_BOUNDS = 7, HP_ATTRS = 9 };

#define OW(w) ((struct otlp_metrics_writer *)(w))

static const char *unit_of(const char *name)
{
	size_t n = strlen(name);
	static const struct { const char *suffix, *unit; } units[] = {
		{ "_seconds", "s" }, { "_seconds_total", "s" }, { "_bytes", "By" }, { "_bytes_total", "By" },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t k = strlen(units[i].suffix);

		if (n > k && !strcmp(name + n - k, units[i].suffix))
			return units[i].unit;
	}
	return NULL;
}

static void close_metric(struct otlp_metrics_writer *w)
{
	if (!w->open)
		return;
	w->open = 0;
	if (!w->points) {
		/* A family with no series: no metric at all. */
		w->sb->len = w->start;
		if (w->sb->buf)
			w->sb->buf[w->start] = '\0';
		return;
	}
	if (w->type != METRIC_GAUGE)
		pb__uint(w->sb, D_TEMPORALITY, TEMPORALITY_CUMULATIVE);
	if (w->type == METRIC_COUNTER)
		pb__uint(w->sb, D_MONOTONIC, 1);
	pb__end(w->sb, w->data);
	pb__end(w->sb, w->metric);
	w->metrics++;
	w->series += w->points;
}

static void om_family(struct metrics_writer *mw, const char *name, enum metric_type type, const char *help)
{
	struct otlp_metrics_writer *w = OW(mw);
	const char *unit = unit_of(name);

	close_metric(w);
	w->start = w->sb->len;
	w->metric = pb__begin(w->sb, 2);
	otlp__put_str(w->sb, M_NAME, name, strlen(name));
	otlp__put_str(w->sb, M_DESCRIPTION, help, strlen(help));
	if (unit)
		otlp__put_str(w->sb, M_UNIT, unit, strlen(unit));
	w->type = type;
	w->data = pb__begin(w->sb, type == METRIC_GAUGE ? M_GAUGE : type == METRIC_COUNTER ? M_SUM : M_HISTOGRAM);
	w->points = 0;
	w->open = 1;
}

static void attrs(struct otlp_metrics_writer *w, unsigned field, const struct label *l, int nl)
{
	for (int i = 0; i < nl; i++)
		otlp__kv_str(w->sb, field, l[i].name, l[i].value);
}

/* A number point; an integer past INT64_MAX (sfixed64) goes as a double. */
static void number(struct otlp_metrics_writer *w, const struct label *l, int nl, bool is_int, uint64_t u,
		   double d)
{
	size_t m;

	if (!w->open || w->type == METRIC_HISTOGRAM)
		return;	/* a sample without its family, or in a histogram's */
	m = pb__begin(w->sb, D_POINTS);
	attrs(w, NP_ATTRS, l, nl);
	if (w->type != METRIC_GAUGE)
		pb__fixed64(w->sb, NP_START, w->start_ns);
	pb__fixed64(w->sb, NP_TIME, w->now_ns);
	if (is_int && u <= INT64_MAX)
		pb__fixed64(w->sb, NP_INT, u);
	else
		pb__double(w->sb, NP_DOUBLE, is_int ? (double)u : d);
	pb__end(w->sb, m);
	w->points++;
}

static void om_value(struct metrics_writer *mw, const char *name, const struct label *l, int nl, double v)
{
	number(OW(mw), l, nl, false, 0, v);
}

static void om_count(struct metrics_writer *mw, const char *name, const struct label *l, int nl, uint64_t v)
{
	number(OW(mw), l, nl, true, v, 0);
}

/* Buckets as the Prometheus backend's: bounds le(first_slot) ..
 * le(nslots - 2); the first bucket holds the slots folded into first_slot,
 * the last the overflow slot. */
static void om_histogram(struct metrics_writer *mw, const char *name, const struct label *l, int nl,
			 const struct metric_hist *h)
{
	struct otlp_metrics_writer *w = OW(mw);
	uint64_t total = 0, first = 0;
	size_t m, p;

	if (!w->open || w->type != METRIC_HISTOGRAM || !h->nslots)
		return;
	for (unsigned i = 0; i < h->nslots; i++)
		total += h->slots[i];
	m = pb__begin(w->sb, D_POINTS);
	attrs(w, HP_ATTRS, l, nl);
	pb__fixed64(w->sb, HP_START, w->start_ns);
	pb__fixed64(w->sb, HP_TIME, w->now_ns);
	pb__fixed64(w->sb, HP_COUNT, total);
	pb__double(w->sb, HP_SUM, h->sum);
	p = pb__begin(w->sb, HP_BUCKETS);
	for (unsigned i = 0; i + 1 < h->nslots; i++) {
		if (i < h->first_slot) {
			first += h->slots[i];
			continue;
		}
		pb__raw_fixed64(w->sb, i == h->first_slot ? first + h->slots[i] : h->slots[i]);
	}
	pb__raw_fixed64(w->sb, h->slots[h->nslots - 1]);
	pb__end(w->sb, p);
	if (h->first_slot + 1 < h->nslots) {
		p = pb__begin(w->sb, HP_BOUNDS);
		for (unsigned i = h->first_slot; i + 1 < h->nslots; i++)
			pb__raw_double(w->sb, hist__le_seconds(i));
		pb__end(w->sb, p);
	}
	pb__end(w->sb, m);
	w->points++;
}

static const struct metrics_writer_ops otlp_metrics_ops = {
	.family = om_family, .value = om_value, .count = om_count, .histogram = om_histogram,
};

void otlp_metrics__init(struct otlp_metrics_writer *w, struct strbuf *sb, uint64_t start_ns, uint64_t now_ns)
{
	memset(w, 0, sizeof(*w));
	w->mw.ops = &otlp_metrics_ops;
	w->sb = sb;
	w->start_ns = start_ns;
	w->now_ns = now_ns;
}

int otlp_metrics__finish(struct otlp_metrics_writer *w)
{
	close_metric(w);
	return w->sb->err;
}
