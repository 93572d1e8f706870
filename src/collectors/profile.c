// SPDX-License-Identifier: Apache-2.0
/* CPU profiles: a perf_event program on every online CPU (cycles where
 * there is a PMU, cpu-clock otherwise) counts stacks in the kernel; a
 * timer drains them as deltas into a stackprof (addresses, merged by
 * stack and process image). A worker thread owns the symbolizer and reads
 * each new process's mappings as the kernel reports it, so the loop never
 * waits on ELF files. User side of bpf/profile.bpf.c. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collectors/profile.h"
#include "collectors/profile_priv.h"
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/bus.h"
#include "core/collector.h"
#include "core/event.h"
#include "core/log.h"
#include "core/loop.h"
#include "collectors/profile_worker.h"
#include "identity/identity.h"
#include "lib/metrics.h"
#include "lib/vec.h"
#include "server/http_server.h"
#include "symbolize/stackprof.h"
#include "symbolize/symbolizer.h"
#include "sonde/profile.h"
#include "profile.skel.h"

enum { EV_AUTO, EV_CYCLES, EV_CPU_CLOCK };
static const char *const event_names[] = { "auto", "cycles", "cpu-clock", NULL };

#define F(f) OPT_FIELD(struct profile_config, f)
static const struct opt profile_opts[] = {
	{ "profile.frequency", "profile-frequency", 0, OPT_INT, F(frequency), 1, 10000, NULL, "19", "HZ",
	  "samples per second on each CPU" },
	{ "profile.event", "profile-event", 0, OPT_ENUM, F(event), 0, 0, event_names, "auto", "EVENT",
	  "what drives sampling: cycles (a hardware PMU), cpu-clock, or auto (cycles where there is a PMU)" },
	{ "profile.interval", "profile-interval", 0, OPT_INT, F(interval), 1, 3600, NULL, "1", "SECONDS",
	  "how often the kernel's counts are drained (they are held twice this long at most)" },
	{ "profile.max_stacks", "profile-max-stacks", 0, OPT_INT, F(max_stacks), 64, 1 << 20, NULL, "8192", "N",
	  "distinct stacks held between drains (two buffers of ~1 KiB each)" },
	{ "profile.max_counts", "profile-max-counts", 0, OPT_INT, F(max_counts), 64, 1 << 22, NULL, "16384", "N",
	  "distinct (process, stack) counts held between drains" },
	{ "profile.symbol_budget", "profile-symbol-budget", 0, OPT_INT, F(symbol_budget), 1, 1 << 16, NULL, "64",
	  "MIB", "memory for parsed symbol tables; least recently used files are evicted past it" },
	{ "profile.off_cpu", "profile-off-cpu", 0, OPT_BOOL, F(off_cpu), 0, 0, NULL, "false", NULL,
	  "also time blocked off the CPU, by stack, from tp_btf/sched_switch (what sonde profile --off-cpu writes)" },
	{ "profile.offcpu_min_us", "profile-offcpu-min-us", 0, OPT_INT, F(offcpu_min_us), 0, 1L << 30, NULL, "1",
	  "MICROSECONDS", "shorter blocks are not counted" },
	{ "profile.max_blocked", "profile-max-blocked", 0, OPT_INT, F(max_blocked), 64, 1 << 22, NULL, "16384", "N",
	  "threads blocked at once whose switch-out is remembered; past that a block is lost, counted" },
	{ "profile.window", "profile-window", 0, OPT_INT, F(window), 0, 3600, NULL, "10", "SECONDS",
	  "length of each rolling profile the agent keeps (and pushes)" },
	{ "profile.windows", "profile-windows", 0, OPT_INT, F(windows), 1, 1000, NULL, "6", "N",
	  "rolling profiles kept in memory for /api/profiles" },
	{ "profile.push_url", "profile-push-url", 0, OPT_STR, F(push_url), 0, 0, NULL, "", "URL",
	  "http://HOST:PORT/PATH to POST each finished profile to (gzipped pprof)" },
	{ 0 }
};
#undef F

static const struct config_section profile_section = {
	.name = "profile", .opts = profile_opts, .size = sizeof(struct profile_config),
};

static const char *const counter_names[PROF_C_MAX] = {
	[PROF_C_SAMPLES] = "samples", [PROF_C_IDLE] = "idle",
	[PROF_C_KERNEL_USER_MODE] = "user_mode", [PROF_C_NO_USER] = "kernel_thread",
	[PROF_C_USTACK_FAULT] = "user_stack_fault", [PROF_C_COLLISION] = "stack_collision",
	[PROF_C_STACKS_FULL] = "stack_map_full", [PROF_C_COUNTS_FULL] = "count_map_full",
	[PROF_C_PROCS_LOST] = "process_notes_lost",
	[PROF_C_OFFCPU_BLOCKS] = "offcpu_blocks", [PROF_C_OFFCPU_LOST] = "offcpu_lost",
};

/* The ring: a process image seen for the first time (its mappings are
 * read by the worker, now, while it runs), or a saved block's end. */
