// SPDX-License-Identifier: GPL-2.0-only
/* Enforcement: every hook builds the facts of its event, looks up the
 * rules those facts select in the policy version in force (one LPM lookup
 * per kind of primary key, sonde/enforce.h), checks each candidate's other
 * selectors and acts: an audit record, SIGKILL from the hook, or a denial
 * (cgroup sock_addr hooks return 0: EPERM; LSM hooks return -EPERM).
 * Nothing here grows with the number of rules. */
#define SONDE_DPATH_ABS
#include "sonde.bpf.h"
#include "dpath.bpf.h"
#include "sonde/enforce.h"
#include <bpf/bpf_endian.h>

#define SIGKILL		9
#define EPERM		1
#define O_TRUNC		01000
#define FMODE_WRITE	0x2
#define FMODE_CREATED	0x100000
#define AF_INET		2
#define AF_INET6	10
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "enf_str_match masks little-endian words");

#define REPORT_MAX	4	/* records for one event; the rest are counted */

enum { ENF_DROP_RINGBUF_FULL, ENF_DROP_TORN, ENF_DROP_UNREAD, ENF_DROP_REPORTS, ENF_DROP__COUNT };
SONDE_DROPS(ENF_DROP__COUNT);

/* Set by user space once its LSM programs are attached: deny rules on
 * exec and open are then the LSM's, and the tracepoints leave them. */
bool lsm_on = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_state);
} state SEC(".maps");

/* The inner maps' shapes: user space creates one set per version. Sizes,
 * not types: clang leaves the value structs of inner map definitions as
 * forward declarations, which libbpf cannot size. */
struct rules_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ENF_MAX_RULES);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct enf_rule));
};

struct keys_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, ENF_MAX_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct enf_key));
	__uint(value_size, sizeof(struct enf_cands));
};

struct strs_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ENF_MAX_STRS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct enf_str));
};

struct meta_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct enf_meta));
};

#define OUTER(name, inner)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);	\
		__uint(max_entries, 2);				\
		__type(key, __u32);				\
		__array(values, struct inner);			\
	} name SEC(".maps")

OUTER(pol_rules, rules_map);
OUTER(pol_keys, keys_map);
OUTER(pol_strs, strs_map);
OUTER(pol_meta, meta_map);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * ENF_MAX_RULES);
	__type(key, __u32);
	__type(value, struct enf_stat);
} rule_stats SEC(".maps");

/* open flags with O_TRUNC from the entry, for the exit (O_TRUNC is gone
 * from f_flags by then). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} open_calls SEC(".maps");

/* The facts of one event, and what the matcher found. */
struct enf_scratch {
	struct enf_key key;
	char bin[ENF_STR_MAX] __attribute__((aligned(8)));
	char parent[ENF_STR_MAX] __attribute__((aligned(8)));
	char file[ENF_STR_MAX];
	__u32 bin_len, parent_len, file_len;	/* with the NUL; 0: not read yet */
	__u64 argv[ENF_ARGV_MAX];
	__u32 nargv;				/* ~0: not read yet */
	__u32 slot, version;
	__u64 bin_path, file_path;		/* struct path *: 0 for the current exe */
	__u8 event, family, open_flags, lsm;
	__u16 port, nr;
	__u8 addr[16];
	__u64 arg;
	struct enf_cands cands;			/* the list being checked */
	__u32 nmatch;
	__u16 match[REPORT_MAX];		/* compiled rule ids */
	__u8 strongest;				/* 0: none, else action + 1 */
	__u8 reported;				/* matches beyond REPORT_MAX */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_scratch);
} scratch SEC(".maps");

static __always_inline struct enf_scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

#include "enforce_match.bpf.h"

/* Scratch ready for an event of kind ev, or NULL when the agent itself
 * did it (its own bpf() and open calls are never judged). */
static __always_inline struct enf_scratch *begin(__u8 ev)
{
	struct enf_scratch *sc;

	if (!filter_pass(bpf_get_current_pid_tgid()))
		return NULL;
	sc = scratch_get();
	if (!sc)
		return NULL;
	sc->event = ev;
	sc->bin_path = sc->file_path = 0;
	sc->file_len = 0;
	sc->family = sc->open_flags = sc->lsm = 0;
	sc->port = sc->nr = 0;
	sc->arg = 0;
	__builtin_memset(sc->addr, 0, sizeof(sc->addr));
	return sc;
}

