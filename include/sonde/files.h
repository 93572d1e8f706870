/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* File events: bpf/files.bpf.c -> src/collectors/files.c. */
#ifndef SONDE_FILES_H
#define SONDE_FILES_H
#include "sonde/task.h"

#define FILE_PATH_MAX	4096	/* bytes per path, with its NUL (power of two: used as a mask) */
#define FILE_PREFIXES	8	/* path prefixes the kernel filters on */
#define FILE_PREFIX_LEN	64
#define FILE_DATA_MAX	(4 * FILE_PATH_MAX)	/* path, path2, base, base2 */

/* The syscalls traced; the enter and exit programs of each share the op. */
enum file_op {
	FILE_OP_OPEN = 1,	/* open, openat, openat2, creat */
	FILE_OP_UNLINK,		/* unlink, unlinkat, rmdir */
	FILE_OP_RENAME,		/* rename, renameat, renameat2 */
	FILE_OP_MAX,
};

enum file_ev_flags {
	FILE_F_PATH_UNREADABLE	= 1 << 0,	/* the read of path failed */
	FILE_F_PATH2_UNREADABLE	= 1 << 1,	/* the read of the new name failed */
	FILE_F_PATH_TRUNCATED	= 1 << 2,	/* longer than FILE_PATH_MAX */
	FILE_F_PATH2_TRUNCATED	= 1 << 3,
	FILE_F_MATCH_LATER	= 1 << 4,	/* prefix filter left to user space (relative, or "..") */
	FILE_F_BASE_UNKNOWN	= 1 << 5,	/* relative path, base not found in the kernel */
	FILE_F_BASE2_UNKNOWN	= 1 << 6,
};

/* What sys_enter saves for sys_exit, keyed by tid: user pointers are read
 * only at exit, when the kernel has faulted the strings in. */
struct file_call {
	__u64 path, path2;	/* user addresses */
	__u64 flags;		/* open flags, unlinkat/renameat2 flags; openat2: its open_how */
	__u32 mode;
	__s32 dfd, dfd2;	/* AT_FDCWD (-100) for plain open/unlink/rename */
	__u16 nr;		/* syscall number */
	__u8 op;
	__u8 how;		/* flags points to a struct open_how (openat2) */
};

/* One event. data holds path, then path2 (rename's new name), then the
 * directories relative ones start from (the cwd or the dirfd's), each
 * written leaf first as "dir/parent/.../top" ("" for /): reversed in user
 * space. A length of 0 means absent. */
struct sonde_file_event {
	struct sonde_task task;	/* at the syscall's exit; kind: enum file_op */
	__u64 flags;
	__s64 ret;		/* fd, 0, or -errno */
	__u32 mode, ev_flags;
	__s32 dfd, dfd2;
	__u16 nr;
	__u16 path_len, path2_len;	/* with the NUL; 0: none */
	__u16 base_len, base2_len;
	__u16 pad;
	/* One path's worth of slack: writes at masked offsets stay inside. */
	char data[FILE_DATA_MAX + FILE_PATH_MAX];
};

#define FILE_EV_HDR_SIZE __builtin_offsetof(struct sonde_file_event, data)

enum file_drop {
	FILE_DROP_RINGBUF_FULL,	/* event not delivered: ring buffer full */
	FILE_DROP_INFLIGHT_FULL,	/* too many calls in flight: call not traced */
	FILE_DROP_MAX,
};
#endif
