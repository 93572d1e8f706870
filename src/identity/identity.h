/* The process identity every event carries: exec_id, parent exec_id,
 * ancestry, cgroup and container. One shared process cache serves every
 * collector: the proc collector keeps it current from exec/fork/exit
 * events; the others look processes up, reading /proc on a miss. */
#ifndef SONDE_IDENTITY_H
#define SONDE_IDENTITY_H
#include <stdbool.h>
#include <stdint.h>
#include "identity/container.h"
#include "identity/proc_cache.h"

struct json_writer;
struct sonde_config;

#define IDENTITY_MAX_DEPTH 32

/* What events say of each ancestor: only these, as the chain is walked for
 * every event (a whole proc_info is ~1 KiB). */
struct identity_ancestor {
	uint32_t pid;
	char exec_id[EXEC_ID_LEN];
	char comm[16];
	char binary[256];
};

struct identity {
	struct proc_info self;		/* a copy: later lookups may evict */
	bool known;			/* self is filled */
	struct identity_ancestor ancestors[IDENTITY_MAX_DEPTH];	/* nearest first */
	int nancestors;
	uint64_t cgroup_id;
	int container;			/* 1 found, 0 none, -1 unknown (process gone) */
	struct container_ref ref;
};

/* The shared cache, created (and seeded from /proc) by the first get;
 * every get is paired with a put. */
struct proc_cache *identity__get(const struct sonde_config *cfg);
void identity__put(void);

/* What the event itself says about its process, for when neither the
 * cache nor /proc knows it (it exited before the lookup). */
struct identity_hint {
	uint32_t pid, ppid;
	uint64_t start_ns;	/* monotonic, from the kernel */
	uint64_t parent_start_ns;
	uint64_t cgroup_id;
	const char *comm;
};

/* The identity of the hinted process: a cached entry of an older process
 * with the same pid is replaced from /proc, and a process gone from /proc
 * too is recorded from the hint (exec_id then takes its start as the exec
 * time: exact unless it exec'd after its fork unseen). */
void identity__resolve(struct identity *id, const struct identity_hint *h);
/* Ancestry and container of an entry the caller has already resolved. */
void identity__complete(struct identity *id, const struct proc_info *p, uint32_t pid,
			uint64_t cgroup_id);
/* "exec_id", "parent_exec_id", "ancestors", "cgroup_id", container fields,
 * "binary", "cwd" and (with args, for events that carry no argv of their
 * own) "args" when known. */
void identity__write(struct json_writer *w, const struct identity *id, bool args);
/* Frees the rendered identities (identity__write keeps one per process
 * slot); done when the last collector puts the cache. */
void identity__flush_cache(void);
#endif
