/* sonde trace TYPE: live events for people, like execsnoop, from the
 * collector that emits TYPE. One line per event, or JSON lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "core/collector.h"
#include "core/config.h"
#include "core/events.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/host.h"
#include "sinks/jsonl.h"

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
	const char *type;
	bool json;
	struct strbuf sb;
};

static int view_emit(struct sink *s, const struct sonde_event *ev)
{
	struct view_sink *v = (struct view_sink *)s;

	if (strcmp(ev->type, v->type))
		return 0;
	sb__reset(&v->sb);
	if (v->json) {
		jsonl__format(&v->sb, ev);
	} else {
		char ts[16];
		time_t sec = ev->time_ns / 1000000000ULL;
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		sb__printf(&v->sb, "%s %-7u %-16s ", ts, ev->pid, ev->comm ? ev->comm : "");
		if (ev->text)
			ev->text(&v->sb, ev->payload);
	}
	printf("%s\n", v->sb.buf ? v->sb.buf : "");
	fflush(stdout);
	return 0;
}

static const struct collector_ops *emitter_of(const char *type)
{
	for (int i = 0; collector_registry[i]; i++)
		for (int j = 0; collector_registry[i]->event_types &&
				collector_registry[i]->event_types[j]; j++)
			if (!strcmp(collector_registry[i]->event_types[j], type))
				return collector_registry[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sonde trace TYPE [OPTIONS]\n\nTYPE is one of:");
	for (int i = 0; collector_registry[i]; i++)
		for (int j = 0; collector_registry[i]->event_types &&
				collector_registry[i]->event_types[j]; j++)
			fprintf(f, " %s", collector_registry[i]->event_types[j]);
	fprintf(f, "\n\n");
	opts__usage(trace_opts, f);
}

int cmd_trace(int argc, char **argv)
{
	struct view_sink v = { .sink = { .name = "view", .emit = view_emit } };
	struct trace_opts o;
	struct sonde_config cfg;
	struct features feat;
	struct collector c = {};
	struct loop *loop = NULL;
	int next, ret = 1;

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
	v.type = argv[1];
	c.ops = emitter_of(v.type);
	if (!c.ops) {
		fprintf(stderr, "sonde trace: no collector emits '%s' events\n\n", v.type);
		usage(stderr);
		return 2;
	}
	loop__block_signals();
	opts__defaults(trace_opts, &o);
	if (opts__parse_argv(trace_opts, &o, argc - 1, argv + 1, &next))
		return 2;
	if (next < argc - 1) {
		fprintf(stderr, "sonde trace: unexpected argument '%s'\n", argv[next + 1]);
		return 2;
	}
	v.json = o.json;
	config__load(&cfg, 1, argv, NULL);
	cfg.filter = o.filter;
	cfg.files.failed_only = o.failed;
	snprintf(cfg.files.prefixes, sizeof(cfg.files.prefixes), "%s", o.prefixes);
	log__set_level(LOG_WARN);
	log__setup_libbpf();
	host__prepare();
	features__probe(&feat);
	c.feat = &feat;
	loop = loop__new();
	if (!loop)
		goto out;
	events__add_sink(&v.sink);
	if (collector__start(&c, &cfg, loop)) {
		fprintf(stderr, "sonde trace: %s\n", c.why);
		goto out;
	}
	kbtf__drop();
	if (!o.json) {
		printf("%-8s %-7s %-16s %s\n", "TIME", "PID", "COMM", c.ops->text_header ?: "");
		fflush(stdout);
	}
	ret = loop__run(loop) < 0;
out:
	collector__stop(&c);
	events__remove_sink(&v.sink);
	sb__free(&v.sb);
	loop__free(loop);
	features__release();
	return ret;
}
