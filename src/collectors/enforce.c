// SPDX-License-Identifier: Apache-2.0
/* Enforcement: the policy file (src/policy/) compiled into the maps of
 * bpf/enforce.bpf.c, which audits, kills or denies in the kernel. Reloads
 * build the new version beside the one in force and swap it in with one
 * write (enforce_maps.c); a policy that fails to parse or compile leaves
 * the running one in force and says why. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "collectors/enforce.h"
#include "collectors/enforce_maps.h"
#include "core/attach.h"
#include "core/collector.h"
#include "core/host.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/self.h"
#include "core/systp.h"
#include "lib/fields.h"
#include "lib/metrics.h"
#include "lib/netaddr.h"
#include "lib/strbuf.h"
#include "lib/syscall_table.h"
#include "policy/policy.h"
#include "symbolize/kallsyms.h"
#include "enforce.skel.h"

struct enforce_config {
	char policy[256];
	bool dry_run;
	long ringbuf_bytes;
	long watch_ms;
	char cgroup[256];
};

#define F(f) OPT_FIELD(struct enforce_config, f)
static const struct opt enforce_opts[] = {
	{ "enforce.policy", "enforce-policy", 0, OPT_STR, F(policy), 0, 0, NULL, "", "FILE",
	  "the policy file (docs/policy.md); reloaded when it changes and on SIGHUP" },
	{ "enforce.dry_run", "enforce-dry-run", 0, OPT_BOOL, F(dry_run), 0, 0, NULL, "false", NULL,
	  "report what would be killed or denied; act on nothing" },
	{ "enforce.ringbuf_bytes", "enforce-ringbuf-bytes", 0, OPT_INT, F(ringbuf_bytes), 4096,
	  1L << 30, NULL, "1M", "BYTES", "ring buffer for policy events (a power of two)" },
	{ "enforce.watch_ms", "enforce-watch-ms", 0, OPT_INT, F(watch_ms), 0, 3600000, NULL, "1000",
	  "MS", "how often the policy file is checked for changes (0: only on SIGHUP)" },
	{ "enforce.cgroup", "enforce-cgroup", 0, OPT_STR, F(cgroup), 0, 0, NULL, "", "DIR",
	  "cgroup v2 directory whose connect and bind calls are judged (default: the root)" },
	{ 0 }
};
#undef F

static const struct config_section enforce_section = {
	.name = "enforce", .opts = enforce_opts, .size = sizeof(struct enforce_config),
};

static const char *const drop_reasons[] = { "ringbuf_full", "torn", "path_unread", "reports", NULL };

/* A policy version: what its records and counters are named by. */
struct enf_version {
	struct policy pol;
	uint32_t version;
	bool used;
};

/* Counters of versions no longer in either slot, by rule name. */
struct tally {
	char name[POLICY_NAME_MAX];
	uint64_t matches, actions, audits, suppressed;
};

struct enforce_priv {
	struct enf_maps maps;
	struct enf_version slot[2];
	struct enf_image pending;	/* compiled in configure, installed in started */
	struct policy pending_pol;
	struct tally *tally;
	unsigned ntally;
	uint32_t next_version;
	char path[256];
	bool dry_run;
	struct stat st;
	bool missing;			/* the file is gone (said once) */
	unsigned missing_polls;
	struct loop_timer *watch;
	bool lsm, sock;
	char lsm_why[256], sock_why[160];
	uint64_t reloads_ok, reloads_failed;
	char last_error[512];
	struct kallsyms ks;
	bool ks_tried, ks_ok;
	char selftest_bin[128];		/* the selftest's forbidden binary */
};

static const struct enf_version *version_of(const struct enforce_priv *ep, uint32_t v)
{
	for (int i = 0; i < 2; i++)
		if (ep->slot[i].used && ep->slot[i].version == v)
			return &ep->slot[i];
	return NULL;
}

static const char *outcome(const struct enf_record *r)
{
	if (r->action == ENF_ACT_AUDIT)
		return "audited";
	if (!r->taken)
		return r->action == ENF_ACT_KILL || (!r->via_lsm && (r->event == ENF_EV_EXEC ||
			r->event == ENF_EV_OPEN)) ? "would_kill" : "would_deny";
	/* deny on exec and open without an LSM hook is a kill. */
	if (r->action == ENF_ACT_KILL || (!r->via_lsm && r->event != ENF_EV_CONNECT &&
					  r->event != ENF_EV_BIND))
		return "killed";
	return "denied";
}

