// SPDX-License-Identifier: Apache-2.0
/* TCP connections, like bcc's tcplife, tcpconnect, tcpretrans and tcprtt
 * in one collector: lifecycle, retransmits, resets, RTT and cwnd, and the
 * destinations connect() asked for. User side of bpf/tcp.bpf.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/collector.h"
#include "core/host.h"
#include "lib/errname.h"
#include "lib/fields.h"
#include "lib/hist.h"
#include "lib/json.h"
#include "lib/metrics.h"
#include "lib/netaddr.h"
#include "lib/strbuf.h"
#include "sonde/tcp.h"
#include "collectors/tcp.h"
#include "tcp.skel.h"

struct tcp_config {
	long ringbuf_bytes;
	long max_connections;
	bool rtt;
	bool connect_calls;
	bool accept_owner;
	char cgroup[256];
};

#define F(f) OPT_FIELD(struct tcp_config, f)
static const struct opt tcp_opts[] = {
	{ "tcp.ringbuf_bytes", "tcp-ringbuf-bytes", 0, OPT_INT, F(ringbuf_bytes), 4096, 1L << 30, NULL,
	  "1M", "BYTES", "ring buffer for TCP events (a power of two)" },
	{ "tcp.max_connections", "tcp-max-connections", 0, OPT_INT, F(max_connections), 64, 1L << 22,
	  NULL, "65536", "N", "live connections whose owner and RTT are kept; more are counted as dropped" },
	{ "tcp.rtt", "tcp-rtt", 0, OPT_BOOL, F(rtt), 0, 0, NULL, "true", NULL,
	  "RTT and cwnd per socket from a sock_ops program on the cgroup v2 root" },
	{ "tcp.connect_calls", "tcp-connect-calls", 0, OPT_BOOL, F(connect_calls), 0, 0, NULL, "true",
	  NULL, "connect() destinations from the cgroup connect4/connect6 hooks (before any NAT)" },
	{ "tcp.accept_owner", "tcp-accept-owner", 0, OPT_BOOL, F(accept_owner), 0, 0, NULL, "false", NULL,
	  "name a server connection's owner from the task whose accept() returned it (syscall tracepoints: "
	  "every syscall on the host then takes the kernel's tracing path)" },
	{ "tcp.cgroup", "tcp-cgroup", 0, OPT_STR, F(cgroup), 0, 0, NULL, "", "DIR",
	  "cgroup v2 directory for sock_ops and connect hooks (default: the root, found at run time)" },
	{ 0 }
};
#undef F

static const struct config_section tcp_section = {
	.name = "tcp", .opts = tcp_opts, .size = sizeof(struct tcp_config),
};

static const char *const drop_reasons[TCP_DROP_MAX + 1] = {
	[TCP_DROP_RINGBUF_FULL] = "ringbuf_full",
	[TCP_DROP_CONNS_FULL] = "connections_full",
};

static const char *const state_names[] = {
	"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV",
};

const char *tcp__state_name(unsigned s)
{
	return s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "UNKNOWN";
}

const char *tcp__role_name(unsigned r)
{
	return r == TCP_ROLE_CLIENT ? "client" : r == TCP_ROLE_SERVER ? "server" : "unknown";
}

struct tcp_priv {
	uint64_t seen[TCP_EV__MAX + 1];		/* events delivered, by type */
	uint64_t closed[3];			/* by role */
	uint64_t failed;			/* connects that never established */
	uint64_t bytes[3][2];			/* by role: sent, received */
	char cgroup[256];			/* where sock_ops and connect hooks sit */
};

void tcp__tuple_write(struct field_writer *w, const struct tcp_tuple *t, bool local, uint32_t netns)
{
	char a[NETADDR_STRLEN];

	fw__str(w, "family", t->family == AF_INET6 ? "ipv6" : "ipv4");
	if (local) {
		fw__str(w, "saddr", netaddr__str(t->family, t->saddr, a, sizeof(a)));
		fw__u64(w, "sport", t->sport);
	}
	fw__str(w, "daddr", netaddr__str(t->family, t->daddr, a, sizeof(a)));
	fw__u64(w, "dport", t->dport);
	if (netns)
		fw__u64(w, "netns", netns);
}

