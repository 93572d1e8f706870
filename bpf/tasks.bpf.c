// SPDX-License-Identifier: GPL-2.0-only
/* Every process on the machine, once, when the agent starts: the identity
 * cache is seeded from this task iterator (5.8+) with the exact start time
 * and exec sequence that later records carry, in one read instead of
 * several /proc files per process. */
#include "sonde.bpf.h"

SEC("iter/task")
int seed_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct sonde_task h = {};

	/* Processes, not threads. */
	if (!t || t->pid != t->tgid)
		return 0;
	h.start_ns = t->start_time;
	h.exec_seq = t->self_exec_id;
	h.parent_start_ns = BPF_CORE_READ(t, real_parent, group_leader, start_time);
	h.parent_exec_seq = BPF_CORE_READ(t, real_parent, self_exec_id);
	h.cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	h.pid = t->tgid;
	h.tid = t->pid;
	h.ppid = BPF_CORE_READ(t, real_parent, tgid);
	h.uid = BPF_CORE_READ(t, cred, euid.val);
	h.gid = BPF_CORE_READ(t, cred, egid.val);
	BPF_CORE_READ_STR_INTO(&h.comm, t, comm);
	bpf_seq_write(ctx->meta->seq, &h, sizeof(h));
	return 0;
}
