// SPDX-License-Identifier: GPL-2.0-only
/* TCP connections: lifecycle from sock:inet_sock_set_state, retransmits
 * and resets from the tcp tracepoints, RTT and cwnd from a sock_ops
 * program on the cgroup v2 root, and connect() destinations from the
 * cgroup sock_addr hooks.
 *
 * Events are attributed to the socket's owner, not to the current task:
 * the handshake's last step, retransmit timers and resets run in softirq
 * on whatever task the CPU interrupted. A client's owner is the task in
 * connect() (CLOSE -> SYN_SENT runs in its context); a server's is the
 * task that called listen() on the port (CLOSE -> LISTEN likewise). */
#define SONDE_TICK_CLOCK
#include "sonde.bpf.h"
#include <bpf/bpf_endian.h>
#include "sock.bpf.h"

#define IPPROTO_TCP	6

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* set from config */
} events SEC(".maps");

SONDE_DROPS(TCP_DROP_MAX)

/* Owners of live sockets, by struct sock address. A plain hash: an LRU
 * would evict an owner silently; a full table is counted instead. Every
 * entry goes at the socket's move to CLOSE. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);	/* set from config */
	__type(key, __u64);
	__type(value, struct tcp_conn);
} conns SEC(".maps");

struct listen_key {
	__u32 netns;
	__u16 port;
	__u16 pad;
};

/* Listening sockets' owners, by (netns, port): a passive open's owner. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct listen_key);
	__type(value, struct tcp_conn);
} listeners SEC(".maps");

/* Per-socket RTT from sock_ops, in the socket's own storage: found from
 * the socket without hashing, and freed with it. */
struct rtt_live {
	struct tcp_rtt_entry e;
	__u64 cookie;
	__u64 mirrored_ns;	/* when e was last copied to rtts */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rtt_live);
} rtt_live SEC(".maps");

/* A copy of each socket's entry by cookie, made at most once a clock tick
 * (a jiffy) and at close: user space cannot walk socket storage here (an
 * iterator is a tracing program this project's kernels refuse), and the
 * close tracepoint cannot read it before 5.11. Read for /api/connections;
 * read and removed at close. An LRU: an entry whose close the tracepoint
 * missed (a cookie never read back) would otherwise stay for good. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);	/* set from config */
	__type(key, __u64);
	__type(value, struct tcp_rtt_entry);
} rtts SEC(".maps");

/* Smoothed RTT samples by log2(microseconds). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCP_RTT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} rtt_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCP_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* connect() between the sock_addr hook and the syscall's exit, by thread. */
struct connect_call {
	struct tcp_tuple t;
	__u16 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct connect_call);
} calls SEC(".maps");

/* accept() names server connections' owners (tcp.accept_owner). */
const volatile bool accept_owner = false;


static __always_inline void count(__u32 i)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &i);

	if (c)
		(*c)++;
}

static __always_inline bool filtering(void)
{
	return filter_tgid || filter_cgroup || filter_by_comm;
}

static __always_inline __u32 sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* A record about sk; its owner's header from conn, or zero. Returns NULL
 * (counted) when the ring is full. */
static __always_inline struct sonde_tcp_event *reserve(const struct sock *sk, __u16 kind,
						       const struct tcp_conn *conn)
{
	struct sonde_tcp_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		drop(TCP_DROP_RINGBUF_FULL);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	if (conn && !conn->unowned)
		e->task = conn->task;
	else
		e->flags = TCP_F_NO_OWNER;
	if (conn)
		e->role = conn->role;
	e->task.kind = kind;
	e->task.ts_ns = bpf_ktime_get_ns();
	if (sk) {
		sk_tuple(sk, &e->t);
		e->netns = sk_netns(sk);
		e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	}
	return e;
}

static __always_inline void submit(struct sonde_tcp_event *e)
{
	bpf_ringbuf_submit(e, sonde_rb_flags(&events, sizeof(*e), true));
}

/* The owner of sk, or NULL; *skip when it is one the filters leave out. */
static __always_inline struct tcp_conn *owner(const struct sock *sk, bool *skip)
{
	__u64 key = (__u64)sk;
	struct tcp_conn *c = bpf_map_lookup_elem(&conns, &key);

	/* unowned: a passive open no accept() has claimed yet, of a
	 * listener older than sonde. */
	*skip = c && !c->unowned ? c->skip : filtering();
	return c;
}

