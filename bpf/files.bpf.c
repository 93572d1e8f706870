// SPDX-License-Identifier: GPL-2.0-only
/* File events: open, unlink and rename families, one event per call.
 *
 * The entry of each syscall saves its arguments (user pointers, flags) by
 * thread; the exit reads the strings, which the kernel has just copied in
 * (KERNEL.md 4d: a read at entry can fault on a page not yet touched), and
 * emits the event with the result. Per-syscall tracepoints, not the raw
 * sys_enter/sys_exit: only these calls run a program. */
#include "sonde.bpf.h"
#include "dpath.bpf.h"
#include "sonde/files.h"

#define AT_FDCWD	-100
#define O_CREAT_WRONLY_TRUNC	(01 | 0100 | 01000)
#define AT_REMOVEDIR	0x200
#define ENAMETOOLONG	36

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 21);	/* set from config */
} events SEC(".maps");

/* Calls between entry and exit, by tid. A plain hash: an LRU would evict
 * silently; a full table is counted instead. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct file_call);
} inflight SEC(".maps");

/* Events are built here and copied out at their real length. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sonde_file_event);
} scratch SEC(".maps");

SONDE_DROPS(FILE_DROP_MAX)

const volatile bool failed_only = false;
const volatile __u32 nprefixes = 0;
const volatile char prefixes[FILE_PREFIXES][FILE_PREFIX_LEN] = {};

static __always_inline int enter(long nr, __u16 op, int dfd, __u64 path, int dfd2, __u64 path2,
				 __u64 flags, __u32 mode, bool how)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = id;
	struct file_call c = {
		.path = path, .path2 = path2, .flags = flags, .mode = mode,
		.dfd = dfd, .dfd2 = dfd2, .nr = (int)nr, .op = op, .how = how,
	};

	if (!filter_pass(id))
		return 0;
	if (bpf_map_update_elem(&inflight, &tid, &c, BPF_ANY))
		drop(FILE_DROP_INFLIGHT_FULL);
	return 0;
}

static __always_inline bool has_prefix(const char *path)
{
	for (__u32 i = 0; i < FILE_PREFIXES && i < nprefixes; i++) {
		bool match = true;

		for (int j = 0; j < FILE_PREFIX_LEN; j++) {
			char want = prefixes[i][j];

			if (!want)
				break;
			if (path[j] != want) {
				match = false;
				break;
			}
		}
		if (match)
			return true;
	}
	return false;
}

#define DATA_MASK (FILE_DATA_MAX - 1)

/* Reads a user string into e->data at off; returns its length with the
 * NUL (1 for an unreadable one, which gets `unreadable` in flags). */
static __always_inline __u32 read_path(struct sonde_file_event *e, __u32 off, __u64 uptr,
				       __u32 unreadable)
{
	char *dst = e->data + (off & DATA_MASK);
	long n = bpf_probe_read_user_str(dst, FILE_PATH_MAX, (void *)uptr);

	if (n <= 0) {
		dst[0] = '\0';
		e->ev_flags |= unreadable;
		return 1;
	}
	return n;
}

/* Whether the path at off in the scratch event may hold "..": such a path
 * may leave (or enter) a prefix once normalized, so user space decides.
 * Eight bytes a step, as a byte-by-byte loop over 4 KiB has more branches
 * than the verifier follows (8192 jumps); any two adjacent dots count,
 * and bytes past the string are stale, so this errs towards "maybe".
 * Global, so the verifier walks this loop once. */
__noinline int file_has_dotdot(__u32 off, __u32 len)
{
	const __u64 ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	struct sonde_file_event *e;
	__u32 zero = 0;
	__u64 carry = 0;

	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	off &= DATA_MASK;
	for (__u32 i = 0; i < len && i < FILE_PATH_MAX; i += 8) {
		__u64 w = *(__u64 *)(e->data + ((off + i) & DATA_MASK));
		__u64 x = w ^ 0x2e2e2e2e2e2e2e2eULL;	/* '.' bytes become 0 */
		__u64 dots = (x - ones) & ~x & highs;	/* high bit of each (maybe) '.' */

		if ((dots & (dots >> 8)) || (carry && (dots & 0x80)))
			return 1;
		carry = dots >> 63;
	}
	return 0;
}

static __always_inline bool relative(struct sonde_file_event *e, __u32 off, __u32 len)
{
	return len && e->data[off & DATA_MASK] != '/';
}

