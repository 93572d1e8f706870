// SPDX-License-Identifier: Apache-2.0
/* sonde trace TYPE: live events for people, like execsnoop, from the
 * collector that emits TYPE. One line per event, or JSON lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "cli/session.h"
#include "collectors/registry.h"
#include "core/bus.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "core/loop.h"
#include "sinks/json_event.h"

struct trace_opts {
	struct filter_config filter;
	bool json, failed;
	char prefixes[512];
};

#define F(f) OPT_FIELD(struct trace_opts, f)
static const struct opt trace_opts[] = {
	FILTER_OPTS(struct trace_opts, 'c'),
	{ "json", "json", 0, OPT_BOOL, F(json), 0, 0, NULL, "false", NULL, "JSON lines (the events schema)" },
	{ "failed", "failed", 'x', OPT_BOOL, F(failed), 0, 0, NULL, "false", NULL,
	  "file events: only failed calls" },
	{ "prefix", "prefix", 0, OPT_STR, F(prefixes), 0, 0, NULL, "", "LIST",
	  "file events: only paths under these comma-separated prefixes" },
	{ 0 }
};
#undef F

struct view_sink {
	struct sink sink;
	bool json;
	struct strbuf sb;
};

static int view_emit(struct sink *s, const struct event *ev)
{
	struct view_sink *v = (struct view_sink *)s;
	const struct event_kind *k = event_kind__get(ev->kind);

	sb__reset(&v->sb);
	if (v->json) {
		json_event__format(&v->sb, ev);
	} else {
		char ts[16];
		time_t sec = ev->time_ns / 1000000000ULL;
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		sb__printf(&v->sb, "%s %-7u ", ts, ev->task ? ev->task->pid : 0);
		if (ev->task)
			sb__put_text(&v->sb, ev->task->comm, strnlen(ev->task->comm, sizeof(ev->task->comm)));
		sb__printf(&v->sb, "%*s", 17 - (int)(ev->task ? strnlen(ev->task->comm, 16) : 0), "");
		if (k->text)
			k->text(ev, &v->sb);
	}
	printf("%s\n", v->sb.buf ? v->sb.buf : "");
	fflush(stdout);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sonde trace TYPE [OPTIONS]\n\nTYPE is one of:");
	for (int i = 0; collector_registry[i]; i++)
		for (int j = 0; collector_registry[i]->kinds && collector_registry[i]->kinds[j].name; j++)
			fprintf(f, " %s", collector_registry[i]->kinds[j].name);
	fprintf(f, "\n\n");
	opts__usage(trace_opts, f);
}

int cmd_trace(int argc, char **argv)
{
	struct view_sink v = { .sink = { .name = "view", .emit = view_emit } };
	struct session s = {};
	struct trace_opts o;
	struct collector c = {};
	struct kind_mask mask = {};
	const struct event_kind *k;
	char err[256];
	int next, ret = 1, kind;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	c.ops = registry__emitter(argv[1]);
	if (!c.ops) {
		fprintf(stderr, "sonde trace: no collector emits '%s' events\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	session__early();
	opts__defaults(trace_opts, &o);
	if (opts__parse_argv(trace_opts, &o, argc - 1, argv + 1, &next))
		return 2;
	if (next < argc - 1) {
		fprintf(stderr, "sonde trace: unexpected argument '%s'\n", argv[next + 1]);
		return 2;
	}
	v.json = o.json;
	config__defaults(&s.cfg);
	s.cfg.filter = o.filter;
	if (!strcmp(c.ops->name, "files") &&
	    (config__set(&s.cfg, "files.failed_only", o.failed ? "true" : "false", err, sizeof(err)) ||
	     config__set(&s.cfg, "files.prefixes", o.prefixes, err, sizeof(err)))) {
		fprintf(stderr, "sonde trace: %s\n", err);
		return 2;
	}
	if (session__open(&s, LOG_WARN, SESSION_IDENTITY))
		goto out;
	kind = event_kind__find(argv[1]);
	k = event_kind__get(kind);
	kind_mask__set(&mask, kind);
	bus__add_sink(s.rt.bus, &v.sink, &mask);
	if (collector__start(&c, &s.cfg, &s.rt)) {
		fprintf(stderr, "sonde trace: %s\n", c.why);
		goto out;
	}
	kbtf__drop();
	features__settle();
	if (!o.json) {
		printf("%-8s %-7s %-16s %s\n", "TIME", "PID", "COMM", k->text_header ?: "");
		fflush(stdout);
	}
	ret = loop__run(s.rt.loop) < 0;
out:
	collector__stop(&c);
	if (s.rt.bus)
		bus__remove_sink(s.rt.bus, &v.sink);
	sb__free(&v.sb);
	session__close(&s);
	return ret;
}