static void open_flags_str(unsigned f, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s%s%s%s", f & ENF_OPEN_WRITE ? "write" : "read",
		 f & ENF_OPEN_TRUNC ? ",truncate" : "", f & ENF_OPEN_CREATE ? ",create" : "", "");
}

static void enf_fields(const struct event *ev, struct field_writer *w)
{
	const struct enf_payload *pl = ev->payload;
	const struct enf_record *r = pl->r;
	struct enforce_priv *ep = pl->ep;
	char buf[NETADDR_STRLEN + 16];

	fw__str(w, "rule", pl->rule);
	fw__u64(w, "policy_version", r->version);
	fw__str(w, "event", enf_event__name(r->event));
	fw__str(w, "action", enf_action__name(r->action));
	fw__str(w, "outcome", outcome(r));
	fw__str(w, "hook", r->via_lsm ? "lsm" : r->event == ENF_EV_CONNECT || r->event == ENF_EV_BIND ?
		"cgroup" : "tracepoint");
	if (r->path[0])
		fw__str(w, r->event == ENF_EV_OPEN ? "path" : "exe_path", r->path);
	if (r->event == ENF_EV_OPEN) {
		open_flags_str(r->open_flags, buf, sizeof(buf));
		fw__str(w, "access", buf);
	}
	if (r->event == ENF_EV_CONNECT || r->event == ENF_EV_BIND) {
		fw__str(w, "address", netaddr__str(r->family, r->addr, buf, sizeof(buf)));
		fw__u64(w, "port", r->port);
	}
	if (r->event >= ENF_EV_SETUID) {
		fw__str(w, "syscall", syscall__name(r->syscall_nr, buf, sizeof(buf)));
		fw__u64(w, "arg", r->arg);
	}
	if (r->suppressed)
		fw__u64(w, "suppressed_before", r->suppressed);
	if (r->nstack > 0) {
		if (!ep->ks_tried) {
			char why[128];

			ep->ks_tried = true;
			ep->ks_ok = !kallsyms__load(&ep->ks, NULL, why, sizeof(why));
		}
		w->ops->open(w, "kernel_stack", true);
		for (int i = 0; i < r->nstack / 8 && i < ENF_STACK_DEPTH; i++) {
			uint64_t off = 0;
			const struct ksym *s = ep->ks_ok ? kallsyms__find(&ep->ks, r->stack[i], &off) : NULL;
			char sym[160];

			if (s)
				snprintf(sym, sizeof(sym), "%s+0x%llx%s%s", s->name, (unsigned long long)off,
					 s->module[0] ? " " : "", s->module);
			else
				snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)r->stack[i]);
			fw__str(w, NULL, sym);
		}
		w->ops->close(w, true);
	}
}

static void enf_text(const struct event *ev, struct strbuf *sb)
{
	const struct enf_payload *pl = ev->payload;
	const struct enf_record *r = pl->r;
	char buf[NETADDR_STRLEN + 16];

	sb__printf(sb, "%-10s %-7s ", outcome(r), enf_event__name(r->event));
	sb__put_text(sb, pl->rule, strlen(pl->rule));
	sb__puts(sb, " ");
	if (r->event == ENF_EV_CONNECT || r->event == ENF_EV_BIND)
		sb__puts(sb, netaddr__str_port(r->family, r->addr, r->port, buf, sizeof(buf)));
	else
		sb__put_text(sb, r->path, strnlen(r->path, sizeof(r->path)));
}

static const struct event_kind enf_kinds[] = {
	{ "policy", "OUTCOME    EVENT   RULE TARGET", enf_fields, enf_text, 0 },
	{ 0 },
};

static int enf_record(struct collector *c, void *data, size_t size)
{
	struct enforce_priv *ep = c->priv;
	const struct enf_record *r = data;
	const struct enf_version *v;
	struct enf_payload pl = { r, "?", ep };

	if (size < sizeof(*r) || r->event >= ENF_EV__COUNT || !memchr(r->path, 0, sizeof(r->path))) {
		c->malformed++;
		return 0;
	}
	v = version_of(ep, r->version);
	if (v && r->rule < v->pol.nrules)
		pl.rule = v->pol.rules[r->rule].name;
	collector__emit(c, &r->task, NULL, &pl);
	return 0;
}

/* ---- policy versions ---- */

