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
