/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP/HTTP output: events as log records, "http" events as spans, and
 * the agent's metrics, through one exporter (server/otlp_export.c) to an
 * OpenTelemetry Collector or anything that speaks OTLP/HTTP protobuf.
 * Items are grouped by the process (resource) they come from and sent in
 * batches of otlp.batch_events, or every otlp.flush_ms. */
#ifndef SONDE_SINKS_OTLP_H
#define SONDE_SINKS_OTLP_H
#include <stdbool.h>
#include <stdint.h>
#include "core/bus.h"

struct config_section;
struct loop;
struct metrics_writer;
struct strbuf;

struct otlp_config {
	char endpoint[160];	/* "": off */
	char signals[64];	/* traces,metrics,logs */
	char service_name[64];	/* the agent's own resource */
	char headers[1024];	/* "key=value,..." sent with every request */
	long queue_batches, queue_bytes, batch_events, flush_ms, timeout_ms, metrics_interval;
	bool gzip;
};

extern const struct config_section otlp_config_section;

struct otlp;

/* NULL with errno when the configuration is wrong or the exporter cannot
 * start (said in the log); NULL with errno 0 when otlp.endpoint is empty. */
struct otlp *otlp__open(struct bus *b, struct loop *loop, const struct otlp_config *cfg);
/* Sends what is batched, gives the queue a moment to drain. NULL-safe. */
void otlp__close(struct otlp *o);
/* Metrics: the agent writes every metric through the writer between
 * begin and end, every otlp.metrics_interval seconds; NULL when the
 * metrics signal is off. */
bool otlp__wants_metrics(const struct otlp *o);
long otlp__metrics_interval(const struct otlp *o);
struct metrics_writer *otlp__metrics_begin(struct otlp *o);
void otlp__metrics_end(struct otlp *o);
/* The exporter's own metrics (sonde_otlp_*). */
void otlp__collect(struct otlp *o, struct metrics_writer *w);
/* For status: a JSON object, and a line of text. */
void otlp__status_json(struct otlp *o, struct strbuf *sb);
void otlp__status_text(struct otlp *o, struct strbuf *sb);
#endif
