// SPDX-License-Identifier: Apache-2.0
/* Syscall counts, failures by errno and latency: user side of
 * bpf/syscalls.bpf.c. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collectors/sc_window.h"
#include "collectors/syscalls.h"
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/log.h"
#include "lib/bits.h"
#include "lib/errname.h"
#include "lib/hist.h"
#include "lib/metrics.h"
#include "lib/syscall_table.h"
#include "lib/vec.h"
#include "sonde/syscalls.h"
#include "syscalls.skel.h"

/* Histogram buckets below 2^7 ns (128 ns) are folded into that one: no
 * syscall returns faster on current hardware. */
#define SC_FIRST_LE_SLOT 7

static const char *const drop_reasons[SC_DROP_MAX + 1] = {
	[SC_DROP_SLOT_COLLISION] = "inflight_slot_collision",
	[SC_DROP_KEY_FULL] = "counts_map_full",
	[SC_DROP_ERR_FULL] = "errors_map_full",
	[SC_DROP_COMM_FULL] = "comm_table_full",
};

/* Hook flavours, best first, each with its two programs: the one list of
 * them (options, selftests and the kernel matrix read it from here). */
#define SC_FLAVOURS(X)					\
	X(tp_btf, FEAT_TP_BTF, btf)			\
	X(raw_tp, FEAT_RAW_TP, raw)			\
	X(tracepoint, FEAT_TRACEPOINT, tp)
#define FLAVOUR(hook, feat, sfx) { #hook, feat, "sys_enter_" #sfx, "sys_exit_" #sfx },
#define HOOK_NAME(hook, feat, sfx) #hook,
static const struct {
	const char *hook;
	enum feature_id feat;
	const char *enter, *exit;
} flavours[] = { SC_FLAVOURS(FLAVOUR) };
#define NFLAVOURS (sizeof(flavours) / sizeof(flavours[0]))
/* syscalls.hook: "auto", then the flavours; ops.hooks is the same past "auto". */
static const char *const hook_choices[] = { "auto", SC_FLAVOURS(HOOK_NAME) NULL };

struct syscalls_config {
	long max_keys, max_errors, max_comms, latency_sample, inflight_slots;
	int hook;	/* index in hook_choices: 0 auto */
};

#define F(f) OPT_FIELD(struct syscalls_config, f)
static const struct opt sc_opts[] = {
	{ "syscalls.hook", "syscalls-hook", 0, OPT_ENUM, F(hook), 0, 0, hook_choices, "auto",
	  "HOOK", "auto (best available), tp_btf, raw_tp or tracepoint" },
	{ "syscalls.max_keys", "syscalls-max-keys", 0, OPT_INT, F(max_keys), 64, 1 << 20,
	  NULL, "10240", "N", "(syscall, process name) pairs counted in the kernel" },
	{ "syscalls.max_errors", "syscalls-max-errors", 0, OPT_INT, F(max_errors), 64,
	  1 << 20, NULL, "4096", "N", "(syscall, errno, process name) triples counted" },
	{ "syscalls.max_comms", "syscalls-max-comms", 0, OPT_INT, F(max_comms), 16,
	  1 << 20, NULL, "1024", "N", "distinct process names; later ones count as comm=\"other\"" },
	{ "syscalls.latency_sample", "syscalls-latency-sample", 0, OPT_INT,
	  F(latency_sample), 1, 1 << 16, NULL, "16", "N",
	  "time 1/N of calls for the latency histogram: in windows of 1000/N ms a second (tp_btf, 5.15+), else 1 in N at random (1: every call)" },
	{ "syscalls.inflight_slots", "syscalls-inflight-slots", 0, OPT_INT,
	  F(inflight_slots), 64, 1 << 22, NULL, "32768", "N",
	  "per-thread slots for latency (rounded up to a power of two)" },
	{ 0 }
};
#undef F

static const struct config_section sc_section = {
	.name = "syscalls", .opts = sc_opts, .size = sizeof(struct syscalls_config),
};

/* id -> name, rebuilt from the comm_ids map on every read. */
struct comm_name {
	__u32 id;
	char comm[SONDE_COMM_LEN + 1];
};

