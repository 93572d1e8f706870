// SPDX-License-Identifier: GPL-2.0-only
/* Syscall counts, failures by errno and latency histograms, aggregated in
 * the kernel. Three hook flavours share one body; user space enables the
 * best one the kernel has (tp_btf > raw_tp > classic tracepoint).
 *
 * The per-call path is kept to one array lookup, one name check and one
 * per-CPU hash update on a u32 key: every nanosecond here is paid by every
 * syscall on the machine. */
#include "sonde.bpf.h"
#include "sonde/syscalls.h"

/* Sizes are set from config before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct sc_thread);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sc_comm);
	__type(value, __u32);
} comm_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);		/* sc_key() */
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SC_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct sc_cache_ent);
} count_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sc_err_key);
	__type(value, __u64);
} errors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SC_NR_MAX);
	__type(key, __u32);
	__type(value, struct sc_hist);
} hists SEC(".maps");

SONDE_DROPS(SC_DROP_MAX)

const volatile __u32 slot_mask = 32767;
/* Latency is timed for 1 in (sample_mask + 1) calls, chosen at random so
 * that periodic call patterns cannot alias; 0 times every call. */
const volatile __u32 sample_mask = 0;
const volatile __u32 nr_cpus = 1;
/* exit and exit_group never reach sys_exit: they are counted at entry, or,
 * when the entry program is attached only in latency windows, at the
 * task's exit (sc_task_exit). */
const volatile long nr_exit = -1, nr_exit_group = -1;
const volatile bool enter_counts_exits = true;

/* Name ids are cpu + nr_cpus * n, from a per-CPU sequence: no atomic
 * fetch-add, which kernels before 5.12 reject. The comm_ids map bounds how
 * many exist; the ids themselves only need to be unique. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} comm_seq SEC(".maps");

/* Calls on this CPU until the next timed one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} countdown SEC(".maps");

/* The BTF task where the kernel has it (5.11+): pid, tgid and name read
 * straight from it cost less than the helpers that copy them. */
static __always_inline struct task_struct *cur_task(void)
{
	return have_task_btf() ? bpf_get_current_task_btf() : NULL;
}

static __always_inline __u64 task_id(struct task_struct *task)
{
	if (!task)
		return bpf_get_current_pid_tgid();
	return (__u64)task->tgid << 32 | (__u32)task->pid;
}

/* This thread's slot, if the filters let the thread through. */
static __always_inline struct sc_thread *slot_of(__u64 id)
{
	__u32 idx = (__u32)id & slot_mask;

	return filter_pass(id) ? bpf_map_lookup_elem(&threads, &idx) : NULL;
}

static __always_inline void sc_count(struct sc_thread *t, struct task_struct *task, __u32 tid,
				     __u32 nr, long ret);

/* Most entries only count down to the next timed call, on a per-CPU
 * counter: no task, no thread slot, no store to a shared line. The exit
 * reads the call's number from its own context. */
static __always_inline void sc_enter(long nr)
{
	struct task_struct *task;
	struct sc_thread *t;
	__u32 zero = 0, *cd;
	__u64 id;

	if (enter_counts_exits && (nr == nr_exit || nr == nr_exit_group)) {
		task = cur_task();
		id = task_id(task);
		t = slot_of(id);
		if (t)
			sc_count(t, task, id, nr, 0);
		return;
	}
	if (sample_mask) {
		cd = bpf_map_lookup_elem(&countdown, &zero);
		if (!cd || (*cd)--)
			return;
		/* Next sample in 0..2N-2 calls (mean N-1 between samples):
		 * random gaps cannot alias with periodic call patterns, and
		 * only sampled calls pay for the random number. */
		*cd = bpf_get_prandom_u32() & (2 * sample_mask);
	}
	id = task_id(cur_task());
	t = slot_of(id);
	if (!t)
		return;
	if (t->ts && t->ts_tid != (__u32)id)
		drop(SC_DROP_SLOT_COLLISION);
	t->ts_tid = id;
	t->ts = bpf_ktime_get_ns();
}

/* Interns a process name; slow path, once per thread and name. */
static __noinline __u32 comm_intern(struct sc_comm *c)
{
	__u32 *v = bpf_map_lookup_elem(&comm_ids, c), zero = 0, id, *seq;
	long err;

	if (v)
		return *v;
	seq = bpf_map_lookup_elem(&comm_seq, &zero);
	if (!seq)
		return SC_COMM_OTHER;
	id = 1 + bpf_get_smp_processor_id() + nr_cpus * (*seq)++;
	if (id >= 1u << (32 - SC_NR_BITS)) {
		drop(SC_DROP_COMM_FULL);
		return SC_COMM_OTHER;
	}
	err = bpf_map_update_elem(&comm_ids, c, &id, BPF_NOEXIST);
	if (!err)
		return id;
	/* Lost a race with another CPU interning the same name, or full. */
	v = bpf_map_lookup_elem(&comm_ids, c);
	if (v)
		return *v;
	drop(SC_DROP_COMM_FULL);
	return SC_COMM_OTHER;
}