static int profile_record(struct collector *c, void *data, size_t size)
{
	struct profile_priv *pp = c->priv;
	struct profile_rec_proc p;
	struct profile_rec_offcpu o;
	uint32_t type;

	if (size < sizeof(type)) {
		c->malformed++;
		return 0;
	}
	memcpy(&type, data, sizeof(type));
	if (type == PROF_R_PROC && size >= sizeof(p)) {
		memcpy(&p, data, sizeof(p));
		prof_worker__note(&pp->w, &p.p);
	} else if (type == PROF_R_OFFCPU && size >= sizeof(o)) {
		memcpy(&o, data, sizeof(o));
		profile__saved_woke(c, &o);
	} else {
		c->malformed++;
	}
	return 0;
}

static int attach_cpus(struct collector *c);

/* The buffer written since the last tick stops being written; the other
 * one, drained a whole interval after it stopped, takes over. */
static void profile_drain(struct collector *c)
{
	struct profile_bpf *skel = c->skel;
	struct profile_priv *pp = c->priv;
	unsigned active = skel->bss->gen & 1;
	struct timespec ts = now_real();

	profile__drain_buffer(c, !active);
	__atomic_store_n(&skel->bss->gen, !active, __ATOMIC_RELEASE);
	pp->prof.end_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	for (struct prof_req *r = pp->reqs; r; r = r->next)
		if (r->skip)
			r->skip--;
		else if (r->remaining)
			r->remaining--;
	pp->drains++;
}

static void on_timer(void *ctx, uint32_t events)
{
	profile_drain(ctx);
	profile__rotate(ctx);
	profile__serve_due(ctx);
	attach_cpus(ctx);	/* CPUs that came online since */
}

static int profile_probe(struct features *feat, char *why, size_t why_sz)
{
	return features__require(feat, FEAT_PERF_SW, why, why_sz);
}

static int profile_configure(struct collector *c)
{
	const struct profile_config *cfg = c->cfg;
	struct profile_bpf *skel = c->skel;
	struct profile_priv *pp = calloc(1, sizeof(*pp));
	struct timespec ts = now_real();

	if (!pp)
		return -ENOMEM;
	c->priv = pp;
	c->hook = "perf_event";
	stackprof__init(&pp->prof, 1000000000LL / cfg->frequency);
	pp->prof.start_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	bpf_map__set_max_entries(skel->maps.stacks0, cfg->max_stacks);
	bpf_map__set_max_entries(skel->maps.stacks1, cfg->max_stacks);
	bpf_map__set_max_entries(skel->maps.counts0, cfg->max_counts);
	bpf_map__set_max_entries(skel->maps.counts1, cfg->max_counts);
	bpf_program__set_autoattach(skel->progs.profile_sample, false);
	bpf_program__set_autoload(skel->progs.profile_switch, cfg->off_cpu);
	bpf_map__set_max_entries(skel->maps.blocked, cfg->max_blocked);
	if (cfg->off_cpu) {
		__u64 min_ns = (__u64)cfg->offcpu_min_us * 1000;

		collector__set_rodata(c, "offcpu_min_ns", &min_ns, sizeof(min_ns));
	}
	stackprof__init(&pp->off, 1);
	pp->off.off_cpu = true;
	pp->off.start_ns = pp->prof.start_ns;
	pp->ncpus = libbpf_num_possible_cpus();
	pp->ips = calloc(PROFILE_MAX_DEPTH, sizeof(*pp->ips));
	pp->keys = calloc(DRAIN_BATCH, sizeof(*pp->keys));
	pp->vals = calloc(DRAIN_BATCH, sizeof(*pp->vals));
	pp->cpu_attached = calloc(pp->ncpus > 0 ? pp->ncpus : 1, sizeof(bool));
	pp->nwin = cfg->windows;
	pp->win = calloc(pp->nwin, sizeof(*pp->win));
	if (!pp->ips || !pp->keys || !pp->vals || !pp->cpu_attached || !pp->win)
		return -ENOMEM;
	return 0;
}

/* One perf event per CPU, each its own entry, so that a CPU coming online
 * later is one more attach. */
