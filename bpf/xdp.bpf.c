// SPDX-License-Identifier: GPL-2.0-only
/* XDP on configured interfaces: packets and bytes by protocol, and a drop
 * list of IPv4 and IPv6 CIDRs in LPM tries, matched on the source address
 * (or the destination, or either) with a drop counter per rule. Rules
 * change at run time by map updates from user space: the program is
 * never reloaded, and its per-packet cost is one trie lookup whatever the
 * number of rules. */
#include "sonde.bpf.h"
#include <bpf/bpf_endian.h>
#include "sonde/xdp.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_ARP	0x0806
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDP_IF_SLOTS * XDP_P_MAX);
	__type(key, __u32);
	__type(value, struct xdp_count);
} stats SEC(".maps");

/* ifindex -> counter slot, filled by user space for the configured
 * interfaces; others count in the last slot. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDP_IF_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);	/* set from config */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdp_lpm4);
	__type(value, __u32);		/* rule id */
} drop4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);	/* set from config */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdp_lpm6);
	__type(value, __u32);
} drop6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 65536);	/* set from config: rule ids */
	__type(key, __u32);
	__type(value, struct xdp_rule_count);
} rule_drops SEC(".maps");

const volatile bool match_src = true;
const volatile bool match_dst = false;

static __always_inline __u32 *lookup4(const __u8 *a)
{
	struct xdp_lpm4 k = { .prefixlen = 32 };

	__builtin_memcpy(k.addr, a, 4);
	return bpf_map_lookup_elem(&drop4, &k);
}

static __always_inline __u32 *lookup6(const __u8 *a)
{
	struct xdp_lpm6 k = { .prefixlen = 128 };

	__builtin_memcpy(k.addr, a, 16);
	return bpf_map_lookup_elem(&drop6, &k);
}

SEC("xdp")
int xdp_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 len = end - data, proto = XDP_P_OTHER, key, *slot, *rule = NULL, ifi = ctx->ingress_ifindex;
	__u16 type;
	void *l3;
	struct xdp_count *st;

	slot = bpf_map_lookup_elem(&slots, &ifi);
	key = (slot ? *slot : XDP_IF_SLOTS - 1) * XDP_P_MAX;
	if ((void *)(eth + 1) > end)
		goto count;
	type = bpf_ntohs(eth->h_proto);
	l3 = eth + 1;
	if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
		if (l3 + 4 > end)
			goto count;
		type = bpf_ntohs(*(__u16 *)(l3 + 2));
		l3 += 4;
	}
	if (type == ETH_P_IP) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end)
			goto count;
		proto = ip->protocol == 6 ? XDP_P_TCP : ip->protocol == 17 ? XDP_P_UDP :
			ip->protocol == 1 ? XDP_P_ICMP : XDP_P_OTHER_IPV4;
		if (match_src)
			rule = lookup4((const __u8 *)&ip->saddr);
		if (!rule && match_dst)
			rule = lookup4((const __u8 *)&ip->daddr);
	} else if (type == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			goto count;
		proto = ip6->nexthdr == 6 ? XDP_P_TCP : ip6->nexthdr == 17 ? XDP_P_UDP :
			ip6->nexthdr == 58 ? XDP_P_ICMPV6 : XDP_P_OTHER_IPV6;
		if (match_src)
			rule = lookup6(ip6->saddr.in6_u.u6_addr8);
		if (!rule && match_dst)
			rule = lookup6(ip6->daddr.in6_u.u6_addr8);
	} else if (type == ETH_P_ARP) {
		proto = XDP_P_ARP;
	}
count:
	key += proto;
	st = bpf_map_lookup_elem(&stats, &key);
	if (st) {
		st->packets++;
		st->bytes += len;
	}
	if (!rule)
		return XDP_PASS;
	if (st)
		st->dropped++;
	key = *rule;
	{
		struct xdp_rule_count *rc = bpf_map_lookup_elem(&rule_drops, &key);

		if (rc) {
			rc->packets++;
			rc->bytes += len;
		}
	}
	return XDP_DROP;
}
