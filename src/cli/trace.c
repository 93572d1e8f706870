// SPDX-License-Identifier: Apache-2.0
/* sonde trace TYPE: live events for people, like execsnoop, from the
 * collector that emits TYPE. One line per event, or JSON lines. */
#include <errno.h>
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
#include "lib/suggest.h"
#include "sinks/json_event.h"

struct trace_opts {
	struct filter_config filter;
	bool json, failed;
	char prefixes[512];
};

#define F(f) OPT_FIELD(struct trace_opts, f)
static const struct opt trace_opts[] = {
	FILTER_OPTS(struct trace_opts),
	{ "json", "json", 0, OPT_BOOL, F(json), 0, 0, NULL, "false", NULL, "JSON lines (the events schema)" },
	{ "failed", "failed", 'x', OPT_BOOL, F(failed), 0, 0, NULL, "false", NULL,
	  "file events: only failed calls" },
	{ "prefix", "prefix", 0, OPT_LIST, F(prefixes), 0, 0, NULL, "", "LIST",
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

static int set_option(struct sonde_config *cfg, const struct collector_ops *ops, const char *kind,
		      const char *key, const char *flag, const char *value)
{
	char name[64], err[256];

	int ret;

	snprintf(name, sizeof(name), "%s.%s", ops->name, key);
	ret = config__set(cfg, name, value, err, sizeof(err));
	if (ret == -ENOENT)
		fprintf(stderr, "sonde trace %s: %s does not apply to %s events (the %s collector has no %s option)\n",
			kind, flag, kind, ops->name, key);
	else if (ret)
		fprintf(stderr, "sonde trace %s: %s: %s\n", kind, flag, err);
	return ret;
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
		const char *names[64], *near;
		size_t n = 0;

		for (int i = 0; collector_registry[i]; i++)
			for (int j = 0; collector_registry[i]->kinds && collector_registry[i]->kinds[j].name && n < 64; j++)
				names[n++] = collector_registry[i]->kinds[j].name;
		near = suggest__nearest(argv[1], names, n);
		fprintf(stderr, "sonde trace: no collector emits '%s' events%s%s%s; types:", argv[1],
			near ? " (did you mean '" : "", near ?: "", near ? "'?)" : "");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, "\n");
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
	/* -x and --prefix are the emitting collector's own options: a
	 * collector without them refuses them rather than ignore them. */
	if ((o.failed && set_option(&s.cfg, c.ops, argv[1], "failed_only", "-x/--failed", "true")) ||
	    (o.prefixes[0] && set_option(&s.cfg, c.ops, argv[1], "prefixes", "--prefix", o.prefixes)))
		return 2;
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