void tcp__tuple_fields(const struct sonde_tcp_event *e, struct field_writer *w)
{
	/* A connect() call has no local end yet. */
	tcp__tuple_write(w, &e->t, e->task.kind != TCP_EV_CONNECT_CALL, e->netns);
}

void tcp__rtt_fields(const struct sonde_tcp_event *e, struct field_writer *w)
{
	fw__u64(w, "srtt_us", e->rtt.srtt_us);
	fw__u64(w, "cwnd", e->rtt.cwnd);
	if (e->flags & TCP_F_RTT) {
		fw__u64(w, "rtt_min_us", e->rtt.min_us);
		fw__u64(w, "rtt_max_us", e->rtt.max_us);
		fw__u64(w, "rtt_samples", e->rtt.samples);
	}
}

static void tcp_fields(const struct event *ev, struct field_writer *w)
{
	const struct sonde_tcp_event *e = ev->payload;
	char buf[32];

	tcp__tuple_fields(e, w);
	if (e->task.kind != TCP_EV_CONNECT_CALL)
		fw__str(w, "role", tcp__role_name(e->role));
	if (e->flags & TCP_F_NO_OWNER)
		fw__bool(w, "owner_known", false);
	switch (e->task.kind) {
	case TCP_EV_CLOSE:
		fw__str(w, "last_state", tcp__state_name(e->state));
		fw__bool(w, "failed", e->flags & TCP_F_FAILED);
		if (e->duration_ns)
			fw__u64(w, "duration_ns", e->duration_ns);
		if (e->latency_ns)
			fw__u64(w, "connect_latency_ns", e->latency_ns);
		fw__u64(w, "bytes_sent", e->bytes_sent);
		fw__u64(w, "bytes_received", e->bytes_received);
		fw__u64(w, "retransmits", e->total_retrans);
		if (e->err)
			fw__str(w, "error", errname(e->err, buf, sizeof(buf)));
		tcp__rtt_fields(e, w);
		break;
	case TCP_EV_CONNECT:
		if (e->latency_ns)
			fw__u64(w, "connect_latency_ns", e->latency_ns);
		break;
	case TCP_EV_ACCEPT:
		if (e->latency_ns)
			fw__u64(w, "accept_wait_ns", e->latency_ns);
		break;
	case TCP_EV_RETRANS:
		fw__str(w, "state", tcp__state_name(e->state));
		fw__u64(w, "retransmits", e->total_retrans);
		break;
	case TCP_EV_RESET:
		fw__str(w, "direction", e->flags & TCP_F_RESET_TX ? "sent" : "received");
		if (e->flags & TCP_F_NO_SOCKET)
			fw__bool(w, "no_socket", true);
		else
			fw__str(w, "state", tcp__state_name(e->state));
		break;
	case TCP_EV_CONNECT_CALL:
		fw__str(w, "protocol", e->proto == IPPROTO_UDP ? "udp" : e->proto == IPPROTO_TCP ? "tcp" : "other");
		if (e->flags & TCP_F_NO_RESULT)
			break;
		fw__i64(w, "ret", e->err);
		if (e->err < 0)
			fw__str(w, "error", errname(-e->err, buf, sizeof(buf)));
		break;
	}
}

static void put_ends(const struct sonde_tcp_event *e, struct strbuf *sb, const char *arrow)
{
	char a[NETADDR_STRLEN + 8], b[NETADDR_STRLEN + 8];

	sb__printf(sb, "%-21s %s %-21s", netaddr__str_port(e->t.family, e->t.saddr, e->t.sport, a, sizeof(a)),
		   arrow, netaddr__str_port(e->t.family, e->t.daddr, e->t.dport, b, sizeof(b)));
}

