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
#include "core/bpfmap.h"
#include "core/filter.h"
#include "lib/hist.h"
#include "core/log.h"
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

/* Hook flavours, best first; each needs its two programs. */
static const struct {
	const char *hook;
	enum feature_id feat;
	const char *enter, *exit;
} flavours[] = {
	{ "tp_btf", FEAT_TP_BTF, "sys_enter_btf", "sys_exit_btf" },
	{ "raw_tp", FEAT_RAW_TP, "sys_enter_raw", "sys_exit_raw" },
	{ "tracepoint", FEAT_TRACEPOINT, "sys_enter_tp", "sys_exit_tp" },
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

static int names__load(struct names *nm, const struct bpf_map *map)
{
	int fd = bpf_map__fd(map);
	struct sc_comm k, next;
	void *prev = NULL;

	nm->n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		__u32 id;

		k = next;
		prev = &k;
		struct comm_name cn = {};

		if (bpf_map_lookup_elem(fd, &k, &id))
			continue;
		cn.id = id;
		memcpy(cn.comm, k.comm, SONDE_COMM_LEN);
		if (VEC_PUSH(nm->v, nm->n, nm->cap, cn))
			return -ENOMEM;
	}
	if (nm->n > 1)
		qsort(nm->v, nm->n, sizeof(*nm->v), cmp_id);
	return 0;
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
	struct syscalls_bpf *skel;
	struct names names;
	struct sc_window *win;	/* latency windows, when used */
	struct loop *loop;
};

/* How often a latency window opens. */
#define WINDOW_PERIOD_MS 1000

static int sc_probe(const struct features *feat, char *why, size_t why_sz)
{
	size_t n = 0;

	for (unsigned i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		if (features__has(feat, flavours[i].feat))
			return 0;
		n += snprintf(why + n, n < why_sz ? why_sz - n : 0, "%s%s: %s", i ? "; " : "",
			      flavours[i].hook, feat->f[flavours[i].feat].why);
	}
	return -EOPNOTSUPP;
}

static unsigned pow2_at_least(unsigned long v)
{
	unsigned p = 1;

	while (p < v && p < (1u << 30))
		p <<= 1;
	return p;
}

static int sc_start(struct collector *c, const struct sonde_config *cfg, struct loop *loop)
{
	struct syscalls_bpf *skel;
	struct bpf_program *prog;
	struct sc_priv *p;
	unsigned slots = pow2_at_least(cfg->syscalls.inflight_slots);
	unsigned sample = pow2_at_least(cfg->syscalls.latency_sample);
	bool windowed;
	int err, f = -1;

	if (c->hook_override || cfg->syscalls.hook) {
		f = (c->hook_override ?: cfg->syscalls.hook) - 1;
		if (!features__has(c->feat, flavours[f].feat)) {
			snprintf(c->why, sizeof(c->why), "syscalls.hook=%s: %s", flavours[f].hook,
				 c->feat->f[flavours[f].feat].why);
			return -EOPNOTSUPP;
		}
	}
	for (unsigned i = 0; i < sizeof(flavours) / sizeof(flavours[0]) && f < 0; i++)
		if (features__has(c->feat, flavours[i].feat))
			f = i;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->priv = p;
	skel = p->skel = syscalls_bpf__open();
	if (!skel)
		return -errno;
	c->obj = skel->obj;
	c->hook = flavours[f].hook;
	/* Timing 1 call in N: on tp_btf, where exits can be counted at the
	 * task's exit, the entry program runs for 1/N of each second rather
	 * than on every call to pick one in N (about a third of sonde's cost
	 * per syscall). Elsewhere it counts down to a random call. */
	windowed = sample > 1 && f == 0 && sc_window__supported();
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog, !strcmp(name, flavours[f].enter) ||
						!strcmp(name, flavours[f].exit) ||
						(windowed && prog == skel->progs.sc_task_exit));
	}
	if (windowed)
		bpf_program__set_autoattach(skel->progs.sys_enter_btf, false);
	bpf_map__set_max_entries(skel->maps.threads, slots);
	bpf_map__set_max_entries(skel->maps.comm_ids, cfg->syscalls.max_comms);
	bpf_map__set_max_entries(skel->maps.counts, cfg->syscalls.max_keys);
	bpf_map__set_max_entries(skel->maps.errors, cfg->syscalls.max_errors);
	skel->rodata->slot_mask = slots - 1;
	skel->rodata->sample_mask = windowed ? 0 : sample - 1;
	skel->rodata->enter_counts_exits = !windowed;
	skel->rodata->nr_cpus = libbpf_num_possible_cpus();
	skel->rodata->nr_exit = syscall__nr("exit");
	skel->rodata->nr_exit_group = syscall__nr("exit_group");
	err = filter__apply(skel->rodata, &cfg->filter, c->why, sizeof(c->why));
	if (err)
		return err;
	err = syscalls_bpf__load(skel);
	if (err) {
		snprintf(c->why, sizeof(c->why), "loading programs (%s): %s", c->hook, strerror(-err));
		return err;
	}
	err = syscalls_bpf__attach(skel);
	if (err) {
		snprintf(c->why, sizeof(c->why), "attaching %s programs: %s", c->hook, strerror(-err));
		return err;
	}
	if (windowed) {
		p->loop = loop;
		p->win = sc_window__start(skel->progs.sys_enter_btf, sample, WINDOW_PERIOD_MS, loop);
		if (!p->win) {
			err = -errno;
			snprintf(c->why, sizeof(c->why), "latency window: %s", strerror(errno));
		} else {
			pr_info("syscalls: latency timed in windows, %u ms of every %u", WINDOW_PERIOD_MS / sample,
				WINDOW_PERIOD_MS);
		}
	}
	return err;
}

