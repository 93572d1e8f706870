// SPDX-License-Identifier: Apache-2.0
/* L7 tracing: socket data from bpf/l7.bpf.c, one parser per connection,
 * each request paired with its response as an "http" event and counted in
 * the RED histograms (l7_red.c).
 *
 * A connection is (process image, fd, socket inode): a reused pid or fd
 * starts a new one. Connections live in a bounded table, the least
 * recently used evicted when it is full and any idle past
 * l7.idle_timeout dropped (a process that exits closes its sockets
 * without close()); both are counted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "collectors/l7.h"
#include "collectors/tcp.h"
#include "core/bus.h"
#include "core/collector.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/systp.h"
#include "identity/identity.h"
#include "lib/fields.h"
#include "lib/metrics.h"
#include "lib/strbuf.h"
#include "proto/url.h"
#include "sonde/l7.h"
#include "l7.skel.h"

struct l7_config {
	long ringbuf_bytes;
	long capture_bytes;
	long max_connections;
	long idle_timeout_s;
	long max_routes;
	long max_series;
	char redact_query[512];
	bool tls, tls_system;
	long tls_rescan_s;
};

#define DEFAULT_REDACT "password,passwd,pwd,secret,client_secret,token,access_token,refresh_token," \
	"id_token,api_key,apikey,key,auth,signature,sig,code"

#define F(f) OPT_FIELD(struct l7_config, f)
static const struct opt l7_opts[] = {
	{ "l7.ringbuf_bytes", "l7-ringbuf-bytes", 0, OPT_INT, F(ringbuf_bytes), 4096, 1L << 30, NULL,
	  "8M", "BYTES", "ring buffer for socket data (a power of two)" },
	{ "l7.capture_bytes", "l7-capture-bytes", 0, OPT_INT, F(capture_bytes), 64, L7_CAP_MAX, NULL,
	  "4096", "BYTES", "bytes of each read or write copied from the kernel (heads longer than this lose their message)" },
	{ "l7.max_connections", "l7-max-connections", 0, OPT_INT, F(max_connections), 16, 1 << 16, NULL,
	  "1024", "N", "connections parsed at once (about 28 KiB each); the least recently used is evicted (counted)" },
	{ "l7.idle_timeout", "l7-idle-timeout", 0, OPT_INT, F(idle_timeout_s), 1, 86400, NULL,
	  "120", "SECONDS", "a connection with no traffic this long is forgotten (counted)" },
	{ "l7.max_routes", "l7-max-routes", 0, OPT_INT, F(max_routes), 1, 100000, NULL,
	  "100", "N", "routes per service in the RED metrics; more count as {other}" },
	{ "l7.max_series", "l7-max-series", 0, OPT_INT, F(max_series), 1, 1000000, NULL,
	  "10000", "N", "RED histogram series in all; past this requests are counted as lost" },
	{ "l7.redact_query", "l7-redact-query", 0, OPT_LIST, F(redact_query), 0, 0, NULL,
	  DEFAULT_REDACT, "LIST", "query parameters whose values are replaced by REDACTED (\"*\": all)" },
	{ "l7.tls", "l7-tls", 0, OPT_BOOL, F(tls), 0, 0, NULL, "true", "BOOL",
	  "trace TLS plaintext through uprobes on the libssl and libgnutls files processes map" },
	{ "l7.tls_system", "l7-tls-system", 0, OPT_BOOL, F(tls_system), 0, 0, NULL, "true", "BOOL",
	  "attach to the system's libssl and libgnutls at start and keep them, so a program that is the first to load one is traced from its first call" },
	{ "l7.tls_rescan", "l7-tls-rescan", 0, OPT_INT, F(tls_rescan_s), 0, 3600, NULL, "5", "SECONDS",
	  "how often every process is checked for TLS libraries (dlopen); execs are checked at once (0: only then)" },
	{ 0 }
};
#undef F

static const struct config_section l7_section = {
	.name = "l7", .opts = l7_opts, .size = sizeof(struct l7_config),
};

static const char *const drop_reasons[L7_DROP_MAX + 1] = {
	[L7_DROP_RINGBUF_FULL] = "ringbuf_full",
	[L7_DROP_INFLIGHT_FULL] = "inflight_full",
	[L7_DROP_TLS_NO_SOCKET] = "tls_no_socket",
};

struct l7_key {
	uint64_t start_ns, exec_seq, ino;
	uint32_t pid;
	int32_t fd;
};

struct l7_session {
	struct l7_key key;
	struct l7_session *prev, *next;	/* LRU: most recent first */
	struct collector *c;
	struct sonde_task task;		/* of its last record (kind: "http"): who an event is about */
	uint64_t last_ns;
	struct tcp_tuple t;
	uint8_t role;
	bool tls;			/* its records are TLS plaintext */
	char service[L7_SERVICE_MAX];
	struct http1_conn h;
};

