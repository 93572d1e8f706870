/* Syscall counts, failures by errno and latency: user side of
 * bpf/syscalls.bpf.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "collectors/syscalls.h"
#include "core/bpfmap.h"
#include "core/filter.h"
#include "core/hist.h"
#include "core/syscall_table.h"
#include "sonde/syscalls.h"
#include "syscalls.skel.h"

/* Histogram buckets below 2^7 ns (128 ns) are folded into that one: no
 * syscall returns faster on current hardware. */
#define SC_FIRST_LE_SLOT 7

static const char *const drop_reasons[SC_DROP_MAX + 1] = {
	[SC_DROP_SLOT_COLLISION] = "inflight_slot_collision",
	[SC_DROP_KEY_FULL] = "counts_map_full",
	[SC_DROP_ERR_FULL] = "errors_map_full",
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
	unsigned slots = pow2_at_least(cfg->syscalls.inflight_slots);
	int err, f = -1;

	for (unsigned i = 0; i < sizeof(flavours) / sizeof(flavours[0]) && f < 0; i++)
		if (features__has(c->feat, flavours[i].feat))
			f = i;
	skel = syscalls_bpf__open();
	if (!skel)
		return -errno;
	c->priv = skel;
	c->obj = skel->obj;
	c->hook = flavours[f].hook;
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog, !strcmp(name, flavours[f].enter) ||
						!strcmp(name, flavours[f].exit));
	}
	bpf_map__set_max_entries(skel->maps.inflight, slots);
	bpf_map__set_max_entries(skel->maps.counts, cfg->syscalls.max_keys);
	bpf_map__set_max_entries(skel->maps.errors, cfg->syscalls.max_errors);
	skel->rodata->slot_mask = slots - 1;
	err = filter__apply(skel->rodata, &cfg->filter, c->why, sizeof(c->why));
	if (err)
		return err;
	err = syscalls_bpf__load(skel);
	if (err) {
		snprintf(c->why, sizeof(c->why), "loading programs (%s): %s", c->hook, strerror(-err));
		return err;
	}
	err = syscalls_bpf__attach(skel);
	if (err)
		snprintf(c->why, sizeof(c->why), "attaching %s programs: %s", c->hook, strerror(-err));
	return err;
}

static void sc_stop(struct collector *c)
{
	syscalls_bpf__destroy(c->priv);
}

struct walk {
	sc_row_fn fn;
	void *ctx;
};

static int count_cb(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	const struct sc_key *k = key;
	const struct walk *w = ctx;
	char comm[SONDE_COMM_LEN + 1] = {};
	struct sc_row row = { .nr = k->nr, .comm = comm, .calls = val[0], .errors = val[1] };

	memcpy(comm, k->comm, SONDE_COMM_LEN);
	w->fn(w->ctx, &row);
	return 0;
}

int syscalls__for_each(struct collector *c, sc_row_fn fn, void *ctx)
{
	struct syscalls_bpf *skel = c->priv;
	struct walk w = { fn, ctx };

	return bpfmap__for_each(skel->maps.counts, count_cb, &w);
}

int syscalls__hist(struct collector *c, unsigned nr, uint64_t *slots, uint64_t *sum_ns)
{
	struct syscalls_bpf *skel = c->priv;
	uint64_t v[SC_HIST_SLOTS + 1];
	int err;

	if (nr >= SC_NR_MAX)
		return -ERANGE;
	err = bpfmap__lookup(skel->maps.hists, &nr, v, SC_HIST_SLOTS + 1);
	if (err)
		return err;
	memcpy(slots, v, sizeof(uint64_t) * SC_HIST_SLOTS);
	*sum_ns = v[SC_HIST_SLOTS];
	return 0;
}

static void emit_count(void *ctx, const struct sc_row *r)
{
	struct metrics_writer *w = ctx;
	char buf[24];

	mw__sample_u64(w, "sonde_syscalls_total",
		       LABELS({ "syscall", syscall__name(r->nr, buf, sizeof(buf)) }, { "comm", r->comm }),
		       r->calls);
}

static int emit_error(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	const struct sc_err_key *k = key;
	char comm[SONDE_COMM_LEN + 1] = {}, nb[24], eb[16];

	memcpy(comm, k->comm, SONDE_COMM_LEN);
	mw__sample_u64(ctx, "sonde_syscall_errors_total",
		       LABELS({ "syscall", syscall__name(k->nr, nb, sizeof(nb)) },
			      { "errno", errno__name(k->err, eb, sizeof(eb)) }, { "comm", comm }),
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
		      LABELS({ "syscall", syscall__name(nr, buf, sizeof(buf)) }),
		      val, SC_HIST_SLOTS, SC_FIRST_LE_SLOT, val[SC_HIST_SLOTS] * 1e-9);
	return 0;
}

static int sc_collect(struct collector *c, struct metrics_writer *w)
{
	struct syscalls_bpf *skel = c->priv;
	int err;

	mw__family(w, "sonde_syscalls_total", "counter",
		   "Syscalls completed, by syscall and process name.");
	err = syscalls__for_each(c, emit_count, w);
	mw__family(w, "sonde_syscall_errors_total", "counter",
		   "Syscalls that returned an error, by syscall, errno and process name.");
	err = err ?: bpfmap__for_each(skel->maps.errors, emit_error, w);
	mw__family(w, "sonde_syscall_duration_seconds", "histogram",
		   "Time from syscall entry to exit, by syscall.");
	err = err ?: bpfmap__for_each(skel->maps.hists, emit_hist, w);
	return err;
}

const struct collector_ops syscalls_collector = {
	.name = "syscalls",
	.summary = "syscall counts, errors by errno and latency histograms (raw_syscalls)",
	.drop_reasons = drop_reasons,
	.probe = sc_probe,
	.start = sc_start,
	.collect = sc_collect,
	.stop = sc_stop,
};
