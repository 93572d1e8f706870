// SPDX-License-Identifier: GPL-2.0-only
/* Trivial programs, one per hook type. src/core/features.c loads and
 * attaches each alone to learn what this kernel really supports. */
#include "sonde.bpf.h"

SEC("tracepoint/raw_syscalls/sys_enter")
int probe_tracepoint(void *ctx) { return 0; }

SEC("raw_tp/sys_enter")
int probe_raw_tp(void *ctx) { return 0; }

SEC("tp_btf/sys_enter")
int probe_tp_btf(void *ctx) { return 0; }

SEC("kprobe/vfs_read")
int probe_kprobe(void *ctx) { return 0; }

SEC("fentry/vfs_read")
int probe_fentry(void *ctx) { return 0; }

SEC("uprobe")
int probe_uprobe(void *ctx) { return 0; }

SEC("perf_event")
int probe_perf_event(void *ctx) { return 0; }

SEC("lsm/file_open")
int BPF_PROG(probe_lsm, struct file *file) { return 0; }

SEC("tc")
int probe_tc(struct __sk_buff *skb) { return -1; }	/* TC_ACT_UNSPEC: next filter */

SEC("xdp")
int probe_xdp(struct xdp_md *ctx) { return 2; }		/* XDP_PASS */

SEC("cgroup/connect4")
int probe_sock_addr(struct bpf_sock_addr *ctx) { return 1; }	/* allow */

SEC("sockops")
int probe_sock_ops(struct bpf_sock_ops *ctx) { return 1; }

SEC("cgroup_skb/egress")
int probe_cgroup_skb(struct __sk_buff *skb) { return 1; }	/* allow */

SEC("socket")
int probe_socket(struct __sk_buff *skb) { return skb->len; }	/* keep the whole packet */
