/* The agent's configuration: defaults < YAML file < command-line flags. */
#ifndef SONDE_CONFIG_H
#define SONDE_CONFIG_H
#include <stdbool.h>
#include "core/opts.h"

struct filter_config {
	long pid;		/* process (tgid); 0: all */
	char comm[16];		/* process name; "": all */
	char cgroup[256];	/* cgroup v2 directory; "": all */
};

struct sonde_config {
	char config_path[256];
	char listen[128];
	int log_level;		/* enum log_level */
	bool verbose;		/* same as log_level debug */
	char collectors[256];	/* comma-separated names */
	long interval;		/* seconds between collection ticks */
	bool prog_stats;
	bool attach_only;
	char events_path[256];	/* "-": stdout; "": off */
	long events_max_bytes;
	long events_keep;
	struct filter_config filter;
	struct {
		long max_keys;
		long max_errors;
		long max_comms;
		long inflight_slots;
		long latency_sample;
		int hook;	/* 0: best available, else 1 + index in the flavour list */
	} syscalls;
	struct {
		long ringbuf_bytes;
		long cache_size;
		long exit_grace;	/* seconds */
		long max_binaries;
		long ancestry_depth;
	} proc;
	struct {
		long ringbuf_bytes;
		bool failed_only;
		char prefixes[512];	/* comma-separated path prefixes; "": all */
	} files;
};

extern const struct opt config_opts[];

/* The process filter's options, for the live views' own tables: type has
 * a `struct filter_config filter` member; cg is the short flag of --cgroup. */
#define FILTER_OPTS(type, cg)								\
	{ "pid", "pid", 'p', OPT_INT, OPT_FIELD(type, filter.pid), 0, 1L << 22, NULL, "0",	\
	  "PID", "only this process" },							\
	{ "comm", "comm", 0, OPT_STR, OPT_FIELD(type, filter.comm), 0, 0, NULL, "", "NAME",	\
	  "only processes with this name" },						\
	{ "cgroup", "cgroup", cg, OPT_STR, OPT_FIELD(type, filter.cgroup), 0, 0, NULL, "",	\
	  "DIR", "only this cgroup v2 directory" }

/* Defaults, then the file named by --config (if any), then argv.
 * Returns 0, or a negative errno after printing the reason. */
int config__load(struct sonde_config *cfg, int argc, char **argv, int *next);
#endif