struct names {
	struct comm_name *v;
	size_t n, cap;
};

static int cmp_id(const void *a, const void *b)
{
	__u32 x = ((const struct comm_name *)a)->id, y = ((const struct comm_name *)b)->id;

	return x < y ? -1 : x > y;
}

/* comm_ids values are one __u32 each: read as stored, not summed words. */
static int name_cb(void *ctx, const void *key, int cpu, const void *val)
{
	struct names *nm = ctx;
	struct comm_name cn = {};

	memcpy(&cn.id, val, sizeof(cn.id));
	memcpy(cn.comm, ((const struct sc_comm *)key)->comm, SONDE_COMM_LEN);
	return VEC_PUSH(nm->v, nm->n, nm->cap, cn);
}

static int names__load(struct names *nm, const struct bpfmap *map)
{
	int err;

	nm->n = 0;
	err = bpfmap__for_each_cpu(map, name_cb, nm);
	if (!err && nm->n > 1)
		qsort(nm->v, nm->n, sizeof(*nm->v), cmp_id);
	return err;
}

static const char *names__get(const struct names *nm, __u32 id)
{
	struct comm_name key = { .id = id }, *hit;

	if (id == SC_COMM_OTHER)
		return "other";
	hit = nm->n ? bsearch(&key, nm->v, nm->n, sizeof(*nm->v), cmp_id) : NULL;
	return hit ? hit->comm : "unknown";
}

struct sc_priv {
	struct bpfmap counts, count_cache, errors, hists, comm_ids;
	struct names names;
	struct sc_window *win;	/* latency windows, when used */
	unsigned sample;
	bool windowed;
};

/* How often a latency window opens. */
#define WINDOW_PERIOD_MS 1000

static int sc_probe(struct features *feat, char *why, size_t why_sz)
{
	size_t n = 0;

	for (unsigned i = 0; i < NFLAVOURS; i++) {
		if (features__has(feat, flavours[i].feat))
			return 0;
		n += snprintf(why + n, n < why_sz ? why_sz - n : 0, "%s%s: %s", i ? "; " : "",
			      flavours[i].hook, features__why(feat, flavours[i].feat));
	}
	return -EOPNOTSUPP;
}

/* The flavour to use: the one a selftest forces, the configured one, or
 * the best this kernel has; -1 with the reason in why. */
static int pick_flavour(struct collector *c, const struct syscalls_config *cfg)
{
	int f = cfg->hook - 1;

	for (unsigned i = 0; c->force_hook && i < NFLAVOURS; i++)
		if (!strcmp(flavours[i].hook, c->force_hook))
			f = i;
	if (f >= 0) {
		if (features__has(c->rt->feat, flavours[f].feat))
			return f;
		snprintf(c->why, sizeof(c->why), "syscalls.hook=%s: %s", flavours[f].hook,
			 features__why(c->rt->feat, flavours[f].feat));
		return -1;
	}
	for (unsigned i = 0; i < NFLAVOURS; i++)
		if (features__has(c->rt->feat, flavours[i].feat))
			return i;
	return -1;
}

