// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "core/config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/loop.h"
#include "identity/identity.h"
#include "lib/httphdr.h"
#include "lib/metrics.h"
#include "lib/otlp.h"
#include "lib/otlp_metrics.h"
#include "lib/otlp_trace.h"
#include "lib/pb.h"
#include "server/otlp_export.h"
#include "sinks/otlp.h"

#define C(f) OPT_FIELD(struct otlp_config, f)
static const struct opt otlp_opts[] = {
	{ "otlp.endpoint", "otlp-endpoint", 0, OPT_STR, C(endpoint), 0, 0, NULL, "", "HOST:PORT",
	  "send traces, metrics and logs by OTLP/HTTP protobuf to this collector (http://HOST:PORT too); '' off" },
	{ "otlp.signals", "otlp-signals", 0, OPT_LIST, C(signals), 0, 0, NULL, "traces,metrics,logs", "LIST",
	  "what to send: traces (http events as spans), metrics, logs (every event)" },
	{ "otlp.headers", "otlp-headers", 0, OPT_LIST, C(headers), 0, 0, NULL, "", "LIST",
	  "key=value pairs sent as headers with every request, values percent-encoded (as OTEL_EXPORTER_OTLP_HEADERS), e.g. authorization=Bearer%20TOKEN; never logged" },
	{ "otlp.service_name", "otlp-service-name", 0, OPT_STR, C(service_name), 0, 0, NULL, "sonde", "NAME",
	  "service.name of the agent's own metrics and events" },
	{ "otlp.queue_batches", "otlp-queue-batches", 0, OPT_INT, C(queue_batches), 1, 1 << 20, NULL, "256", "N",
	  "requests waiting to be sent at most; more are dropped and counted" },
	{ "otlp.queue_bytes", "otlp-queue-bytes", 0, OPT_INT, C(queue_bytes), 1024, 1L << 34, NULL, "67108864",
	  "BYTES", "bytes of requests waiting to be sent at most" },
	{ "otlp.batch_events", "otlp-batch-events", 0, OPT_INT, C(batch_events), 1, 1 << 20, NULL, "512", "N",
	  "spans or log records per request at most" },
	{ "otlp.flush_ms", "otlp-flush-ms", 0, OPT_INT, C(flush_ms), 10, 600000, NULL, "1000", "MS",
	  "longest a span or log record waits for its batch" },
	{ "otlp.gzip", "otlp-gzip", 0, OPT_BOOL, C(gzip), 0, 0, NULL, "true", NULL,
	  "gzip request bodies (Content-Encoding: gzip)" },
	{ "otlp.timeout_ms", "otlp-timeout-ms", 0, OPT_INT, C(timeout_ms), 100, 600000, NULL, "10000", "MS",
	  "one request's connect and answer at most" },
	{ "otlp.metrics_interval", "otlp-metrics-interval", 0, OPT_INT, C(metrics_interval), 1, 86400, NULL, "15",
	  "SECONDS", "seconds between metric exports" },
	{ 0 },
};
#undef C

const struct config_section otlp_config_section = {
	.name = "otlp", .opts = otlp_opts, .size = sizeof(struct otlp_config),
};

#define SCOPE "sonde"
#define BATCH_BYTES_MAX (4u << 20)

/* One signal's batch, as a sink on the bus. */
struct otlp_sink {
	struct sink sink;
	struct otlp *o;
	enum otlp_signal sig;
	struct otlp_batch batch;
	double first_ms;	/* when the batch's first item came */
};

struct otlp {
	struct otlp_config cfg;
	struct bus *bus;
	struct otlp_exporter *ex;
	struct otlp_sink *logs, *traces;
	struct loop_timer *timer;
	bool metrics;
	int http_kind;		/* of "http" events, -1 none */
	uint64_t ep_port;	/* the endpoint's port */
	uint64_t own_skipped;	/* http events of our own exports, left out */
	char host[256];
	uint64_t start_ns;
	/* metrics in the making */
	struct otlp_metrics_writer mw;
	struct strbuf mitems;
	/* random bytes for span and trace ids, refilled by getrandom */
	uint8_t rnd[4096];
	size_t rnd_used;
};

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void random_bytes(struct otlp *o, uint8_t *out, size_t n)
{
	if (o->rnd_used + n > sizeof(o->rnd)) {
		if (getrandom(o->rnd, sizeof(o->rnd), 0) != (ssize_t)sizeof(o->rnd))
			for (size_t i = 0; i < sizeof(o->rnd); i++)	/* not for secrets: ids */
				o->rnd[i] = (uint8_t)random();
		o->rnd_used = 0;
	}
	memcpy(out, o->rnd + o->rnd_used, n);
	o->rnd_used += n;
	/* An all-zero id is invalid. */
	out[0] |= out[0] ? 0 : 1;
}

