// SPDX-License-Identifier: GPL-2.0-only
/* CPU profiles aggregated in the kernel: a perf_event program samples the
 * running task's kernel and user stacks (frame pointers) into a stack map
 * and counts each (process image, user stack, kernel stack) in a hash.
 *
 * Two buffers (maps ..0 and ..1): the programs write to buffer `gen`, and
 * user space flips gen, then drains and clears the other one a whole
 * drain interval later, when no program can still be writing to it. A
 * stack id is only ever read from the map it was made in. */
#include "sonde.bpf.h"
#include "sonde/profile.h"

#define EFAULT 14
#define EEXIST 17
#define ENOMEM 12

struct stacks {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);	/* set from config */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PROFILE_MAX_DEPTH * sizeof(__u64));
};

struct counts {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);	/* set from config */
	__type(key, struct profile_key);
	__type(value, __u64);	/* samples, or off-CPU ns */
};

struct stacks stacks0 SEC(".maps"), stacks1 SEC(".maps");
struct counts counts0 SEC(".maps"), counts1 SEC(".maps");
struct counts offcpu0 SEC(".maps"), offcpu1 SEC(".maps");	/* ns off the CPU */

/* Threads switched out while blocked (off-CPU). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);	/* set from config */
	__type(key, __u32);	/* tid */
	__type(value, struct offcpu_start);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROF_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Process images seen, so that each new one is told to user space once. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct profile_proc);
	__type(value, __u8);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} procs SEC(".maps");

__u32 gen;	/* the buffer being written: user space flips it */
const volatile __u64 offcpu_min_ns = 0;	/* shorter blocks are not counted */

static __always_inline void count(__u32 i, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &i);

	if (c)
		*c += n;
}

static __always_inline void stack_error(long id, bool user)
{
	if (id == -EEXIST)
		count(PROF_C_COLLISION, 1);
	else if (id == -ENOMEM)
		count(PROF_C_STACKS_FULL, 1);
	else if (user)
		count(PROF_C_USTACK_FAULT, 1);
}

/* The current task's process image and comm. */
static __always_inline void key_task(struct profile_key *k, struct task_struct *t)
{
	k->pid = BPF_CORE_READ(t, tgid);
	k->exec_seq = BPF_CORE_READ(t, self_exec_id);
	k->start_ns = BPF_CORE_READ(t, group_leader, start_time);
	bpf_get_current_comm(k->comm, sizeof(k->comm));
}

/* Tell user space about an image it has not seen, to read its mappings
 * while it still runs. */
static __always_inline void note_proc(const struct profile_key *k)
{
	struct profile_rec_proc r = {
		.type = PROF_R_PROC, .p = { .pid = k->pid, .exec_seq = k->exec_seq, .start_ns = k->start_ns },
	};
	__u8 one = 1;

	if (bpf_map_lookup_elem(&seen, &r.p))
		return;
	bpf_map_update_elem(&seen, &r.p, &one, BPF_ANY);
	if (bpf_ringbuf_output(&procs, &r, sizeof(r), 0))
		count(PROF_C_PROCS_LOST, 1);
}

/* Stacks of the current task into buffer g's map, the kernel's without
 * its innermost kskip frames; false when the sample has neither. */
static __always_inline bool take_stacks(void *ctx, struct profile_key *k, __u32 g, bool kthread, __u64 kskip)
{
	long ks, us;

	if (g) {
		ks = bpf_get_stackid(ctx, &stacks1, kskip & BPF_F_SKIP_FIELD_MASK);
		us = kthread ? -EFAULT : bpf_get_stackid(ctx, &stacks1, BPF_F_USER_STACK);
	} else {
		ks = bpf_get_stackid(ctx, &stacks0, kskip & BPF_F_SKIP_FIELD_MASK);
		us = kthread ? -EFAULT : bpf_get_stackid(ctx, &stacks0, BPF_F_USER_STACK);
	}
	if (ks < 0 && ks != -EFAULT)
		stack_error(ks, false);
	if (us < 0 && !kthread)
		stack_error(us, true);
	k->kstack = ks;
	k->ustack = us;
	return ks >= 0 || us >= 0;
}

/* n more for k; false when the table is full. */
static __always_inline bool add(void *counts, const struct profile_key *k, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(counts, k);

	if (v) {
		__sync_fetch_and_add(v, n);
		return true;
	}
	if (bpf_map_update_elem(counts, k, &n, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(counts, k);	/* another CPU made it meanwhile */
		if (!v)
			return false;
		__sync_fetch_and_add(v, n);
	}
	return true;
}

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *t = (void *)bpf_get_current_task();
	struct profile_key k = {};
	bool kthread;
	__u32 g = gen & 1;

	if (!(__u32)pid_tgid) {
		count(PROF_C_IDLE, 1);
		return 0;
	}
	if (!filter_pass(pid_tgid))
		return 0;
	count(PROF_C_SAMPLES, 1);
	key_task(&k, t);
	kthread = !BPF_CORE_READ(t, mm);
	if (kthread)
		count(PROF_C_NO_USER, 1);
	if (!take_stacks(ctx, &k, g, kthread, 0))
		return 0;
	if (k.kstack == -EFAULT && !kthread)
		count(PROF_C_KERNEL_USER_MODE, 1);
	if (!kthread)
		note_proc(&k);
	if (!add(g ? (void *)&counts1 : (void *)&counts0, &k, 1))
		count(PROF_C_COUNTS_FULL, 1);
	return 0;
}

/* task->__state (5.14+), ->state before. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___old *)t, state);
}

/* Off-CPU, from the scheduler: at switch-out (in prev's context, so its
 * stacks are the current ones) a blocked thread's stacks go into the
 * buffer being written; when it runs again the time since is added to
 * them there, or, if user space has saved them meanwhile (it does before
 * clearing a buffer's stack map), sent to it through the ring. Loaded only
 * when off-CPU profiling is asked for. */
SEC("tp_btf/sched_switch")
int BPF_PROG(profile_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns(), pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = BPF_CORE_READ(next, pid), g = gen & 1;
	struct offcpu_start *s;

	if (!preempt && (__u32)pid_tgid && filter_pass(pid_tgid) && task_state(prev)) {
		struct offcpu_start st = { .ts_ns = now, .tag = g };

		key_task(&st.k, prev);
		/* The two innermost kernel frames are this program and the
		 * tracepoint's dispatch (bpf_trace_run4), not the thread's. */
		if (take_stacks(ctx, &st.k, g, !BPF_CORE_READ(prev, mm), 2) &&
		    bpf_map_update_elem(&blocked, &(__u32){ (__u32)pid_tgid }, &st, BPF_ANY))
			count(PROF_C_OFFCPU_LOST, 1);
	}
	if (!tid)
		return 0;
	s = bpf_map_lookup_elem(&blocked, &tid);
	if (!s)
		return 0;
	if (now - s->ts_ns >= offcpu_min_ns) {
		bool ok;

		if (s->tag == OFFCPU_SAVED) {
			struct profile_rec_offcpu r = { PROF_R_OFFCPU, tid, s->ts_ns, now - s->ts_ns };

			ok = !bpf_ringbuf_output(&procs, &r, sizeof(r), 0);
		} else {
			if (s->k.pid)
				note_proc(&s->k);
			ok = add(s->tag ? (void *)&offcpu1 : (void *)&offcpu0, &s->k, now - s->ts_ns);
		}
		count(ok ? PROF_C_OFFCPU_BLOCKS : PROF_C_OFFCPU_LOST, 1);
	}
	bpf_map_delete_elem(&blocked, &tid);
	return 0;
}
