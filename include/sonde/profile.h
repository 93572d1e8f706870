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

/* Records of ring "procs". */
enum { PROF_R_PROC = 1, PROF_R_OFFCPU = 2 };

/* A process image the profile saw for the first time: its mappings are
 * read at once, while it still runs. */
struct profile_proc {
	__u32 pid, exec_seq;
	__u64 start_ns;
};

struct profile_rec_proc {
	__u32 type;		/* PROF_R_PROC */
	__u32 pad;
	struct profile_proc p;
};

/* Off-CPU: a thread switched out while blocked, and where. tag: the
 * buffer its stack ids are in, or OFFCPU_SAVED once user space has copied
 * its stacks out (before clearing that buffer's stack map). */
#define OFFCPU_SAVED 2
struct offcpu_start {
	__u64 ts_ns;
	__u32 tag, pad;
	struct profile_key k;
};

/* A thread whose stacks user space saved ran again (PROF_R_OFFCPU). */
struct profile_rec_offcpu {
	__u32 type;		/* PROF_R_OFFCPU */
	__u32 tid;
	__u64 ts_ns;		/* its switch-out, as in offcpu_start */
	__u64 ns;		/* how long it was off the CPU */
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
	PROF_C_OFFCPU_BLOCKS,	/* off-CPU: blocked threads that ran again, counted */
	PROF_C_OFFCPU_LOST,	/* off-CPU: blocks lost to a full table or ring */
	PROF_C_MAX,
};

#endif
