// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "core/log.h"
#include "lib/metrics.h"
#include "server/http_client.h"
#include "server/otlp_export.h"

enum outcome { OUT_SENT, OUT_QUEUE_FULL, OUT_REJECTED, OUT_SHUTDOWN, OUT__MAX };
static const char *const outcome_names[] = { "sent", "dropped_queue_full", "rejected", "dropped_shutdown" };
static const char *const signal_names[] = { "traces", "metrics", "logs" };
static const char *const paths[] = { "/v1/traces", "/v1/metrics", "/v1/logs" };

/* Requests by (signal, HTTP status or 0 for no answer): few distinct ones. */
#define STATUS_SLOTS 24

struct batch {
	struct batch *next;
	enum otlp_signal sig;
	unsigned items;
	char *body;
	size_t len;
};

struct otlp_exporter {
	struct otlp_export_opts o;
	char endpoint[160];
	struct http_client *http;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, **tail;
	size_t queued, bytes;
	bool stop;
	double drain_until;		/* CLOCK_MONOTONIC ms, once stopping */
	uint64_t items[OTLP_SIGNALS][OUT__MAX];
	uint64_t retries[OTLP_SIGNALS];
	struct { int sig, status; uint64_t n; } requests[STATUS_SLOTS];
	char last_error[192];
	unsigned seed;
};

const char *otlp_signal__name(enum otlp_signal s) { return s < OTLP_SIGNALS ? signal_names[s] : "?"; }

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void count_request(struct otlp_exporter *e, int sig, int status)
{
	int i;

	for (i = 0; i < STATUS_SLOTS && e->requests[i].n; i++)
		if (e->requests[i].sig == sig && e->requests[i].status == status)
			break;
	if (i == STATUS_SLOTS)
		i = STATUS_SLOTS - 1;	/* full: the last slot takes the rest */
	e->requests[i].sig = sig;
	e->requests[i].status = status;
	e->requests[i].n++;
}

static void pop(struct otlp_exporter *e, enum outcome out)
{
	struct batch *b = e->head;

	e->head = b->next;
	if (!e->head)
		e->tail = &e->head;
	e->queued--;
	e->bytes -= b->len;
	e->items[b->sig][out] += b->items;
	free(b->body);
	free(b);
}

static bool retryable(int status)
{
	return status < 0 || status == 429 || status == 502 || status == 503 || status == 504;
}