static void tcp_text(const struct event *ev, struct strbuf *sb)
{
	const struct sonde_tcp_event *e = ev->payload;
	char a[NETADDR_STRLEN + 8], buf[32];

	switch (e->task.kind) {
	case TCP_EV_CLOSE:
		put_ends(e, sb, e->role == TCP_ROLE_SERVER ? "<-" : "->");
		sb__printf(sb, " %9llu %9llu %9.3f", (unsigned long long)e->bytes_sent,
			   (unsigned long long)e->bytes_received, e->duration_ns / 1e6);
		if (e->flags & TCP_F_FAILED)
			sb__printf(sb, " failed (%s)", e->err ? errname(e->err, buf, sizeof(buf)) : "no answer");
		break;
	case TCP_EV_CONNECT:
	case TCP_EV_ACCEPT:
		put_ends(e, sb, e->task.kind == TCP_EV_ACCEPT ? "<-" : "->");
		if (e->latency_ns)
			sb__printf(sb, " %.3f ms", e->latency_ns / 1e6);
		break;
	case TCP_EV_RETRANS:
		put_ends(e, sb, "R>");
		sb__printf(sb, " %s", tcp__state_name(e->state));
		break;
	case TCP_EV_RESET:
		put_ends(e, sb, e->flags & TCP_F_RESET_TX ? "R>" : "<R");
		sb__printf(sb, " %s", e->flags & TCP_F_NO_SOCKET ? "(no socket)" : tcp__state_name(e->state));
		break;
	case TCP_EV_CONNECT_CALL:
		sb__printf(sb, "%-21s %s %s", netaddr__str_port(e->t.family, e->t.daddr, e->t.dport, a, sizeof(a)),
			   e->proto == IPPROTO_UDP ? "udp" : "tcp",
			   e->flags & TCP_F_NO_RESULT ? "-" : e->err < 0 ? errname(-e->err, buf, sizeof(buf)) : "ok");
		break;
	}
}

#define ENDS "LADDR:LPORT              RADDR:RPORT          "
static const struct event_kind tcp_kinds[] = {
	[TCP_EV_CLOSE - 1] = { "tcp", ENDS "  TX_BYTES  RX_BYTES     MS", tcp_fields, tcp_text, 0 },
	[TCP_EV_CONNECT - 1] = { "tcp_connect", ENDS " LATENCY", tcp_fields, tcp_text, 0 },
	[TCP_EV_ACCEPT - 1] = { "tcp_accept", ENDS, tcp_fields, tcp_text, 0 },
	[TCP_EV_RETRANS - 1] = { "retrans", ENDS " STATE", tcp_fields, tcp_text, 0 },
	[TCP_EV_RESET - 1] = { "reset", ENDS " STATE", tcp_fields, tcp_text, 0 },
	[TCP_EV_CONNECT_CALL - 1] = { "connect", "DADDR:DPORT           PROTO RESULT", tcp_fields, tcp_text, 0 },
	{ 0 },
};

static int tcp_record(struct collector *c, void *data, size_t size)
{
	struct tcp_priv *tp = c->priv;
	const struct sonde_tcp_event *e = data;

	if (size < sizeof(*e) || e->task.kind < 1 || e->task.kind > TCP_EV__MAX || e->role > TCP_ROLE_SERVER) {
		c->malformed++;
		return 0;
	}
	tp->seen[e->task.kind]++;
	if (e->task.kind == TCP_EV_CLOSE) {
		tp->closed[e->role]++;
		tp->failed += !!(e->flags & TCP_F_FAILED);
		tp->bytes[e->role][0] += e->bytes_sent;
		tp->bytes[e->role][1] += e->bytes_received;
	}
	collector__emit(c, &e->task, NULL, e);
	return 0;
}

static int tcp_probe(struct features *feat, char *why, size_t why_sz)
{
	return features__require(feat, FEAT_TP_BTF, why, why_sz) ?:
	       features__require(feat, FEAT_RINGBUF, why, why_sz);
}

