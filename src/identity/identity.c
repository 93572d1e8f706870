// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/bus.h"
#include "core/config.h"
#include "core/log.h"
#include "identity/identity.h"
#include "lib/fields.h"
#include "lib/metrics.h"
#include "tasks.skel.h"

#define F(f) OPT_FIELD(struct identity_config, f)
static const struct opt identity_opts[] = {
	{ "proc.cache_size", "proc-cache-size", 0, OPT_INT, F(cache_size), 64, 1 << 22, NULL,
	  "16384", "N", "processes kept in the identity cache (every event collector uses it)" },
	{ "proc.exit_grace", "proc-exit-grace", 0, OPT_INT, F(exit_grace), 0, 3600, NULL, "30",
	  "SECONDS", "how long exited processes stay resolvable" },
	{ "proc.ancestry_depth", "proc-ancestry-depth", 0, OPT_INT, F(ancestry_depth), 0, 32,
	  NULL, "8", "N", "ancestors listed in process and file events (nearest first)" },
	{ 0 }
};
#undef F

const struct config_section identity_config_section = {
	.name = "identity", .opts = identity_opts, .size = sizeof(struct identity_config),
};

/* cgroup id -> container, so /proc is read once per cgroup, not per event. */
#define CGROUP_CACHE 256
struct cgroup_entry {
	uint64_t id;
	int found;		/* 1 container, 0 none, -1 unknown (process gone) */
	struct container_ref ref;
};

struct identity_svc {
	struct bus *bus;
	struct bus_sub *sub;
	struct kind_mask lifecycle;
	struct proc_cache *cache;
	int depth;
	const char *seeded_from;
	unsigned cgroup_next;
	struct cgroup_entry cgroups[CGROUP_CACHE];
	struct identity scratch;	/* the identity of the event being delivered */
	/* What scratch was resolved from: the same task image again with the
	 * cache unchanged is the same identity (a process making a million
	 * opens resolves once). */
	struct sonde_task memo;
	uint64_t memo_gen;
	bool memo_ok;
	/* Seeding runs beside the collectors' loads; whatever touches the
	 * cache first waits for it (wait_seeded). */
	pthread_t seeder;
	bool seeding;
};

/* ---- seeding ---- */

/* Every process from the task iterator: exact start times and exec
 * sequences, which /proc does not have; details come later, from /proc,
 * for the processes that show up in events. */
static int seed_from_iterator(struct proc_cache *c)
{
	struct tasks_bpf *skel = tasks_bpf__open_and_load();
	struct bpf_link *link = NULL;
	struct sonde_task t;
	int fd = -1, n = 0, err;
	ssize_t r;

	if (!skel)
		return -errno;
	link = bpf_program__attach_iter(skel->progs.seed_tasks, NULL);
	fd = link ? bpf_iter_create(bpf_link__fd(link)) : -1;
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while ((r = read(fd, &t, sizeof(t))) == sizeof(t)) {
		struct proc_info *p;

		if (proc_cache__size(c) == proc_cache__capacity(c))
			break;
		p = proc_cache__put(c, t.pid, t.start_ns, t.exec_seq, 0);
		p->ppid = t.ppid;
		p->uid = t.uid;
		p->gid = t.gid;
		snprintf(p->comm, sizeof(p->comm), "%.*s", (int)sizeof(t.comm), t.comm);
		n++;
	}
	err = r < 0 ? -errno : n;
out:
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	tasks_bpf__destroy(skel);
	return err;
}

static void seed(struct identity_svc *s)
{
	int quiet = log__set_libbpf_quiet(1), n = seed_from_iterator(s->cache);

	log__set_libbpf_quiet(quiet);
	if (n >= 0) {
		s->seeded_from = "the task iterator";
		pr_debug("identity: %d processes from the task iterator", n);
		return;
	}
	pr_debug("identity: task iterator: %s; seeding from /proc", strerror(-n));
	s->seeded_from = "/proc";
	n = proc_cache__seed_proc(s->cache);
	if (n < 0)
		pr_warn("identity: reading /proc: %s; processes that predate the agent are unknown",
			strerror(-n));
}

static void *seed_worker(void *arg)
{
	seed(arg);
	return NULL;
}

