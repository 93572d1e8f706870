/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Packet flows counted at tc: bpf/flows.bpf.c -> src/collectors/flows.c. */
#ifndef SONDE_FLOW_H
#define SONDE_FLOW_H
#include "sonde/types.h"

/* A flow: one direction of a 5-tuple on one interface. Addresses in
 * network order (IPv4 in the first 4 bytes), ports in host order. */
struct flow_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport, dport;
	__u16 family;		/* AF_INET, AF_INET6 */
	__u8 proto;		/* IPPROTO_* */
	__u8 egress;		/* 1: leaving the interface, 0: arriving */
	__u32 ifindex;
};

struct flow_count {
	__u64 packets, bytes;
	__u64 first_ns, last_ns;	/* CLOCK_MONOTONIC */
};

/* Each CPU's last flows, per buffer (bpf/flows.bpf.c). */
#define FLOW_SLOTS_BITS	5
#define FLOW_SLOTS	(1 << FLOW_SLOTS_BITS)

/* A CPU's last flow in a slot and what it counted since it went into the table. */
struct flow_last {
	struct flow_key k;
	__u32 pad;
	struct flow_count n;
};

/* A flow record, as the collector emits it after a drain: the counts since
 * the last drain (the kernel's entry is taken out as it is read). */
struct sonde_flow_event {
	struct flow_key k;
	__u64 packets, bytes;
	__u64 first_ns, last_ns;
	char ifname[16];	/* as configured */
};

enum flow_counter {
	FLOW_C_NEW,		/* flows inserted into the table */
	FLOW_C_NOT_IP,		/* packets neither IPv4 nor IPv6 (ARP, ...) */
	FLOW_C_MAX,
};
#endif
