/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP metrics: a metrics_writer backend (lib/metrics.h) writing Metric
 * messages (metrics.proto) for an ExportMetricsServiceRequest. Counters
 * become cumulative monotonic Sums, gauges Gauges, the log2 histograms
 * cumulative Histograms with the same bounds, in seconds, as the
 * Prometheus backend's "le". Names and label names are Prometheus's. */
#ifndef SONDE_LIB_OTLP_METRICS_H
#define SONDE_LIB_OTLP_METRICS_H
#include <stdint.h>
#include "lib/metrics.h"
#include "lib/strbuf.h"

struct otlp_metrics_writer {
	struct metrics_writer mw;
	struct strbuf *sb;	/* receives field-2 Metric messages of a ScopeMetrics */
	uint64_t start_ns, now_ns;	/* cumulative since start_ns, read at now_ns */
	enum metric_type type;
	size_t start, metric, data;	/* where the open metric begins, its marks */
	unsigned points;	/* of the open metric */
	unsigned metrics;	/* written with at least one point */
	unsigned series;	/* points in all */
	int open;
};

void otlp_metrics__init(struct otlp_metrics_writer *w, struct strbuf *sb, uint64_t start_ns,
			uint64_t now_ns);
/* Closes the last metric; 0 or -ENOMEM. */
int otlp_metrics__finish(struct otlp_metrics_writer *w);
#endif
