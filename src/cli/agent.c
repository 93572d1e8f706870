// SPDX-License-Identifier: Apache-2.0
/* sonde agent: the collectors, the HTTP endpoint and the event sinks,
 * until SIGINT/SIGTERM; SIGHUP reloads the configuration. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "cli/cli.h"
#include "cli/netapi.h"
#include "cli/profapi.h"
#include "cli/session.h"
#include "collectors/registry.h"
#include "core/bus.h"
#include "core/host.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mapstat.h"
#include "core/self.h"
#include "identity/identity.h"
#include "lib/fields.h"
#include "lib/prom.h"
#include "lib/suggest.h"
#include "server/assets.h"
#include "server/http_server.h"
#include "sinks/otlp.h"
#include "sinks/sse.h"
#include "sinks/jsonl.h"

#define MAX_COLLECTORS 16

struct agent {
	struct session s;
	int argc;
	char **argv;
	struct http_server *http;
	struct sse *sse;
	struct netapi *net;
	struct sink *jsonl;
	struct otlp *otlp;
	struct loop_timer *tick, *otlp_tick;
	struct collector cs[MAX_COLLECTORS];
	int ncs;
	int stats_fd;
	double start_time;
	struct mapstat *maps;
	int kind;		/* the agent's own events */
};

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct self_info agent_info(const struct agent *a)
{
	return (struct self_info){
		.collectors = (struct collector *)a->cs, .ncollectors = a->ncs,
		.prog_stats = a->stats_fd >= 0, .kernel = a->s.feat.kernel,
		.start_time = a->start_time, .bus = a->s.rt.bus, .maps = a->maps,
	};
}

/* ---- the agent's own events: start, collector states, stop ---- */

struct state_event {
	const char *event, *collector, *state, *hook, *why;
};

static void state_fields(const struct event *ev, struct field_writer *w)
{
	const struct state_event *e = ev->payload;

	fw__str(w, "event", e->event);
	if (!e->collector)
		return;
	fw__str(w, "collector", e->collector);
	fw__str(w, "state", e->state);
	if (e->hook)
		fw__str(w, "hook", e->hook);
	if (e->why && *e->why)
		fw__str(w, "reason", e->why);
}

static const struct event_kind agent_kinds[] = {
	{ .name = "agent", .fields = state_fields },
	{ 0 },
};

static void emit_agent_event(struct agent *a, const struct state_event *se)
{
	struct event ev = { .time_ns = event__now_ns(), .kind = a->kind, .payload = se };

	bus__emit(a->s.rt.bus, &ev);
}

/* ---- HTTP ---- */

/* Every metric the agent has, through w: for /metrics and OTLP alike. */
static void write_metrics(struct agent *a, struct metrics_writer *w)
{
	struct self_info si = agent_info(a);

	for (int i = 0; i < a->ncs; i++)
		if (a->cs[i].state == COLLECTOR_RUNNING && a->cs[i].ops->collect(&a->cs[i], w))
			pr_warn("collector %s: reading its maps failed", a->cs[i].ops->name);
	if (a->s.ids)
		identity__collect(a->s.ids, w);
	netapi__collect(a->net, w);
	otlp__collect(a->otlp, w);
	self__collect(&si, w);
}

static void serve_metrics(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct prom_writer pw;

	prom_writer__init(&pw, &resp->body);
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	write_metrics(ctx, &pw.mw);
}

static void export_metrics(void *ctx, uint32_t events)
{
	struct agent *a = ctx;
	struct metrics_writer *w = otlp__metrics_begin(a->otlp);

	if (!w)
		return;
	write_metrics(a, w);
	otlp__metrics_end(a->otlp);
}

/* The status JSON is an object (and a newline): the exporter's goes in
 * as one more member. */
static void status_add_otlp(struct agent *a, struct strbuf *sb)
{
	size_t n = sb->len;

	while (n && sb->buf[n - 1] == '\n')
		n--;
	if (!a->otlp || !n || sb->buf[n - 1] != '}')
		return;
	sb->len = n - 1;
	sb__puts(sb, ",\"otlp\":");
	otlp__status_json(a->otlp, sb);
	sb__puts(sb, "}\n");
}

static void serve_status(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct self_info si = agent_info(ctx);

	resp->content_type = "application/json";
	status__json(&si, &resp->body);
	status_add_otlp(ctx, &resp->body);
}

static void serve_status_text(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct self_info si = agent_info(ctx);

	struct agent *a = ctx;

	resp->content_type = "text/plain; charset=utf-8";
	status__text(&si, &resp->body);
	if (a->otlp)
		otlp__status_text(a->otlp, &resp->body);
}