static __always_inline void own(const struct sock *sk, struct tcp_conn *c)
{
	__u64 key = (__u64)sk;

	if (bpf_map_update_elem(&conns, &key, c, BPF_ANY))
		drop(TCP_DROP_CONNS_FULL);
}

static __always_inline void current_owner(struct tcp_conn *c, __u8 role, __u64 now)
{
	__builtin_memset(c, 0, sizeof(*c));
	sonde_task_fill(&c->task, (struct task_struct *)bpf_get_current_task(), 0);
	c->role = role;
	c->open_ns = now;
	c->skip = !filter_pass(bpf_get_current_pid_tgid());
}

static __always_inline void on_close(const struct sock *sk, int oldstate, __u64 now)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct sonde_tcp_event *e;
	struct tcp_rtt_entry *rtt;
	struct tcp_conn *c;
	__u64 key = (__u64)sk, cookie;
	bool skip;

	c = owner(sk, &skip);
	if (skip)
		goto out;
	e = reserve(sk, TCP_EV_CLOSE, c);
	if (!e)
		goto out;
	e->state = oldstate;
	if (c) {
		e->duration_ns = now - c->open_ns;
		if (c->role == TCP_ROLE_CLIENT && c->est_ns)
			e->latency_ns = c->est_ns - c->open_ns;
	}
	if (oldstate == BPF_TCP_SYN_SENT || oldstate == BPF_TCP_SYN_RECV)
		e->flags |= TCP_F_FAILED;
	e->bytes_sent = BPF_CORE_READ(tp, bytes_acked);
	e->bytes_received = BPF_CORE_READ(tp, bytes_received);
	/* Payload only: the kernel's counters include the sequence numbers
	 * SYN and FIN take. Our SYN was acked if we opened actively and got
	 * through; our FIN if we sent one (the old state says) and nothing
	 * is unacked; theirs arrived if SOCK_DONE is set. */
	if (c && c->role == TCP_ROLE_CLIENT && c->est_ns && e->bytes_sent)
		e->bytes_sent--;
	if ((oldstate == BPF_TCP_FIN_WAIT1 || oldstate == BPF_TCP_FIN_WAIT2 || oldstate == BPF_TCP_CLOSING ||
	     oldstate == BPF_TCP_LAST_ACK || oldstate == BPF_TCP_TIME_WAIT) &&
	    BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq) && e->bytes_sent)
		e->bytes_sent--;
	if ((BPF_CORE_READ(sk, __sk_common.skc_flags) >> bpf_core_enum_value(enum sock_flags, SOCK_DONE) & 1) &&
	    e->bytes_received)
		e->bytes_received--;
	e->total_retrans = BPF_CORE_READ(tp, total_retrans);
	e->err = BPF_CORE_READ(sk, sk_err) ?: BPF_CORE_READ(sk, sk_err_soft);
	/* The cookie sock_ops generated (0: it never ran for this socket). */
	cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	rtt = cookie ? bpf_map_lookup_elem(&rtts, &cookie) : NULL;
	if (rtt) {
		e->rtt = rtt->r;
		e->flags |= TCP_F_RTT;
		bpf_map_delete_elem(&rtts, &cookie);
	}
	e->rtt.srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	e->rtt.cwnd = BPF_CORE_READ(tp, snd_cwnd);
	submit(e);
