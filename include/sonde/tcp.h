/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* TCP connections: bpf/tcp.bpf.c -> src/collectors/tcp.c. */
#ifndef SONDE_TCP_H
#define SONDE_TCP_H
#include "sonde/task.h"

enum tcp_ev_type {
	TCP_EV_CLOSE = 1,	/* a connection ended: duration, bytes each way ("tcp") */
	TCP_EV_CONNECT,		/* an active open reached ESTABLISHED: connect latency */
	TCP_EV_ACCEPT,		/* accept() returned a connection: latency is its wait in the queue */
	TCP_EV_RETRANS,		/* a segment was retransmitted */
	TCP_EV_RESET,		/* a reset sent or received */
	TCP_EV_CONNECT_CALL,	/* connect(): the destination asked for, before NAT */
	TCP_EV__MAX = TCP_EV_CONNECT_CALL,
};

enum tcp_role {
	TCP_ROLE_UNKNOWN,	/* opened before sonde started */
	TCP_ROLE_CLIENT,
	TCP_ROLE_SERVER,
};

enum tcp_ev_flags {
	TCP_F_NO_OWNER	= 1 << 0,	/* the owning process is not known: task is zero */
	TCP_F_FAILED	= 1 << 1,	/* close: the connect never reached ESTABLISHED */
	TCP_F_RESET_TX	= 1 << 2,	/* reset: sent (else received) */
	TCP_F_NO_SOCKET	= 1 << 3,	/* reset: sent for a segment no socket took */
	TCP_F_RTT	= 1 << 4,	/* the rtt fields come from sock_ops samples */
	TCP_F_NO_RESULT	= 1 << 5,	/* connect call: taken at the hook, before its result */
};

/* Addresses in network order (IPv4 in the first 4 bytes), ports in host order. */
struct tcp_tuple {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport, dport;
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 pad;
};

/* Per-socket RTT from the sock_ops program. */
struct tcp_rtt {
	__u32 srtt_us;		/* the kernel's smoothed RTT at the last sample */
	__u32 min_us, max_us;	/* of the smoothed RTT over the samples */
	__u32 cwnd;		/* congestion window (segments) at the last sample */
	__u64 samples;
	__u64 updated_ns;
};

/* An entry of the sock_ops RTT table, by socket cookie. */
struct tcp_rtt_entry {
	struct tcp_rtt r;
	struct tcp_tuple t;	/* local end as saddr */
};

struct sonde_tcp_event {
	struct sonde_task task;	/* kind: enum tcp_ev_type; the socket's owner */
	struct tcp_tuple t;	/* saddr is the local end */
	__u32 netns;		/* network namespace inode */
	__u8 role;		/* enum tcp_role */
	__u8 state;		/* TCP state: the old one at close, the current one else */
	__u16 flags;		/* enum tcp_ev_flags */
	__u64 duration_ns;	/* close: since connect or accept (0: unknown) */
	__u64 latency_ns;	/* connect, and close of a client: SYN_SENT -> ESTABLISHED */
	__u64 bytes_sent;	/* close: acknowledged by the peer */
	__u64 bytes_received;
	__u32 total_retrans;	/* close: segments retransmitted */
	__s32 err;		/* close: the socket's error; connect call: its return */
	struct tcp_rtt rtt;	/* close: TCP_F_RTT; srtt and cwnd are the kernel's at close */
	__u16 proto;		/* connect call: IPPROTO_TCP or IPPROTO_UDP */
	__u16 pad[3];
};

/* Live sockets' owners, by struct sock address (user space reads it for
 * /api/connections). */
struct tcp_conn {
	struct sonde_task task;
	struct tcp_tuple t;	/* from ESTABLISHED on (a client's port is chosen after SYN_SENT) */
	__u32 netns;
	__u32 pad2;
	__u64 open_ns;		/* SYN_SENT (client) or ESTABLISHED (server) */
	__u64 est_ns;		/* ESTABLISHED; 0: not yet */
	__u8 role;
	__u8 skip;		/* the process filters leave this owner out */
	__u8 unowned;		/* a passive open of a listener sonde has no owner for, not yet accepted */
	__u8 pad[5];
};

#define TCP_RTT_SLOTS 32	/* log2 of microseconds */

enum tcp_counter {
	TCP_C_RETRANS,		/* every retransmit, with or without an event */
	TCP_C_RESET_TX,
	TCP_C_RESET_RX,
	TCP_C_MAX,
};

enum tcp_drop {
	TCP_DROP_RINGBUF_FULL,	/* event not delivered: ring buffer full */
	TCP_DROP_CONNS_FULL,	/* a socket's owner not kept: connection table full */
	TCP_DROP_MAX,
};
#endif
