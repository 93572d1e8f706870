// SPDX-License-Identifier: GPL-2.0-only
/* One program per hook kind the attach set knows, each counting its hits
 * in a slot of `hits` (tests/integration/sonde-attach.c drives them). */
#include "sonde.bpf.h"
#include <bpf/bpf_endian.h>
#include <bpf/usdt.bpf.h>
#include "attach_slots.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOT__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u16 target_port = 0;	/* host order */

static __always_inline void hit(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/task/task_rename")
int at_tracepoint(void *ctx)
{
	if (mine())
		hit(SLOT_TRACEPOINT);
	return 0;
}

SEC("raw_tp/task_rename")
int at_raw_tp(void *ctx)
{
	if (mine())
		hit(SLOT_RAW_TP);
	return 0;
}

SEC("tp_btf/task_rename")
int at_tp_btf(void *ctx)
{
	if (mine())
		hit(SLOT_TP_BTF);
	return 0;
}

SEC("uprobe")
int at_uprobe(void *ctx)
{
	hit(SLOT_UPROBE);
	return 0;
}

SEC("uretprobe")
int at_uretprobe(void *ctx)
{
	hit(SLOT_URETPROBE);
	return 0;
}

SEC("usdt")
int BPF_USDT(at_usdt, int arg)
{
	/* The probe's argument arrives: libbpf's argument tables work. */
	if (arg == 42)
		hit(SLOT_USDT);
	return 0;
}

SEC("perf_event")
int at_perf_event(void *ctx)
{
	hit(SLOT_PERF_EVENT);
	return 0;
}

/* UDP to or from target_port, over IPv4 on Ethernet. */
static __always_inline bool our_udp(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(0x0800) || ip->protocol != 17 ||
	    ip->ihl != 5)
		return false;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return false;
	return udp->dest == bpf_htons(target_port) || udp->source == bpf_htons(target_port);
}

SEC("tc")
int at_tc_ingress(struct __sk_buff *skb)
{
	if (our_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		hit(SLOT_TC_INGRESS);
	return -1;	/* TC_ACT_UNSPEC: on to the next filter */
}

SEC("tc")
int at_tc_egress(struct __sk_buff *skb)
{
	if (our_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		hit(SLOT_TC_EGRESS);
	return -1;
}

SEC("xdp")
int at_xdp(struct xdp_md *ctx)
{
	if (our_udp((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		hit(SLOT_XDP);
	return 2;	/* XDP_PASS */
}

SEC("cgroup/connect4")
int at_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(target_port))
		hit(SLOT_CONNECT4);
	return 1;
}

SEC("sockops")
int at_sock_ops(struct bpf_sock_ops *ctx)
{
	if (ctx->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB && ctx->remote_port == bpf_htonl(target_port))
		hit(SLOT_SOCK_OPS);
	return 1;
}

SEC("cgroup_skb/egress")
int at_cgroup_skb(struct __sk_buff *skb)
{
	if (skb->remote_port == bpf_htonl(target_port))
		hit(SLOT_CGROUP_SKB);
	return 1;
}

SEC("socket")
int at_socket(struct __sk_buff *skb)
{
	hit(SLOT_SOCKET_FILTER);
	return skb->len;
}