static int compile_file(struct enforce_priv *ep, struct policy *pol, struct enf_image *img,
			char *why, size_t why_sz)
{
	char root[PATH_MAX];
	int err;

	/* Cgroup selectors name directories of the v2 hierarchy, wherever
	 * this host mounts it. */
	err = policy__load(pol, ep->path, host__cgroup2_root(root, sizeof(root)) ? NULL : root,
			   why, why_sz);

	if (err)
		return err;
	err = policy__compile(pol, ep->next_version, ep->dry_run, img, why, why_sz);
	if (err)
		policy__free(pol);
	return err;
}

static int tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->name, ((const struct tally *)b)->name);
}

/* The slot about to be overwritten: its counters go into the tallies
 * (kept sorted by name, one per name: appended, sorted, merged). */
static void retire(struct enforce_priv *ep, unsigned slot)
{
	struct enf_version *v = &ep->slot[slot];
	struct tally *t;
	unsigned n = ep->ntally, w = 0;

	if (!v->used)
		return;
	t = v->pol.nrules ? realloc(ep->tally, (n + v->pol.nrules) * sizeof(*t)) : ep->tally;
	if (t) {
		ep->tally = t;
		for (unsigned r = 0; r < v->pol.nrules; r++) {
			struct enf_stat s;

			if (enf_maps__stat(&ep->maps, slot, r, &s))
				continue;
			t[n] = (struct tally){ .matches = s.matches, .actions = s.actions,
					       .audits = s.audits, .suppressed = s.suppressed };
			snprintf(t[n].name, sizeof(t[n].name), "%s", v->pol.rules[r].name);
			n++;
		}
		qsort(t, n, sizeof(*t), tally_cmp);
		for (unsigned i = 0; i < n; i++) {
			if (w && !strcmp(t[w - 1].name, t[i].name)) {
				t[w - 1].matches += t[i].matches, t[w - 1].actions += t[i].actions;
				t[w - 1].audits += t[i].audits, t[w - 1].suppressed += t[i].suppressed;
			} else {
				t[w++] = t[i];
			}
		}
		ep->ntally = w;
	}
	policy__free(&v->pol);
	v->used = false;
}

/* Rules this kernel cannot judge are in force but inert: say so. */
static void warn_unjudged(const struct enforce_priv *ep, const struct policy *pol)
{
	const uint32_t sock = 1u << ENF_EV_CONNECT | 1u << ENF_EV_BIND;
	const char *first = NULL;
	unsigned n = 0;

	for (unsigned i = 0; !ep->sock && i < pol->nrules; i++)
		if (pol->rules[i].events & sock)
			n++, first = first ? first : pol->rules[i].name;
	if (n)
		pr_warn("enforce: %u rule%s on connect or bind (%s%s) cannot act here: %s", n,
			n > 1 ? "s" : "", first, n > 1 ? ", ..." : "", ep->sock_why);
}

/* Installs img (compiled from pol) as the version in force; on success
 * pol is kept with it, else both are freed and the old one stays. */
static int install(struct enforce_priv *ep, struct policy *pol, struct enf_image *img, char *why,
		   size_t why_sz)
{
	unsigned next = ep->maps.slot ^ 1;
	int err;

	retire(ep, next);
	err = enf_maps__install(&ep->maps, img, why, why_sz);
	enf_image__free(img);
	if (err) {
		policy__free(pol);
		return err;
	}
	ep->slot[next].pol = *pol;
	ep->slot[next].version = ep->next_version++;
	ep->slot[next].used = true;
	memset(pol, 0, sizeof(*pol));
	warn_unjudged(ep, &ep->slot[next].pol);
	return 0;
}

/* Re-reads the policy file; says what happened either way. */
static void enforce_refresh(struct collector *c)
{
	struct enforce_priv *ep = c->priv;
	struct policy pol = {};
	struct enf_image img = {};
	char why[512];
	int err;

	stat(ep->path, &ep->st);
	err = compile_file(ep, &pol, &img, why, sizeof(why));
	if (!err)
		err = install(ep, &pol, &img, why, sizeof(why));
	if (err) {
		ep->reloads_failed++;
		snprintf(ep->last_error, sizeof(ep->last_error), "%s", why);
		pr_err("enforce: %s; policy version %u stays in force", why, ep->maps.version);
		return;
	}
	ep->reloads_ok++;
	ep->last_error[0] = '\0';
	pr_info("enforce: policy version %u in force (%s, %u rules)", ep->maps.version, ep->path,
		ep->slot[ep->maps.slot].pol.nrules);
}