enum { EV_EVICT_FULL, EV_EVICT_IDLE, EV_EVICT_MAX };

struct l7_priv {
	struct strtab conns;		/* l7_key -> l7_session */
	struct l7_session *mru, *lru;
	struct l7_red red;
	struct loop_timer *sweep;
	struct l7_tls *tls;
	uint64_t idle_ns;
	uint64_t records, bytes_seen, bytes_captured, exchanges;
	uint64_t evicted[EV_EVICT_MAX];
	uint64_t drops[HTTP1_D_MAX];	/* of connections gone */
	char untraced[128];
};

/* What an "http" event carries. */
struct http_payload {
	const struct http1_exchange *x;
	const struct l7_session *s;
	char route[L7_ROUTE_MAX];
	char query[HTTP1_QUERY_MAX];
};

static void http_fields(const struct event *ev, struct field_writer *w)
{
	const struct http_payload *pl = ev->payload;
	const struct http1_exchange *x = pl->x;
	const struct l7_session *s = pl->s;

	fw__str(w, "role", tcp__role_name(s->role));
	fw__str(w, "method", x->req.method);
	fw__str(w, "path", x->req.path);
	if (x->req.path_cut)
		fw__bool(w, "path_truncated", true);
	fw__str(w, "route", pl->route);
	if (pl->query[0])
		fw__str(w, "query", pl->query);
	if (x->req.host[0])
		fw__str(w, "host", x->req.host);
	fw__u64(w, "status", x->status);
	fw__u64(w, "duration_ns", x->end_ns - x->start_ns);
	fw__u64(w, "request_bytes", x->req_bytes);
	fw__u64(w, "response_bytes", x->resp_bytes);
	fw__u64(w, "request_body_bytes", x->req_body);
	fw__u64(w, "response_body_bytes", x->resp_body);
	if (x->resp_body_estimated)
		fw__bool(w, "response_body_estimated", true);
	fw__str(w, "version", x->req.minor ? "1.1" : "1.0");
	if (s->tls)
		fw__bool(w, "tls", true);
	if (x->req.traceparent[0])
		fw__str(w, "traceparent", x->req.traceparent);
	fw__str(w, "service", s->service);
	fw__i64(w, "fd", s->key.fd);
	tcp__tuple_write(w, &s->t, true, 0);
}

static void http_text(const struct event *ev, struct strbuf *sb)
{
	const struct http_payload *pl = ev->payload;
	const struct http1_exchange *x = pl->x;

	sb__printf(sb, "%-10s ", pl->s->role == TCP_ROLE_SERVER ? (pl->s->tls ? "server+tls" : "server") :
						      (pl->s->tls ? "client+tls" : "client"));
	/* The parser keeps only token characters in a method. */
	sb__printf(sb, "%-7s %3u %10.3f ", x->req.method, x->status, (x->end_ns - x->start_ns) / 1e6);
	sb__put_text(sb, x->req.path, strlen(x->req.path));
	if (pl->query[0]) {
		sb__putc(sb, '?');
		sb__put_text(sb, pl->query, strlen(pl->query));
	}
}

static const struct event_kind l7_kinds[] = {
	{ "http", "ROLE       METHOD  STATUS   LAT(ms) PATH", http_fields, http_text, 0 },
	{ 0 },
};