static void wait_seeded(struct identity_svc *s)
{
	if (s->seeding) {
		pthread_join(s->seeder, NULL);
		s->seeding = false;
	}
}

/* ---- keeping the cache current ---- */

static bool same_image(const struct proc_info *p, const struct sonde_task *t)
{
	return p->start_ns == t->start_ns && p->exec_seq == t->exec_seq;
}

static struct proc_info *put_task(struct identity_svc *s, const struct sonde_task *t)
{
	struct proc_info *p = proc_cache__put(s->cache, t->pid, t->start_ns, t->exec_seq, t->ts_ns);

	p->ppid = t->ppid;
	p->uid = t->uid;
	p->gid = t->gid;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)sizeof(t->comm), t->comm);
	return p;
}

static void on_change(void *ctx, const struct event *ev)
{
	struct identity_svc *s = ctx;
	const struct sonde_task *t = ev->task;
	const struct proc_change *ch = ev->change;
	struct proc_info *p, *parent, from = {};

	wait_seeded(s);
	if (!t || !ch)
		return;
	if (ch->type == PROC_CHANGE_EXIT) {
		p = proc_cache__get(s->cache, t->pid);
		if (!p || !same_image(p, t))
			put_task(s, t);
		proc_cache__exit(s->cache, t->pid, t->ts_ns);
		return;
	}
	/* fork: the child runs its parent's image, in its directory, with its
	 * arguments, until it execs. Copied before the put, which may evict
	 * the parent. */
	parent = ch->type == PROC_CHANGE_FORK ? proc_cache__get(s->cache, t->ppid) : NULL;
	if (parent) {
		proc_cache__load_details(parent);
		from = *parent;
	}
	p = put_task(s, t);
	p->detailed = true;
	if (ch->type == PROC_CHANGE_EXEC) {
		snprintf(p->binary, sizeof(p->binary), "%s", ch->binary ? ch->binary : "");
		if (ch->cwd)
			snprintf(p->cwd, sizeof(p->cwd), "%s", ch->cwd);
		else	/* the kernel could not say: /proc, if it is still there */
			proc_cwd(t->pid, p->cwd, sizeof(p->cwd));
		proc_info__set_args(p, ch->argv ? ch->argv : "", ch->argv ? ch->argv_len : 0);
	} else {
		snprintf(p->binary, sizeof(p->binary), "%s", from.binary);
		snprintf(p->cwd, sizeof(p->cwd), "%s", from.cwd);
		snprintf(p->args, sizeof(p->args), "%s", from.args);
	}
}

/* The cache's entry for the image t names: a match, a seeded entry made
 * exact, an image an exec replaced, the same after draining the lifecycle
 * rings, or a new entry with what /proc still says. NULL only for an old
 * image (*old then points to it). */
static struct proc_info *image_of(struct identity_svc *s, const struct sonde_task *t,
				  const struct proc_info **old)
{
	struct proc_info *p = proc_cache__get(s->cache, t->pid), *q;

	*old = NULL;
	if (p && same_image(p, t))
		return p;
	if (p && !p->start_exact && proc_info__same_start(p, t->start_ns)) {
		/* Seeded from /proc's ticks: the record has the exact values. */
		proc_info__set_image(p, t->start_ns, t->exec_seq, true);
		return p;
	}
	if (p && p->start_ns == t->start_ns && p->exec_seq > t->exec_seq &&
	    (*old = proc_cache__old(s->cache, t->pid, t->start_ns, t->exec_seq)))
		return NULL;
	bus__sync(s->bus, &s->lifecycle);
	p = proc_cache__get(s->cache, t->pid);
	if (p && same_image(p, t))
		return p;
	if ((*old = proc_cache__old(s->cache, t->pid, t->start_ns, t->exec_seq)))
		return NULL;
	/* Not seen in lifecycle events: what /proc says, if the process is
	 * still the one the record is about. */
	p = proc_cache__load(s->cache, t->pid);
	if (!p || !proc_info__same_start(p, t->start_ns)) {
		q = put_task(s, t);
		q->detailed = true;	/* gone: nothing more to learn */
		return q;
	}
	proc_info__set_image(p, t->start_ns, t->exec_seq, true);
	p->ppid = t->ppid;
	return p;
}