static bool changed(const struct stat *a, const struct stat *b)
{
	return a->st_ino != b->st_ino || a->st_dev != b->st_dev || a->st_size != b->st_size ||
	       a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
	       a->st_ctim.tv_nsec != b->st_ctim.tv_nsec;
}

static void on_watch(void *ctx, uint32_t events)
{
	struct collector *c = ctx;
	struct enforce_priv *ep = c->priv;
	struct stat st;

	/* A file being replaced may be missing for a moment: keep the policy,
	 * and say so once if it stays away. */
	if (stat(ep->path, &st)) {
		if (!ep->missing && errno == ENOENT && ep->missing_polls++ < 1)
			return;
		if (!ep->missing)
			pr_warn("enforce: policy file %s: %s; version %u stays in force", ep->path,
				strerror(errno), ep->maps.version);
		ep->missing = true;
		return;
	}
	ep->missing = false;
	ep->missing_polls = 0;
	if (!changed(&st, &ep->st))
		return;
	enforce_refresh(c);
}

/* ---- lifecycle ---- */

static bool tracepoint_exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), SYSTP_DIR "/sys_enter_%s", name);
	return !access(path, F_OK);
}

static int enforce_configure(struct collector *c)
{
	const struct enforce_config *cfg = c->cfg;
	struct enforce_priv *ep = calloc(1, sizeof(*ep));
	struct bpf_program *p;
	bool want_lsm;
	int err;

	if (!ep)
		return -ENOMEM;
	c->priv = ep;
	ep->next_version = 1;
	ep->dry_run = cfg->dry_run;
	if (cfg->policy[0]) {
		snprintf(ep->path, sizeof(ep->path), "%s", cfg->policy);
	} else if (c->force_hook) {
		err = enforce__selftest_policy(ep->path, sizeof(ep->path), ep->selftest_bin,
					      sizeof(ep->selftest_bin), c->why, sizeof(c->why));
		if (err)
			return err;
	} else {
		snprintf(c->why, sizeof(c->why), "no policy: set enforce.policy (--enforce-policy FILE), "
			 "or run `sonde enforce -f FILE`");
		return -EINVAL;
	}
	stat(ep->path, &ep->st);
	err = compile_file(ep, &ep->pending_pol, &ep->pending, c->why, sizeof(c->why));
	if (err)
		return err;
	want_lsm = !c->force_hook || !strcmp(c->force_hook, "lsm");
	ep->lsm = want_lsm && features__has(c->rt->feat, FEAT_LSM);
	if (!ep->lsm)
		snprintf(ep->lsm_why, sizeof(ep->lsm_why), "%s", want_lsm ?
			 features__why(c->rt->feat, FEAT_LSM) : "not asked for (tracepoint flavour)");
	if (c->force_hook && !strcmp(c->force_hook, "lsm") && !ep->lsm) {
		snprintf(c->why, sizeof(c->why), "no BPF LSM here: %.200s", ep->lsm_why);
		return -EOPNOTSUPP;
	}
	/* The sock_addr programs read the caller's task (its binary, the
	 * record's header): 6.0+. */
	ep->sock = features__sock_enforce(c->rt->feat, ep->sock_why, sizeof(ep->sock_why));
	c->hook = ep->lsm ? "lsm" : "tracepoint";
	bpf_object__for_each_program(p, c->obj) {
		const char *name = bpf_program__name(p), *sec = bpf_program__section_name(p);

		if (!strncmp(sec, "lsm/", 4))
			bpf_program__set_autoload(p, ep->lsm);
		else if (!strncmp(sec, "cgroup/", 7))
			bpf_program__set_autoload(p, ep->sock);
		else if (!strncmp(name, "enter_", 6) && !tracepoint_exists(name + 6))
			bpf_program__set_autoload(p, false);
		else if (!strncmp(name, "call_", 5) && !tracepoint_exists(name + 5))
			bpf_program__set_autoload(p, false);
		/* Only plain tracepoints attach by their section. */
		if (strncmp(sec, "tracepoint/", 11))
			bpf_program__set_autoattach(p, false);
	}
	collector__size_ringbuf(c, cfg->ringbuf_bytes);
	return 0;
}