/* ---- connections ---- */

static void lru_unlink(struct l7_priv *p, struct l7_session *s)
{
	*(s->prev ? &s->prev->next : &p->mru) = s->next;
	*(s->next ? &s->next->prev : &p->lru) = s->prev;
	s->prev = s->next = NULL;
}

static void lru_push(struct l7_priv *p, struct l7_session *s)
{
	s->next = p->mru;
	*(p->mru ? &p->mru->prev : &p->lru) = s;
	p->mru = s;
}

/* Ends s: a body read to the end completes, pending requests count as
 * unanswered; its drop counts join the collector's. */
static void session_end(struct l7_priv *p, struct l7_session *s, uint64_t ts)
{
	http1_conn__close(&s->h, ts);
	for (int i = 0; i < HTTP1_D_MAX; i++)
		p->drops[i] += s->h.drops[i];
	lru_unlink(p, s);
	strtab__del(&p->conns, &s->key, sizeof(s->key));
	free(s);
}

static void on_exchange(void *ctx, const struct http1_exchange *x);

/* service.name as OpenTelemetry resource detectors give it: the
 * executable's name (the comm when the binary is not known). */
static void session_service(struct l7_session *s, const struct sonde_task *t)
{
	struct event ev = { .task = t };
	const char *bin, *slash;

	bus__resolve(s->c->rt->bus, &ev);
	bin = ev.id && ev.id->self.binary[0] ? ev.id->self.binary : t->comm;
	slash = strrchr(bin, '/');
	snprintf(s->service, sizeof(s->service), "%.*s", (int)sizeof(s->service) - 1, slash ? slash + 1 : bin);
}

static struct l7_session *session_get(struct collector *c, const struct sonde_l7_event *e)
{
	struct l7_priv *p = c->priv;
	struct l7_key k = { .start_ns = e->task.start_ns, .exec_seq = e->task.exec_seq,
			    .ino = e->ino, .pid = e->task.pid, .fd = e->fd };
	struct l7_session *s = strtab__get(&p->conns, &k, sizeof(k));