static __always_inline int do_exit(long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	struct sonde_file_event *e;
	struct file_call *c;
	__u32 tid = id, zero = 0, n, n2 = 0, b = 0, b2 = 0;

	c = bpf_map_lookup_elem(&inflight, &tid);
	if (!c)
		return 0;
	if (failed_only && ret >= 0)
		goto out;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		goto out;
	sonde_task_fill(&e->task, task, c->op);
	e->flags = c->flags;
	e->ret = ret;
	e->mode = c->mode;
	e->dfd = c->dfd;
	e->dfd2 = c->dfd2;
	e->nr = c->nr;
	e->ev_flags = 0;
	if (c->how) {	/* openat2: flags and mode are in struct open_how */
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), (void *)c->flags);
		e->flags = how.flags;
		e->mode = how.mode;
	}
	n = read_path(e, 0, c->path, FILE_F_PATH_UNREADABLE);
	if (n == FILE_PATH_MAX && ret == -ENAMETOOLONG)
		e->ev_flags |= FILE_F_PATH_TRUNCATED;
	if (c->path2) {
		n2 = read_path(e, n, c->path2, FILE_F_PATH2_UNREADABLE);
		if (n2 == FILE_PATH_MAX && ret == -ENAMETOOLONG)
			e->ev_flags |= FILE_F_PATH2_TRUNCATED;
	}
	if (nprefixes) {
		/* Relative paths are matched in user space, once resolved. */
		if (relative(e, 0, n) || relative(e, n, n2) || file_has_dotdot(0, n) ||
		    (n2 && file_has_dotdot(n, n2)))
			e->ev_flags |= FILE_F_MATCH_LATER;
		else if (!has_prefix(e->data) && !(n2 && has_prefix(e->data + (n & DATA_MASK))))
			goto out;
	}
	if (relative(e, 0, n) &&
	    !(b = dpath_read(e->data + ((n + n2) & DATA_MASK), task_dir(task, c->dfd))))
		e->ev_flags |= FILE_F_BASE_UNKNOWN;
	if (relative(e, n, n2) &&
	    !(b2 = dpath_read(e->data + ((n + n2 + b) & DATA_MASK), task_dir(task, c->dfd2))))
		e->ev_flags |= FILE_F_BASE2_UNKNOWN;
	e->path_len = n;
	e->path2_len = n2;
	e->base_len = b;
	e->base2_len = b2;
	n = (n + n2 + b + b2) & (2 * FILE_DATA_MAX - 1);
	if (n > FILE_DATA_MAX)
		n = FILE_DATA_MAX;
	if (bpf_ringbuf_output(&events, e, FILE_EV_HDR_SIZE + n,
			       sonde_rb_flags(&events, FILE_EV_HDR_SIZE + n, false)))
		drop(FILE_DROP_RINGBUF_FULL);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

/* One exit program for every call: the exits differ only in their
 * tracepoint, so user space attaches this one to each sys_exit_NAME whose
 * enter_NAME it loaded (one verification instead of ten). */
SEC("tracepoint")
int file_exit(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit(ctx->ret);
}

#define A(i) (ctx->args[i])
#define FILE_SYSCALL(name, op, dfd, path, dfd2, path2, flags, mode, how)		\
	SEC("tracepoint/syscalls/sys_enter_" #name)					\
	int enter_##name(struct trace_event_raw_sys_enter *ctx)			\
	{										\
		return enter(ctx->id, op, dfd, path, dfd2, path2, flags, mode, how);	\
	}

FILE_SYSCALL(open, FILE_OP_OPEN, AT_FDCWD, A(0), 0, 0, A(1), A(2), 0)
FILE_SYSCALL(creat, FILE_OP_OPEN, AT_FDCWD, A(0), 0, 0, O_CREAT_WRONLY_TRUNC, A(1), 0)
FILE_SYSCALL(openat, FILE_OP_OPEN, A(0), A(1), 0, 0, A(2), A(3), 0)
/* openat2: flags holds the struct open_how pointer until the exit. */
FILE_SYSCALL(openat2, FILE_OP_OPEN, A(0), A(1), 0, 0, A(2), 0, 1)
FILE_SYSCALL(unlink, FILE_OP_UNLINK, AT_FDCWD, A(0), 0, 0, 0, 0, 0)
FILE_SYSCALL(unlinkat, FILE_OP_UNLINK, A(0), A(1), 0, 0, A(2), 0, 0)
FILE_SYSCALL(rmdir, FILE_OP_UNLINK, AT_FDCWD, A(0), 0, 0, AT_REMOVEDIR, 0, 0)
FILE_SYSCALL(rename, FILE_OP_RENAME, AT_FDCWD, A(0), AT_FDCWD, A(1), 0, 0, 0)
FILE_SYSCALL(renameat, FILE_OP_RENAME, A(0), A(1), A(2), A(3), 0, 0, 0)
FILE_SYSCALL(renameat2, FILE_OP_RENAME, A(0), A(1), A(2), A(3), A(4), 0, 0)