static int sc_configure(struct collector *c)
{
	const struct syscalls_config *cfg = c->cfg;
	struct syscalls_bpf *skel = c->skel;
	struct bpf_program *prog;
	unsigned slots = pow2_roundup(cfg->inflight_slots, 1UL << 30);
	struct sc_priv *p = calloc(1, sizeof(*p));
	int f = pick_flavour(c, cfg);

	if (!p)
		return -ENOMEM;
	c->priv = p;
	if (f < 0)
		return -EOPNOTSUPP;
	c->hook = flavours[f].hook;
	p->sample = pow2_roundup(cfg->latency_sample, 1UL << 30);
	/* Timing 1 call in N: on tp_btf, where exits can be counted at the
	 * task's exit, the entry program runs for 1/N of each second rather
	 * than on every call to pick one in N (about a third of sonde's cost
	 * per syscall). Elsewhere it counts down to a random call. */
	p->windowed = p->sample > 1 && f == 0 && sc_window__supported();
	bpf_object__for_each_program(prog, c->obj) {
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog, !strcmp(name, flavours[f].enter) ||
						!strcmp(name, flavours[f].exit) ||
						(p->windowed && prog == skel->progs.sc_task_exit));
	}
	/* Attached by the window, not with the others. */
	if (p->windowed)
		bpf_program__set_autoattach(skel->progs.sys_enter_btf, false);
	bpf_map__set_max_entries(skel->maps.threads, slots);
	bpf_map__set_max_entries(skel->maps.comm_ids, cfg->max_comms);
	bpf_map__set_max_entries(skel->maps.counts, cfg->max_keys);
	bpf_map__set_max_entries(skel->maps.errors, cfg->max_errors);
	skel->rodata->slot_mask = slots - 1;
	skel->rodata->sample_mask = p->windowed ? 0 : p->sample - 1;
	skel->rodata->enter_counts_exits = !p->windowed;
	skel->rodata->nr_cpus = libbpf_num_possible_cpus();
	skel->rodata->nr_exit = syscall__nr("exit");
	skel->rodata->nr_exit_group = syscall__nr("exit_group");
	return 0;
}

static int sc_started(struct collector *c)
{
	struct syscalls_bpf *skel = c->skel;
	struct sc_priv *p = c->priv;
	struct attach_spec spec = { .kind = ATTACH_TP_BTF, .raw_tp = { "sys_enter" } };
	struct attach *a;
	int err;

	err = bpfmap__from(&p->counts, skel->maps.counts) ?:
	      bpfmap__from(&p->count_cache, skel->maps.count_cache) ?:
	      bpfmap__from(&p->errors, skel->maps.errors) ?:
	      bpfmap__from(&p->hists, skel->maps.hists) ?:
	      bpfmap__from(&p->comm_ids, skel->maps.comm_ids);
	if (err || !p->windowed)
		return err;
	a = attach_set__add(c->as, skel->progs.sys_enter_btf, -1, NULL, &spec);
	if (!a)
		return -ENOMEM;
	if (attach__err(a)) {
		snprintf(c->why, sizeof(c->why), "attaching sys_enter_btf: %s", attach__why(a));
		return attach__err(a);
	}
	p->win = sc_window__start(a, p->sample, WINDOW_PERIOD_MS, c->rt->loop);
	if (!p->win) {
		snprintf(c->why, sizeof(c->why), "latency window: %s", strerror(errno));
		return -errno;
	}
	pr_info("syscalls: latency timed in windows, %u ms of every %u", WINDOW_PERIOD_MS / p->sample,
		WINDOW_PERIOD_MS);
	return 0;
}

static void sc_stop(struct collector *c)
{
	struct sc_priv *p = c->priv;

	if (!p)
		return;
	sc_window__stop(p->win);
	free(p->names.v);
	free(p);
}

/* key -> sum, filled in any order, then sorted and merged: the exported
 * count of a (comm, syscall) is its hash entry plus its cache slots on
 * every CPU, and the live view sums failures over errnos. */
struct kvsum {
	struct kv {
		__u32 key;
		uint64_t v;
	} *e;
	size_t n, cap;
};

static int kvsum__add(struct kvsum *s, __u32 key, uint64_t v)
{
	return VEC_PUSH(s->e, s->n, s->cap, ((struct kv){ key, v }));
}

static int cmp_kv(const void *a, const void *b)
{
	__u32 x = ((const struct kv *)a)->key, y = ((const struct kv *)b)->key;

	return x < y ? -1 : x > y;
}

static void kvsum__finish(struct kvsum *s)
{
	size_t o = 0;

	if (s->n > 1)
		qsort(s->e, s->n, sizeof(*s->e), cmp_kv);
	for (size_t i = 0; i < s->n; i++) {
		if (o && s->e[o - 1].key == s->e[i].key)
			s->e[o - 1].v += s->e[i].v;
		else
			s->e[o++] = s->e[i];
	}
	s->n = o;
}