/* A tracepoint's verdict: report, then SIGKILL for kill (and for deny
 * where no LSM decided it). */
static __always_inline int judge_tp(void *ctx, struct enf_scratch *sc)
{
	int v = enf_match(sc);
	bool dry = v & 0x80;

	if (!v)
		return 0;
	v &= 0x7f;
	enf_report(ctx, sc, true, !dry);
	if (!dry && v - 1 >= ENF_ACT_KILL)
		bpf_send_signal(SIGKILL);
	return 0;
}

/* ---- exec: the new image, before its first instruction ---- */

SEC("tracepoint/sched/sched_process_exec")
int enf_exec(void *ctx)
{
	struct enf_scratch *sc = begin(ENF_EV_EXEC);

	return sc ? judge_tp(ctx, sc) : 0;
}

/* ---- open: judged at the exit, on the file the kernel opened ---- */

/* The meta of the version in force, or NULL. */
static __always_inline struct enf_meta *meta_now(void)
{
	__u32 zero = 0, slot;
	struct enf_state *st = bpf_map_lookup_elem(&state, &zero);
	void *metas;

	if (!st)
		return NULL;
	slot = st->slot & 1;
	metas = bpf_map_lookup_elem(&pol_meta, &slot);
	return metas ? bpf_map_lookup_elem(metas, &zero) : NULL;
}

/* Whether an open with these flags could match a rule in force: most
 * opens are reads and most open rules guard writes, and the others then
 * skip the path walk. (A swap after this check leaves the open judged by
 * the version that skipped it: no match.) */
static __always_inline bool open_wanted(__u8 flags)
{
	struct enf_meta *m = meta_now();

	return m && (m->open_flags & (ENF_OPEN_ANY | flags));
}

/* The entry keeps the flags only for truncate rules: O_TRUNC is gone
 * from the file's flags by the exit. */
static __always_inline int open_enter(__u32 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct enf_meta *m;

	if (!(flags & O_TRUNC) || !filter_pass(bpf_get_current_pid_tgid()))
		return 0;
	m = meta_now();
	if (m && (m->open_flags & ENF_OPEN_TRUNC))
		bpf_map_update_elem(&open_calls, &tid, &flags, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_open")
int enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(O_TRUNC);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]);
	return open_enter(flags);
}

/* Attached to each sys_exit_NAME whose enter_NAME loaded. */
SEC("tracepoint")
int enf_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), *saved;
	struct enf_scratch *sc;
	struct task_struct *t;
	struct file **fds, *f = NULL;
	struct fdtable *fdt;
	struct enf_meta *m;
	long fd = ctx->ret;
	unsigned int mode;
	bool trunc = false;

	/* Cheapest first: a failed open, or a policy without open rules. */
	if (fd < 0 || !(m = meta_now()) || !m->open_flags)
		return 0;
	if (m->open_flags & ENF_OPEN_TRUNC) {
		/* Entries are left only by opens with O_TRUNC; one a swap
		 * stranded (kept at entry, not wanted at exit) could be read
		 * by a later open of the thread only across a second swap. */
		saved = bpf_map_lookup_elem(&open_calls, &tid);
		if (saved) {
			trunc = *saved & O_TRUNC;
			bpf_map_delete_elem(&open_calls, &tid);
		}
	}
	if (!(sc = begin(ENF_EV_OPEN)))
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	fdt = BPF_CORE_READ(t, files, fdt);
	if (fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return 0;
	mode = BPF_CORE_READ(f, f_mode);
	if (mode & FMODE_WRITE)
		sc->open_flags |= ENF_OPEN_WRITE;
	if ((mode & FMODE_WRITE) && trunc)
		sc->open_flags |= ENF_OPEN_TRUNC;
	if (mode & FMODE_CREATED)
		sc->open_flags |= ENF_OPEN_CREATE;
	if (!(m->open_flags & (ENF_OPEN_ANY | sc->open_flags)))
		return 0;
	sc->file_len = path_into(sc->file, (__u64)&f->f_path);
	if (!sc->file_len) {
		drop(ENF_DROP_UNREAD);
		return 0;
	}
	return judge_tp(ctx, sc);
}

