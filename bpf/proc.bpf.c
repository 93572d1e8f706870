// SPDX-License-Identifier: GPL-2.0-only
/* exec, fork and exit of processes, one event each, through a ring buffer.
 * Strings are read where they are resident: the binary path from the
 * kernel's linux_binprm, argv from the new image's stack, which exec has
 * just written (KERNEL.md 4d: never at syscall entry). */
#include "sonde.bpf.h"
#include "dpath.bpf.h"
#include "sonde/proc.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 21);	/* set from config */
} events SEC(".maps");

SONDE_DROPS(PROC_DROP_MAX)

/* Exec events are built here and copied out at their real length: a
 * fixed 4 KiB reservation per exec would fill the ring ~40 times faster. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sonde_proc_event);
} scratch SEC(".maps");

static __always_inline void fill_common(struct sonde_proc_event *e, __u32 type, struct task_struct *t)
{
	sonde_task_fill(&e->task, t, type);
	e->flags = 0;
	e->exit_code = 0;
	e->args_len = 0;
	e->cwd_len = 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct sonde_proc_event *e;
	unsigned long start, end;
	__u32 zero = 0;
	__u64 len;

	if (!filter_pass(bpf_get_current_pid_tgid()))
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	fill_common(e, PROC_EV_EXEC, p);
	if (bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(bprm, filename)) < 0) {
		e->path[0] = '\0';
		e->flags |= PROC_F_PATH_UNREADABLE;
	}
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > PROC_ARGS_MAX) {
		len = PROC_ARGS_MAX;
		e->flags |= PROC_F_ARGS_TRUNCATED;
	}
	barrier_var(len);
	len &= 2 * PROC_ARGS_MAX - 1;	/* a bound the verifier keeps */
	if (len > PROC_ARGS_MAX)
		len = PROC_ARGS_MAX;
	if (len && bpf_probe_read_user(e->args, len, (void *)start)) {
		len = 0;
		e->flags |= PROC_F_ARGS_UNREADABLE;
	}
	e->args_len = len;
	/* The cwd from the kernel: /proc may be gone by the time user space
	 * reads the event. */
	e->cwd_len = dpath_read(e->args + len, task_dir(p, -100));
	if (!e->cwd_len)
		e->flags |= PROC_F_CWD_UNKNOWN;
	len += e->cwd_len;
	len &= 2 * (PROC_ARGS_MAX + PROC_CWD_MAX) - 1;
	if (len > PROC_ARGS_MAX + PROC_CWD_MAX)
		len = PROC_ARGS_MAX + PROC_CWD_MAX;
	if (bpf_ringbuf_output(&events, e, __builtin_offsetof(struct sonde_proc_event, args) + len,
			       sonde_rb_flags(&events, __builtin_offsetof(struct sonde_proc_event, args) + len,
					      false)))
		drop(PROC_DROP_RINGBUF_FULL);
	return 0;
}

/* Header-only events: fork and exit. */
static __always_inline int emit_small(__u32 type, struct task_struct *t, int exit_code)
{
	struct sonde_proc_event *e = bpf_ringbuf_reserve(&events, PROC_EV_HDR_SIZE, 0);

	if (!e) {
		drop(PROC_DROP_RINGBUF_FULL);
		return 0;
	}
	fill_common(e, type, t);
	e->exit_code = exit_code;
	bpf_ringbuf_submit(e, sonde_rb_flags(&events, PROC_EV_HDR_SIZE, true));
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(proc_fork, struct task_struct *parent, struct task_struct *child)
{
	/* New threads are not new processes. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	if (!filter_pass(bpf_get_current_pid_tgid()))
		return 0;
	return emit_small(PROC_EV_FORK, child, 0);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *p)
{
	/* The process ends with its thread-group leader. */
	if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid))
		return 0;
	if (!filter_pass(bpf_get_current_pid_tgid()))
		return 0;
	return emit_small(PROC_EV_EXIT, p, BPF_CORE_READ(p, exit_code));
}