static uint64_t kvsum__get(const struct kvsum *s, __u32 key)
{
	struct kv k = { .key = key }, *hit;

	hit = s->n ? bsearch(&k, s->e, s->n, sizeof(*s->e), cmp_kv) : NULL;
	return hit ? hit->v : 0;
}

static int count_cb(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	return kvsum__add(ctx, *(const __u32 *)key, val[0]);
}

static int cache_cb(void *ctx, const void *key, int cpu, const void *val)
{
	const struct sc_cache_ent *e = val;

	return e->used ? kvsum__add(ctx, e->key, e->count) : 0;
}

static int err_cb(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	return kvsum__add(ctx, ((const struct sc_err_key *)key)->key, val[0]);
}

/* Totals per sc_key; the hash is read before the cache (see sc_cache_ent). */
static int read_counts(struct sc_priv *p, struct kvsum *counts)
{
	int err = names__load(&p->names, &p->comm_ids);

	err = err ?: bpfmap__for_each(&p->counts, count_cb, counts);
	err = err ?: bpfmap__for_each_cpu(&p->count_cache, cache_cb, counts);
	kvsum__finish(counts);
	return err;
}

int syscalls__for_each(struct collector *c, sc_row_fn fn, void *ctx)
{
	struct sc_priv *p = c->priv;
	struct kvsum counts = {}, errs = {};
	int err;

	err = read_counts(p, &counts);
	err = err ?: bpfmap__for_each(&p->errors, err_cb, &errs);
	kvsum__finish(&errs);
	for (size_t i = 0; !err && i < counts.n; i++) {
		__u32 k = counts.e[i].key;
		struct sc_row row = {
			.nr = k & (SC_NR_MAX - 1),
			.comm = names__get(&p->names, k >> SC_NR_BITS),
			.calls = counts.e[i].v,
			.errors = kvsum__get(&errs, k),
		};

		fn(ctx, &row);
	}
	free(counts.e);
	free(errs.e);
	return err;
}

int syscalls__hist(struct collector *c, unsigned nr, uint64_t *slots, uint64_t *sum_ns)
{
	struct sc_priv *p = c->priv;
	uint64_t v[SC_HIST_SLOTS + 1];
	int err;

	if (nr >= SC_NR_MAX)
		return -ERANGE;
	err = bpfmap__lookup(&p->hists, &nr, v, SC_HIST_SLOTS + 1);
	if (err)
		return err;
	memcpy(slots, v, sizeof(uint64_t) * SC_HIST_SLOTS);
	*sum_ns = v[SC_HIST_SLOTS];
	return 0;
}

static const char *sc_name(unsigned nr, char *buf, size_t sz)
{
	return nr == SC_NR_OTHER ? "other" : syscall__name(nr, buf, sz);
}

struct walk {
	struct sc_priv *p;
	struct metrics_writer *mw;
};

static int emit_error(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	const struct sc_err_key *k = key;
	struct walk *w = ctx;
	char nb[24], eb[16];

	mw__sample_u64(w->mw, "sonde_syscall_errors_total",
		       LABELS({ "syscall", sc_name(k->key & (SC_NR_MAX - 1), nb, sizeof(nb)) },
			      { "errno", errname(k->err, eb, sizeof(eb)) },
			      { "comm", names__get(&w->p->names, k->key >> SC_NR_BITS) }),
		       val[0]);
	return 0;
}

static int emit_hist(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	unsigned nr = *(const __u32 *)key;
	char buf[24];

	if (!hist__cumulate(val, SC_HIST_SLOTS, NULL))
		return 0;
	mw__histogram(ctx, "sonde_syscall_duration_seconds",
		      LABELS({ "syscall", sc_name(nr, buf, sizeof(buf)) }),
		      val, SC_HIST_SLOTS, SC_FIRST_LE_SLOT, val[SC_HIST_SLOTS] * 1e-9);
	return 0;
}

