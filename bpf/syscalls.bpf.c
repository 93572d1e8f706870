// SPDX-License-Identifier: GPL-2.0
/* Syscall counts, failures by errno and latency histograms, aggregated in
 * the kernel. Three hook flavours share one body; user space enables the
 * best one the kernel has (tp_btf > raw_tp > classic tracepoint). */
#include "sonde.bpf.h"
#include "sonde/syscalls.h"

/* Sizes are set from config before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct sc_inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sc_key);
	__type(value, struct sc_val);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
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

const volatile __u32 slot_mask = 16383;

static __always_inline void sc_enter(__u64 id, long nr)
{
	__u32 idx = (__u32)id & slot_mask;
	struct sc_inflight *s;

	if (!filter_pass(id))
		return;
	s = bpf_map_lookup_elem(&inflight, &idx);
	if (!s)
		return;
	if (s->tid && s->tid != (__u32)id)
		drop(SC_DROP_SLOT_COLLISION);
	s->tid = (__u32)id;
	s->nr = nr;
	s->ts = bpf_ktime_get_ns();
}

static __always_inline void count_error(__u32 nr, __u32 err, const char *comm)
{
	struct sc_err_key k = { .nr = nr, .err = err };
	__u64 one = 1, *v;

	__builtin_memcpy(k.comm, comm, SONDE_COMM_LEN);
	v = bpf_map_lookup_elem(&errors, &k);
	if (v)
		(*v)++;
	else if (bpf_map_update_elem(&errors, &k, &one, BPF_NOEXIST) &&
		 !bpf_map_lookup_elem(&errors, &k))
		drop(SC_DROP_ERR_FULL);
}

/* Counts one finished syscall; start_ns is 0 when its entry was not seen. */
static __always_inline void sc_account(__u32 nr, long ret, __u64 start_ns)
{
	struct sc_key k = { .nr = nr };
	bool failed = ret < 0 && ret >= -4095;
	struct sc_val *v;

	bpf_get_current_comm(k.comm, sizeof(k.comm));
	v = bpf_map_lookup_elem(&counts, &k);
	if (v) {
		v->calls++;
		v->errors += failed;
	} else {
		struct sc_val init = { .calls = 1, .errors = failed };

		if (bpf_map_update_elem(&counts, &k, &init, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&counts, &k))
			drop(SC_DROP_KEY_FULL);
	}
	if (failed)
		count_error(nr, -ret, k.comm);

	if (start_ns && nr < SC_NR_MAX) {
		struct sc_hist *h = bpf_map_lookup_elem(&hists, &nr);
		__u64 d = bpf_ktime_get_ns() - start_ns;
		__u32 b = log2_ceil(d);

		if (!h)
			return;
		if (b >= SC_HIST_SLOTS)
			b = SC_HIST_SLOTS - 1;
		h->slots[b]++;
		h->sum_ns += d;
	}
}

/* Returns the start time of this thread's call and frees its slot, or 0. */
static __always_inline __u64 take_slot(__u64 id, __u32 *nr)
{
	__u32 idx = (__u32)id & slot_mask;
	struct sc_inflight *s = bpf_map_lookup_elem(&inflight, &idx);
	__u64 ts;

	if (!s || s->tid != (__u32)id)
		return 0;
	*nr = s->nr;
	ts = s->ts;
	s->tid = 0;
	return ts;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long nr)
{
	sc_enter(bpf_get_current_pid_tgid(), nr);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 nr;
	__u64 ts = take_slot(id, &nr);

	if (!ts) {
		if (!filter_pass(id))
			return 0;
		nr = regs->orig_ax;
	}
	sc_account(nr, ret, ts);
	return 0;
}

SEC("raw_tp/sys_enter")
int sys_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	sc_enter(bpf_get_current_pid_tgid(), ctx->args[1]);
	return 0;
}

SEC("raw_tp/sys_exit")
int sys_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 nr;
	__u64 ts = take_slot(id, &nr);

	if (!ts) {
		if (!filter_pass(id))
			return 0;
		nr = BPF_CORE_READ((struct pt_regs *)ctx->args[0], orig_ax);
	}
	sc_account(nr, ctx->args[1], ts);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	sc_enter(bpf_get_current_pid_tgid(), ctx->id);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 nr;
	__u64 ts = take_slot(id, &nr);

	if (!ts && !filter_pass(id))
		return 0;
	sc_account(ctx->id, ctx->ret, ts);
	return 0;
}