/* The container of a cgroup: from /proc/PID/cgroup the first time it is
 * seen, or by walking the hierarchy once the process is gone. Processes in
 * the root cgroup are in none. */
static const struct cgroup_entry *container_of(struct identity_svc *s, uint32_t pid,
					       uint64_t cgroup_id)
{
	struct cgroup_entry *c;
	char path[4096];

	if (cgroup_id <= 1)
		return NULL;
	for (unsigned i = 0; i < CGROUP_CACHE; i++)
		if (s->cgroups[i].id == cgroup_id && s->cgroups[i].found >= 0)
			return &s->cgroups[i];
	c = &s->cgroups[s->cgroup_next++ % CGROUP_CACHE];
	memset(c, 0, sizeof(*c));
	c->id = cgroup_id;
	if (container__cgroup_of(pid, path, sizeof(path)) &&
	    container__cgroup_by_id(cgroup_id, path, sizeof(path)))
		c->found = -1;	/* unknown, and asked again next time */
	else
		c->found = !container__parse(path, &c->ref);
	return c;
}

static void add_ancestor(struct identity *id, struct proc_info *a, const char *exec_id)
{
	struct identity_ancestor *d = &id->ancestors[id->nancestors++];

	proc_cache__load_details(a);
	d->pid = a->pid;
	snprintf(d->exec_id, sizeof(d->exec_id), "%s", exec_id ? exec_id : a->exec_id);
	memcpy(d->comm, a->comm, sizeof(d->comm));
	snprintf(d->binary, sizeof(d->binary), "%s", a->binary);
}

static bool same_memo(const struct identity_svc *s, const struct sonde_task *t)
{
	const struct sonde_task *m = &s->memo;

	return s->memo_ok && s->memo_gen == proc_cache__generation(s->cache) && m->pid == t->pid &&
	       m->start_ns == t->start_ns && m->exec_seq == t->exec_seq && m->ppid == t->ppid &&
	       m->parent_start_ns == t->parent_start_ns &&
	       m->parent_exec_seq == t->parent_exec_seq && m->cgroup_id == t->cgroup_id;
}

const struct identity *identity__of(struct identity_svc *s, const struct sonde_task *t)
{
	struct identity *id = &s->scratch;
	const struct proc_info *old;
	struct proc_info *p;
	const struct cgroup_entry *cg;

	wait_seeded(s);
	if (same_memo(s, t)) {
		proc_cache__get(s->cache, t->pid);	/* still in use: not the next to evict */
		return id;
	}
	p = image_of(s, t, &old);

	if (p)
		proc_cache__load_details(p);
	id->self = p ? *p : *old;
	id->known = id->self.binary[0] || id->self.args[0] || id->self.cwd[0];
	/* Who the record says the parent is: right whatever the cache holds. */
	id->parent_exec_id[0] = '\0';
	if (t->ppid)
		exec_id__format(id->parent_exec_id, sizeof(id->parent_exec_id), t->ppid,
				t->parent_start_ns, t->parent_exec_seq);
	/* Copies, not pointers: a lookup may evict what an earlier one returned. */
	id->nancestors = 0;
	for (uint32_t ppid = t->ppid; ppid > 0 && id->nancestors < s->depth;) {
		struct proc_info *a = proc_cache__get(s->cache, ppid);

		if (!a || a->pid == t->pid)
			break;
		add_ancestor(id, a, id->nancestors ? NULL : id->parent_exec_id);
		if (a->ppid == ppid)
			break;
		ppid = a->ppid;
	}
	id->cgroup_id = t->cgroup_id;
	cg = container_of(s, t->pid, t->cgroup_id);
	id->container = cg ? cg->found : 0;
	if (cg)
		id->ref = cg->ref;
	else
		memset(&id->ref, 0, sizeof(id->ref));
	/* An unknown container is asked again next time: no memo then. */
	s->memo = *t;
	s->memo_gen = proc_cache__generation(s->cache);
	s->memo_ok = p && id->container >= 0;
	return id;
}

static void resolve(void *ctx, struct event *ev)
{
	ev->id = identity__of(ctx, ev->task);
}

/* ---- the service ---- */

