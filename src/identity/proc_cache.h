/* SPDX-License-Identifier: Apache-2.0 */
/* Processes by pid, bounded: each entry is one process image (pid, start
 * time, exec sequence: sonde/task.h) with what is known of it. Exited
 * processes stay for a grace period so late events still resolve; the
 * images an exec replaced stay in a small side table for events of the
 * old image that arrive after the exec's. */
#ifndef SONDE_PROC_CACHE_H
#define SONDE_PROC_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXEC_ID_LEN 48

struct proc_info {
	uint32_t pid, ppid;
	uint64_t start_ns;	/* process start, CLOCK_MONOTONIC */
	uint64_t exec_seq;	/* task->self_exec_id of this image */
	uint64_t exit_ns;	/* 0 while alive */
	bool start_exact;	/* start_ns from the kernel (else /proc's ticks) */
	bool detailed;		/* binary, cwd and args filled (or tried) */
	char exec_id[EXEC_ID_LEN];
	char comm[16];
	char binary[256];
	char cwd[256];		/* "" when unknown; may be stale: it is read at exec */
	char args[256];		/* argv joined by spaces, cut to fit ("..." at the end); "" unknown */
	uint32_t uid, gid;	/* at exec (or when first seen); -1 unknown */
	uint64_t last_used;
};

struct proc_cache;

struct proc_cache *proc_cache__new(size_t capacity, uint64_t grace_ns);
void proc_cache__free(struct proc_cache *c);
/* The live or recently exited process pid, or NULL (counted as a miss). */
struct proc_info *proc_cache__get(struct proc_cache *c, uint32_t pid);
/* Records pid as a new image (fork or exec), evicting if full. An image
 * of the same process that it replaces is kept aside (proc_cache__old). */
struct proc_info *proc_cache__put(struct proc_cache *c, uint32_t pid, uint64_t start_ns,
				  uint64_t exec_seq, uint64_t now_ns);
/* An image that an exec replaced, or NULL. */
const struct proc_info *proc_cache__old(const struct proc_cache *c, uint32_t pid,
					uint64_t start_ns, uint64_t exec_seq);
void proc_cache__exit(struct proc_cache *c, uint32_t pid, uint64_t now_ns);
/* pid from /proc (comm, ppid, start in ticks), or NULL when it is gone. */
struct proc_info *proc_cache__load(struct proc_cache *c, uint32_t pid);
/* binary, cwd, args and ids from /proc, once (p->detailed). */
void proc_cache__load_details(struct proc_info *p);
/* Seeds the cache from /proc: the fallback of the task iterator. */
int proc_cache__seed_proc(struct proc_cache *c);
/* args from NUL-separated argv of len bytes. */
void proc_info__set_args(struct proc_info *p, const char *argv, size_t len);
/* exec_id from a new start or exec sequence. */
void proc_info__set_image(struct proc_info *p, uint64_t start_ns, uint64_t exec_seq, bool exact);
/* readlink /proc/PID/cwd into buf; 0 or -errno. */
int proc_cwd(uint32_t pid, char *buf, size_t sz);
size_t proc_cache__size(const struct proc_cache *c);
size_t proc_cache__capacity(const struct proc_cache *c);
/* Changes whenever an entry is added, replaced or exits. */
uint64_t proc_cache__generation(const struct proc_cache *c);
void proc_cache__stats(const struct proc_cache *c, uint64_t *hits, uint64_t *misses,
		       uint64_t *evictions);
/* "<pid>-<start>-<exec_seq>" in hex. */
void exec_id__format(char *buf, size_t sz, uint32_t pid, uint64_t start_ns, uint64_t exec_seq);
/* /proc start times have tick precision: the same process within 10 ms. */
bool proc_info__same_start(const struct proc_info *p, uint64_t start_ns);
#endif
