/* Process identity: pid + start time + exec time -> an exec_id that is
 * unique per exec and survives pid reuse, with the parent's, kept in a
 * bounded cache (exited processes stay for a grace period so late events
 * still resolve). Every collector may look processes up here. */
#ifndef SONDE_PROC_CACHE_H
#define SONDE_PROC_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXEC_ID_LEN 48

struct proc_info {
	uint32_t pid, ppid;
	uint64_t start_ns;	/* process start, CLOCK_MONOTONIC */
	uint64_t exec_ns;	/* last exec (or start when none seen) */
	uint64_t exit_ns;	/* 0 while alive */
	char exec_id[EXEC_ID_LEN];
	char parent_exec_id[EXEC_ID_LEN];	/* "" when the parent is unknown */
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
/* Records pid as a new identity (fork or exec), evicting if full. */
struct proc_info *proc_cache__put(struct proc_cache *c, uint32_t pid, uint64_t start_ns,
				  uint64_t exec_ns, uint64_t now_ns);
void proc_cache__exit(struct proc_cache *c, uint32_t pid, uint64_t now_ns);
/* Seeds the cache from /proc (processes that predate the agent). */
int proc_cache__seed(struct proc_cache *c);
/* Adds pid from /proc (comm, ppid, start, binary, cwd), or returns NULL
 * when it is gone. Its start time has the tick precision of /proc. */
struct proc_info *proc_cache__load(struct proc_cache *c, uint32_t pid);
/* args from NUL-separated argv of len bytes. */
void proc_info__set_args(struct proc_info *p, const char *argv, size_t len);
/* readlink /proc/PID/cwd into buf; 0 or -errno. */
int proc_cwd(uint32_t pid, char *buf, size_t sz);
size_t proc_cache__size(const struct proc_cache *c);
void proc_cache__stats(const struct proc_cache *c, uint64_t *hits, uint64_t *misses,
		       uint64_t *evictions);
void exec_id__format(char *buf, size_t sz, uint32_t pid, uint64_t start_ns, uint64_t exec_ns);
#endif