static int sc_collect(struct collector *c, struct metrics_writer *mw)
{
	struct sc_priv *p = c->priv;
	struct walk w = { .p = p, .mw = mw };
	struct kvsum counts = {};
	char buf[24];
	int err;

	err = read_counts(p, &counts);
	mw__family(mw, "sonde_syscalls_total", METRIC_COUNTER,
		   "Syscalls made, by syscall and process name.");
	for (size_t i = 0; i < counts.n; i++) {
		__u32 k = counts.e[i].key;

		mw__sample_u64(mw, "sonde_syscalls_total",
			       LABELS({ "syscall", sc_name(k & (SC_NR_MAX - 1), buf, sizeof(buf)) },
				      { "comm", names__get(&p->names, k >> SC_NR_BITS) }),
			       counts.e[i].v);
	}
	free(counts.e);
	mw__family(mw, "sonde_syscall_errors_total", METRIC_COUNTER,
		   "Syscalls that returned an error, by syscall, errno and process name.");
	err = err ?: bpfmap__for_each(&p->errors, emit_error, &w);
	mw__family(mw, "sonde_syscall_duration_seconds", METRIC_HISTOGRAM,
		   "Time from syscall entry to exit, by syscall (1 in syscalls.latency_sample calls).");
	err = err ?: bpfmap__for_each(&p->hists, emit_hist, mw);
	return err;
}

struct selftest_find {
	unsigned nr;
	const char *comm;
	uint64_t calls, errors;
};

static void selftest_row(void *ctx, const struct sc_row *r)
{
	struct selftest_find *f = ctx;

	if (r->nr == f->nr && !strcmp(r->comm, f->comm)) {
		f->calls += r->calls;
		f->errors += r->errors;
	}
}

/* 1000 getppid and 100 failing close in this process, and a child that
 * leaves by exit_group, which never returns: counted at entry, or at the
 * task's exit when the entry program runs in latency windows. */
static int sc_selftest(struct collector *c, char *msg, size_t sz)
{
	char comm[16] = {}, child_comm[16];
	struct selftest_find g, e, x;
	pid_t child;
	int err, status;

	prctl(PR_GET_NAME, comm);
	for (int i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	for (int i = 0; i < 100; i++)
		syscall(SYS_close, 1000000);
	snprintf(child_comm, sizeof(child_comm), "sonde-st-%d", getpid() % 100000);
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, child_comm);
		syscall(SYS_exit_group, 0);
	}
	if (child > 0)
		waitpid(child, &status, 0);
	g = (struct selftest_find){ .nr = SYS_getppid, .comm = comm };
	e = (struct selftest_find){ .nr = SYS_close, .comm = comm };
	x = (struct selftest_find){ .nr = SYS_exit_group, .comm = child_comm };
	err = syscalls__for_each(c, selftest_row, &g);
	err = err ?: syscalls__for_each(c, selftest_row, &e);
	err = err ?: syscalls__for_each(c, selftest_row, &x);
	if (err) {
		snprintf(msg, sz, "reading the counts failed: %s", strerror(-err));
		return err;
	}
	if (g.calls != 1000 || e.errors != 100 || x.calls != 1) {
		snprintf(msg, sz, "counted %llu getppid (want 1000), %llu failed close (want 100), "
			 "%llu exit_group (want 1)", (unsigned long long)g.calls,
			 (unsigned long long)e.errors, (unsigned long long)x.calls);
		return -EBADMSG;
	}
	snprintf(msg, sz, "1000 getppid, 100 failed close and a child's exit_group counted exactly%s",
		 ((struct sc_priv *)c->priv)->windowed ? " (latency windows)" : "");
	return 0;
}

static void *sc_open(void) { return syscalls_bpf__open(); }

const struct collector_ops syscalls_collector = {
	.name = "syscalls",
	.summary = "syscall counts, errors by errno and latency histograms (raw_syscalls)",
	.config = &sc_section,
	.hooks = hook_choices + 1,
	.drop_reasons = drop_reasons,
	.open = sc_open,
	.elf_bytes = syscalls_bpf__elf_bytes,
	.probe = sc_probe,
	.configure = sc_configure,
	.started = sc_started,
	.collect = sc_collect,
	.stop = sc_stop,
	.selftest = sc_selftest,
};
