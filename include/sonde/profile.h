/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* CPU profiles aggregated in the kernel: bpf/profile.bpf.c ->
 * src/collectors/profile.c. */
#ifndef SONDE_PROFILE_H
#define SONDE_PROFILE_H
#include "sonde/types.h"

#define PROFILE_MAX_DEPTH 127	/* PERF_MAX_STACK_DEPTH */

/* One stack of one process image. Stack ids index the stack map of the
 * same buffer; a negative id is the -errno bpf_get_stackid gave (-EFAULT:
 * no such stack, a user-mode sample's kernel side or a kernel thread's
 * user side). */
struct profile_key {
	__u32 pid;		/* tgid */
	__u32 exec_seq;		/* task->self_exec_id: which image of pid */
	__u64 start_ns;		/* the process's start (its leader's start_time) */
	__s32 ustack, kstack;
	char comm[SONDE_COMM_LEN];	/* the thread's */
};

/* A process image the profile saw for the first time (ring "procs"): its
 * mappings are read at once, while it still runs. */
struct profile_proc {
	__u32 pid, exec_seq;
	__u64 start_ns;
};

/* Counters (per-CPU array "counters"). */
enum {
	PROF_C_SAMPLES,		/* samples taken (after the filters) */
	PROF_C_IDLE,		/* samples of the idle task, not kept */
	PROF_C_KERNEL_USER_MODE,	/* no kernel stack: the sample was in user mode */
	PROF_C_NO_USER,		/* no user stack: a kernel thread */
	PROF_C_USTACK_FAULT,	/* a user task whose user stack could not be read */
	PROF_C_COLLISION,	/* a stack's hash slot held another stack (-EEXIST) */
	PROF_C_STACKS_FULL,	/* the stack map had no free entry (-ENOMEM) */
	PROF_C_COUNTS_FULL,	/* the count table had no room: the sample is lost */
	PROF_C_PROCS_LOST,	/* new-process notes the ring had no room for */
	PROF_C_MAX,
};

#endif