static int attach_one(struct collector *c, struct bpf_program *p, const struct attach_spec *spec)
{
	struct attach *a;

	if (bpf_program__fd(p) < 0)
		return 0;
	a = attach_set__add(c->as, p, -1, NULL, spec);
	if (!a)
		return -ENOMEM;
	if (attach__err(a))
		snprintf(c->why, sizeof(c->why), "attaching %s to %s: %s", bpf_program__name(p),
			 attach__target(a), attach__why(a));
	return attach__err(a);
}

static int enforce_started(struct collector *c)
{
	const struct enforce_config *cfg = c->cfg;
	struct enforce_priv *ep = c->priv;
	struct enforce_bpf *skel = c->skel;
	char cg[256];
	int err;

	err = enf_maps__init(&ep->maps, c->obj, c->why, sizeof(c->why)) ?:
	      install(ep, &ep->pending_pol, &ep->pending, c->why, sizeof(c->why)) ?:
	      systp__attach_exits(c->as, c->obj, skel->progs.enf_open_exit, c->why, sizeof(c->why));
	if (err)
		return err;
	if (ep->sock) {
		if (cfg->cgroup[0])
			snprintf(cg, sizeof(cg), "%s", cfg->cgroup);
		else if (host__cgroup2_root(cg, sizeof(cg))) {
			snprintf(c->why, sizeof(c->why), "no cgroup v2 hierarchy is mounted: connect and "
				 "bind rules need one (mount it at /sys/fs/cgroup)");
			return -ENOENT;
		}
		struct { struct bpf_program *p; int type; } socks[] = {
			{ skel->progs.enf_connect4, BPF_CGROUP_INET4_CONNECT },
			{ skel->progs.enf_connect6, BPF_CGROUP_INET6_CONNECT },
			{ skel->progs.enf_bind4, BPF_CGROUP_INET4_BIND },
			{ skel->progs.enf_bind6, BPF_CGROUP_INET6_BIND },
		};
		for (unsigned i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
			struct attach_spec spec = { .kind = ATTACH_CGROUP,
						    .cgroup = { .path = cg, .type = socks[i].type } };

			if ((err = attach_one(c, socks[i].p, &spec)))
				return err;
		}
	}
	if (ep->lsm) {
		struct attach_spec exec = { .kind = ATTACH_LSM, .raw_tp = { "bprm_check_security" } };
		struct attach_spec open = { .kind = ATTACH_LSM, .raw_tp = { "file_open" } };

		if ((err = attach_one(c, skel->progs.enf_lsm_exec, &exec)) ||
		    (err = attach_one(c, skel->progs.enf_lsm_open, &open)))
			return err;
		skel->bss->lsm_on = true;
	}
	if (cfg->watch_ms) {
		ep->watch = loop__timer_new(c->rt->loop, on_watch, c);
		if (ep->watch)
			loop_timer__arm(ep->watch, cfg->watch_ms, cfg->watch_ms);
	}
	if (!ep->lsm)
		snprintf(c->why, sizeof(c->why), "deny on exec and open kills at the tracepoint instead "
			 "(no BPF LSM: %.150s)", ep->lsm_why);
	return 0;
}

static int enforce_reload(struct collector *c, const void *new_cfg)
{
	const struct enforce_config *old = c->cfg, *cfg = new_cfg;
	struct enforce_priv *ep = c->priv;

	if (strcmp(old->cgroup, cfg->cgroup) || old->ringbuf_bytes != cfg->ringbuf_bytes ||
	    old->watch_ms != cfg->watch_ms || !cfg->policy[0])
		return -EAGAIN;
	snprintf(ep->path, sizeof(ep->path), "%s", cfg->policy);
	ep->dry_run = cfg->dry_run;
	enforce_refresh(c);
	return 0;
}

static void enforce_stop(struct collector *c)
{
	struct enforce_priv *ep = c->priv;

	if (!ep)
		return;
	loop_timer__free(ep->watch);
	for (int i = 0; i < 2; i++)
		policy__free(&ep->slot[i].pol);
	policy__free(&ep->pending_pol);
	enf_image__free(&ep->pending);
	free(ep->tally);
	if (ep->ks_ok)
		kallsyms__free(&ep->ks);
	if (ep->selftest_bin[0])
		unlink(ep->selftest_bin);
	if (c->force_hook && ep->path[0])
		unlink(ep->path);
	free(ep);
	c->priv = NULL;
}

