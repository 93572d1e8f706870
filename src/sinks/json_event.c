// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "identity/identity.h"
#include "lib/json.h"
#include "sinks/json_event.h"

/* The identity part of every event of a process is the same until it
 * execs (new exec_id): rendered once per process, not per event, which
 * was half the agent's CPU at 200k file events/s from one process. */
#define FRAG_SLOTS 256
struct frag {
	uint32_t pid;
	int container, nancestors;
	bool args;
	uint64_t cgroup_id;
	char exec_id[EXEC_ID_LEN], parent_exec_id[EXEC_ID_LEN], top_exec_id[EXEC_ID_LEN];
	char binary[256], cwd[256];
	struct strbuf sb;
};
static struct frag frags[FRAG_SLOTS];

static bool frag_stale(const struct frag *f, const struct identity *id, bool args)
{
	/* What changes for the same exec: what the cache learns later
	 * (binary after a fork), and the chain above. */
	return f->pid != id->self.pid || f->cgroup_id != id->cgroup_id || f->args != args ||
	       f->container != id->container || f->nancestors != id->nancestors || f->sb.err ||
	       strcmp(f->exec_id, id->self.exec_id) || strcmp(f->parent_exec_id, id->parent_exec_id) ||
	       strcmp(f->binary, id->self.binary) || strcmp(f->cwd, id->self.cwd) ||
	       (id->nancestors && strcmp(f->top_exec_id, id->ancestors[id->nancestors - 1].exec_id));
}

static void write_identity(struct json_writer *w, const struct identity *id, bool args)
{
	struct frag *f = &frags[id->self.pid % FRAG_SLOTS];
	struct json_writer fw;
	struct json_fields jf;

	if (frag_stale(f, id, args)) {
		sb__reset(&f->sb);
		jw__init_members(&fw, &f->sb);
		json_fields__init(&jf, &fw);
		identity__write(id, &jf.fw, args);
		f->pid = id->self.pid;
		f->cgroup_id = id->cgroup_id;
		f->container = id->container;
		f->nancestors = id->nancestors;
		f->args = args;
		snprintf(f->exec_id, sizeof(f->exec_id), "%s", id->self.exec_id);
		snprintf(f->parent_exec_id, sizeof(f->parent_exec_id), "%s", id->parent_exec_id);
		snprintf(f->binary, sizeof(f->binary), "%s", id->self.binary);
		snprintf(f->cwd, sizeof(f->cwd), "%s", id->self.cwd);
		snprintf(f->top_exec_id, sizeof(f->top_exec_id), "%s",
			 id->nancestors ? id->ancestors[id->nancestors - 1].exec_id : "");
		if (f->sb.err) {
			json_fields__init(&jf, w);
			identity__write(id, &jf.fw, args);
			return;
		}
	}
	jw__members(w, f->sb.buf, f->sb.len);
}

void json_event__free_cache(void)
{
	for (int i = 0; i < FRAG_SLOTS; i++)
		sb__free(&frags[i].sb);
	memset(frags, 0, sizeof(frags));
}

void json_event__format(struct strbuf *sb, const struct event *ev)
{
	const struct event_kind *k = event_kind__get(ev->kind);
	const struct sonde_task *t = ev->task;
	struct json_writer w;
	struct json_fields jf;

	jw__init(&w, sb);
	json_fields__init(&jf, &w);
	jw__obj_begin(&w);
	jw__key(&w, "schema"); jw__u64(&w, SONDE_EVENT_SCHEMA);
	jw__key(&w, "type"); jw__str(&w, k ? k->name : "unknown");
	jw__key(&w, "time"); jw__time(&w, ev->time_ns);
	if (t) {
		jw__key(&w, "pid"); jw__u64(&w, t->pid);
		jw__key(&w, "tid"); jw__u64(&w, t->tid);
		jw__key(&w, "comm"); jw__strn(&w, t->comm, strnlen(t->comm, sizeof(t->comm)));
		jw__key(&w, "ppid"); jw__u64(&w, t->ppid);
		jw__key(&w, "uid"); jw__u64(&w, t->uid);
		jw__key(&w, "gid"); jw__u64(&w, t->gid);
	}
	if (ev->id)
		write_identity(&w, ev->id, k && (k->flags & EVENT_KIND_ARGS));
	if (k && k->fields)
		k->fields(ev, &jf.fw);
	jw__obj_end(&w);
}