/* ---- resources ---- */

static void agent_resource(struct otlp *o, struct strbuf *sb)
{
	otlp__kv_str(sb, 1, "service.name", o->cfg.service_name);
	otlp__kv_str(sb, 1, "service.version", SONDE_VERSION);
	otlp__kv_str(sb, 1, "host.name", o->host);
	otlp__kv_int(sb, 1, "process.pid", getpid());
	otlp__kv_str(sb, 1, "process.executable.name", "sonde");
}

/* A process's: service.name is its binary's name (or comm), as the l7
 * collector names services. */
static void process_resource(struct otlp *o, struct strbuf *sb, const struct event *ev, const char *service)
{
	const struct identity *id = ev->id;
	const char *bin = id && id->self.binary[0] ? id->self.binary : NULL, *slash;
	char comm[sizeof(ev->task->comm) + 1];

	snprintf(comm, sizeof(comm), "%.*s", (int)sizeof(ev->task->comm), ev->task->comm);
	slash = bin ? strrchr(bin, '/') : NULL;
	otlp__kv_str(sb, 1, "service.name", service && *service ? service : bin ? (slash ? slash + 1 : bin) : comm);
	otlp__kv_str(sb, 1, "host.name", o->host);
	otlp__kv_int(sb, 1, "process.pid", ev->task->pid);
	otlp__kv_int(sb, 1, "process.parent_pid", ev->task->ppid);
	if (bin)
		otlp__kv_str(sb, 1, "process.executable.path", bin);
	otlp__kv_str(sb, 1, "process.executable.name", bin ? (slash ? slash + 1 : bin) : comm);
	if (id && id->container == 1 && id->ref.id[0])
		otlp__kv_str(sb, 1, "container.id", id->ref.id);
	if (id && id->self.exec_id[0])
		otlp__kv_str(sb, 1, "sonde.exec_id", id->self.exec_id);
	otlp__kv_str(sb, 1, "telemetry.sdk.name", "sonde");
}

/* The batch group of the event's process (the agent's without a task). */
static struct otlp_group *group_of(struct otlp_sink *s, const struct event *ev, const char *service);

static void submit(struct otlp_sink *s)
{
	struct strbuf body = {};
	unsigned items = s->batch.items;

	if (!items)
		return;
	if (otlp_batch__write(&s->batch, &body, SCOPE, SONDE_VERSION))
		pr_warn("otlp: encoding %s: out of memory", otlp_signal__name(s->sig));
	otlp_exporter__submit(s->o->ex, s->sig, &body, items);
	sb__free(&body);
}

static struct otlp_group *group_of(struct otlp_sink *s, const struct event *ev, const char *service)
{
	char key[64];
	struct otlp_group *g;

	if (!ev->task)
		snprintf(key, sizeof(key), "agent");
	else if (ev->id && ev->id->self.exec_id[0])
		snprintf(key, sizeof(key), "%s %.16s", ev->id->self.exec_id, service ? service : "");
	else
		snprintf(key, sizeof(key), "pid %u %.16s", ev->task->pid, service ? service : "");
	g = otlp_batch__find(&s->batch, key);
	if (g)
		return g;
	g = otlp_batch__add(&s->batch, key);
	if (!g) {
		submit(s);	/* every group in use: this batch goes now */
		g = otlp_batch__add(&s->batch, key);
	}
	if (!ev->task)
		agent_resource(s->o, &g->resource);
	else
		process_resource(s->o, &g->resource, ev, service);
	return g;
}

static void item_added(struct otlp_sink *s, struct otlp_group *g)
{
	g->n++;
	if (!s->batch.items++)
		s->first_ms = mono_ms();
	if (s->batch.items >= (unsigned)s->o->cfg.batch_events || otlp_batch__bytes(&s->batch) >= BATCH_BYTES_MAX)
		submit(s);
}

