// SPDX-License-Identifier: GPL-2.0-only
/* Packet flows at tc (clsact ingress and egress, or tcx links): packets
 * and bytes per 5-tuple, direction and interface, in a per-CPU LRU table
 * that user space drains with batch reads. The programs only count: they
 * pass every packet on (TC_ACT_UNSPEC / TCX_NEXT), so other filters still
 * see it. */
#define SONDE_TICK_CLOCK
#include "sonde.bpf.h"
#include <bpf/bpf_endian.h>
#include "sonde/flow.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_SCTP	132
#define TC_NEXT		-1	/* TC_ACT_UNSPEC, TCX_NEXT: let the next program decide */

/* An LRU: a full table evicts the oldest flow rather than stop counting.
 * User space tells how many were evicted unread from the inserts it did
 * not drain (FLOW_C_NEW against what it read). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 16384);	/* set from config */
	__type(key, struct flow_key);
	__type(value, struct flow_count);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FLOW_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 i)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &i);

	if (c)
		(*c)++;
}

/* The transport ports at off (TCP, UDP and SCTP start with them). */
/* The packet's linear part, read from the context once (clang would
 * otherwise reload skb->data through a moved pointer, which the verifier
 * refuses). */
struct pkt {
	void *data, *end;
};

static __always_inline void ports(struct __sk_buff *skb, const struct pkt *pk, __u32 off, struct flow_key *k)
{
	void *data = pk->data, *end = pk->end;
	__u16 p[2];

	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP && k->proto != IPPROTO_SCTP)
		return;
	off &= 0xff;	/* at most 14 + 4 + 60: a bound the verifier keeps */
	if (data + off + 4 <= end)
		__builtin_memcpy(p, data + off, 4);
	else if (bpf_skb_load_bytes(skb, off, p, sizeof(p)))
		return;
	k->sport = bpf_ntohs(p[0]);
	k->dport = bpf_ntohs(p[1]);
}

/* Headers by direct access where they are in the linear part (always, for
 * what the stack builds), by bpf_skb_load_bytes otherwise. */
static __always_inline int load(struct __sk_buff *skb, const struct pkt *pk, __u32 off, void *to, __u32 len)
{
	void *data = pk->data, *end = pk->end;

	off &= 0x1f;	/* 14 or 18 */
	if (data + off + 40 <= end) {
		__builtin_memcpy(to, data + off, 40);
		return 0;
	}
	return bpf_skb_load_bytes(skb, off, to, len);
}

static __always_inline int account(struct __sk_buff *skb, bool egress)
{
	struct flow_key k = {};
	struct flow_count *st, fresh = {};
	__u64 now = sonde_tick_ns();
	__u32 off = 14;
	__u16 proto = bpf_ntohs(skb->protocol);
	struct pkt pk = { (void *)(long)skb->data, (void *)(long)skb->data_end };
	__u8 b[40];

	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		off += 4;	/* skb->protocol is the inner one once the VLAN is parsed */
	if (proto == ETH_P_IP) {
		if (load(skb, &pk, off, b, 20))
			return TC_NEXT;
		k.family = AF_INET;
		k.proto = b[9];
		__builtin_memcpy(k.saddr, b + 12, 4);
		__builtin_memcpy(k.daddr, b + 16, 4);
		/* Fragments after the first carry no ports. */
		if (!(bpf_ntohs(*(__u16 *)(b + 6)) & 0x1fff))
			ports(skb, &pk, off + (b[0] & 0xf) * 4, &k);
	} else if (proto == ETH_P_IPV6) {
		if (load(skb, &pk, off, b, 40))
			return TC_NEXT;
		k.family = AF_INET6;
		k.proto = b[6];	/* extension headers are not walked: their flows have no ports */
		__builtin_memcpy(k.saddr, b + 8, 16);
		__builtin_memcpy(k.daddr, b + 24, 16);
		ports(skb, &pk, off + 40, &k);
	} else {
		count(FLOW_C_NOT_IP);
		return TC_NEXT;
	}
	k.egress = egress;
	k.ifindex = skb->ifindex;
	st = bpf_map_lookup_elem(&flows, &k);
	if (!st) {
		fresh.first_ns = now;
		bpf_map_update_elem(&flows, &k, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&flows, &k);
		if (!st)
			return TC_NEXT;
		count(FLOW_C_NEW);
	}
	if (!st->first_ns)
		st->first_ns = now;	/* this CPU's first packet of a flow another CPU began */
	st->packets++;
	st->bytes += skb->len;
	st->last_ns = now;
	return TC_NEXT;
}

SEC("tc")
int flows_ingress(struct __sk_buff *skb)
{
	return account(skb, false);
}

SEC("tc")
int flows_egress(struct __sk_buff *skb)
{
	return account(skb, true);
}
