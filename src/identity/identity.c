#include <stdio.h>
#include <string.h>
#include "core/config.h"
#include "identity/identity.h"
#include "lib/strbuf.h"
#include "lib/json.h"

/* cgroup id -> container, so /proc is read once per cgroup, not per event. */
#define CGROUP_CACHE 256
struct cgroup_entry {
	uint64_t id;
	int found;		/* 1 container, 0 none, -1 unknown (process gone) */
	struct container_ref ref;
};

static struct {
	struct proc_cache *cache;
	int users;
	int depth;
	unsigned cgroup_next;
	struct cgroup_entry cgroups[CGROUP_CACHE];
} shared;

struct proc_cache *identity__get(const struct sonde_config *cfg)
{
	if (shared.users++)
		return shared.cache;
	memset(shared.cgroups, 0, sizeof(shared.cgroups));
	shared.depth = cfg->proc.ancestry_depth < IDENTITY_MAX_DEPTH ? cfg->proc.ancestry_depth
								      : IDENTITY_MAX_DEPTH;
	shared.cache = proc_cache__new(cfg->proc.cache_size, cfg->proc.exit_grace * 1000000000ULL);
	if (!shared.cache) {
		shared.users = 0;
		return NULL;
	}
	proc_cache__seed(shared.cache);
	return shared.cache;
}

void identity__put(void)
{
	if (shared.users && !--shared.users) {
		proc_cache__free(shared.cache);
		shared.cache = NULL;
		identity__flush_cache();
	}
}

/* The container of a cgroup: from /proc/PID/cgroup the first time it is
 * seen, or by walking the hierarchy once the process is gone. Processes in
 * the root cgroup are in none. */
static const struct cgroup_entry *container_of(uint32_t pid, uint64_t cgroup_id)
{
	struct cgroup_entry *c;
	char path[4096];

	if (cgroup_id <= 1)
		return NULL;
	for (unsigned i = 0; i < CGROUP_CACHE; i++)
		if (shared.cgroups[i].id == cgroup_id && shared.cgroups[i].found >= 0)
			return &shared.cgroups[i];
	c = &shared.cgroups[shared.cgroup_next++ % CGROUP_CACHE];
	memset(c, 0, sizeof(*c));
	c->id = cgroup_id;
	if (container__cgroup_of(pid, path, sizeof(path)) &&
	    container__cgroup_by_id(cgroup_id, path, sizeof(path)))
		c->found = -1;	/* unknown, and asked again next time */
	else
		c->found = !container__parse(path, &c->ref);
	return c;
}

void identity__complete(struct identity *id, const struct proc_info *p, uint32_t pid,
			uint64_t cgroup_id)
{
	const struct cgroup_entry *cg;

	id->known = p != NULL;
	if (p)
		id->self = *p;
	id->nancestors = 0;
	/* Copies, not pointers: a lookup may evict what an earlier one returned. */
	for (uint32_t ppid = p ? p->ppid : 0; ppid > 0 && id->nancestors < shared.depth;) {
		const struct proc_info *a = proc_cache__get(shared.cache, ppid);

		if (!a || a->pid == pid)
			break;
		{
			struct identity_ancestor *d = &id->ancestors[id->nancestors++];

			d->pid = a->pid;
			memcpy(d->exec_id, a->exec_id, sizeof(d->exec_id));
			memcpy(d->comm, a->comm, sizeof(d->comm));
			snprintf(d->binary, sizeof(d->binary), "%s", a->binary);
		}
		if (a->ppid == ppid)
			break;
		ppid = a->ppid;
	}
	id->cgroup_id = cgroup_id;
	cg = container_of(pid, cgroup_id);
	id->container = cg ? cg->found : 0;
	if (cg)
		id->ref = cg->ref;
	else
		memset(&id->ref, 0, sizeof(id->ref));
}

/* /proc start times have tick precision: the same process within 10 ms. */
static bool same_start(const struct proc_info *p, uint64_t start_ns)
{
	return p->start_ns == start_ns ||
	       (p->exec_ns == p->start_ns && p->start_ns / 10000000 == start_ns / 10000000);
}

void identity__resolve(struct identity *id, const struct identity_hint *h)
{
	struct proc_info *p = shared.cache ? proc_cache__get(shared.cache, h->pid) : NULL, *parent;

	if (shared.cache && (!p || !same_start(p, h->start_ns))) {
		p = proc_cache__load(shared.cache, h->pid);
		if (p && !same_start(p, h->start_ns))
			p = NULL;	/* the pid is already someone else's */
		if (!p) {
			p = proc_cache__put(shared.cache, h->pid, h->start_ns, h->start_ns, 0);
			p->ppid = h->ppid;
			snprintf(p->comm, sizeof(p->comm), "%s", h->comm ? h->comm : "");
			parent = h->ppid ? proc_cache__get(shared.cache, h->ppid) : NULL;
			if (parent && same_start(parent, h->parent_start_ns))
				snprintf(p->parent_exec_id, sizeof(p->parent_exec_id), "%s",
					 parent->exec_id);
		}
	}
	identity__complete(id, p, h->pid, h->cgroup_id);
}

