/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* XDP counters and the CIDR drop list: bpf/xdp.bpf.c -> src/collectors/xdp.c. */
#ifndef SONDE_XDP_H
#define SONDE_XDP_H
#include "sonde/types.h"

enum xdp_proto {
	XDP_P_TCP,
	XDP_P_UDP,
	XDP_P_ICMP,
	XDP_P_ICMPV6,
	XDP_P_OTHER_IPV4,
	XDP_P_OTHER_IPV6,
	XDP_P_ARP,
	XDP_P_OTHER,		/* neither IP nor ARP, or too short to tell */
	XDP_P_MAX,
};

/* Per (interface slot, protocol): what arrived, and what the drop list took. */
struct xdp_count {
	__u64 packets, bytes;
	__u64 dropped;
};

#define XDP_IF_SLOTS 16		/* interfaces with their own counters */

/* LPM trie keys: prefixlen then the address, network order. */
struct xdp_lpm4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct xdp_lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Per rule: packets and bytes it dropped. */
struct xdp_rule_count {
	__u64 packets, bytes;
};
#endif
