/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading a struct sock: shared by the collectors on network hooks. */
#ifndef SONDE_SOCK_BPF_H
#define SONDE_SOCK_BPF_H
#include <bpf/bpf_endian.h>
#include "sonde/tcp.h"

#define AF_INET		2
#define AF_INET6	10

static __always_inline void sk_tuple(const struct sock *sk, struct tcp_tuple *t)
{
	t->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	/* inet_sport, not skc_num: the move to CLOSE releases the port
	 * (skc_num = 0) before the tracepoint runs. */
	t->sport = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (t->family == AF_INET6) {
		bpf_core_read(t->saddr, sizeof(t->saddr), &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(t->daddr, sizeof(t->daddr), &sk->__sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)t->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)t->daddr, sk, __sk_common.skc_daddr);
	}
}
#endif