static int attach_cpus(struct collector *c)
{
	const struct profile_config *cfg = c->cfg;
	const struct profile_bpf *skel = c->skel;
	struct profile_priv *pp = c->priv;
	bool hw = cfg->event == EV_CYCLES || (cfg->event == EV_AUTO && features__has(c->rt->feat, FEAT_PERF_HW) == 1);
	char buf[1024] = "";
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int err = 0, attached = 0;

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (char *p = buf; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			break;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long cpu = lo; cpu <= hi && cpu < pp->ncpus; cpu++) {
			struct attach_spec spec = { .kind = ATTACH_PERF_EVENT };
			struct attach *a;

			if (pp->cpu_attached[cpu])
				continue;
			spec.perf.type = hw ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
			spec.perf.config = hw ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_SW_CPU_CLOCK;
			spec.perf.sample = cfg->frequency;
			spec.perf.freq = true;
			spec.perf.cpu = cpu;
			spec.perf.pid = -1;
			a = attach_set__add(c->as, skel->progs.profile_sample, -1, NULL, &spec);
			if (!a)
				return -ENOMEM;
			if (attach__state(a) == ATTACH_FAILED) {
				err = attach__err(a);
				snprintf(c->why, sizeof(c->why), "perf_event on CPU %ld: %s", cpu, attach__why(a));
				continue;
			}
			pp->cpu_attached[cpu] = true;
			attached++;
		}
		p = *end == ',' ? end + 1 : end;
	}
	if (attached && pp->drains)
		log__msg(LOG_INFO, "profile: sampling %d more CPU(s) that came online", attached);
	return err;
}

static int profile_started(struct collector *c)
{
	const struct profile_config *cfg = c->cfg;
	struct profile_priv *pp = c->priv;
	int err = attach_cpus(c);

	if (err)
		return err;
	err = prof_worker__start(&pp->w, c->rt->loop, (size_t)cfg->symbol_budget << 20, cfg->push_url, c->why,
				 sizeof(c->why));
	if (err)
		return err;
	pp->timer = loop__timer_new(c->rt->loop, on_timer, c);
	if (!pp->timer)
		return -ENOMEM;
	return loop_timer__arm(pp->timer, cfg->interval * 1000, cfg->interval * 1000);
}

int profile__finish(struct collector *c, struct stackprof **prof, struct stackprof **off, struct symbolizer **sym)
{
	struct profile_priv *pp = c->priv;

	if (!pp || c->state != COLLECTOR_RUNNING)
		return -EINVAL;
	loop_timer__free(pp->timer);
	pp->timer = NULL;
	profile__drain_all(c);
	profile_drain(c);
	collector__drain(c);	/* the last process notes */
	prof_worker__stop(&pp->w);
	pp->off.end_ns = pp->prof.end_ns;
	*prof = &pp->prof;
	*off = &pp->off;
	*sym = pp->w.sym;
	return 0;
}

static void profile_stop(struct collector *c)
{
	struct profile_priv *pp = c->priv;

	if (!pp)
		return;
	loop_timer__free(pp->timer);
	prof_worker__stop(&pp->w);	/* delivers what it rendered */
	profile__serve_stop(pp);
	stackprof__free(&pp->prof);
	stackprof__free(&pp->off);
	for (size_t i = 0; i < pp->nsaved; i++)
		free(pp->saved[i].ips);
	free(pp->saved);
	symbolizer__free(pp->w.sym);
	for (unsigned i = 0; i < pp->nwin; i++)
		sb__free(&pp->win[i].pprof);
	free(pp->win);
	free(pp->ips);
	free(pp->keys);
	free(pp->vals);
	free(pp->cpu_attached);
	free(pp);
	c->priv = NULL;
}

