/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's configuration: defaults < YAML file < command-line flags.
 *
 * Core's own options are below; every module with options of its own (a
 * collector, the identity cache) declares a config_section in its own file,
 * and the sections are composed into one table at start, so --help, YAML
 * keys, the docs check and reload all see every option. A section's struct
 * lives inside sonde_config (cfg->sections), which stays one flat value:
 * copied, compared and swapped whole on reload. */
#ifndef SONDE_CONFIG_H
#define SONDE_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include "core/opts.h"

struct filter_config {
	long pid;		/* process (tgid); 0: all */
	char comm[16];		/* process name; "": all */
	char cgroup[256];	/* cgroup v2 directory; "": all */
};

#define CONFIG_SECTIONS_BYTES 16384
#define CONFIG_SECTIONS_MAX 32

struct sonde_config {
	char config_path[256];
	char listen[128];
	int log_level;		/* enum log_level */
	bool verbose;		/* same as log_level debug */
	char collectors[256];	/* comma-separated names */
	long interval;		/* seconds between collection ticks */
	bool prog_stats;
	bool attach_only;
	bool keep_running;	/* serve even when no collector could start */
	bool trace_self;	/* let the collectors see the agent's own process */
	char events_path[256];	/* "-": stdout; "": off */
	bool events_http;	/* serve events at /api/events */
	long events_max_bytes;
	long events_keep;
	struct filter_config filter;
	/* Every section's own struct, at its section's offset. */
	_Alignas(8) unsigned char sections[CONFIG_SECTIONS_BYTES];
};

struct config_section {
	const char *name;		/* "syscalls" */
	const struct opt *opts;		/* keys spelled out ("syscalls.max_keys") */
	size_t size;			/* of its struct */
};

/* Composes core's options with the sections' (once; later calls with the
 * same sections are no-ops). 0, or -E2BIG when they do not fit. */
int config__compose(const struct config_section *const *secs, int n);
/* The composed table (core's alone before config__compose). */
const struct opt *config__opts(void);
/* A section's struct inside cfg; NULL for a section not composed. */
void *config__section(const struct sonde_config *cfg, const struct config_section *sec);

/* The process filter's options, for the live views' own tables: type has
 * a `struct filter_config filter` member. --cgroup has no short flag: -c is
 * a count in `sonde syscalls`, as in syscount. */
#define FILTER_OPTS(type)								\
	{ "pid", "pid", 'p', OPT_INT, OPT_FIELD(type, filter.pid), 0, 1L << 22, NULL, "0",	\
	  "PID", "only this process" },							\
	{ "comm", "comm", 0, OPT_STR, OPT_FIELD(type, filter.comm), 0, 0, NULL, "", "NAME",	\
	  "only processes with this name" },						\
	{ "cgroup", "cgroup", 0, OPT_STR, OPT_FIELD(type, filter.cgroup), 0, 0, NULL, "",	\
	  "DIR", "only this cgroup v2 directory" }

/* Defaults, then the file named by --config (if any), then argv.
 * Returns 0, or a negative errno after printing the reason. */
int config__load(struct sonde_config *cfg, int argc, char **argv, int *next);
/* Defaults only. */
void config__defaults(struct sonde_config *cfg);
/* Sets one option by its key ("files.failed_only"), as the file would;
 * 0 or a negative errno with the reason in err. */
int config__set(struct sonde_config *cfg, const char *key, const char *val, char *err,
		size_t errsz);
#endif