	if (s) {
		lru_unlink(p, s);
		lru_push(p, s);
		return s;
	}
	if (e->task.kind != L7_REC_DATA)
		return NULL;
	if (p->conns.n >= p->conns.max && p->lru) {
		p->evicted[EV_EVICT_FULL]++;
		session_end(p, p->lru, e->task.ts_ns);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (strtab__put(&p->conns, &k, sizeof(k), s)) {
		free(s);
		return NULL;
	}
	s->key = k;
	s->c = c;
	s->t = e->t;
	s->role = e->role;
	s->tls = e->flags & L7_F_TLS;
	http1_conn__init(&s->h, on_exchange, s);
	session_service(s, &e->task);
	lru_push(p, s);
	return s;
}

static void on_exchange(void *ctx, const struct http1_exchange *x)
{
	struct l7_session *s = ctx;
	struct collector *c = s->c;
	const struct l7_config *cfg = c->cfg;
	struct l7_priv *p = c->priv;
	struct http_payload pl = { .x = x, .s = s };

	url__route(x->req.path, pl.route, sizeof(pl.route));
	url__redact_query(x->req.query, cfg->redact_query, pl.query, sizeof(pl.query));
	l7_red__add(&p->red, s->role == TCP_ROLE_SERVER, s->service, x->req.method, pl.route,
		    x->status, x->end_ns - x->start_ns);
	p->exchanges++;
	collector__emit(c, &s->task, NULL, &pl);
}

static int l7_record(struct collector *c, void *data, size_t size)
{
	struct l7_priv *p = c->priv;
	const struct sonde_l7_event *e = data;
	struct l7_session *s;

	if (size < L7_EV_HDR_SIZE || e->len > size - L7_EV_HDR_SIZE || e->len > e->total ||
	    (e->task.kind != L7_REC_DATA && e->task.kind != L7_REC_CLOSE)) {
		c->malformed++;
		return 0;
	}
	p->records++;
	s = session_get(c, e);
	if (!s)
		return 0;
	s->last_ns = e->task.ts_ns;
	/* Events are about the exchange: kind "http", whichever record ended
	 * it (or the last one, when an eviction ends it). */
	s->task = e->task;
	s->task.kind = 1;
	if (e->task.kind == L7_REC_CLOSE) {
		session_end(p, s, e->task.ts_ns);
		return 0;
	}
	p->bytes_seen += e->total;
	p->bytes_captured += e->len;
	/* Which stream: a server reads requests and writes responses. */
	http1_conn__feed(&s->h, (e->dir == L7_DIR_IN) == (s->role == TCP_ROLE_CLIENT), e->data, e->len,
			 e->total, e->task.ts_ns);
	return 0;
}

static void sweep(void *ctx, uint32_t events)
{
	struct collector *c = ctx;
	struct l7_priv *p = c->priv;
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	while (p->lru && p->lru->last_ns + p->idle_ns < now) {
		p->evicted[EV_EVICT_IDLE]++;
		session_end(p, p->lru, now);
	}
}

/* ---- lifecycle ---- */

static int l7_configure(struct collector *c)
{
	const struct l7_config *cfg = c->cfg;
	struct l7_bpf *skel = c->skel;
	struct l7_priv *p = calloc(1, sizeof(*p));
	__u32 cap = cfg->capture_bytes;

	if (!p)
		return -ENOMEM;
	c->priv = p;
	c->hook = "tracepoint";
	p->idle_ns = cfg->idle_timeout_s * 1000000000ULL;
	if (strtab__init(&p->conns, cfg->max_connections) ||
	    l7_red__init(&p->red, cfg->max_series, cfg->max_routes))
		return -ENOMEM;
	systp__select(c->obj, p->untraced, sizeof(p->untraced));
	bpf_program__set_autoattach(skel->progs.on_close, true);
	collector__size_ringbuf(c, cfg->ringbuf_bytes);
	/* Connections the kernel tests for a protocol outnumber the parsed. */
	bpf_map__set_max_entries(skel->maps.conns, cfg->max_connections * 16);
	skel->rodata->cap_bytes = cap;
	/* Task storage from tracing programs came in 5.12: asked of the
	 * verifier, which knows, not of the version. */
	skel->rodata->use_task_storage =
		libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_storage_get, NULL) == 1;
	bpf_map__set_autocreate(skel->rodata->use_task_storage ? skel->maps.threads_by_tid :
				skel->maps.threads, false);
	bpf_map__set_max_entries(skel->maps.ssl_fds, cfg->max_connections * 16);
	skel->rodata->tls_enabled = cfg->tls;
	if (!cfg->tls) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, c->obj)
			if (!strncmp(bpf_program__name(prog), "tls_", 4))
				bpf_program__set_autoload(prog, false);
	}
	return 0;
}

static int l7_started(struct collector *c)
{
	const struct l7_config *cfg = c->cfg;
	struct l7_priv *p = c->priv;
	int err = systp__attach_exits(c->as, c->obj, ((struct l7_bpf *)c->skel)->progs.l7_exit,
				      c->why, sizeof(c->why));

	if (err)
		return err;
	p->sweep = loop__timer_new(c->rt->loop, sweep, c);
	if (!p->sweep || loop_timer__arm(p->sweep, 1000, 1000))
		return -ENOMEM;
	if (p->untraced[0])
		snprintf(c->why, sizeof(c->why), "not traced (no tracepoint on this kernel): %s",
			 p->untraced);
	if (cfg->tls) {
		char why[160];

		if (features__require(c->rt->feat, FEAT_UPROBE, why, sizeof(why))) {
			pr_warn("l7: TLS plaintext not traced: %s", why);
			snprintf(c->why, sizeof(c->why), "TLS not traced: %s", why);
		} else if (!(p->tls = l7_tls__start(c, cfg->tls_rescan_s, cfg->tls_system))) {
			return -ENOMEM;
		}
	}
	return 0;
}

