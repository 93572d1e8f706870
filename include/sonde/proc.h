/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Process lifecycle events: bpf/proc.bpf.c -> src/collectors/proc.c. */
#ifndef SONDE_PROC_H
#define SONDE_PROC_H
#include "sonde/task.h"

#define PROC_ARGS_MAX	4096	/* argv bytes per exec (power of two: used as a mask) */
#define PROC_PATH_MAX	256
#define PROC_CWD_MAX	4096	/* the cwd, as bpf/dpath.bpf.h writes it */

enum proc_ev_type {
	PROC_EV_EXEC = 1,
	PROC_EV_FORK,
	PROC_EV_EXIT,
};

enum proc_ev_flags {
	PROC_F_ARGS_TRUNCATED	= 1 << 0,	/* argv longer than PROC_ARGS_MAX */
	PROC_F_ARGS_UNREADABLE	= 1 << 1,	/* the read of argv failed */
	PROC_F_PATH_UNREADABLE	= 1 << 2,	/* the read of the binary path failed */
	PROC_F_CWD_UNKNOWN	= 1 << 3,	/* the cwd could not be read (or is too deep) */
};

/* Fork and exit events stop before `path`; exec events stop after
 * args_len bytes of args and then cwd_len bytes of the cwd, leaf first
 * ("d/parent/top", "" for /). */
struct sonde_proc_event {
	struct sonde_task task;	/* kind: enum proc_ev_type */
	__u32 flags;
	__s32 exit_code;	/* exit: wait status (code << 8 | signal) */
	__u32 args_len;		/* exec: bytes of args used (NUL-separated) */
	__u32 cwd_len;		/* exec: bytes of cwd after the args, with the NUL; 0: unknown */
	char path[PROC_PATH_MAX];
	char args[PROC_ARGS_MAX + PROC_CWD_MAX];
};

#define PROC_EV_HDR_SIZE __builtin_offsetof(struct sonde_proc_event, path)

enum proc_drop {
	PROC_DROP_RINGBUF_FULL,	/* event not delivered: ring buffer full */
	PROC_DROP_MAX,
};
#endif
