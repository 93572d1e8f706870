/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP exporter: encoded requests (protobuf) queue here and a
 * thread of its own POSTs them to /v1/traces, /v1/metrics or /v1/logs, so
 * the event loop never waits on the network. The queue is bounded in
 * batches and bytes; a batch that does not fit is dropped and counted.
 * Connection errors, 429, 502, 503 and 504 are retried with exponential
 * backoff and jitter (Retry-After honoured, capped), the batch staying at
 * the head of the queue; any other answer but 2xx rejects the batch. */
#ifndef SONDE_OTLP_EXPORT_H
#define SONDE_OTLP_EXPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/strbuf.h"

struct metrics_writer;

enum otlp_signal { OTLP_TRACES, OTLP_METRICS, OTLP_LOGS, OTLP_SIGNALS };

struct otlp_export_opts {
	const char *endpoint;	/* "HOST:PORT" or "http://HOST:PORT[/]" */
	bool gzip;
	int timeout_ms;		/* per request */
	size_t queue_batches, queue_bytes;
	int backoff_max_ms;	/* 0: 30000 */
	const char *headers;	/* extra "Name: value\r\n" lines; NULL: none */
};

struct otlp_exporter;

/* Starts the thread; NULL with the reason in err. */
struct otlp_exporter *otlp_exporter__new(const struct otlp_export_opts *o, char *err, size_t errsz);
/* Stops: what is queued gets drain_ms more to go out, the rest is counted
 * as dropped at shutdown. NULL-safe. */
void otlp_exporter__free(struct otlp_exporter *e, int drain_ms);
/* Queues body (its buffer is taken, sb emptied) holding items items.
 * 0, or -ENOBUFS when the queue is full (the batch is counted dropped). */
int otlp_exporter__submit(struct otlp_exporter *e, enum otlp_signal sig, struct strbuf *body, unsigned items);
/* sonde_otlp_* metrics. */
void otlp_exporter__collect(struct otlp_exporter *e, struct metrics_writer *w);

struct otlp_export_status {
	char endpoint[160];
	size_t queued, queued_bytes, queue_batches, queue_bytes;
	uint64_t sent[OTLP_SIGNALS], dropped[OTLP_SIGNALS];
	char last_error[192];	/* "" when the last request succeeded */
};
void otlp_exporter__status(struct otlp_exporter *e, struct otlp_export_status *st);
const char *otlp_signal__name(enum otlp_signal s);
#endif
