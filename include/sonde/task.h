/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The task header every ring-buffer record starts with: who did it, as
 * the kernel saw it at the event. Filled by sonde_task_fill() in
 * bpf/sonde.bpf.h; the user side resolves it to a process identity. */
#ifndef SONDE_TASK_H
#define SONDE_TASK_H
#include "sonde/types.h"

/* A process image is (pid, start_ns, exec_seq): exec_seq is the kernel's
 * task->self_exec_id, which exec increments and fork copies, so every
 * record names the image it came from whichever ring user space drains
 * first; the parent's likewise. */
struct sonde_task {
	__u64 ts_ns;		/* CLOCK_MONOTONIC, at the event */
	__u64 start_ns;		/* the process's start (its leader's task->start_time) */
	__u64 exec_seq;		/* task->self_exec_id */
	__u64 parent_start_ns;	/* the parent process's start */
	__u64 parent_exec_seq;
	__u64 cgroup_id;	/* cgroup v2 id of the task */
	__u32 pid, tid, ppid;	/* process (tgid), thread, parent process */
	__u32 uid, gid;
	__u16 kind;		/* the record type, the collector's own (from 1) */
	__u16 flags;		/* reserved: 0 */
	char comm[SONDE_COMM_LEN];	/* NUL-terminated */
};
#endif