/* The collector's side of our own export requests is traced too (the
 * agent's side too with trace_self): sent on, each export would make the
 * next one, for ever. Left out: http exchanges on the endpoint's port
 * for the three OTLP paths. */
static bool own_export(struct otlp *o, const struct otlp_http *h)
{
	uint64_t port = h->server ? h->sport : h->dport;

	return port == o->ep_port && (!strcmp(h->path, "/v1/traces") || !strcmp(h->path, "/v1/metrics") ||
				      !strcmp(h->path, "/v1/logs"));
}

static bool http_of_own_export(struct otlp *o, const struct event *ev)
{
	const struct event_kind *k = event_kind__get(ev->kind);
	struct otlp_http *h;
	bool own;

	if ((int)ev->kind != o->http_kind || !k || !k->fields)
		return false;
	h = malloc(sizeof(*h));
	if (!h)
		return false;
	otlp_http__init(h);
	k->fields(ev, &h->fw);
	own = own_export(o, h);
	free(h);
	return own;
}

/* ---- logs: every event ---- */

/* logs.proto LogRecord */
enum { LR_TIME = 1, LR_SEVERITY = 2, LR_SEVERITY_TEXT = 3, LR_BODY = 5, LR_ATTRS = 6, LR_OBSERVED = 11 };
enum { SEVERITY_INFO = 9 };

static int logs_emit(struct sink *sk, const struct event *ev)
{
	struct otlp_sink *s = (struct otlp_sink *)sk;
	const struct event_kind *k = event_kind__get(ev->kind);
	const char *name = k ? k->name : "unknown";
	struct otlp_group *g;
	struct otlp_fields of;
	size_t m, body;

	if (http_of_own_export(s->o, ev)) {
		s->o->own_skipped++;
		return 0;
	}
	g = group_of(s, ev, NULL);
	if (!g)
		return -ENOMEM;
	m = pb__begin(&g->items, 2);
	pb__fixed64(&g->items, LR_TIME, ev->time_ns);
	pb__fixed64(&g->items, LR_OBSERVED, event__now_ns());
	pb__uint(&g->items, LR_SEVERITY, SEVERITY_INFO);
	otlp__put_str(&g->items, LR_SEVERITY_TEXT, "INFO", 4);
	body = pb__begin(&g->items, LR_BODY);
	otlp__put_str(&g->items, 1, name, strlen(name));
	pb__end(&g->items, body);
	otlp__kv_str(&g->items, LR_ATTRS, "event.name", name);
	otlp_fields__init(&of, &g->items, LR_ATTRS);
	if (ev->task) {
		const struct sonde_task *t = ev->task;

		fw__u64(&of.fw, "pid", t->pid);
		fw__u64(&of.fw, "tid", t->tid);
		fw__strn(&of.fw, "comm", t->comm, strnlen(t->comm, sizeof(t->comm)));
		fw__u64(&of.fw, "ppid", t->ppid);
		fw__u64(&of.fw, "uid", t->uid);
		fw__u64(&of.fw, "gid", t->gid);
	}
	if (ev->id)
		identity__write(ev->id, &of.fw, k && (k->flags & EVENT_KIND_ARGS));
	if (k && k->fields)
		k->fields(ev, &of.fw);
	if (pb__end(&g->items, m))
		return -ENOMEM;
	item_added(s, g);
	return 0;
}

/* ---- traces: "http" events ---- */

static int traces_emit(struct sink *sk, const struct event *ev)
{
	struct otlp_sink *s = (struct otlp_sink *)sk;
	const struct event_kind *k = event_kind__get(ev->kind);
	struct otlp_http *h = malloc(sizeof(*h));	/* ~2.5 KiB: not on the loop's stack */
	uint8_t trace[16], span[8];
	struct otlp_group *g;
	int err = 0;

	if (!h)
		return -ENOMEM;
	otlp_http__init(h);
	if (k && k->fields)
		k->fields(ev, &h->fw);
	if (own_export(s->o, h)) {
		s->o->own_skipped++;
		goto out;
	}
	g = group_of(s, ev, h->service);
	if (!g) {
		err = -ENOMEM;
		goto out;
	}
	random_bytes(s->o, trace, sizeof(trace));
	random_bytes(s->o, span, sizeof(span));
	if (otlp_span__http(&g->items, 2, h, ev->time_ns, trace, span)) {
		err = -ENOMEM;
		goto out;
	}
	item_added(s, g);
out:
	free(h);
	return err;
}