/* ---- LSM: exec and open denied before they happen ---- */

/* A hook argument (a BTF pointer) as the plain address the global
 * functions take: they accept scalars only. */
static __always_inline __u64 addr_of(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(enf_lsm_exec, struct linux_binprm *bprm)
{
	struct enf_scratch *sc = begin(ENF_EV_EXEC);
	int v;

	if (!sc)
		return 0;
	sc->lsm = 1;
	sc->bin_path = addr_of(bprm->file) + bpf_core_field_offset(struct file, f_path);
	v = enf_match(sc);
	if (!v)
		return 0;
	enf_report(ctx, sc, true, !(v & 0x80));
	return v & 0x80 ? 0 : -EPERM;
}

SEC("lsm/file_open")
int BPF_PROG(enf_lsm_open, struct file *file)
{
	struct enf_scratch *sc = begin(ENF_EV_OPEN);
	unsigned int mode, flags;
	int v;

	if (!sc)
		return 0;
	sc->lsm = 1;
	mode = file->f_mode;
	flags = file->f_flags;
	if (mode & FMODE_WRITE)
		sc->open_flags |= ENF_OPEN_WRITE;
	if ((mode & FMODE_WRITE) && (flags & O_TRUNC))
		sc->open_flags |= ENF_OPEN_TRUNC;
	if (mode & FMODE_CREATED)
		sc->open_flags |= ENF_OPEN_CREATE;
	if (!open_wanted(sc->open_flags))
		return 0;
	sc->file_len = path_into(sc->file, addr_of(file) + bpf_core_field_offset(struct file, f_path));
	if (!sc->file_len)
		return 0;
	v = enf_match(sc);
	if (!v)
		return 0;
	enf_report(ctx, sc, true, !(v & 0x80));
	return v & 0x80 ? 0 : -EPERM;
}

/* ---- connect and bind: the cgroup sock_addr hooks, 0 denies (EPERM) ---- */

static __always_inline int judge_sock(struct bpf_sock_addr *ctx, __u8 ev, bool v6)
{
	struct enf_scratch *sc = begin(ev);
	int v;

	if (!sc)
		return 1;
	sc->family = v6 ? AF_INET6 : AF_INET;
	sc->port = bpf_ntohs(ctx->user_port);
	if (v6) {
		__u32 *a = (__u32 *)sc->addr;

		a[0] = ctx->user_ip6[0]; a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2]; a[3] = ctx->user_ip6[3];
	} else {
		*(__u32 *)sc->addr = ctx->user_ip4;
	}
	v = enf_match(sc);
	if (!v)
		return 1;
	enf_report(ctx, sc, false, !(v & 0x80));
	return (v & 0x80) || (v & 0x7f) - 1 != ENF_ACT_DENY;
}

SEC("cgroup/connect4")
int enf_connect4(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_CONNECT, false); }
SEC("cgroup/connect6")
int enf_connect6(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_CONNECT, true); }
SEC("cgroup/bind4")
int enf_bind4(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_BIND, false); }
SEC("cgroup/bind6")
int enf_bind6(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_BIND, true); }

/* ---- setuid family, ptrace, modules, bpf(): at the call's entry ---- */

static __always_inline int judge_call(struct trace_event_raw_sys_enter *ctx, __u8 ev, __u64 arg)
{
	struct enf_scratch *sc = begin(ev);

	if (!sc)
		return 0;
	sc->nr = ctx->id;
	sc->arg = arg;
	return judge_tp(ctx, sc);
}

#define ENF_CALL(name, ev, arg)							\
	SEC("tracepoint/syscalls/sys_enter_" #name)				\
	int call_##name(struct trace_event_raw_sys_enter *ctx)			\
	{									\
		return judge_call(ctx, ev, arg);				\
	}

ENF_CALL(setuid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(setgid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(setreuid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setregid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setresuid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setresgid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setfsuid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(setfsgid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(ptrace, ENF_EV_PTRACE, ctx->args[1])
ENF_CALL(init_module, ENF_EV_MODULE, 0)
ENF_CALL(finit_module, ENF_EV_MODULE, ctx->args[0])
ENF_CALL(delete_module, ENF_EV_MODULE, 0)
ENF_CALL(bpf, ENF_EV_BPF, ctx->args[0])
