// SPDX-License-Identifier: GPL-2.0-only
/* The floor probe: empty BPF programs on the syscall hooks sonde uses.
 * Whatever an empty program costs per syscall is the least any tracer on
 * that hook can add, so sonde's overhead is judged against it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sys_enter")
int empty_raw_enter(void *ctx) { return 0; }

SEC("raw_tp/sys_exit")
int empty_raw_exit(void *ctx) { return 0; }

SEC("tracepoint/raw_syscalls/sys_enter")
int empty_tp_enter(void *ctx) { return 0; }

SEC("tracepoint/raw_syscalls/sys_exit")
int empty_tp_exit(void *ctx) { return 0; }

SEC("tp_btf/sys_enter")
int empty_btf_enter(void *ctx) { return 0; }

SEC("tp_btf/sys_exit")
int empty_btf_exit(void *ctx) { return 0; }

/* The L7 floor: one empty program on the per-syscall tracepoints of the
 * l7 collector (attached by name from floor.c). */
SEC("tracepoint")
int empty_tp_any(void *ctx) { return 0; }

/* The TLS floor adds this on entry and return of the OpenSSL functions the
 * l7 collector probes. */
SEC("uprobe")
int empty_uprobe(void *ctx) { return 0; }

/* The network floor: empty programs on the hooks of sonde's tcp and flows
 * collectors. The sock_ops one asks for the RTT and state callbacks as
 * sonde's does, so the kernel makes the same calls per round trip. */
SEC("tc")
int empty_tc_ingress(struct __sk_buff *skb) { return -1; /* TCX_NEXT */ }

SEC("tc")
int empty_tc_egress(struct __sk_buff *skb) { return -1; }

SEC("sockops")
int empty_sockops(struct bpf_sock_ops *skops)
{
	if (skops->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
	    skops->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
					  BPF_SOCK_OPS_RTT_CB_FLAG | BPF_SOCK_OPS_STATE_CB_FLAG);
	return 1;
}

/* The enforcement floor: empty_tp_any on the enforce collector's
 * tracepoints (from floor.c), and these on its cgroup sock_addr hooks
 * (1: allow). */
SEC("cgroup/connect4")
int empty_connect4(struct bpf_sock_addr *ctx) { return 1; }

SEC("cgroup/connect6")
int empty_connect6(struct bpf_sock_addr *ctx) { return 1; }

SEC("cgroup/bind4")
int empty_bind4(struct bpf_sock_addr *ctx) { return 1; }

SEC("cgroup/bind6")
int empty_bind6(struct bpf_sock_addr *ctx) { return 1; }