/* ---- metrics and status ---- */

struct rule_name {
	const char *name;
	unsigned idx;
};

static int rule_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_name *)a)->name, ((const struct rule_name *)b)->name);
}

static int rule_name_find(const struct rule_name *byname, unsigned n, const char *name)
{
	const struct rule_name key = { .name = name }, *f;

	f = bsearch(&key, byname, n, sizeof(*byname), rule_name_cmp);
	return f ? (int)f->idx : -1;
}

/* The counters (matches, actions, events, suppressed) of every rule in
 * force, summed by name over this version, the other slot's and the
 * retired ones: one map read per rule and slot, names matched through a
 * sorted index (a scrape of 10,000 rules stays cheap). NULL: no memory. */
static uint64_t (*rule_totals(struct enforce_priv *ep))[4]
{
	const struct enf_version *cur = &ep->slot[ep->maps.slot];
	unsigned n = cur->used ? cur->pol.nrules : 0;
	uint64_t (*tot)[4] = calloc(n ? n : 1, sizeof(*tot));
	struct rule_name *byname = calloc(n ? n : 1, sizeof(*byname));

	if (!tot || !byname) {
		free(tot);
		free(byname);
		return NULL;
	}
	for (unsigned r = 0; r < n; r++)
		byname[r] = (struct rule_name){ cur->pol.rules[r].name, r };
	qsort(byname, n, sizeof(*byname), rule_name_cmp);
	for (unsigned s = 0; s < 2; s++) {
		const struct enf_version *ver = &ep->slot[s];

		for (unsigned k = 0; ver->used && k < ver->pol.nrules; k++) {
			int j = ver == cur ? (int)k : rule_name_find(byname, n, ver->pol.rules[k].name);
			struct enf_stat st;

			if (j < 0 || enf_maps__stat(&ep->maps, s, k, &st))
				continue;
			tot[j][0] += st.matches, tot[j][1] += st.actions;
			tot[j][2] += st.audits, tot[j][3] += st.suppressed;
		}
	}
	for (unsigned i = 0; i < ep->ntally; i++) {
		const struct tally *t = &ep->tally[i];
		int j = rule_name_find(byname, n, t->name);

		if (j < 0)
			continue;
		tot[j][0] += t->matches, tot[j][1] += t->actions;
		tot[j][2] += t->audits, tot[j][3] += t->suppressed;
	}
	free(byname);
	return tot;
}

static void rule_samples(struct enforce_priv *ep, uint64_t (*tot)[4], struct metrics_writer *w,
			 const char *metric, int f)
{
	const struct enf_version *cur = &ep->slot[ep->maps.slot];

	for (unsigned r = 0; tot && cur->used && r < cur->pol.nrules; r++) {
		const struct policy_rule *pr = &cur->pol.rules[r];

		mw__sample_u64(w, metric,
			       LABELS({ "rule", pr->name }, { "action", enf_action__name(pr->action) }),
			       tot[r][f]);
	}
}