static void serve_asset(void *ctx, const struct http_request *req, struct http_response *resp)
{
	const struct asset *as = ctx;

	resp->content_type = as->content_type;
	sb__append(&resp->body, (const char *)as->data, as->size);
}

static int start_http(struct agent *a)
{
	char err[256];
	int e;

	a->http = http_server__new(a->s.cfg.listen, a->s.rt.loop, err, sizeof(err));
	if (!a->http) {
		e = -errno;
		pr_err("%s", err);
		return e;
	}
	e = http_server__route(a->http, "GET", "/metrics", serve_metrics, a) ?:
	    http_server__route(a->http, "GET", "/api/status", serve_status, a) ?:
	    http_server__route(a->http, "GET", "/api/status.txt", serve_status_text, a) ?:
	    http_server__route(a->http, "GET", "/", serve_asset, (void *)asset__find("/index.html"));
	for (const struct asset *as = assets; !e && as->path; as++)
		e = http_server__route(a->http, "GET", as->path, serve_asset, (void *)as);
	if (!e) {
		a->net = netapi__open(a->s.rt.bus, a->http, &a->s.cfg, a->cs, &a->ncs);
		e = a->net ? 0 : -errno;
	}
	e = e ?: profapi__register(a->http, a->cs, &a->ncs);
	if (!e && a->s.cfg.events_http) {
		a->sse = sse__open(a->s.rt.bus, a->http, "/api/events");
		e = a->sse ? 0 : -errno;
	}
	if (e) {
		pr_err("http routes: %s", strerror(-e));
		return e;
	}
	pr_info("metrics at http://%s/metrics", http_server__address(a->http));
	return 0;
}

static void stop_http(struct agent *a)
{
	/* The event stream's clients go with the server. */
	sse__close(a->sse);
	a->sse = NULL;
	netapi__close(a->net);
	a->net = NULL;
	http_server__free(a->http);
	a->http = NULL;
}

/* ---- collectors and sinks ---- */

