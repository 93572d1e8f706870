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
 * not drain (FLOW_C_NEW against what it read).
 *
 * Two of everything, as buffers: the programs write to buffer `gen`, and
 * user space flips gen, then, once no program can still be writing to
 * the other, drains it without racing them. */
struct flow_table {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 16384);	/* set from config */
	__type(key, struct flow_key);
	__type(value, struct flow_count);
};
struct flow_table flows0 SEC(".maps");
struct flow_table flows1 SEC(".maps");

/* Each CPU's last flows, FLOW_SLOTS per buffer, direct-mapped by a cheap
 * mix of the key: a packet of the flow last seen in its slot on this CPU
 * (a bulk transfer's, each direction and interface in a slot of its own)
 * is counted there, without hashing its whole key; the flow goes into
 * the table when another one takes the slot, or when user space drains
 * the buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * FLOW_SLOTS);
	__type(key, __u32);
	__type(value, struct flow_last);
} last SEC(".maps");

__u32 gen;	/* the buffer being written: user space flips it */

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

static __always_inline bool same_flow(const struct flow_key *a, const struct flow_key *b)
{
	const __u32 *x = (const void *)a, *y = (const void *)b;

#pragma unroll
	for (int i = 0; i < sizeof(*a) / 4; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

static __always_inline __u32 slot_of(const struct flow_key *k)
{
	__u32 x = k->ifindex * 2 + k->egress;

	x ^= (__u32)k->sport << 16 | k->dport;
	x ^= *(const __u32 *)(k->saddr + 12) ^ *(const __u32 *)(k->daddr + 12) ^
	     *(const __u32 *)k->saddr ^ *(const __u32 *)k->daddr;
	x *= 0x9e3779b1;	/* the golden ratio's: the top bits mix all of x */
	return x >> (32 - FLOW_SLOTS_BITS);
}

/* This CPU's last flow into the table of buffer g. */
static __always_inline void flush(__u32 g, const struct flow_last *l)
{
	void *tab = g ? (void *)&flows1 : (void *)&flows0;
	struct flow_count *st = bpf_map_lookup_elem(tab, &l->k);

	if (!st) {
		if (!bpf_map_update_elem(tab, &l->k, &l->n, BPF_NOEXIST)) {
			count(FLOW_C_NEW);
			return;
		}
		st = bpf_map_lookup_elem(tab, &l->k);	/* another CPU's insert won */
		if (!st)
			return;
	}
	if (!st->first_ns || l->n.first_ns < st->first_ns)
		st->first_ns = l->n.first_ns;
	st->packets += l->n.packets;
	st->bytes += l->n.bytes;
	st->last_ns = l->n.last_ns;
}

static __always_inline int account(struct __sk_buff *skb, bool egress)
{
	struct flow_key k = {};
	struct flow_last *l;
	__u64 now = sonde_tick_ns();
	__u32 g, slot;
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
	g = gen & 1;
	slot = g * FLOW_SLOTS + slot_of(&k);
	l = bpf_map_lookup_elem(&last, &slot);
	if (!l)
		return TC_NEXT;
	if (l->n.packets && same_flow(&l->k, &k)) {
		l->n.packets++;
		l->n.bytes += skb->len;
		l->n.last_ns = now;
		return TC_NEXT;
	}
	if (l->n.packets)
		flush(g, l);
	l->k = k;
	l->n.packets = 1;
	l->n.bytes = skb->len;
	l->n.first_ns = l->n.last_ns = now;
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
