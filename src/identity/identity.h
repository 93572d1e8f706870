/* SPDX-License-Identifier: Apache-2.0 */
/* The process identity every event carries: exec_id, parent exec_id,
 * ancestry, cgroup and container. A core service: it seeds a bounded
 * process cache at start (a task iterator, else /proc), keeps it current
 * from the lifecycle events (exec, fork, exit) it subscribes to on the
 * bus, and resolves the task header of every event a sink wants.
 *
 * exec_id and parent_exec_id come from the record's own header, so they
 * are right whichever ring buffer user space drains first; the rest
 * (binary, cwd, args, ancestors) from the cache, which catches up by
 * draining the lifecycle event sources (bus__sync) when a record names an
 * image it has not seen yet. */
#ifndef SONDE_IDENTITY_H
#define SONDE_IDENTITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "identity/container.h"
#include "identity/proc_cache.h"

struct bus;
struct config_section;
struct field_writer;
struct metrics_writer;
struct sonde_task;

#define IDENTITY_MAX_DEPTH 32

struct identity_config {
	long cache_size;
	long exit_grace;	/* seconds */
	long ancestry_depth;
};

/* Its options (proc.cache_size, proc.exit_grace, proc.ancestry_depth). */
extern const struct config_section identity_config_section;

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
	bool known;			/* self's details are from the cache or /proc */
	char parent_exec_id[EXEC_ID_LEN];	/* "" when the process has no parent (pid 1) */
	struct identity_ancestor ancestors[IDENTITY_MAX_DEPTH];	/* nearest first */
	int nancestors;
	uint64_t cgroup_id;
	int container;			/* 1 found, 0 none, -1 unknown (process gone) */
	struct container_ref ref;
};

struct identity_svc;

/* Starts the service on bus: creates and seeds the cache, subscribes to
 * lifecycle events and resolves events for sinks. NULL and errno on
 * failure. */
struct identity_svc *identity__start(struct bus *b, const struct identity_config *cfg);
/* NULL-safe. */
void identity__stop(struct identity_svc *s);
/* The identity of a task header: valid until the next call. */
const struct identity *identity__of(struct identity_svc *s, const struct sonde_task *t);
/* The cache's own metrics (sonde_process_cache_*). */
void identity__collect(struct identity_svc *s, struct metrics_writer *w);
/* The task iterator's compiled BPF object, for `sonde verify --builtin`. */
const void *identity__elf_bytes(size_t *sz);
/* How the cache was seeded, for the log. */
const char *identity__seeded_from(struct identity_svc *s);

/* "exec_id", "parent_exec_id", "ancestors", "cgroup_id", container fields,
 * "binary", "cwd" and (with args, for events that carry no argv of their
 * own) "args" when known. */
void identity__write(const struct identity *id, struct field_writer *w, bool args);
#endif