static int tcp_configure(struct collector *c)
{
	const struct tcp_config *cfg = c->cfg;
	struct tcp_bpf *skel = c->skel;
	struct tcp_priv *tp = calloc(1, sizeof(*tp));
	bool cgroup_hooks = cfg->rtt || cfg->connect_calls, now;
	struct bpf_program *p;

	if (!tp)
		return -ENOMEM;
	c->priv = tp;
	c->hook = "tp_btf";
	collector__size_ringbuf(c, cfg->ringbuf_bytes);
	bpf_map__set_max_entries(skel->maps.conns, cfg->max_connections);
	bpf_map__set_max_entries(skel->maps.rtts, cfg->max_connections);
	if (cgroup_hooks) {
		if (cfg->cgroup[0])
			snprintf(tp->cgroup, sizeof(tp->cgroup), "%s", cfg->cgroup);
		else if (host__cgroup2_root(tp->cgroup, sizeof(tp->cgroup))) {
			snprintf(c->why, sizeof(c->why),
				 "no cgroup v2 hierarchy is mounted (looked at /sys/fs/cgroup and "
				 "/sys/fs/cgroup/unified); mount one or set tcp.rtt and tcp.connect_calls to false");
			return -ENOENT;
		}
	}
	/* The cgroup programs need their directory: started attaches them. */
	now = cfg->connect_calls && features__sock_addr_names_task();
	bpf_object__for_each_program(p, c->obj) {
		const char *n = bpf_program__name(p);

		if (!strncmp(n, "tcp_connect", 11) || !strcmp(n, "tcp_sockops"))
			bpf_program__set_autoattach(p, false);
	}
	bpf_program__set_autoload(skel->progs.tcp_sockops, cfg->rtt);
	bpf_program__set_autoload(skel->progs.tcp_connect4, now);
	bpf_program__set_autoload(skel->progs.tcp_connect6, now);
	bpf_program__set_autoload(skel->progs.tcp_connect4_saved, cfg->connect_calls && !now);
	bpf_program__set_autoload(skel->progs.tcp_connect6_saved, cfg->connect_calls && !now);
	bpf_program__set_autoload(skel->progs.tcp_connect_exit, cfg->connect_calls && !now);
	skel->rodata->accept_owner = cfg->accept_owner;
	bpf_program__set_autoload(skel->progs.tcp_accept_exit, cfg->accept_owner);
	bpf_program__set_autoload(skel->progs.tcp_accept4_exit, cfg->accept_owner);
	return 0;
}

static int attach_cgroup(struct collector *c, const struct bpf_program *p, int type)
{
	struct tcp_priv *tp = c->priv;
	struct attach_spec spec = { .kind = ATTACH_CGROUP, .cgroup = { .path = tp->cgroup, .type = type } };
	struct attach *a;

	if (bpf_program__fd(p) < 0)
		return 0;
	a = attach_set__add(c->as, p, -1, NULL, &spec);
	if (!a)
		return -ENOMEM;
	if (attach__err(a)) {
		snprintf(c->why, sizeof(c->why), "attaching %s to cgroup %.64s: %.150s", bpf_program__name(p),
			 tp->cgroup, attach__why(a));
		return attach__err(a);
	}
	return 0;
}

static int tcp_started(struct collector *c)
{
	const struct tcp_bpf *skel = c->skel;

	return attach_cgroup(c, skel->progs.tcp_sockops, BPF_CGROUP_SOCK_OPS) ?:
	       attach_cgroup(c, skel->progs.tcp_connect4, BPF_CGROUP_INET4_CONNECT) ?:
	       attach_cgroup(c, skel->progs.tcp_connect6, BPF_CGROUP_INET6_CONNECT) ?:
	       attach_cgroup(c, skel->progs.tcp_connect4_saved, BPF_CGROUP_INET4_CONNECT) ?:
	       attach_cgroup(c, skel->progs.tcp_connect6_saved, BPF_CGROUP_INET6_CONNECT);
}

static void tcp_stop(struct collector *c)
{
	free(c->priv);
}