/* The answer's start, printable, for the log. */
static void body_start(const struct strbuf *body, char *out, size_t sz)
{
	size_t n = 0;

	for (size_t i = 0; i < body->len && n + 1 < sz && i < 160; i++) {
		unsigned char c = body->buf[i];

		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	out[n] = '\0';
}

static void cond_wait_until(struct otlp_exporter *e, double until_ms)
{
	struct timespec ts;
	double left = until_ms - now_ms();

	if (left <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(left / 1e3);
	ts.tv_nsec += (long)((left - (long)(left / 1e3) * 1e3) * 1e6);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&e->cv, &e->mu, &ts);
}

static void *worker(void *arg)
{
	struct otlp_exporter *e = arg;
	double retry_at = 0;
	int attempt = 0;
	bool failing = false;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		struct http_reply r;
		struct batch *b;
		char err[192] = "";
		int status;

		if (e->stop && (!e->head || now_ms() >= e->drain_until))
			break;
		if (!e->head) {
			pthread_cond_wait(&e->cv, &e->mu);
			continue;
		}
		if (now_ms() < retry_at) {
			cond_wait_until(e, e->stop && e->drain_until < retry_at ? e->drain_until : retry_at);
			continue;
		}
		/* The head stays queued while it is sent: only this thread pops. */
		b = e->head;
		pthread_mutex_unlock(&e->mu);
		status = http_client__request(e->http, "POST", paths[b->sig], "application/x-protobuf", b->body,
					      b->len, &r, err, sizeof(err));
		pthread_mutex_lock(&e->mu);
		count_request(e, b->sig, status < 0 ? 0 : status);
		if (status >= 200 && status < 300) {
			if (failing)
				pr_info("otlp: %s accepts again after %d retr%s", e->endpoint, attempt,
					attempt == 1 ? "y" : "ies");
			pop(e, OUT_SENT);
			attempt = 0;
			failing = false;
			e->last_error[0] = '\0';
		} else if (retryable(status)) {
			/* 0.5 s doubling to the cap, each wait 50..100% of it. */
			double cap = e->o.backoff_max_ms, d = 500.0 * (1u << (attempt < 16 ? attempt : 16));

			d = d < cap ? d : cap;
			d = d / 2 + (double)(rand_r(&e->seed) % 1000) / 1000.0 * d / 2;
			if (status > 0 && r.retry_after >= 0)
				d = r.retry_after * 1e3 < 100 ? 100 : r.retry_after * 1e3 < cap ? r.retry_after * 1e3 : cap;
			retry_at = now_ms() + d;
			e->retries[b->sig]++;
			if (status > 0)
				snprintf(e->last_error, sizeof(e->last_error), "HTTP %d from %s%s", status,
					 e->endpoint, paths[b->sig]);
			else
				snprintf(e->last_error, sizeof(e->last_error), "%s", err);
			if (!failing)
				pr_warn("otlp: %s; retrying with backoff, the queue holds up to %zu batches",
					e->last_error, e->o.queue_batches);
			failing = true;
			attempt++;
		} else {
			char start[192];

			body_start(&r.body, start, sizeof(start));
			snprintf(e->last_error, sizeof(e->last_error), "HTTP %d from %s%s", status, e->endpoint,
				 paths[b->sig]);
			pr_warn("otlp: %s rejected %u %s item(s) with HTTP %d: %s", e->endpoint, b->items,
				signal_names[b->sig], status, start[0] ? start : "(no body)");
			pop(e, OUT_REJECTED);
			attempt = 0;
		}
		sb__free(&r.body);
	}
	while (e->head)
		pop(e, OUT_SHUTDOWN);
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

struct otlp_exporter *otlp_exporter__new(const struct otlp_export_opts *o, char *err, size_t errsz)
{
	struct otlp_exporter *e = calloc(1, sizeof(*e));
	struct http_client_opts ho;
	const char *ep = o->endpoint;
	size_t n;

	if (!e) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	e->o = *o;
	e->o.backoff_max_ms = o->backoff_max_ms > 0 ? o->backoff_max_ms : 30000;
	if (!strncmp(ep, "https://", 8)) {
		snprintf(err, errsz, "otlp.endpoint '%s': https is not supported (use a local collector over http)", ep);
		goto fail;
	}
	if (!strncmp(ep, "http://", 7))
		ep += 7;
	snprintf(e->endpoint, sizeof(e->endpoint), "%s", ep);
	n = strlen(e->endpoint);
	while (n && e->endpoint[n - 1] == '/')
		e->endpoint[--n] = '\0';
	if (strchr(e->endpoint, '/')) {
		snprintf(err, errsz, "otlp.endpoint '%s': a path is not supported (the signal's /v1/... is added)",
			 o->endpoint);
		goto fail;
	}
	ho = (struct http_client_opts){ .connect_ms = o->timeout_ms, .total_ms = o->timeout_ms, .gzip = o->gzip,
					.headers = o->headers };
	e->http = http_client__new(e->endpoint, &ho, err, errsz);
	e->o.headers = NULL;	/* the client's copy is the one kept */
	if (!e->http)
		goto fail;
	e->tail = &e->head;
	if (getrandom(&e->seed, sizeof(e->seed), GRND_NONBLOCK) != sizeof(e->seed))
		e->seed = (unsigned)time(NULL);
	pthread_mutex_init(&e->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&e->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&e->thread, NULL, worker, e)) {
		snprintf(err, errsz, "cannot start the export thread");
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->cv);
		goto fail;
	}
	pthread_setname_np(e->thread, "sonde-otlp");
	return e;
fail:
	http_client__free(e->http);
	free(e);
	errno = EINVAL;
	return NULL;
}