static void sc_stop(struct collector *c)
{
	struct sc_priv *p = c->priv;

	if (!p)
		return;
	sc_window__stop(p->win, p->loop);
	syscalls_bpf__destroy(p->skel);
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
	int err = names__load(&p->names, p->skel->maps.comm_ids);

	err = err ?: bpfmap__for_each(p->skel->maps.counts, count_cb, counts);
	err = err ?: bpfmap__for_each_cpu(p->skel->maps.count_cache, cache_cb, counts);
	kvsum__finish(counts);
	return err;
}

int syscalls__for_each(struct collector *c, sc_row_fn fn, void *ctx)
{
	struct sc_priv *p = c->priv;
	struct kvsum counts = {}, errs = {};
	int err;

	err = read_counts(p, &counts);
	err = err ?: bpfmap__for_each(p->skel->maps.errors, err_cb, &errs);
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
	err = bpfmap__lookup(p->skel->maps.hists, &nr, v, SC_HIST_SLOTS + 1);
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
			      { "errno", errno__name(k->err, eb, sizeof(eb)) },
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
	mw__family(mw, "sonde_syscalls_total", "counter",
		   "Syscalls made, by syscall and process name.");
	for (size_t i = 0; i < counts.n; i++) {
		__u32 k = counts.e[i].key;

		mw__sample_u64(mw, "sonde_syscalls_total",
			       LABELS({ "syscall", sc_name(k & (SC_NR_MAX - 1), buf, sizeof(buf)) },
				      { "comm", names__get(&p->names, k >> SC_NR_BITS) }),
			       counts.e[i].v);
	}
	free(counts.e);
	mw__family(mw, "sonde_syscall_errors_total", "counter",
		   "Syscalls that returned an error, by syscall, errno and process name.");
	err = err ?: bpfmap__for_each(p->skel->maps.errors, emit_error, &w);
	mw__family(mw, "sonde_syscall_duration_seconds", "histogram",
		   "Time from syscall entry to exit, by syscall (1 in syscalls.latency_sample calls).");
	err = err ?: bpfmap__for_each(p->skel->maps.hists, emit_hist, mw);
	return err;
}

static const char *const hook_names[] = { "tp_btf", "raw_tp", "tracepoint", NULL };

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

/* 1000 getppid and 100 failing close calls from this process: exactly
 * those must be counted, under this process's name. */
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
		 ((struct sc_priv *)c->priv)->win ? " (latency windows)" : "");
	return 0;
}

const struct collector_ops syscalls_collector = {
	.name = "syscalls",
	.summary = "syscall counts, errors by errno and latency histograms (raw_syscalls)",
	.elf_bytes = syscalls_bpf__elf_bytes,
	.hooks = hook_names,
	.selftest = sc_selftest,
	.drop_reasons = drop_reasons,
	.probe = sc_probe,
	.start = sc_start,
	.collect = sc_collect,
	.stop = sc_stop,
};
