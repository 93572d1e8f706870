/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Slots of attach.bpf.c's hit counters, one per hook kind. */
#ifndef SONDE_TEST_ATTACH_SLOTS_H
#define SONDE_TEST_ATTACH_SLOTS_H
enum attach_slot {
	SLOT_TRACEPOINT, SLOT_RAW_TP, SLOT_TP_BTF, SLOT_UPROBE, SLOT_URETPROBE, SLOT_USDT,
	SLOT_PERF_EVENT, SLOT_TC_INGRESS, SLOT_TC_EGRESS, SLOT_XDP, SLOT_CONNECT4, SLOT_SOCK_OPS,
	SLOT_CGROUP_SKB, SLOT_SOCKET_FILTER,
	/* Bare programs (raw instructions, no bpf_object) count from here. */
	SLOT_RAW_BASE,
	SLOT__COUNT = SLOT_RAW_BASE + 16,
};
#endif