struct identity_svc *identity__start(struct bus *b, const struct identity_config *cfg)
{
	struct identity_svc *s = calloc(1, sizeof(*s));
	int err = ENOMEM;

	if (!s)
		goto fail;
	s->bus = b;
	s->depth = cfg->ancestry_depth < IDENTITY_MAX_DEPTH ? cfg->ancestry_depth : IDENTITY_MAX_DEPTH;
	s->cache = proc_cache__new(cfg->cache_size, cfg->exit_grace * 1000000000ULL);
	if (!s->cache)
		goto fail;
	/* Off this thread: the collectors load meanwhile. */
	s->seeding = !pthread_create(&s->seeder, NULL, seed_worker, s);
	if (!s->seeding)
		seed(s);
	kind_mask__with_flags(&s->lifecycle, EVENT_KIND_LIFECYCLE);
	s->sub = bus__subscribe(b, &s->lifecycle, on_change, s);
	if (!s->sub)
		goto fail;
	bus__set_resolver(b, resolve, s);
	return s;
fail:
	identity__stop(s);
	errno = err;
	return NULL;
}

void identity__stop(struct identity_svc *s)
{
	if (!s)
		return;
	wait_seeded(s);
	if (s->sub) {
		bus__unsubscribe(s->bus, s->sub);
		bus__set_resolver(s->bus, NULL, NULL);
	}
	proc_cache__free(s->cache);
	free(s);
}

const void *identity__elf_bytes(size_t *sz) { return tasks_bpf__elf_bytes(sz); }

const char *identity__seeded_from(struct identity_svc *s)
{
	wait_seeded(s);
	return s->seeded_from;
}

void identity__collect(struct identity_svc *s, struct metrics_writer *w)
{
	uint64_t hits, misses, evictions;

	wait_seeded(s);
	proc_cache__stats(s->cache, &hits, &misses, &evictions);
	mw__family(w, "sonde_process_cache_entries", METRIC_GAUGE, "Processes in the identity cache.");
	mw__sample_u64(w, "sonde_process_cache_entries", NO_LABELS, proc_cache__size(s->cache));
	mw__family(w, "sonde_process_cache_lookups_total", METRIC_COUNTER,
		   "Identity cache lookups, by result.");
	mw__sample_u64(w, "sonde_process_cache_lookups_total", LABELS({ "result", "hit" }), hits);
	mw__sample_u64(w, "sonde_process_cache_lookups_total", LABELS({ "result", "miss" }), misses);
	mw__family(w, "sonde_process_cache_evictions_total", METRIC_COUNTER,
		   "Processes evicted from the full identity cache.");
	mw__sample_u64(w, "sonde_process_cache_evictions_total", NO_LABELS, evictions);
}

/* ---- writing ---- */

void identity__write(const struct identity *id, struct field_writer *w, bool args)
{
	const struct proc_info *p = &id->self;

	fw__str(w, "exec_id", p->exec_id);
	/* null: no parent (pid 1, kernel threads) */
	fw__str(w, "parent_exec_id", id->parent_exec_id[0] ? id->parent_exec_id : NULL);
	fw__arr_begin(w, "ancestors");
	for (int i = 0; i < id->nancestors; i++) {
		const struct identity_ancestor *a = &id->ancestors[i];

		fw__obj_begin(w, NULL);
		fw__u64(w, "pid", a->pid);
		fw__str(w, "exec_id", a->exec_id);
		fw__str(w, "comm", a->comm);
		if (a->binary[0])
			fw__str(w, "binary", a->binary);
		fw__obj_end(w);
	}
	fw__arr_end(w);
	fw__u64(w, "cgroup_id", id->cgroup_id);
	if (id->container > 0) {
		fw__str(w, "container_id", id->ref.id);
		fw__str(w, "container_runtime", id->ref.runtime);
	}
	if (id->ref.pod_uid[0])
		fw__str(w, "pod_uid", id->ref.pod_uid);
	if (id->container < 0)
		fw__bool(w, "container_unknown", true);
	if (p->binary[0])
		fw__str(w, "binary", p->binary);
	if (p->cwd[0])
		fw__str(w, "cwd", p->cwd);
	if (args && p->args[0])
		fw__str(w, "args", p->args);
}