static void l7_stop(struct collector *c)
{
	struct l7_priv *p = c->priv;

	if (!p)
		return;
	loop_timer__free(p->sweep);
	l7_tls__free(p->tls);
	while (p->lru)
		session_end(p, p->lru, 0);
	strtab__free(&p->conns);
	l7_red__free(&p->red);
	free(p);
	c->priv = NULL;
}

static int l7_collect(struct collector *c, struct metrics_writer *w)
{
	static const char *const evict[EV_EVICT_MAX] = { "full", "idle" };
	struct l7_priv *p = c->priv;
	uint64_t drops[HTTP1_D_MAX];

	collector__drain(c);
	memcpy(drops, p->drops, sizeof(drops));
	for (struct l7_session *s = p->mru; s; s = s->next)
		for (int i = 0; i < HTTP1_D_MAX; i++)
			drops[i] += s->h.drops[i];
	l7_red__collect(&p->red, w);
	if (((const struct l7_config *)c->cfg)->tls)
		l7_tls__collect(p->tls, w);
	mw__family(w, "sonde_http_exchanges_total", METRIC_COUNTER,
		   "HTTP requests paired with their responses.");
	mw__sample_u64(w, "sonde_http_exchanges_total", NO_LABELS, p->exchanges);
	mw__family(w, "sonde_http_parse_drops_total", METRIC_COUNTER,
		   "HTTP messages the parser could not account for, by reason.");
	for (int i = 0; i < HTTP1_D_MAX; i++)
		mw__sample_u64(w, "sonde_http_parse_drops_total", LABELS({ "reason", http1__drop_name(i) }),
			       drops[i]);
	mw__family(w, "sonde_l7_connections", METRIC_GAUGE, "Connections being parsed.");
	mw__sample_u64(w, "sonde_l7_connections", NO_LABELS, p->conns.n);
	mw__family(w, "sonde_l7_connections_evicted_total", METRIC_COUNTER,
		   "Connections forgotten before they closed: the table was full, or they were idle.");
	for (int i = 0; i < EV_EVICT_MAX; i++)
		mw__sample_u64(w, "sonde_l7_connections_evicted_total", LABELS({ "reason", evict[i] }),
			       p->evicted[i]);
	mw__family(w, "sonde_l7_bytes_total", METRIC_COUNTER,
		   "Bytes of traced connections: moved by the calls, and copied to sonde (at most "
		   "l7.capture_bytes a call).");
	mw__sample_u64(w, "sonde_l7_bytes_total", LABELS({ "what", "seen" }), p->bytes_seen);
	mw__sample_u64(w, "sonde_l7_bytes_total", LABELS({ "what", "captured" }), p->bytes_captured);
	return 0;
}

const struct http1_exchange *l7__event_exchange(const struct event *ev)
{
	const struct event_kind *k = event_kind__get(ev->kind);

	return k && k->fields == http_fields ? ((const struct http_payload *)ev->payload)->x : NULL;
}

int l7__event_role(const struct event *ev)
{
	return l7__event_exchange(ev) ? ((const struct http_payload *)ev->payload)->s->role : -1;
}

static void l7_status(struct collector *c, struct field_writer *w)
{
	struct l7_priv *p = c->priv;

	fw__bool(w, "tls", p->tls != NULL);
	if (p->tls)
		l7_tls__status(p->tls, w);
}

static void *l7_open(void) { return l7_bpf__open(); }

const struct collector_ops l7_collector = {
	.name = "l7",
	.summary = "HTTP/1.x requests paired with responses, from socket reads and writes (syscall tracepoints)",
	.config = &l7_section,
	.kinds = l7_kinds,
	.drop_reasons = drop_reasons,
	.open = l7_open,
	.elf_bytes = l7_bpf__elf_bytes,
	.ringbuf = "events",
	.on_record = l7_record,
	.probe = systp__probe,
	.configure = l7_configure,
	.started = l7_started,
	.status = l7_status,
	.collect = l7_collect,
	.stop = l7_stop,
	.selftest = l7__selftest,
};