static int profile_collect(struct collector *c, struct metrics_writer *w)
{
	const struct profile_bpf *skel = c->skel;
	struct profile_priv *pp = c->priv;
	struct symbolizer_stats st;
	struct bpfmap m;
	uint64_t ctr[PROF_C_MAX] = {};

	if (!bpfmap__from(&m, skel->maps.counters))
		for (uint32_t i = 0; i < PROF_C_MAX; i++)
			bpfmap__lookup(&m, &i, &ctr[i], 1);
	mw__family(w, "sonde_profile_samples_total", METRIC_COUNTER,
		   "CPU samples by what became of them: kept (samples), idle (not kept), user_mode (no kernel "
		   "stack), kernel_thread (no user stack), and the losses: user_stack_fault, stack_collision, "
		   "stack_map_full, count_map_full, process_notes_lost, stack_gone; off-CPU blocks counted "
		   "(offcpu_blocks) and lost (offcpu_lost, offcpu_saved_lost).");
	for (unsigned i = 0; i < PROF_C_MAX; i++)
		mw__sample_u64(w, "sonde_profile_samples_total", LABELS({ "outcome", counter_names[i] }), ctr[i]);
	mw__sample_u64(w, "sonde_profile_samples_total", LABELS({ "outcome", "stack_gone" }), pp->lost_stacks);
	mw__sample_u64(w, "sonde_profile_samples_total", LABELS({ "outcome", "offcpu_saved_lost" }), pp->saved_lost);
	uint64_t pushed, push_errors;

	if (pp->w.on) {
		pthread_mutex_lock(&pp->w.mu);
		st = pp->w.st;
		pushed = pp->w.pushed;
		push_errors = pp->w.push_errors;
		pthread_mutex_unlock(&pp->w.mu);
	} else {
		symbolizer__stats(pp->w.sym, &st);
		pushed = pp->w.pushed;
		push_errors = pp->w.push_errors;
	}
	mw__family(w, "sonde_profile_symbol_cache_bytes", METRIC_GAUGE,
		   "Memory held by parsed symbol tables (the budget is profile.symbol_budget).");
	mw__sample_u64(w, "sonde_profile_symbol_cache_bytes", NO_LABELS, st.cache_bytes);
	mw__family(w, "sonde_profile_kernel_symbols_bytes", METRIC_GAUGE,
		   "Memory held by the kernel's symbol table (read once, outside the budget).");
	mw__sample_u64(w, "sonde_profile_kernel_symbols_bytes", NO_LABELS, st.kernel_bytes);
	mw__family(w, "sonde_profile_symbol_files_total", METRIC_COUNTER, "ELF files parsed for symbols.");
	mw__sample_u64(w, "sonde_profile_symbol_files_total", NO_LABELS, st.files);
	mw__family(w, "sonde_profile_symbol_evictions_total", METRIC_COUNTER,
		   "Symbol tables evicted to stay within the budget.");
	mw__sample_u64(w, "sonde_profile_symbol_evictions_total", NO_LABELS, st.evictions);
	mw__family(w, "sonde_profile_pushes_total", METRIC_COUNTER,
		   "Finished profiles POSTed to profile.push_url, by result (ok, error).");
	mw__sample_u64(w, "sonde_profile_pushes_total", LABELS({ "result", "ok" }), pushed);
	mw__sample_u64(w, "sonde_profile_pushes_total", LABELS({ "result", "error" }), push_errors);
	return 0;
}

/* ---- selftest: this process spins in a function of its own ---- */

static volatile unsigned long st_sink;

__attribute__((noinline)) static void st_spin(long ns)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		for (int i = 0; i < 100000; i++)
			st_sink++;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < ns);
}

static void st_spin_end(void) {}

static int profile_selftest(struct collector *c, char *msg, size_t sz)
{
	const struct profile_config *cfg = c->cfg;
	struct profile_priv *pp = c->priv;
	uintptr_t lo = (uintptr_t)st_spin, hi = (uintptr_t)st_spin_end;
	uint64_t in_fn = 0, mine = 0, want = cfg->frequency / 2;

	if (hi <= lo || hi - lo > 4096)
		hi = lo + 256;	/* the compiler placed them apart: the function's first bytes */
	st_spin(1000000000L);
	profile__drain_all(c);	/* both buffers now, as profile__finish does */
	for (size_t i = 0; i < pp->prof.nrows; i++) {
		const struct stackprof_row *r = &pp->prof.rows[i];

		if (pp->prof.images[r->image].pid != (uint32_t)getpid())
			continue;
		mine += r->count;
		if (r->nu && r->ips[r->nk] >= lo && r->ips[r->nk] < hi)
			in_fn += r->count;
	}
	if (in_fn < want) {
		snprintf(msg, sz, "1 s spinning at %ld Hz: %llu samples of this process, %llu in the spinning function "
			 "(want >= %llu)", cfg->frequency, (unsigned long long)mine, (unsigned long long)in_fn,
			 (unsigned long long)want);
		return -EBADMSG;
	}
	snprintf(msg, sz, "1 s spinning at %ld Hz: %llu samples with the spinning function as the user leaf", cfg->frequency,
		 (unsigned long long)in_fn);
	return 0;
}

static void *profile_open(void) { return profile_bpf__open(); }

const struct collector_ops profile_collector = {
	.name = "profile",
	.summary = "CPU profile: kernel and user stacks sampled on every CPU, aggregated in the kernel",
	.config = &profile_section,
	.open = profile_open,
	.elf_bytes = profile_bpf__elf_bytes,
	.ringbuf = "procs",
	.on_record = profile_record,
	.probe = profile_probe,
	.configure = profile_configure,
	.started = profile_started,
	.collect = profile_collect,
	.stop = profile_stop,
	.selftest = profile_selftest,
};