static int enforce_collect(struct collector *c, struct metrics_writer *w)
{
	struct enforce_priv *ep = c->priv;
	const struct enf_version *cur = &ep->slot[ep->maps.slot];
	uint64_t runs = 0, ns = 0, (*tot)[4];
	struct attach *a;

	collector__drain(c);
	tot = rule_totals(ep);
	mw__family(w, "sonde_enforce_rule_matches_total", METRIC_COUNTER,
		   "Events a policy rule matched (also in dry-run).");
	rule_samples(ep, tot, w, "sonde_enforce_rule_matches_total", 0);
	mw__family(w, "sonde_enforce_rule_actions_total", METRIC_COUNTER,
		   "Kills and denials a rule took (never in dry-run).");
	rule_samples(ep, tot, w, "sonde_enforce_rule_actions_total", 1);
	mw__family(w, "sonde_enforce_rule_events_total", METRIC_COUNTER, "Policy events a rule sent.");
	rule_samples(ep, tot, w, "sonde_enforce_rule_events_total", 2);
	mw__family(w, "sonde_enforce_rule_suppressed_total", METRIC_COUNTER,
		   "Policy events a rule's rate limit held back.");
	rule_samples(ep, tot, w, "sonde_enforce_rule_suppressed_total", 3);
	free(tot);
	mw__family(w, "sonde_enforce_policy_version", METRIC_GAUGE, "The policy version in force.");
	mw__sample_u64(w, "sonde_enforce_policy_version", NO_LABELS, ep->maps.version);
	mw__family(w, "sonde_enforce_policy_rules", METRIC_GAUGE, "Rules of the policy in force.");
	mw__sample_u64(w, "sonde_enforce_policy_rules", NO_LABELS, cur->used ? cur->pol.nrules : 0);
	mw__family(w, "sonde_enforce_policy_reloads_total", METRIC_COUNTER,
		   "Policy reloads, by result (a failed one leaves the version in force).");
	mw__sample_u64(w, "sonde_enforce_policy_reloads_total", LABELS({ "result", "ok" }), ep->reloads_ok);
	mw__sample_u64(w, "sonde_enforce_policy_reloads_total", LABELS({ "result", "failed" }),
		       ep->reloads_failed);
	mw__family(w, "sonde_enforce_dry_run", METRIC_GAUGE, "1 when the policy in force acts on nothing.");
	mw__sample_u64(w, "sonde_enforce_dry_run", NO_LABELS,
		       ep->dry_run || (cur->used && cur->pol.dry_run));
	mw__family(w, "sonde_enforce_lsm", METRIC_GAUGE,
		   "1 when exec and open denials happen in BPF LSM hooks, 0 when they kill instead.");
	mw__sample_u64(w, "sonde_enforce_lsm", NO_LABELS, ep->lsm);
	/* The cost per evaluated event, from the kernel's program stats. */
	attach_set__for_each(a, c->as) {
		uint64_t r, n;

		if (!self__prog_stats(attach__prog_fd(a), &r, &n))
			runs += r, ns += n;
	}
	mw__family(w, "sonde_enforce_evaluations_total", METRIC_COUNTER,
		   "Events the enforcement programs judged (needs prog_stats).");
	mw__sample_u64(w, "sonde_enforce_evaluations_total", NO_LABELS, runs);
	mw__family(w, "sonde_enforce_evaluation_seconds_total", METRIC_COUNTER,
		   "Time the enforcement programs spent judging them (needs prog_stats).");
	mw__sample(w, "sonde_enforce_evaluation_seconds_total", NO_LABELS, ns / 1e9);
	return 0;
}

static void enforce_status(struct collector *c, struct field_writer *w)
{
	struct enforce_priv *ep = c->priv;
	const struct enf_version *cur = &ep->slot[ep->maps.slot];

	fw__str(w, "policy", ep->path);
	fw__u64(w, "policy_version", ep->maps.version);
	fw__u64(w, "rules", cur->used ? cur->pol.nrules : 0);
	fw__bool(w, "dry_run", ep->dry_run || (cur->used && cur->pol.dry_run));
	fw__str(w, "deny_exec_open", ep->lsm ? "lsm (EPERM before the call)" :
		"kill at the tracepoint (no BPF LSM)");
	if (!ep->lsm)
		fw__str(w, "lsm_missing", ep->lsm_why);
	fw__str(w, "deny_connect_bind", ep->sock ? "cgroup sock_addr (EPERM)" : ep->sock_why);
	if (ep->last_error[0])
		fw__str(w, "last_reload_error", ep->last_error);
}

static int enforce_probe(struct features *feat, char *why, size_t why_sz)
{
	return systp__probe(feat, why, why_sz);
}

const char *enforce__selftest_bin(const struct collector *c)
{
	const struct enforce_priv *ep = c->priv;

	return ep ? ep->selftest_bin : "";
}

static void *enforce_open(void) { return enforce_bpf__open(); }

static const char *const enforce_hooks[] = { "lsm", "tracepoint", NULL };

const struct collector_ops enforce_collector = {
	.name = "enforce",
	.summary = "policy enforcement in the kernel: audit, kill or deny (a policy file; LSM where there is one)",
	.config = &enforce_section,
	.kinds = enf_kinds,
	.hooks = enforce_hooks,
	.drop_reasons = drop_reasons,
	.open = enforce_open,
	.elf_bytes = enforce_bpf__elf_bytes,
	.ringbuf = "events",
	.on_record = enf_record,
	.probe = enforce_probe,
	.configure = enforce_configure,
	.started = enforce_started,
	.status = enforce_status,
	.collect = enforce_collect,
	.reload = enforce_reload,
	.refresh = enforce_refresh,
	.stop = enforce_stop,
	.selftest = enforce__selftest,
};
