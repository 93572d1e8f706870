#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "core/agent.h"
#include "core/collector.h"
#include "core/config.h"
#include "core/events.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "core/self.h"
#include "core/status.h"
#include "core/host.h"
#include "server/http_server.h"
#include "sinks/jsonl.h"

#define MAX_COLLECTORS 16

struct agent {
	struct sonde_config cfg;
	struct features feat;
	struct loop *loop;
	struct http_server *http;
	struct collector cs[MAX_COLLECTORS];
	int ncs;
	int stats_fd;
	double start_time;
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
		.prog_stats = a->stats_fd >= 0, .kernel = a->feat.kernel, .start_time = a->start_time,
	};
}

static int serve_metrics(void *ctx, struct strbuf *body)
{
	struct agent *a = ctx;
	struct metrics_writer w = { .sb = *body };
	struct self_info si = agent_info(a);

	for (int i = 0; i < a->ncs; i++)
		if (a->cs[i].state == COLLECTOR_RUNNING && a->cs[i].ops->collect(&a->cs[i], &w))
			pr_warn("collector %s: reading its maps failed", a->cs[i].ops->name);
	self__collect(&si, &w);
	*body = w.sb;
	return 200;
}

static int serve_status(void *ctx, struct strbuf *body)
{
	struct self_info si = agent_info(ctx);

	status__json(&si, body);
	return 200;
}

static int serve_status_text(void *ctx, struct strbuf *body)
{
	struct self_info si = agent_info(ctx);

	status__text(&si, body);
	return 200;
}

static int serve_index(void *ctx, struct strbuf *body)
{
	sb__puts(body, "<!doctype html><title>sonde</title><h1>sonde</h1>"
		       "<p><a href=\"/metrics\">/metrics</a>: Prometheus metrics</p>"
		       "<p><a href=\"/api/status\">/api/status</a> (JSON) and "
		       "<a href=\"/api/status.txt\">/api/status.txt</a>: what <code>sonde status</code> shows</p>");
	return 200;
}

static const struct http_route routes[] = {
	{ "/metrics", "text/plain; version=0.0.4; charset=utf-8", serve_metrics },
	{ "/api/status", "application/json", serve_status },
	{ "/api/status.txt", "text/plain; charset=utf-8", serve_status_text },
	{ "/", "text/html; charset=utf-8", serve_index },
	{ 0 }
};

struct state_event {
	const char *event, *collector, *state, *hook, *why;
};

static void state_fields(struct json_writer *w, const void *p)
{
	const struct state_event *e = p;

	jw__key(w, "event"); jw__str(w, e->event);
	if (e->collector) {
		jw__key(w, "collector"); jw__str(w, e->collector);
		jw__key(w, "state"); jw__str(w, e->state);
		if (e->hook) {
			jw__key(w, "hook"); jw__str(w, e->hook);
		}
		if (e->why && *e->why) {
			jw__key(w, "reason"); jw__str(w, e->why);
		}
	}
}

static void emit_agent_event(const struct state_event *se)
{
	struct sonde_event ev = {
		.time_ns = events__now_ns(), .type = "agent", .fields = state_fields, .payload = se,
	};

	events__emit(&ev);
}

static int start_collectors(struct agent *a)
{
	char list[sizeof(a->cfg.collectors)], *save = NULL;
	int running = 0;

	strcpy(list, a->cfg.collectors);
	a->ncs = 0;
	for (char *n = strtok_r(list, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		const struct collector_ops *ops = collector__find(n);
		struct collector *c;

		if (!ops) {
			pr_err("unknown collector '%s'; known:%s", n, "");
			for (int i = 0; collector_registry[i]; i++)
				pr_err("  %s: %s", collector_registry[i]->name, collector_registry[i]->summary);
			return -EINVAL;
		}
		if (a->ncs == MAX_COLLECTORS)
			return -E2BIG;
		c = &a->cs[a->ncs++];
		memset(c, 0, sizeof(*c));
		c->ops = ops;
		c->feat = &a->feat;
		if (!collector__start(c, &a->cfg, a->loop))
			running++;
		emit_agent_event(&(struct state_event){ "collector", ops->name,
			collector__state_str(c->state), c->hook, c->why });
	}
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
		.path = a->cfg.events_path, .max_bytes = a->cfg.events_max_bytes,
		.keep = a->cfg.events_keep,
	};
	struct sink *s;

	if (!a->cfg.events_path[0])
		return 0;
	s = jsonl__open(&o);
	if (!s) {
		pr_err("cannot open events output '%s': %s", o.path, strerror(errno));
		return -errno;
	}
	events__add_sink(s);
	return 0;
}