static int tcp_collect(struct collector *c, struct metrics_writer *w)
{
	const struct tcp_bpf *skel = c->skel;
	struct tcp_priv *tp = c->priv;
	uint64_t ctr[TCP_C_MAX] = {}, v;
	struct bpfmap m;
	double sum = 0;

	collector__drain(c);
	mw__family(w, "sonde_tcp_events_total", METRIC_COUNTER, "TCP events delivered, by type.");
	for (int t = 1; t <= TCP_EV__MAX; t++)
		mw__sample_u64(w, "sonde_tcp_events_total", LABELS({ "type", tcp_kinds[t - 1].name }), tp->seen[t]);
	mw__family(w, "sonde_tcp_connections_closed_total", METRIC_COUNTER,
		   "TCP connections that ended, by role (unknown: opened before sonde started).");
	for (int r = 0; r < 3; r++)
		mw__sample_u64(w, "sonde_tcp_connections_closed_total", LABELS({ "role", tcp__role_name(r) }),
			       tp->closed[r]);
	mw__family(w, "sonde_tcp_connect_failures_total", METRIC_COUNTER,
		   "Active opens that ended before reaching ESTABLISHED (refused, timed out, reset).");
	mw__sample_u64(w, "sonde_tcp_connect_failures_total", NO_LABELS, tp->failed);
	mw__family(w, "sonde_tcp_bytes_total", METRIC_COUNTER,
		   "Bytes of ended TCP connections, by role and direction (sent: acknowledged by the peer).");
	for (int r = 0; r < 3; r++) {
		mw__sample_u64(w, "sonde_tcp_bytes_total", LABELS({ "role", tcp__role_name(r) }, { "direction", "sent" }),
			       tp->bytes[r][0]);
		mw__sample_u64(w, "sonde_tcp_bytes_total",
			       LABELS({ "role", tcp__role_name(r) }, { "direction", "received" }), tp->bytes[r][1]);
	}
	if (!bpfmap__from(&m, skel->maps.counters))
		for (uint32_t i = 0; i < TCP_C_MAX; i++)
			bpfmap__lookup(&m, &i, &ctr[i], 1);
	mw__family(w, "sonde_tcp_retransmits_total", METRIC_COUNTER, "TCP segments retransmitted.");
	mw__sample_u64(w, "sonde_tcp_retransmits_total", NO_LABELS, ctr[TCP_C_RETRANS]);
	mw__family(w, "sonde_tcp_resets_total", METRIC_COUNTER, "TCP resets, by direction.");
	mw__sample_u64(w, "sonde_tcp_resets_total", LABELS({ "direction", "sent" }), ctr[TCP_C_RESET_TX]);
	mw__sample_u64(w, "sonde_tcp_resets_total", LABELS({ "direction", "received" }), ctr[TCP_C_RESET_RX]);
	if (bpf_program__fd(skel->progs.tcp_sockops) >= 0 && !bpfmap__from(&m, skel->maps.rtt_hist)) {
		/* Slots are log2 microseconds; the writer's are log2 ns:
		 * 2^10 ns is within 2.4% of a microsecond, so slot i of
		 * microseconds is written as slot i + 10 of ns. */
		uint64_t ns[TCP_RTT_SLOTS + 10] = {};

		for (uint32_t i = 0; i < TCP_RTT_SLOTS; i++) {
			v = 0;
			bpfmap__lookup(&m, &i, &v, 1);
			ns[i + 10] = v;
			sum += v * (i ? (double)(1ULL << i) * 0.75e-6 : 1e-6);
		}
		mw__family(w, "sonde_tcp_srtt_seconds", METRIC_HISTOGRAM,
			   "Smoothed RTT of every sock_ops RTT sample (sum estimated from the buckets).");
		mw__histogram(w, "sonde_tcp_srtt_seconds", NO_LABELS, ns, TCP_RTT_SLOTS + 10, 10, sum);
	}
	if (!bpfmap__from(&m, skel->maps.conns)) {
		mw__family(w, "sonde_tcp_connections_open", METRIC_GAUGE,
			   "TCP sockets sonde knows the owner of (connecting, open or closing).");
		mw__sample(w, "sonde_tcp_connections_open", NO_LABELS, bpfmap__count(&m));
	}
	return 0;
}

static void *tcp_open(void) { return tcp_bpf__open(); }

const struct collector_ops tcp_collector = {
	.name = "tcp",
	.summary = "TCP connections: lifecycle with bytes and duration, retransmits, resets, RTT "
		   "(inet_sock_set_state, tcp tracepoints, sock_ops, cgroup connect hooks)",
	.config = &tcp_section,
	.kinds = tcp_kinds,
	.drop_reasons = drop_reasons,
	.open = tcp_open,
	.elf_bytes = tcp_bpf__elf_bytes,
	.ringbuf = "events",
	.on_record = tcp_record,
	.probe = tcp_probe,
	.configure = tcp_configure,
	.started = tcp_started,
	.collect = tcp_collect,
	.stop = tcp_stop,
	.selftest = tcp__selftest,
};