/* ---- the sinks' common part ---- */

static int sink_flush(struct sink *sk)
{
	struct otlp_sink *s = (struct otlp_sink *)sk;

	if (s->batch.items && mono_ms() - s->first_ms >= s->o->cfg.flush_ms)
		submit(s);
	return 0;
}

static void sink_close(struct sink *sk)
{
	struct otlp_sink *s = (struct otlp_sink *)sk;

	submit(s);
	otlp_batch__free(&s->batch);
	free(s);
}

static struct otlp_sink *sink_new(struct otlp *o, enum otlp_signal sig, const char *name,
				  int (*emit)(struct sink *, const struct event *))
{
	struct otlp_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sink = (struct sink){ .name = name, .emit = emit, .flush = sink_flush, .close = sink_close };
	s->o = o;
	s->sig = sig;
	return s;
}

static void on_timer(void *ctx, uint32_t events)
{
	struct otlp *o = ctx;

	if (o->logs)
		sink_flush(&o->logs->sink);
	if (o->traces)
		sink_flush(&o->traces->sink);
}

static bool has_signal(const char *list, const char *sig)
{
	char buf[64], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		if (!strcmp(t, sig))
			return true;
	return false;
}

static int check_signals(const char *list)
{
	char buf[64], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (strcmp(t, "traces") && strcmp(t, "metrics") && strcmp(t, "logs")) {
			pr_err("otlp.signals: unknown signal '%s' (known: traces, metrics, logs)", t);
			return -EINVAL;
		}
	}
	return 0;
}

struct otlp *otlp__open(struct bus *b, struct loop *loop, const struct otlp_config *cfg)
{
	struct otlp_export_opts eo = {
		.endpoint = cfg->endpoint, .gzip = cfg->gzip, .timeout_ms = cfg->timeout_ms,
		.queue_batches = cfg->queue_batches, .queue_bytes = cfg->queue_bytes,
	};
	struct strbuf hdrs = {};
	struct otlp *o;
	char err[256];
	int http_kind = event_kind__find("http");
	const char *colon = strrchr(cfg->endpoint, ':');

	errno = 0;
	if (!cfg->endpoint[0])
		return NULL;
	if (check_signals(cfg->signals)) {
		errno = EINVAL;
		return NULL;
	}
	if (httphdr__parse_list(cfg->headers, &hdrs, err, sizeof(err))) {
		pr_err("otlp.headers: %s", err);
		sb__free(&hdrs);
		errno = EINVAL;
		return NULL;
	}
	eo.headers = hdrs.buf;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->cfg = *cfg;
	o->bus = b;
	o->rnd_used = sizeof(o->rnd);
	o->http_kind = http_kind;
	o->ep_port = colon ? strtoull(colon + 1, NULL, 10) : 0;
	o->start_ns = event__now_ns();
	if (gethostname(o->host, sizeof(o->host) - 1))
		snprintf(o->host, sizeof(o->host), "localhost");
	o->ex = otlp_exporter__new(&eo, err, sizeof(err));
	sb__free(&hdrs);	/* the client keeps its own copy */
	if (!o->ex) {
		pr_err("otlp: %s", err);
		free(o);
		errno = EINVAL;
		return NULL;
	}
	o->metrics = has_signal(cfg->signals, "metrics");
	if (has_signal(cfg->signals, "logs")) {
		o->logs = sink_new(o, OTLP_LOGS, "otlp_logs", logs_emit);
		if (o->logs)
			bus__add_sink(b, &o->logs->sink, NULL);
	}
	if (has_signal(cfg->signals, "traces") && http_kind >= 0) {
		struct kind_mask km = {};

		kind_mask__set(&km, http_kind);
		o->traces = sink_new(o, OTLP_TRACES, "otlp_traces", traces_emit);
		if (o->traces)
			bus__add_sink(b, &o->traces->sink, &km);
	}
	o->timer = loop__timer_new(loop, on_timer, o);
	if (o->timer)
		loop_timer__arm(o->timer, cfg->flush_ms, cfg->flush_ms);
	pr_info("otlp: sending %s to http://%s (gzip %s, a queue of %ld batches)", cfg->signals, cfg->endpoint,
		cfg->gzip ? "on" : "off", cfg->queue_batches);
	return o;
}