static void on_tick(void *ctx, uint32_t events)
{
	struct agent *a = ctx;

	events__flush();
	http__tick(a->http);
}

static int start_http(struct agent *a)
{
	char err[256];

	a->http = http__start(a->cfg.listen, routes, a, a->loop, err, sizeof(err));
	if (!a->http) {
		pr_err("%s", err);
		return -errno;
	}
	pr_info("metrics at http://%s/metrics", a->cfg.listen);
	return 0;
}

static void log_kbtf(void)
{
	struct kbtf_stats st;

	kbtf__stats(&st);
	pr_debug("kernel BTF: parsed %u time(s)%s, shared by %u more load(s)", st.parsed,
		 st.mmapped ? " from an mmap of sysfs" : "", st.reused);
}

/* SIGHUP: a bad config keeps the running one; a good one restarts the
 * collectors (counters restart from zero, as Prometheus expects of a reset). */
static void reload(struct agent *a, int argc, char **argv)
{
	struct sonde_config cfg;
	bool relisten;

	if (config__load(&cfg, argc, argv, NULL)) {
		pr_err("reload: keeping the running configuration");
		return;
	}
	relisten = strcmp(cfg.listen, a->cfg.listen);
	stop_collectors(a);
	events__close_sinks();
	a->cfg = cfg;
	log__set_level(cfg.log_level);
	open_sinks(a);
	start_collectors(a);
	kbtf__drop();
	if (relisten) {
		http__stop(a->http, a->loop);
		if (start_http(a))
			pr_err("reload: metrics endpoint is down until the next reload");
	}
	loop__set_timer(a->loop, a->cfg.interval * 1000, on_tick, a);
	pr_info("reload: done");
}

int agent__main(int argc, char **argv)
{
	double t0 = mono_ms();
	struct agent *a = calloc(1, sizeof(*a));
	int ret = 1, running, r;

	if (!a)
		return 1;
	loop__block_signals();
	/* A gone reader of the events pipe is an error to count, not a death. */
	signal(SIGPIPE, SIG_IGN);
	a->stats_fd = -1;
	a->start_time = events__now_ns() / 1e9;
	if (config__load(&a->cfg, argc, argv, NULL))
		goto out;
	log__set_level(a->cfg.log_level);
	log__setup_libbpf();
	if (geteuid() != 0)
		pr_warn("not running as root: loading BPF programs will likely fail");
	host__prepare();
	features__probe(&a->feat);
	if (a->cfg.prog_stats) {
		a->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (a->stats_fd < 0)
			pr_warn("bpf_enable_stats: %s; program run counts will read 0", strerror(errno));
	}
	a->loop = loop__new();
	if (!a->loop) {
		pr_err("event loop: %s", strerror(errno));
		goto out;
	}
	if (open_sinks(a))
		goto out;
	emit_agent_event(&(struct state_event){ .event = "start" });
	running = start_collectors(a);
	if (running < 0)
		goto out;
	if (!a->cfg.attach_only && start_http(a))
		goto out;
	log_kbtf();
	kbtf__drop();
	pr_info("ready: %d of %d collectors running, attached in %.1f ms", running, a->ncs,
		mono_ms() - t0);
	ret = 0;
	if (a->cfg.attach_only)
		goto out;
	loop__set_timer(a->loop, a->cfg.interval * 1000, on_tick, a);
	while ((r = loop__run(a->loop)) == LOOP_RELOAD)
		reload(a, argc, argv);
	if (r < 0) {
		pr_err("event loop: %s", strerror(-r));
		ret = 1;
	}
out:
	emit_agent_event(&(struct state_event){ .event = "stop" });
	stop_collectors(a);
	http__stop(a->http, a->loop);
	events__close_sinks();
	loop__free(a->loop);
	features__release();
	if (a->stats_fd >= 0)
		close(a->stats_fd);
	free(a);
	return ret;
}