out:
	bpf_map_delete_elem(&conns, &key);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 now = bpf_ktime_get_ns();
	struct sonde_tcp_event *e;
	struct listen_key lk = {};
	struct tcp_conn c, *p;
	bool skip;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (newstate == BPF_TCP_CLOSE) {
		if (oldstate == BPF_TCP_LISTEN) {
			lk.netns = sk_netns(sk);
			lk.port = BPF_CORE_READ(sk, __sk_common.skc_num);
			bpf_map_delete_elem(&listeners, &lk);
		} else {
			on_close(sk, oldstate, now);
		}
		return 0;
	}
	if (newstate == BPF_TCP_LISTEN) {
		current_owner(&c, TCP_ROLE_SERVER, now);
		lk.netns = sk_netns(sk);
		lk.port = BPF_CORE_READ(sk, __sk_common.skc_num);
		bpf_map_update_elem(&listeners, &lk, &c, BPF_ANY);
		return 0;
	}
	if (newstate == BPF_TCP_SYN_SENT) {
		current_owner(&c, TCP_ROLE_CLIENT, now);
		own(sk, &c);
		return 0;
	}
	if (newstate != BPF_TCP_ESTABLISHED)
		return 0;
	if (oldstate == BPF_TCP_SYN_SENT) {
		p = owner(sk, &skip);
		if (p) {
			p->est_ns = now;
			sk_tuple(sk, &p->t);
			p->netns = sk_netns(sk);
		}
		if (skip)
			return 0;
		e = reserve(sk, TCP_EV_CONNECT, p);
		if (!e)
			return 0;
		if (p)
			e->latency_ns = now - p->open_ns;
		submit(e);
		return 0;
	}
	if (oldstate != BPF_TCP_SYN_RECV)
		return 0;
	/* A passive open, in softirq: the listener's owner for now; accept()
	 * names the real one and emits the event (below). */
	lk.netns = sk_netns(sk);
	lk.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	p = bpf_map_lookup_elem(&listeners, &lk);
	if (p)
		c = *p;
	else
		__builtin_memset(&c, 0, sizeof(c));
	c.role = TCP_ROLE_SERVER;
	c.open_ns = now;
	c.est_ns = now;
	c.unowned = !p;
	sk_tuple(sk, &c.t);
	c.netns = lk.netns;
	own(sk, &c);
	if (accept_owner || (p ? c.skip : filtering()))
		return 0;	/* with accept_owner, accept() emits the event */
	e = reserve(sk, TCP_EV_ACCEPT, &c);
	if (e)
		submit(e);
	return 0;
}

/* accept() returned fd: its socket's owner is the caller, whoever created
 * the listener (a pre-forked worker, or a server older than sonde). */
