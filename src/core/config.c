#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/config.h"

static const char *const levels[] = { "error", "warn", "info", "debug", NULL };
static const char *const sc_hooks[] = { "auto", "tp_btf", "raw_tp", "tracepoint", NULL };

#define F(f) OPT_FIELD(struct sonde_config, f)
const struct opt config_opts[] = {
	{ "config", "config", 0, OPT_STR, F(config_path), 0, 0, NULL, NULL, "FILE",
	  "YAML configuration file; flags override it" },
	{ "listen", "listen", 'l', OPT_STR, F(listen), 0, 0, NULL, "127.0.0.1:9610", "ADDR:PORT",
	  "HTTP endpoint for /metrics" },
	{ "log_level", "log-level", 0, OPT_ENUM, F(log_level), 0, 0, levels, "info", "LEVEL",
	  "error, warn, info or debug" },
	{ "verbose", "verbose", 'v', OPT_BOOL, F(verbose), 0, 0, NULL, "false", NULL,
	  "log at debug level, libbpf's messages included" },
	{ "collectors", "collectors", 'C', OPT_STR, F(collectors), 0, 0, NULL, "syscalls", "LIST",
	  "comma-separated collectors to run" },
	{ "interval", "interval", 0, OPT_INT, F(interval), 1, 3600, NULL, "10", "SECONDS",
	  "collection tick: sink flushes and rotation checks" },
	{ "prog_stats", "prog-stats", 0, OPT_BOOL, F(prog_stats), 0, 0, NULL, "false", NULL,
	  "measure run count and time of every BPF program (bpf_enable_stats: ~40 ns per program run)" },
	{ "attach_only", "attach-only", 0, OPT_BOOL, F(attach_only), 0, 0, NULL, "false", NULL,
	  "exit as soon as every collector is attached (start-up timing)" },
	{ "events.path", "events", 'e', OPT_STR, F(events_path), 0, 0, NULL, "-", "FILE",
	  "JSON-lines event output; '-' is stdout, '' turns events off" },
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
	{ "syscalls.hook", "syscalls-hook", 0, OPT_ENUM, F(syscalls.hook), 0, 0, sc_hooks, "auto",
	  "HOOK", "auto (best available), tp_btf, raw_tp or tracepoint" },
	{ "syscalls.max_keys", "syscalls-max-keys", 0, OPT_INT, F(syscalls.max_keys), 64, 1 << 20,
	  NULL, "10240", "N", "(syscall, process name) pairs counted in the kernel" },
	{ "syscalls.max_errors", "syscalls-max-errors", 0, OPT_INT, F(syscalls.max_errors), 64,
	  1 << 20, NULL, "4096", "N", "(syscall, errno, process name) triples counted" },
	{ "syscalls.max_comms", "syscalls-max-comms", 0, OPT_INT, F(syscalls.max_comms), 16,
	  1 << 20, NULL, "1024", "N", "distinct process names; later ones count as comm=\"other\"" },
	{ "syscalls.latency_sample", "syscalls-latency-sample", 0, OPT_INT,
	  F(syscalls.latency_sample), 1, 1 << 16, NULL, "16", "N",
	  "time 1/N of calls for the latency histogram: in windows of 1000/N ms a second (tp_btf, 5.15+), else 1 in N at random (1: every call)" },
	{ "syscalls.inflight_slots", "syscalls-inflight-slots", 0, OPT_INT,
	  F(syscalls.inflight_slots), 64, 1 << 22, NULL, "32768", "N",
	  "per-thread slots for latency (rounded up to a power of two)" },
	{ "proc.ringbuf_bytes", "proc-ringbuf-bytes", 0, OPT_INT, F(proc.ringbuf_bytes), 4096,
	  1L << 30, NULL, "4M", "BYTES", "ring buffer for process events (rounded up to a power of two)" },
	{ "proc.cache_size", "proc-cache-size", 0, OPT_INT, F(proc.cache_size), 64, 1 << 22, NULL,
	  "16384", "N", "processes kept in the identity cache" },
	{ "proc.exit_grace", "proc-exit-grace", 0, OPT_INT, F(proc.exit_grace), 0, 3600, NULL, "30",
	  "SECONDS", "how long exited processes stay resolvable" },
	{ "proc.ancestry_depth", "proc-ancestry-depth", 0, OPT_INT, F(proc.ancestry_depth), 0, 32,
	  NULL, "8", "N", "ancestors listed in process events (nearest first)" },
	{ "proc.max_binaries", "proc-max-binaries", 0, OPT_INT, F(proc.max_binaries), 0, 10000, NULL,
	  "100", "N", "binary names with their own exec counter; later names count as \"other\"" },
	{ "files.ringbuf_bytes", "files-ringbuf-bytes", 0, OPT_INT, F(files.ringbuf_bytes), 4096,
	  1L << 30, NULL, "8M", "BYTES", "ring buffer for file events (rounded up to a power of two)" },
	{ "files.failed_only", "files-failed-only", 0, OPT_BOOL, F(files.failed_only), 0, 0, NULL,
	  "false", NULL, "only failed calls (filtered in the kernel)" },
	{ "files.prefixes", "files-prefix", 0, OPT_STR, F(files.prefixes), 0, 0, NULL, "", "LIST",
	  "only paths starting with one of these comma-separated prefixes (at most 8 of 63 bytes)" },
	{ 0 }
};
#undef F

int config__load(struct sonde_config *cfg, int argc, char **argv, int *next)
{
	char err[512];
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	opts__defaults(config_opts, cfg);
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