static __always_inline void add(void *map, void *key, __u32 reason)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(map, key);

	if (v)
		(*v)++;
	else if (bpf_map_update_elem(map, key, &one, BPF_NOEXIST) &&
		 !bpf_map_lookup_elem(map, key))
		drop(reason);
}

/* Counts one call of the current thread, and its failure if it failed.
 * The name is read straight from the task where there is one (12 ns
 * cheaper than bpf_get_current_comm, which kernels before 5.11 need). */
static __always_inline void sc_count(struct sc_thread *t, struct task_struct *task, __u32 tid,
				     __u32 nr, long ret)
{
	struct sc_comm c;
	__u64 *w = (__u64 *)c.comm;
	__u32 key;

	if (task)
		__builtin_memcpy(c.comm, task->comm, sizeof(c.comm));
	else
		bpf_get_current_comm(c.comm, sizeof(c.comm));
	if (t->tid != tid || t->comm_id == SC_COMM_NONE || t->comm[0] != w[0] ||
	    t->comm[1] != w[1]) {
		t->tid = tid;
		t->comm_id = comm_intern(&c);
		t->comm[0] = w[0];
		t->comm[1] = w[1];
	}
	if (nr >= SC_NR_MAX)
		nr = SC_NR_OTHER;
	key = sc_key(t->comm_id, nr);
	{
		__u32 slot = sc_cache_slot(key);
		struct sc_cache_ent *e = bpf_map_lookup_elem(&count_cache, &slot);

		if (e && e->used && e->key == key) {
			e->count++;
		} else if (e && !e->used) {
			e->key = key;
			e->count = 1;
			/* Readers skip unused slots: publish key and count first. */
			asm volatile("" ::: "memory");
			e->used = 1;
		} else {
			add(&counts, &key, SC_DROP_KEY_FULL);
		}
	}
	if (ret < 0 && ret >= -4095) {
		struct sc_err_key ek = { .key = key, .err = -ret };

		add(&errors, &ek, SC_DROP_ERR_FULL);
	}
}

/* Counts a finished call and, if its entry was timed, its latency. */
static __always_inline void sc_exit(struct task_struct *task, __u32 nr, long ret)
{
	__u64 id = task_id(task);
	__u32 tid = id;
	struct sc_thread *t = slot_of(id);

	if (!t)
		return;
	sc_count(t, task, tid, nr, ret);
	if (t->ts && t->ts_tid == tid) {
		__u64 d = bpf_ktime_get_ns() - t->ts;
		/* 64-bit index: with a u32, clang clamps a zero-extended copy
		 * and indexes with another, which 5.10 to 6.1 verifiers cannot
		 * relate ("R1 unbounded memory access"). */
		__u64 b = sonde_log2_ceil(d);
		__u32 hnr = nr < SC_NR_MAX ? nr : SC_NR_OTHER;
		struct sc_hist *h = bpf_map_lookup_elem(&hists, &hnr);

		t->ts = 0;
		if (!h)
			return;
		if (b >= SC_HIST_SLOTS)
			b = SC_HIST_SLOTS - 1;
		h->slots[b]++;
		h->sum_ns += d;
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long nr)
{
	sc_enter(nr);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	sc_exit(cur_task(), regs->orig_ax, ret);
	return 0;
}

SEC("raw_tp/sys_enter")
int sys_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	sc_enter(ctx->args[1]);
	return 0;
}

/* Only this fallback pays a probe read for the call's number. */
SEC("raw_tp/sys_exit")
int sys_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	sc_exit(cur_task(), BPF_CORE_READ((struct pt_regs *)ctx->args[0], orig_ax), ctx->args[1]);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	sc_enter(ctx->id);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	sc_exit(cur_task(), ctx->id, ctx->ret);
	return 0;
}

/* With latency windows (user space attaches sys_enter_btf only part of the
 * time), exit and exit_group are counted here: a thread that leaves by one
 * of them still has its number in orig_ax; one killed in another call, or
 * in user mode (-1), has not. bpf_task_pt_regs() is 5.15+; user space
 * uses windows only where it exists. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sc_task_exit, struct task_struct *p)
{
	struct task_struct *task;
	struct sc_thread *t;
	long nr;
	__u64 id;

	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return 0;
	task = bpf_get_current_task_btf();
	nr = ((struct pt_regs *)bpf_task_pt_regs(task))->orig_ax;
	if (nr != nr_exit && nr != nr_exit_group)
		return 0;
	id = task_id(task);
	t = slot_of(id);
	if (t)
		sc_count(t, task, id, nr, 0);
	return 0;
}
