// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/bus.h"
#include "core/mapstat.h"
#include "core/self.h"
#include "lib/metrics.h"

#define for_each_running(c, si)						\
	for (struct collector *c = (si)->collectors;			\
	     c < (si)->collectors + (si)->ncollectors; c++)		\
		if (c->state == COLLECTOR_RUNNING && c->as)

int self__prog_stats(int prog_fd, uint64_t *runs, uint64_t *run_ns)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -ENOENT;
	*runs = info.run_cnt;
	*run_ns = info.run_time_ns;
	return 0;
}

/* One bpf_prog_info read per program, for both families: a program
 * attached to many hooks (files' file_exit) is one series. */
struct prog_row {
	const char *collector, *name;
	int fd;
	uint64_t runs, ns;
};

static size_t read_programs(const struct self_info *si, struct prog_row *rows, size_t max)
{
	size_t n = 0;

	for_each_running(c, si) {
		struct attach *a;

		attach_set__for_each(a, c->as) {
			int fd = attach__prog_fd(a);
			size_t i;

			for (i = 0; i < n && rows[i].fd != fd; i++)
				;
			if (i < n || n == max ||
			    self__prog_stats(fd, &rows[n].runs, &rows[n].ns))
				continue;
			rows[n].collector = c->ops->name;
			rows[n].name = attach__prog_name(a);
			rows[n++].fd = fd;
		}
	}
	return n;
}

static void collect_programs(const struct self_info *si, struct metrics_writer *w)
{
	struct prog_row rows[128];
	size_t n = read_programs(si, rows, sizeof(rows) / sizeof(rows[0]));

	mw__family(w, "sonde_bpf_program_runs_total", METRIC_COUNTER,
		   "Times each loaded BPF program ran (needs prog_stats).");
	for (size_t i = 0; i < n; i++)
		mw__sample_u64(w, "sonde_bpf_program_runs_total",
			       LABELS({ "collector", rows[i].collector }, { "program", rows[i].name }),
			       rows[i].runs);
	mw__family(w, "sonde_bpf_program_run_seconds_total", METRIC_COUNTER,
		   "Time spent in each loaded BPF program (needs prog_stats).");
	for (size_t i = 0; i < n; i++)
		mw__sample(w, "sonde_bpf_program_run_seconds_total",
			   LABELS({ "collector", rows[i].collector }, { "program", rows[i].name }),
			   rows[i].ns * 1e-9);
}

static void collect_maps(const struct self_info *si, struct metrics_writer *w)
{
	const struct attach_map *m;

	mapstat__refresh(si->maps);
	mw__family(w, "sonde_bpf_map_entries", METRIC_GAUGE, "Entries in use in each BPF map.");
	for_each_running(c, si) {
		for (unsigned i = 0; (m = attach_set__map(c->as, i)); i++) {
			long n = mapstat__entries(si->maps, &m->bm);

			mw__sample(w, "sonde_bpf_map_entries",
				   LABELS({ "collector", c->ops->name }, { "map", m->name }), n < 0 ? 0 : n);
		}
	}
	mw__family(w, "sonde_bpf_map_capacity_entries", METRIC_GAUGE, "Capacity of each BPF map.");
	for_each_running(c, si) {
		for (unsigned i = 0; (m = attach_set__map(c->as, i)); i++)
			mw__sample(w, "sonde_bpf_map_capacity_entries",
				   LABELS({ "collector", c->ops->name }, { "map", m->name }), m->bm.max_entries);
	}
}

static void collect_drops(const struct self_info *si, struct metrics_writer *w)
{
	mw__family(w, "sonde_events_lost_total", METRIC_COUNTER,
		   "Events or samples the kernel side could not record, by collector and reason.");
	for_each_running(c, si) {
		for (unsigned i = 0; c->ops->drop_reasons && c->ops->drop_reasons[i]; i++)
			mw__sample_u64(w, "sonde_events_lost_total",
				       LABELS({ "collector", c->ops->name }, { "reason", c->ops->drop_reasons[i] }),
				       collector__drops(c, i));
	}
	mw__family(w, "sonde_sink_events_total", METRIC_COUNTER, "Events each sink has written out.");
	for (struct sink *s = si->bus ? bus__sinks(si->bus) : NULL; s; s = s->next)
		mw__sample_u64(w, "sonde_sink_events_total", LABELS({ "sink", s->name }), s->emitted);
	mw__family(w, "sonde_sink_events_dropped_total", METRIC_COUNTER,
		   "Events a sink could not write, by reason.");
	for (struct sink *s = si->bus ? bus__sinks(si->bus) : NULL; s; s = s->next)
		for (int r = 0; r < SINK_DROP__MAX; r++)
			mw__sample_u64(w, "sonde_sink_events_dropped_total",
				       LABELS({ "sink", s->name }, { "reason", sink_drop__name(r) }), s->drops[r]);
}

static long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			sscanf(line + n + 1, "%ld", &v);
	fclose(f);
	return v;
}

static void collect_process(const struct self_info *si, struct metrics_writer *w)
{
	struct rusage ru;
	double cpu = 0;

	if (!getrusage(RUSAGE_SELF, &ru))
		cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
	mw__family(w, "sonde_process_resident_memory_bytes", METRIC_GAUGE, "Agent resident memory.");
	mw__sample(w, "sonde_process_resident_memory_bytes", NO_LABELS, status_kb("VmRSS") * 1024.0);
	mw__family(w, "sonde_process_peak_resident_memory_bytes", METRIC_GAUGE,
		   "Agent peak resident memory since start.");
	mw__sample(w, "sonde_process_peak_resident_memory_bytes", NO_LABELS, status_kb("VmHWM") * 1024.0);
	mw__family(w, "sonde_process_cpu_seconds_total", METRIC_COUNTER, "Agent user and system CPU time.");
	mw__sample(w, "sonde_process_cpu_seconds_total", NO_LABELS, cpu);
	mw__family(w, "sonde_process_start_time_seconds", METRIC_GAUGE, "Agent start time, unix seconds.");
	mw__sample(w, "sonde_process_start_time_seconds", NO_LABELS, si->start_time);
}

void self__collect(const struct self_info *si, struct metrics_writer *w)
{
	mw__family(w, "sonde_build_info", METRIC_GAUGE, "Agent version, libbpf version and kernel.");
	mw__sample(w, "sonde_build_info",
		   LABELS({ "version", SONDE_VERSION }, { "libbpf", libbpf_version_string() },
			  { "kernel", si->kernel }), 1);
	mw__family(w, "sonde_collector_up", METRIC_GAUGE,
		   "1 when the collector is running; its state and hook as labels.");
	for (int i = 0; i < si->ncollectors; i++) {
		struct collector *c = &si->collectors[i];

		mw__sample(w, "sonde_collector_up",
			   LABELS({ "collector", c->ops->name }, { "state", collector__state_str(c->state) },
				  { "hook", c->hook ? c->hook : "" }),
			   c->state == COLLECTOR_RUNNING);
	}
	mw__family(w, "sonde_bpf_stats_enabled", METRIC_GAUGE,
		   "1 when program run counts and times are being measured.");
	mw__sample(w, "sonde_bpf_stats_enabled", NO_LABELS, si->prog_stats);
	collect_programs(si, w);
	collect_maps(si, w);
	collect_drops(si, w);
	collect_process(si, w);
}
