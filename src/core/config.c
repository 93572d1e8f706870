// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/config.h"

static const char *const levels[] = { "error", "warn", "info", "debug", NULL };

#define F(f) OPT_FIELD(struct sonde_config, f)
static const struct opt core_opts[] = {
	{ "config", "config", 0, OPT_STR, F(config_path), 0, 0, NULL, NULL, "FILE",
	  "YAML configuration file; flags override it" },
	{ "listen", "listen", 'l', OPT_STR, F(listen), 0, 0, NULL, "127.0.0.1:9610", "ADDR:PORT",
	  "HTTP endpoint for /metrics" },
	{ "log_level", "log-level", 0, OPT_ENUM, F(log_level), 0, 0, levels, "info", "LEVEL",
	  "error, warn, info or debug" },
	{ "verbose", "verbose", 'v', OPT_BOOL, F(verbose), 0, 0, NULL, "false", NULL,
	  "log at debug level, libbpf's messages included" },
	{ "collectors", "collectors", 'C', OPT_LIST, F(collectors), 0, 0, NULL, "syscalls", "LIST",
	  "comma-separated collectors to run" },
	{ "interval", "interval", 0, OPT_INT, F(interval), 1, 3600, NULL, "10", "SECONDS",
	  "tick at which sinks retry writes that failed (events are written as they arrive)" },
	{ "prog_stats", "prog-stats", 0, OPT_BOOL, F(prog_stats), 0, 0, NULL, "false", NULL,
	  "measure run count and time of every BPF program (bpf_enable_stats: ~40 ns per program run)" },
	{ "attach_only", "attach-only", 0, OPT_BOOL, F(attach_only), 0, 0, NULL, "false", NULL,
	  "exit as soon as every collector is attached (start-up timing)" },
	{ "keep_running", "keep-running", 0, OPT_BOOL, F(keep_running), 0, 0, NULL, "false", NULL,
	  "stay up (serving /metrics and status) even when no collector could start" },
	{ "trace_self", "trace-self", 0, OPT_BOOL, F(trace_self), 0, 0, NULL, "false", NULL,
	  "also trace the agent's own process (left out in the kernel by default)" },
	{ "events.path", "events", 'e', OPT_STR, F(events_path), 0, 0, NULL, "-", "FILE",
	  "JSON-lines event output; '-' is stdout, '' turns events off" },
	{ "events.http", "events-http", 0, OPT_BOOL, F(events_http), 0, 0, NULL, "false", NULL,
	  "also serve events as server-sent events at /api/events (anyone who reaches the endpoint sees every argv and path)" },
	{ "events.max_bytes", "events-max-bytes", 0, OPT_INT, F(events_max_bytes), 0, 1L << 40, NULL,
	  "64M", "BYTES", "rotate the events file past this size (0: never)" },
	{ "events.keep", "events-keep", 0, OPT_INT, F(events_keep), 1, 100, NULL, "3", "N",
	  "rotated event files to keep" },
	{ "filter.pid", "pid", 'p', OPT_INT, F(filter.pid), 0, 1L << 22, NULL, "0", "PID",
	  "trace only this process (0: all)" },
	{ "filter.comm", "comm", 0, OPT_STR, F(filter.comm), 0, 0, NULL, "", "NAME",
	  "trace only processes with this name (at most 15 characters)" },
	{ "filter.cgroup", "cgroup", 0, OPT_STR, F(filter.cgroup), 0, 0, NULL, "", "DIR",
	  "trace only this cgroup v2 directory" },
	{ 0 }
};
#undef F

#define CORE_OPTS (sizeof(core_opts) / sizeof(core_opts[0]) - 1)
#define MAX_OPTS (CORE_OPTS + 256)

/* The composed table: core's options, then each section's with its
 * offsets moved to where the section lives in sonde_config. */
static struct {
	struct opt opts[MAX_OPTS + 1];
	const struct config_section *secs[CONFIG_SECTIONS_MAX];
	size_t off[CONFIG_SECTIONS_MAX];
	int nsecs;
	bool composed;
} composed;

int config__compose(const struct config_section *const *secs, int n)
{
	size_t nopts = CORE_OPTS, used = 0;

	if (composed.composed)
		return 0;
	if (n > CONFIG_SECTIONS_MAX)
		return -E2BIG;
	memcpy(composed.opts, core_opts, CORE_OPTS * sizeof(struct opt));
	for (int i = 0; i < n; i++) {
		size_t off = (used + 7) & ~(size_t)7;

		if (off + secs[i]->size > CONFIG_SECTIONS_BYTES)
			return -E2BIG;
		composed.secs[i] = secs[i];
		composed.off[i] = off;
		for (const struct opt *o = secs[i]->opts; o && o->key; o++) {
			if (nopts == MAX_OPTS)
				return -E2BIG;
			composed.opts[nopts] = *o;
			composed.opts[nopts++].off += offsetof(struct sonde_config, sections) + off;
		}
		used = off + secs[i]->size;
	}
	memset(&composed.opts[nopts], 0, sizeof(struct opt));
	composed.nsecs = n;
	composed.composed = true;
	return 0;
}

const struct opt *config__opts(void)
{
	if (!composed.composed) {
		memcpy(composed.opts, core_opts, sizeof(core_opts));
		return composed.opts;
	}
	return composed.opts;
}

void *config__section(const struct sonde_config *cfg, const struct config_section *sec)
{
	for (int i = 0; i < composed.nsecs; i++)
		if (composed.secs[i] == sec)
			return (void *)(cfg->sections + composed.off[i]);
	return NULL;
}

void config__defaults(struct sonde_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	opts__defaults(config__opts(), cfg);
}

int config__set(struct sonde_config *cfg, const char *key, const char *val, char *err,
		size_t errsz)
{
	for (const struct opt *o = config__opts(); o->key; o++)
		if (!strcmp(o->key, key))
			return opts__set(o, cfg, val, err, errsz);
	snprintf(err, errsz, "unknown option '%s'", key);
	return -ENOENT;
}

int config__load(struct sonde_config *cfg, int argc, char **argv, int *next)
{
	const struct opt *config_opts = config__opts();
	char err[512];
	int ret;

	config__defaults(cfg);
	/* First pass only to learn --config; the second pass lets flags win. */
	ret = opts__parse_argv(config_opts, cfg, argc, argv, next);
	if (ret)
		return ret;
	if (cfg->config_path[0]) {
		char path[sizeof(cfg->config_path)];

		strcpy(path, cfg->config_path);
		ret = opts__parse_yaml(config_opts, cfg, path, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "sonde: config error: %s\n", err);
			return ret;
		}
		ret = opts__parse_argv(config_opts, cfg, argc, argv, next);
		strcpy(cfg->config_path, path);
	}
	if (cfg->verbose)
		cfg->log_level = 3;	/* LOG_DEBUG */
	return ret;
}
