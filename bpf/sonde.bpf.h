/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by every sonde BPF program. */
#ifndef SONDE_BPF_H
#define SONDE_BPF_H
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sonde/task.h"
#include "sonde/types.h"

/* Filters set by user space before load; 0 / false means "no filter". */
const volatile __u32 filter_tgid = 0;
/* The agent's own process, left out unless trace_self: its /proc reads,
 * bpf() calls and ring reads are not the host's workload. */
const volatile __u32 self_tgid = 0;
const volatile __u64 filter_cgroup = 0;
const volatile bool filter_by_comm = false;
const volatile char filter_comm[SONDE_COMM_LEN] = {};

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < SONDE_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/* Returns true when the current task passes the configured filters. */
static __always_inline bool filter_pass(__u64 pid_tgid)
{
	if (filter_tgid && (__u32)(pid_tgid >> 32) != filter_tgid)
		return false;
	if (self_tgid && (__u32)(pid_tgid >> 32) == self_tgid)
		return false;
	if (filter_cgroup && bpf_get_current_cgroup_id() != filter_cgroup)
		return false;
	if (filter_by_comm) {
		char comm[SONDE_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!comm_matches(comm))
			return false;
	}
	return true;
}

/* Drop counters: one per-CPU slot per reason, read and summed by user space
 * as sonde_events_lost_total{collector,reason}. */
#define SONDE_DROPS(n)							\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, n);					\
		__type(key, __u32);					\
		__type(value, __u64);					\
	} drops SEC(".maps");						\
	static __always_inline void drop(__u32 reason)			\
	{								\
		__u64 *c = bpf_map_lookup_elem(&drops, &reason);	\
		if (c)							\
			(*c)++;						\
	}

#include "sonde/log2.h"

/* Flags for a record of len bytes to bpf_ringbuf_output (queued: false)
 * or bpf_ringbuf_submit (queued: true): wake the consumer only when this
 * record takes the ring past 1/16 full. The kernel's default wakes it for
 * every record it has caught up with, which at 200k events/s is a wakeup
 * and a poll per event; forcing one for every record past the mark costs
 * the traced task an irq_work each. User space also drains every 20 ms
 * (core/evbuf.c), which covers a crossing two CPUs raced past. */
static __always_inline __u64 sonde_rb_flags(void *rb, __u64 len, bool queued)
{
	__u64 avail = bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA);
	__u64 mark = bpf_ringbuf_query(rb, BPF_RB_RING_SIZE) / 16;

	if (queued)
		avail = avail > len ? avail - len : 0;
	return avail < mark && avail + len >= mark ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* The common task header of a record about task t (the current task, or
 * one a hook names: the child at fork). uid, gid and cgroup are the
 * current task's: at fork the parent's, which the child shares. */
static __always_inline void sonde_task_fill(struct sonde_task *h, struct task_struct *t, __u16 kind)
{
	struct task_struct *parent = BPF_CORE_READ(t, real_parent);
	__u64 ug = bpf_get_current_uid_gid();

	h->ts_ns = bpf_ktime_get_ns();
	h->start_ns = BPF_CORE_READ(t, group_leader, start_time);
	h->exec_seq = BPF_CORE_READ(t, self_exec_id);
	h->parent_start_ns = BPF_CORE_READ(parent, group_leader, start_time);
	h->parent_exec_seq = BPF_CORE_READ(parent, self_exec_id);
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(parent, tgid);
	h->uid = (__u32)ug;
	h->gid = ug >> 32;
	h->kind = kind;
	h->flags = 0;
	BPF_CORE_READ_STR_INTO(&h->comm, t, comm);
}

/* ---- Kernel-version shims: one place for every CO-RE guard. ---- */

/* bpf_get_current_task_btf() appeared in 5.11; 5.10 rejects the call
 * ("invalid func unknown#158"). Code behind this check is not visited by
 * the verifier on kernels without it: the relocated constant prunes it. */
static __always_inline bool have_task_btf(void)
{
	return bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf);
}

/* CLOCK_MONOTONIC at tick resolution: what per-packet paths can afford
 * (a clock read costs ~100 ns on some VMs). 5.11+; the precise clock
 * before that. */
static __always_inline __u64 sonde_coarse_ns(void)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_ktime_get_coarse_ns))
		return bpf_ktime_get_coarse_ns();
	return bpf_ktime_get_ns();
}

/* The coarse clock, read once per tick on each CPU. On the per-packet
 * paths a helper call with its return thunk costs 50-100 ns on mitigated
 * VMs; the verifier inlines the jiffies read and the per-CPU array lookup
 * instead. The coarse clock only moves at ticks, so the value is what the
 * helper would return, give or take the one tick by which a reader can
 * see jiffies move before the timekeeper does. An object that wants it
 * defines SONDE_TICK_CLOCK before including this header. */
#ifdef SONDE_TICK_CLOCK
struct sonde_tick {
	__u64 jiffies, ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sonde_tick);
} sonde_ticks SEC(".maps");

static __always_inline __u64 sonde_tick_ns(void)
{
	__u32 zero = 0;
	struct sonde_tick *t = bpf_map_lookup_elem(&sonde_ticks, &zero);
	__u64 j = bpf_jiffies64();

	if (!t)
		return sonde_coarse_ns();
	if (t->jiffies != j) {
		t->jiffies = j;
		t->ns = sonde_coarse_ns();
	}
	return t->ns;
}
#endif

/* sonde_task_fill for the current task, cheaper where the kernel has the
 * BTF task (5.11+): its fields are plain loads, not one helper call each. */
static __always_inline void sonde_task_fill_current(struct sonde_task *h, __u16 kind)
{
	struct task_struct *t, *parent;
	__u64 ug;

	if (!have_task_btf()) {
		sonde_task_fill(h, (struct task_struct *)bpf_get_current_task(), kind);
		return;
	}
	t = bpf_get_current_task_btf();
	parent = t->real_parent;
	ug = bpf_get_current_uid_gid();
	h->ts_ns = bpf_ktime_get_ns();
	h->start_ns = t->group_leader->start_time;
	h->exec_seq = t->self_exec_id;
	h->parent_start_ns = parent->group_leader->start_time;
	h->parent_exec_seq = parent->self_exec_id;
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = t->tgid;
	h->tid = t->pid;
	h->ppid = parent->tgid;
	h->uid = (__u32)ug;
	h->gid = ug >> 32;
	h->kind = kind;
	h->flags = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

char LICENSE[] SEC("license") = "GPL";
#endif