static bool wants_identity(const struct sonde_config *cfg)
{
	char list[sizeof(cfg->collectors)], *save = NULL;

	strcpy(list, cfg->collectors);
	for (char *n = strtok_r(list, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		const struct collector_ops *ops = registry__find(n);

		if (ops && ops->kinds)
			return true;
	}
	return false;
}

/* The whole collector list, before anything is attached: every name known
 * (a near one suggested), none twice. 0, or -EINVAL after saying why. */
static int check_collectors(const struct sonde_config *cfg)
{
	char list[sizeof(cfg->collectors)], *save = NULL, seen[MAX_COLLECTORS][32];
	const char *names[MAX_COLLECTORS];
	int n = 0, nseen = 0;

	for (int i = 0; collector_registry[i] && n < MAX_COLLECTORS; i++)
		names[n++] = collector_registry[i]->name;
	strcpy(list, cfg->collectors);
	for (char *c = strtok_r(list, ", ", &save); c; c = strtok_r(NULL, ", ", &save)) {
		const char *near;

		if (!registry__find(c)) {
			near = suggest__nearest(c, names, n);
			fprintf(stderr, "sonde agent: unknown collector '%s'%s%s%s; known:", c,
				near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			for (int i = 0; i < n; i++)
				fprintf(stderr, " %s", names[i]);
			fputc('\n', stderr);
			return -EINVAL;
		}
		for (int i = 0; i < nseen; i++) {
			if (!strcmp(seen[i], c)) {
				fprintf(stderr, "sonde agent: collector '%s' is listed twice in --collectors\n", c);
				return -EINVAL;
			}
		}
		if (nseen == MAX_COLLECTORS)
			return -E2BIG;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", c);
	}
	return 0;
}

static int start_collectors(struct agent *a)
{
	char list[sizeof(a->s.cfg.collectors)], *save = NULL;
	int running = 0;

	strcpy(list, a->s.cfg.collectors);
	a->ncs = 0;
	for (char *n = strtok_r(list, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		const struct collector_ops *ops = registry__find(n);
		struct collector *c;

		if (!ops)
			return -EINVAL;	/* check_collectors said so */
		if (a->ncs == MAX_COLLECTORS)
			return -E2BIG;
		c = &a->cs[a->ncs++];
		memset(c, 0, sizeof(*c));
		c->ops = ops;
	}
	running = collector__start_all(a->cs, a->ncs, &a->s.cfg, &a->s.rt);
	for (int i = 0; i < a->ncs; i++)
		emit_agent_event(a, &(struct state_event){ "collector", a->cs[i].ops->name,
			collector__state_str(a->cs[i].state), a->cs[i].hook, a->cs[i].why });
	return running;
}

static void stop_collectors(struct agent *a)
{
	for (int i = 0; i < a->ncs; i++)
		collector__stop(&a->cs[i]);
	a->ncs = 0;
}

static int open_sinks(struct agent *a)
{
	struct jsonl_opts o = {
		.path = a->s.cfg.events_path, .max_bytes = a->s.cfg.events_max_bytes,
		.keep = a->s.cfg.events_keep,
	};
	struct sink *s;

	if (!a->s.cfg.events_path[0])
		return 0;
	s = jsonl__open(&o);
	if (!s) {
		pr_err("cannot open events output '%s': %s", o.path, strerror(errno));
		return -errno;
	}
	bus__add_sink(a->s.rt.bus, s, NULL);
	a->jsonl = s;
	return 0;
}

/* The OTLP exporter lives across reloads unless its own options change:
 * its queue would be lost. */
static int open_otlp(struct agent *a)
{
	const struct otlp_config *oc = config__section(&a->s.cfg, &otlp_config_section);

	a->otlp = otlp__open(a->s.rt.bus, a->s.rt.loop, oc);
	if (!a->otlp && errno)
		return -errno;
	if (otlp__wants_metrics(a->otlp)) {
		a->otlp_tick = loop__timer_new(a->s.rt.loop, export_metrics, a);
		if (!a->otlp_tick)
			return -ENOMEM;
		loop_timer__arm(a->otlp_tick, otlp__metrics_interval(a->otlp) * 1000,
				otlp__metrics_interval(a->otlp) * 1000);
	}
	return 0;
}

static void close_otlp(struct agent *a)
{
	loop_timer__free(a->otlp_tick);
	a->otlp_tick = NULL;
	otlp__close(a->otlp);
	a->otlp = NULL;
}

static void close_sinks(struct agent *a)
{
	if (!a->jsonl)
		return;
	bus__remove_sink(a->s.rt.bus, a->jsonl);
	a->jsonl->close(a->jsonl);
	a->jsonl = NULL;
}

static void flush_sinks(void *ctx, uint32_t events)
{
	struct agent *a = ctx;

	bus__flush(a->s.rt.bus);
}

static void log_kbtf(void)
{
	struct kbtf_stats st;

	kbtf__stats(&st);
	pr_debug("kernel BTF: parsed %u time(s)%s, shared by %u more load(s)", st.parsed,
		 st.mmapped ? " from an mmap of sysfs" : "", st.reused);
}

/* ---- reload ---- */

/* What a new configuration asks of the running agent: a collector whose
 * own section changed is reloaded in place when it can, else restarted;
 * a change of the collector list, the filter or the identity cache
 * restarts every collector. */
static bool same_section(const struct sonde_config *x, const struct sonde_config *y,
			 const struct config_section *sec)
{
	return !sec || !memcmp(config__section(x, sec), config__section(y, sec), sec->size);
}

static bool restart_all(const struct sonde_config *now, const struct sonde_config *next)
{
	return strcmp(now->collectors, next->collectors) ||
	       memcmp(&now->filter, &next->filter, sizeof(now->filter)) ||
	       !same_section(now, next, &identity_config_section);
}

static void reload(struct agent *a)
{
	struct sonde_config cfg;
	bool relisten, all, restart[MAX_COLLECTORS] = {};

	if (config__load(&cfg, a->argc, a->argv, NULL) || check_collectors(&cfg)) {
		pr_err("reload: keeping the running configuration");
		return;
	}
	relisten = strcmp(cfg.listen, a->s.cfg.listen) || cfg.events_http != a->s.cfg.events_http;
	all = restart_all(&a->s.cfg, &cfg);
	for (int i = 0; i < a->ncs && !all; i++) {
		struct collector *c = &a->cs[i];
		const struct config_section *sec = c->ops->config;

		if (same_section(&a->s.cfg, &cfg, sec)) {
			if (c->state == COLLECTOR_RUNNING && c->ops->refresh)
				c->ops->refresh(c);
			continue;
		}
		restart[i] = c->state != COLLECTOR_RUNNING || !c->ops->reload ||
			     c->ops->reload(c, config__section(&cfg, sec));
		if (restart[i])
			collector__stop(c);
		else
			pr_info("reload: collector %s updated in place", c->ops->name);
	}
	if (all) {
		stop_collectors(a);
		identity__stop(a->s.ids);
		a->s.ids = NULL;
	}
	close_sinks(a);
	if (!same_section(&a->s.cfg, &cfg, &otlp_config_section))
		close_otlp(a);
	a->s.cfg = cfg;
	log__set_level(cfg.log_level);
	open_sinks(a);
	if (!a->otlp && open_otlp(a))
		pr_err("reload: OTLP export is off until the next reload");
	if (all) {
		if (wants_identity(&a->s.cfg))
			session__start_identity(&a->s);
		start_collectors(a);
	}
	for (int i = 0; i < a->ncs && !all; i++) {
		if (!restart[i])
			continue;
		collector__start(&a->cs[i], &a->s.cfg, &a->s.rt);
		emit_agent_event(a, &(struct state_event){ "collector", a->cs[i].ops->name,
			collector__state_str(a->cs[i].state), a->cs[i].hook, a->cs[i].why });
	}
	kbtf__drop();
	if (relisten) {
		stop_http(a);
		if (start_http(a))
			pr_err("reload: metrics endpoint is down until the next reload");
	}
	loop_timer__arm(a->tick, a->s.cfg.interval * 1000, a->s.cfg.interval * 1000);
	pr_info("reload: done");
}

/* ---- main ---- */

static int agent_run(struct agent *a)
{
	double t0 = mono_ms();
	int running, r, next;

	a->start_time = event__now_ns() / 1e9;
	a->stats_fd = -1;
	if (config__load(&a->s.cfg, a->argc, a->argv, &next))
		return 2;
	if (next < a->argc) {
		fprintf(stderr, "sonde agent: unexpected argument '%s' (options start with -; see --help)\n",
			a->argv[next]);
		return 2;
	}
	if (check_collectors(&a->s.cfg))
		return 2;
	if (session__open(&a->s, a->s.cfg.log_level,
			  (wants_identity(&a->s.cfg) ? SESSION_IDENTITY : 0) |
			  (a->s.cfg.keep_running ? SESSION_ANY_USER : 0)))
		return 1;
	a->maps = mapstat__new();
	a->tick = loop__timer_new(a->s.rt.loop, flush_sinks, a);
	loop__set_idle(a->s.rt.loop, flush_sinks, a);
	if (!a->maps || !a->tick)
		return 1;
	if (a->s.cfg.prog_stats) {
		a->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (a->stats_fd < 0)
			pr_warn("bpf_enable_stats: %s; program run counts will read 0", strerror(errno));
	}
	/* The endpoint first: a port another agent holds fails the start
	 * before anything is attached. */
	if (!a->s.cfg.attach_only && start_http(a))
		return 1;
	if (open_sinks(a) || open_otlp(a))
		return 1;
	if (!strcmp(a->s.cfg.events_path, "-"))
		pr_info("events: JSON lines on stdout, one per event (--events FILE writes a file, "
			"--events '' none)");
	emit_agent_event(a, &(struct state_event){ .event = "start" });
	running = start_collectors(a);
	if (running < 0)
		return 1;
	if (!running && !a->s.cfg.keep_running) {
		pr_err("no collector could start (the reasons are above); --keep-running serves "
		       "/metrics and status anyway");
		return 1;
	}
	log_kbtf();
	kbtf__drop();
	features__settle();
	pr_info("ready: %d of %d collectors running, attached in %.1f ms", running, a->ncs,
		mono_ms() - t0);
	if (a->s.cfg.attach_only)
		return 0;
	loop_timer__arm(a->tick, a->s.cfg.interval * 1000, a->s.cfg.interval * 1000);
	while ((r = loop__run(a->s.rt.loop)) == LOOP_RELOAD)
		reload(a);
	if (r < 0) {
		pr_err("event loop: %s", strerror(-r));
		return 1;
	}
	return 0;
}

int cmd_agent(int argc, char **argv)
{
	struct agent *a;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde agent [OPTIONS]\n\n"
			       "Runs the collectors, serves Prometheus metrics and writes events.\n"
			       "SIGINT/SIGTERM stop it cleanly; SIGHUP reloads the config file.\n\n");
			opts__usage(config__opts(), stdout);
			return 0;
		}
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return 1;
	session__early();
	/* A gone reader of the events pipe is an error to count, not a death. */
	signal(SIGPIPE, SIG_IGN);
	a->argc = argc;
	a->argv = argv;
	a->kind = event_kinds__register(agent_kinds);
	ret = agent_run(a);
	if (a->s.rt.bus)
		emit_agent_event(a, &(struct state_event){ .event = "stop" });
	/* A last export while the collectors still have their maps. */
	export_metrics(a, 0);
	stop_collectors(a);
	close_otlp(a);
	stop_http(a);
	close_sinks(a);
	loop_timer__free(a->tick);
	mapstat__free(a->maps);
	session__close(&a->s);
	if (a->stats_fd >= 0)
		close(a->stats_fd);
	free(a);
	return ret;
}