void otlp__close(struct otlp *o)
{
	if (!o)
		return;
	loop_timer__free(o->timer);
	/* Closing the sinks submits what they batched. */
	if (o->logs) {
		bus__remove_sink(o->bus, &o->logs->sink);
		sink_close(&o->logs->sink);
	}
	if (o->traces) {
		bus__remove_sink(o->bus, &o->traces->sink);
		sink_close(&o->traces->sink);
	}
	otlp_exporter__free(o->ex, 2000);
	sb__free(&o->mitems);
	free(o);
}

bool otlp__wants_metrics(const struct otlp *o) { return o && o->metrics; }
long otlp__metrics_interval(const struct otlp *o) { return o->cfg.metrics_interval; }

struct metrics_writer *otlp__metrics_begin(struct otlp *o)
{
	if (!otlp__wants_metrics(o))
		return NULL;
	sb__reset(&o->mitems);
	otlp_metrics__init(&o->mw, &o->mitems, o->start_ns, event__now_ns());
	return &o->mw.mw;
}

void otlp__metrics_end(struct otlp *o)
{
	static struct otlp_batch one;	/* the loop's thread only */
	struct strbuf body = {};
	struct otlp_group *g;

	if (!otlp__wants_metrics(o))
		return;
	if (otlp_metrics__finish(&o->mw) || !(g = otlp_batch__add(&one, "agent"))) {
		pr_warn("otlp: encoding metrics: out of memory");
		return;
	}
	agent_resource(o, &g->resource);
	sb__append(&g->items, o->mitems.buf ? o->mitems.buf : "", o->mitems.len);
	g->n = o->mw.metrics;
	one.items = o->mw.series;
	if (!otlp_batch__write(&one, &body, SCOPE, SONDE_VERSION))
		otlp_exporter__submit(o->ex, OTLP_METRICS, &body, o->mw.series);
	sb__free(&body);
}

void otlp__collect(struct otlp *o, struct metrics_writer *w)
{
	if (!o)
		return;
	otlp_exporter__collect(o->ex, w);
	mw__family(w, "sonde_otlp_own_exports_skipped_total", METRIC_COUNTER,
		   "http events of sonde's own OTLP requests (traced at the collector) left out of the export.");
	mw__sample_u64(w, "sonde_otlp_own_exports_skipped_total", NO_LABELS, o->own_skipped);
}

void otlp__status_json(struct otlp *o, struct strbuf *sb)
{
	struct otlp_export_status st;

	otlp_exporter__status(o->ex, &st);
	sb__printf(sb, "{\"endpoint\":\"%s\",\"signals\":\"%s\",\"queued\":%zu,\"queue_batches\":%zu,"
		   "\"queued_bytes\":%zu,\"sent\":{", st.endpoint, o->cfg.signals, st.queued, st.queue_batches,
		   st.queued_bytes);
	for (int s = 0; s < OTLP_SIGNALS; s++)
		sb__printf(sb, "%s\"%s\":%llu", s ? "," : "", otlp_signal__name(s), (unsigned long long)st.sent[s]);
	sb__puts(sb, "},\"dropped\":{");
	for (int s = 0; s < OTLP_SIGNALS; s++)
		sb__printf(sb, "%s\"%s\":%llu", s ? "," : "", otlp_signal__name(s), (unsigned long long)st.dropped[s]);
	sb__puts(sb, "},\"last_error\":\"");
	for (const char *p = st.last_error; *p; p++)
		if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			sb__putc(sb, *p);
	sb__puts(sb, "\"}");
}

void otlp__status_text(struct otlp *o, struct strbuf *sb)
{
	struct otlp_export_status st;
	uint64_t sent = 0, dropped = 0;

	otlp_exporter__status(o->ex, &st);
	for (int s = 0; s < OTLP_SIGNALS; s++) {
		sent += st.sent[s];
		dropped += st.dropped[s];
	}
	sb__printf(sb, "otlp: http://%s (%s): %zu/%zu batches queued, %llu items sent, %llu dropped%s%s\n",
		   st.endpoint, o->cfg.signals, st.queued, st.queue_batches, (unsigned long long)sent,
		   (unsigned long long)dropped, st.last_error[0] ? "; last error: " : "", st.last_error);
}