void otlp_exporter__free(struct otlp_exporter *e, int drain_ms)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	e->stop = true;
	e->drain_until = now_ms() + drain_ms;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->thread, NULL);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	http_client__free(e->http);
	free(e);
}

int otlp_exporter__submit(struct otlp_exporter *e, enum otlp_signal sig, struct strbuf *body, unsigned items)
{
	struct batch *b;
	int err = 0;

	if (body->err || !body->len) {
		err = body->err;
		sb__free(body);
		return err;
	}
	pthread_mutex_lock(&e->mu);
	/* The new batch is the one dropped: those queued may be mid-retry. */
	if (e->queued >= e->o.queue_batches || e->bytes + body->len > e->o.queue_bytes ||
	    !(b = calloc(1, sizeof(*b)))) {
		e->items[sig][OUT_QUEUE_FULL] += items;
		err = -ENOBUFS;
		sb__free(body);
		goto out;
	}
	b->sig = sig;
	b->items = items;
	b->body = sb__detach(body, &b->len);
	*e->tail = b;
	e->tail = &b->next;
	e->queued++;
	e->bytes += b->len;
	pthread_cond_signal(&e->cv);
out:
	pthread_mutex_unlock(&e->mu);
	return err;
}

void otlp_exporter__collect(struct otlp_exporter *e, struct metrics_writer *w)
{
	char code[16];

	pthread_mutex_lock(&e->mu);
	mw__family(w, "sonde_otlp_items_total", METRIC_COUNTER,
		   "Spans, metric series and log records handed to the OTLP exporter, by signal and outcome.");
	for (int s = 0; s < OTLP_SIGNALS; s++)
		for (int o = 0; o < OUT__MAX; o++)
			mw__sample_u64(w, "sonde_otlp_items_total",
				       LABELS({ "signal", signal_names[s] }, { "outcome", outcome_names[o] }), e->items[s][o]);
	mw__family(w, "sonde_otlp_requests_total", METRIC_COUNTER,
		   "OTLP export requests by signal and HTTP status (\"error\": no answer).");
	for (int i = 0; i < STATUS_SLOTS && e->requests[i].n; i++) {
		snprintf(code, sizeof(code), "%d", e->requests[i].status);
		mw__sample_u64(w, "sonde_otlp_requests_total",
			       LABELS({ "signal", signal_names[e->requests[i].sig] },
				      { "status", e->requests[i].status ? code : "error" }), e->requests[i].n);
	}
	mw__family(w, "sonde_otlp_retries_total", METRIC_COUNTER,
		   "OTLP export requests retried after a connection error, 429, 502, 503 or 504.");
	for (int s = 0; s < OTLP_SIGNALS; s++)
		mw__sample_u64(w, "sonde_otlp_retries_total", LABELS({ "signal", signal_names[s] }), e->retries[s]);
	mw__family(w, "sonde_otlp_queue_batches", METRIC_GAUGE, "Encoded OTLP requests waiting to be sent.");
	mw__sample(w, "sonde_otlp_queue_batches", NO_LABELS, e->queued);
	mw__family(w, "sonde_otlp_queue_bytes", METRIC_GAUGE, "Bytes of the OTLP requests waiting to be sent.");
	mw__sample(w, "sonde_otlp_queue_bytes", NO_LABELS, e->bytes);
	pthread_mutex_unlock(&e->mu);
}

void otlp_exporter__status(struct otlp_exporter *e, struct otlp_export_status *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&e->mu);
	snprintf(st->endpoint, sizeof(st->endpoint), "%s", e->endpoint);
	st->queued = e->queued;
	st->queued_bytes = e->bytes;
	st->queue_batches = e->o.queue_batches;
	st->queue_bytes = e->o.queue_bytes;
	for (int s = 0; s < OTLP_SIGNALS; s++) {
		st->sent[s] = e->items[s][OUT_SENT];
		st->dropped[s] = e->items[s][OUT_QUEUE_FULL] + e->items[s][OUT_REJECTED] + e->items[s][OUT_SHUTDOWN];
	}
	snprintf(st->last_error, sizeof(st->last_error), "%s", e->last_error);
	pthread_mutex_unlock(&e->mu);
}