static __always_inline int on_accept(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct sonde_tcp_event *e;
	struct tcp_conn *c, fresh;
	struct file **fds, *f;
	struct socket *sock;
	struct sock *sk;
	__u64 key, now = bpf_ktime_get_ns();

	if (fd < 0 || fd >= BPF_CORE_READ(t, files, fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(t, files, fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return 0;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	key = (__u64)sk;
	c = bpf_map_lookup_elem(&conns, &key);
	if (c) {
		fresh = *c;
	} else {
		/* Established before sonde started: what is known from now. */
		__builtin_memset(&fresh, 0, sizeof(fresh));
		sk_tuple(sk, &fresh.t);
		fresh.netns = sk_netns(sk);
		fresh.role = TCP_ROLE_SERVER;
		fresh.est_ns = now;
	}
	sonde_task_fill(&fresh.task, t, 0);
	fresh.skip = !filter_pass(bpf_get_current_pid_tgid());
	fresh.unowned = 0;
	own(sk, &fresh);
	if (fresh.skip)
		return 0;
	e = reserve(sk, TCP_EV_ACCEPT, &fresh);
	if (!e)
		return 0;
	e->latency_ns = fresh.est_ns && now > fresh.est_ns ? now - fresh.est_ns : 0;
	submit(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tcp_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tcp_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}

/* Retransmit timers and resets run in softirq: the owner comes from conns. */
static __always_inline int sk_event(const struct sock *sk, __u16 kind, __u16 flags)
{
	struct sonde_tcp_event *e;
	struct tcp_conn *c;
	bool skip;

	c = owner(sk, &skip);
	if (skip)
		return 0;
	e = reserve(sk, kind, c);
	if (!e)
		return 0;
	e->flags |= flags;
	e->total_retrans = BPF_CORE_READ((const struct tcp_sock *)sk, total_retrans);
	submit(e);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tcp_retrans, const struct sock *sk)
{
	count(TCP_C_RETRANS);
	return sk_event(sk, TCP_EV_RETRANS, 0);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tcp_reset_rx, const struct sock *sk)
{
	count(TCP_C_RESET_RX);
	return sk_event(sk, TCP_EV_RESET, 0);
}

/* A reset answering a segment that no socket took (a closed port): the
 * tuple comes from that segment, reversed. */
static __always_inline int reset_no_socket(const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	struct sonde_tcp_event *e;
	struct tcphdr tcp;
	__u8 ver;

	if (filtering() || bpf_probe_read_kernel(&ver, 1, head + nh) ||
	    bpf_probe_read_kernel(&tcp, sizeof(tcp), head + th))
		return 0;
	e = reserve(NULL, TCP_EV_RESET, NULL);
	if (!e)
		return 0;
	e->flags |= TCP_F_RESET_TX | TCP_F_NO_SOCKET;
	e->t.sport = bpf_ntohs(tcp.dest);
	e->t.dport = bpf_ntohs(tcp.source);
	if (ver >> 4 == 6) {
		e->t.family = AF_INET6;
		bpf_probe_read_kernel(e->t.saddr, 16, head + nh + offsetof(struct ipv6hdr, daddr));
		bpf_probe_read_kernel(e->t.daddr, 16, head + nh + offsetof(struct ipv6hdr, saddr));
	} else {
		e->t.family = AF_INET;
		bpf_probe_read_kernel(e->t.saddr, 4, head + nh + offsetof(struct iphdr, daddr));
		bpf_probe_read_kernel(e->t.daddr, 4, head + nh + offsetof(struct iphdr, saddr));
	}
	submit(e);
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(tcp_reset_tx, const struct sock *sk, const struct sk_buff *skb)
{
	count(TCP_C_RESET_TX);
	if (!sk)
		return skb ? reset_no_socket(skb) : 0;
	return sk_event(sk, TCP_EV_RESET, TCP_F_RESET_TX);
}

/* ---- sock_ops: RTT and cwnd per socket ---- */

static __always_inline void ops_tuple(struct bpf_sock_ops *skops, struct tcp_tuple *t)
{
	__u32 *s = (__u32 *)t->saddr, *d = (__u32 *)t->daddr;

	/* Every field read on every path, in order: clang merges branches
	 * into ctx pointer arithmetic the verifier refuses. */
	__builtin_memset(t, 0, sizeof(*t));
	t->family = skops->family;
	t->sport = skops->local_port;
	t->dport = bpf_ntohl(skops->remote_port);
	if (t->family == AF_INET6) {
		s[0] = skops->local_ip6[0];
		barrier_var(s);
		s[1] = skops->local_ip6[1];
		barrier_var(s);
		s[2] = skops->local_ip6[2];
		barrier_var(s);
		s[3] = skops->local_ip6[3];
		barrier_var(d);
		d[0] = skops->remote_ip6[0];
		barrier_var(d);
		d[1] = skops->remote_ip6[1];
		barrier_var(d);
		d[2] = skops->remote_ip6[2];
		barrier_var(d);
		d[3] = skops->remote_ip6[3];
		return;
	}
	s[0] = skops->local_ip4;
	d[0] = skops->remote_ip4;
}

/* srtt8: the kernel's smoothed RTT, in 1/8 microseconds. The tuple and
 * cookie are read from the context once, at the first sample. */
static __always_inline void rtt_sample(struct bpf_sock_ops *skops, __u32 srtt8, bool close)
{
	__u32 srtt = srtt8 >> 3, slot = sonde_log2_ceil(srtt);
	struct bpf_sock *sk = skops->sk;
	struct rtt_live *l;
	struct tcp_rtt *r;
	__u64 now, *h;

	if (!sk)
		return;
	l = bpf_sk_storage_get(&rtt_live, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!l)
		return;
	r = &l->e.r;
	if (!r->samples) {
		ops_tuple(skops, &l->e.t);
		l->cookie = bpf_get_socket_cookie(skops);
		r->min_us = srtt;
	}
	r->srtt_us = srtt;
	r->cwnd = skops->snd_cwnd;
	if (srtt < r->min_us)
		r->min_us = srtt;
	if (srtt > r->max_us)
		r->max_us = srtt;
	r->samples++;
	now = sonde_tick_ns();
	r->updated_ns = now;
	if (slot >= TCP_RTT_SLOTS)
		slot = TCP_RTT_SLOTS - 1;
	h = bpf_map_lookup_elem(&rtt_hist, &slot);	/* its sum is the sample count */
	if (h)
		(*h)++;
	/* A bulk transfer samples on most ACKs: the copy keeps to once a
	 * tick, so the hash is updated hundreds of times a second, not tens
	 * of thousands. */
	if (close || now != l->mirrored_ns) {
		l->mirrored_ns = now;
		bpf_map_update_elem(&rtts, &l->cookie, &l->e, BPF_ANY);
	}
}

SEC("sockops")
int tcp_sockops(struct bpf_sock_ops *skops)
{
	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		/* Ask for a callback on every RTT sample and state change of
		 * this socket: the default is none. */
		bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
					  BPF_SOCK_OPS_RTT_CB_FLAG | BPF_SOCK_OPS_STATE_CB_FLAG);
		rtt_sample(skops, skops->srtt_us, false);
		break;
	case BPF_SOCK_OPS_RTT_CB:
		/* On every ACK that gives an RTT sample (tcp_rtt_estimator):
		 * per round trip in a ping-pong, far more often in a bulk
		 * transfer. srtt_us is the value before this update; 6.10+
		 * passes the updated one in args[1] (older kernels: 0). */
		rtt_sample(skops, skops->args[1] ?: skops->srtt_us, false);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		/* The last word: the close tracepoint, which runs after
		 * this (inet_sk_state_store), reads it. */
		if (skops->args[1] == BPF_TCP_CLOSE)
			rtt_sample(skops, skops->srtt_us, true);
		break;
	}
	return 1;
}

/* ---- connect(): the destination asked for ---- */

static __always_inline void dest_of(struct bpf_sock_addr *ctx, bool v6, struct tcp_tuple *t)
{
	t->dport = bpf_ntohs(ctx->user_port);
	if (v6) {
		__u32 *d = (__u32 *)t->daddr;

		t->family = AF_INET6;
		d[0] = ctx->user_ip6[0]; d[1] = ctx->user_ip6[1];
		d[2] = ctx->user_ip6[2]; d[3] = ctx->user_ip6[3];
	} else {
		t->family = AF_INET;
		*(__u32 *)t->daddr = ctx->user_ip4;
	}
}

/* Where the kernel lets a sock_addr program name its task (6.0+: the
 * helper is in the base set), the event goes out from the hook: nothing
 * on the syscall path. */
static __always_inline int connect_now(struct bpf_sock_addr *ctx, bool v6)
{
	struct sonde_tcp_event *e;

	if (!filter_pass(bpf_get_current_pid_tgid()))
		return 1;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		drop(TCP_DROP_RINGBUF_FULL);
		return 1;
	}
	__builtin_memset(e, 0, sizeof(*e));
	sonde_task_fill(&e->task, (struct task_struct *)bpf_get_current_task(), TCP_EV_CONNECT_CALL);
	dest_of(ctx, v6, &e->t);
	e->proto = ctx->protocol;
	e->role = TCP_ROLE_CLIENT;
	e->flags = TCP_F_NO_RESULT;
	submit(e);
	return 1;	/* allow: deny is the enforcement issue's */
}

/* Elsewhere the destination waits for sys_exit_connect, which has the task
 * (and the call's result), at the price of a syscall tracepoint. */
static __always_inline int connect_later(struct bpf_sock_addr *ctx, bool v6)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct connect_call call = {};

	if (!filter_pass(id))
		return 1;
	call.proto = ctx->protocol;
	dest_of(ctx, v6, &call.t);
	bpf_map_update_elem(&calls, &id, &call, BPF_ANY);
	return 1;
}

SEC("cgroup/connect4")
int tcp_connect4(struct bpf_sock_addr *ctx)
{
	return connect_now(ctx, false);
}

SEC("cgroup/connect6")
int tcp_connect6(struct bpf_sock_addr *ctx)
{
	return connect_now(ctx, true);
}

SEC("cgroup/connect4")
int tcp_connect4_saved(struct bpf_sock_addr *ctx)
{
	return connect_later(ctx, false);
}

SEC("cgroup/connect6")
int tcp_connect6_saved(struct bpf_sock_addr *ctx)
{
	return connect_later(ctx, true);
}

/* The call's result, in the caller's context: the event has its task. */
SEC("tracepoint/syscalls/sys_exit_connect")
int tcp_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct connect_call *call = bpf_map_lookup_elem(&calls, &id);
	struct sonde_tcp_event *e;

	if (!call)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		drop(TCP_DROP_RINGBUF_FULL);
	} else {
		__builtin_memset(e, 0, sizeof(*e));
		sonde_task_fill(&e->task, (struct task_struct *)bpf_get_current_task(), TCP_EV_CONNECT_CALL);
		e->t = call->t;
		e->proto = call->proto;
		e->err = ctx->ret;
		e->role = TCP_ROLE_CLIENT;
		submit(e);
	}
	bpf_map_delete_elem(&calls, &id);
	return 0;
}