static void write_members(struct json_writer *w, const struct identity *id, bool args)
{
	const struct proc_info *p = &id->self;

	jw__key(w, "exec_id");
	if (id->known)
		jw__str(w, p->exec_id);
	else
		jw__null(w);	/* gone before it could be looked up */
	jw__key(w, "parent_exec_id");
	if (id->known && p->parent_exec_id[0])
		jw__str(w, p->parent_exec_id);
	else
		jw__null(w);	/* the parent predates what sonde has seen */
	jw__key(w, "ancestors");
	jw__arr_begin(w);
	for (int i = 0; i < id->nancestors; i++) {
		const struct identity_ancestor *a = &id->ancestors[i];

		jw__obj_begin(w);
		jw__key(w, "pid"); jw__u64(w, a->pid);
		jw__key(w, "exec_id"); jw__str(w, a->exec_id);
		jw__key(w, "comm"); jw__str(w, a->comm);
		if (a->binary[0]) {
			jw__key(w, "binary"); jw__str(w, a->binary);
		}
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__key(w, "cgroup_id"); jw__u64(w, id->cgroup_id);
	if (id->container > 0) {
		jw__key(w, "container_id"); jw__str(w, id->ref.id);
		jw__key(w, "container_runtime"); jw__str(w, id->ref.runtime);
	}
	if (id->ref.pod_uid[0]) {
		jw__key(w, "pod_uid"); jw__str(w, id->ref.pod_uid);
	}
	if (id->container < 0) {
		jw__key(w, "container_unknown"); jw__bool(w, true);
	}
	if (id->known && p->binary[0]) {
		jw__key(w, "binary"); jw__str(w, p->binary);
	}
	if (id->known && p->cwd[0]) {
		jw__key(w, "cwd"); jw__str(w, p->cwd);
	}
	if (args && id->known && p->args[0]) {
		jw__key(w, "args"); jw__str(w, p->args);
	}
}

/* The identity part of every event of a process is the same until it
 * execs (new exec_id): rendered once per process, not per event, which
 * was half the agent's CPU at 200k file events/s from one process. */
#define FRAG_SLOTS 256
struct frag {
	uint32_t pid;
	int container, nancestors;
	bool args;
	uint64_t cgroup_id;
	char exec_id[EXEC_ID_LEN], top_exec_id[EXEC_ID_LEN];
	struct proc_info self;
	struct strbuf sb;
};
static struct frag frags[FRAG_SLOTS];

void identity__write(struct json_writer *w, const struct identity *id, bool args)
{
	struct frag *f = &frags[id->self.pid % FRAG_SLOTS];
	struct json_writer fw;

	if (!id->known) {
		write_members(w, id, args);
		return;
	}
	/* The inputs that change for the same exec: what the cache learns
	 * later (parent, binary after a fork), and the chain above. */
	if (f->pid != id->self.pid || f->cgroup_id != id->cgroup_id || f->args != args ||
	    f->container != id->container || f->nancestors != id->nancestors ||
	    strcmp(f->exec_id, id->self.exec_id) || f->sb.err ||
	    strcmp(f->self.parent_exec_id, id->self.parent_exec_id) ||
	    strcmp(f->self.binary, id->self.binary) || strcmp(f->self.cwd, id->self.cwd) ||
	    (id->nancestors && strcmp(f->top_exec_id, id->ancestors[id->nancestors - 1].exec_id))) {
		sb__reset(&f->sb);
		jw__init_members(&fw, &f->sb);
		write_members(&fw, id, args);
		f->pid = id->self.pid;
		f->cgroup_id = id->cgroup_id;
		f->container = id->container;
		f->nancestors = id->nancestors;
		f->args = args;
		snprintf(f->exec_id, sizeof(f->exec_id), "%s", id->self.exec_id);
		f->self = id->self;
		snprintf(f->top_exec_id, sizeof(f->top_exec_id), "%s",
			 id->nancestors ? id->ancestors[id->nancestors - 1].exec_id : "");
		if (f->sb.err) {
			write_members(w, id, args);
			return;
		}
	}
	jw__members(w, f->sb.buf, f->sb.len);
}

void identity__flush_cache(void)
{
	for (int i = 0; i < FRAG_SLOTS; i++)
		sb__free(&frags[i].sb);
	memset(frags, 0, sizeof(frags));
}
