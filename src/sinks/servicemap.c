// SPDX-License-Identifier: Apache-2.0
/* The service map and the recent flows: see servicemap.h. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/bus.h"
#include "core/config.h"
#include "core/opts.h"
#include "identity/identity.h"
#include "lib/json.h"
#include "lib/metrics.h"
#include "lib/netaddr.h"
#include "lib/strbuf.h"
#include "sinks/servicemap.h"
#include "sonde/flow.h"
#include "sonde/tcp.h"

#define NAME_LEN 64

#define F(f) OPT_FIELD(struct servicemap_limits, f)
static const struct opt servicemap_opts[] = {
	{ "servicemap.max_edges", "servicemap-max-edges", 0, OPT_INT, F(max_edges), 1, 1 << 20, NULL,
	  "4096", "N", "service-map edges kept; past this the least recently seen is evicted (counted)" },
	{ "servicemap.max_series", "servicemap-max-series", 0, OPT_INT, F(max_series), 0, 10000, NULL,
	  "50", "N", "edges with their own Prometheus series (the biggest by bytes); the rest are \"other\"" },
	{ "servicemap.max_flows", "servicemap-max-flows", 0, OPT_INT, F(max_flows), 0, 1 << 20, NULL,
	  "1024", "N", "recent flows kept for /api/flows" },
	{ 0 }
};
#undef F

const struct config_section servicemap_config_section = {
	.name = "servicemap", .opts = servicemap_opts, .size = sizeof(struct servicemap_limits),
};

struct endpoint {
	struct netaddr addr;
	uint16_t port;
	uint8_t proto;
};

struct edge {
	char src[NAME_LEN];	/* a process (binary name), a container, or a peer address */
	struct endpoint dst;
	char dst_name[NAME_LEN];	/* the local process serving dst, when seen */
	uint64_t connections, failed, resets, retransmits;
	uint64_t bytes_sent, bytes_received;	/* src -> dst, dst -> src */
	uint64_t packets_sent, packets_received;	/* from tc flow records */
	uint64_t srtt_sum_us, srtt_n;
	uint32_t last_srtt_us;
	uint64_t first_ns, last_ns;
	int next;		/* hash chain; -1 ends */
	bool used, exported;
};

/* A local endpoint's owner: who serves (addr, port). */
struct service {
	struct endpoint ep;
	char name[NAME_LEN];
	bool used;
};

#define SERVICES 1024

struct servicemap {
	struct sink sink;
	struct bus *bus;
	struct servicemap_limits lim;
	int kind_tcp, kind_flow;
	struct edge *edges;
	int *buckets;
	unsigned nbuckets, nedges, exported;
	uint64_t evicted;
	/* "other": edges without their own series, plus what edges had
	 * when they got one (so "other" never goes down). */
	uint64_t other_base[4];
	struct service services[SERVICES];
	struct flow_rec *flows;	/* a ring of the last lim.max_flows */
	unsigned flow_head, nflows;
};

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t ep_hash(const struct endpoint *ep, uint64_t h)
{
	h = fnv(ep->addr.a, sizeof(ep->addr.a), h);
	h = fnv(&ep->addr.family, sizeof(ep->addr.family), h);
	h = fnv(&ep->port, sizeof(ep->port), h);
	return fnv(&ep->proto, 1, h);
}

static bool ep_eq(const struct endpoint *a, const struct endpoint *b)
{
	return a->port == b->port && a->proto == b->proto && a->addr.family == b->addr.family &&
	       !memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a));
}

static unsigned edge_bucket(const struct servicemap *m, const char *src, const struct endpoint *dst)
{
	return ep_hash(dst, fnv(src, strlen(src), 0xcbf29ce484222325ULL)) & (m->nbuckets - 1);
}

static void unlink_edge(struct servicemap *m, int i)
{
	struct edge *e = &m->edges[i];
	int *p = &m->buckets[edge_bucket(m, e->src, &e->dst)];

	while (*p != i && *p >= 0)
		p = &m->edges[*p].next;
	if (*p == i)
		*p = e->next;
}

/* The slot of a new edge: a free one, or the least recently seen (its
 * traffic moves to "other", so sums stay whole). */
static int take_slot(struct servicemap *m)
{
	int victim = -1;

	if (m->nedges < m->lim.max_edges)
		return m->nedges++;
	for (unsigned i = 0; i < m->nedges; i++)
		if (victim < 0 || m->edges[i].last_ns < m->edges[victim].last_ns)
			victim = i;
	if (victim < 0)
		return -1;
	unlink_edge(m, victim);
	m->other_base[0] += m->edges[victim].connections;
	m->other_base[1] += m->edges[victim].bytes_sent;
	m->other_base[2] += m->edges[victim].bytes_received;
	m->other_base[3] += m->edges[victim].retransmits;
	if (m->edges[victim].exported)
		m->exported--;
	m->evicted++;
	return victim;
}

static struct edge *edge_get(struct servicemap *m, const char *src, const struct endpoint *dst, uint64_t now)
{
	unsigned b = edge_bucket(m, src, dst);
	struct edge *e;
	int i;

	for (i = m->buckets[b]; i >= 0; i = m->edges[i].next)
		if (ep_eq(&m->edges[i].dst, dst) && !strcmp(m->edges[i].src, src))
			return &m->edges[i];
	i = take_slot(m);
	if (i < 0)
		return NULL;
	e = &m->edges[i];
	memset(e, 0, sizeof(*e));
	snprintf(e->src, sizeof(e->src), "%s", src);
	e->dst = *dst;
	e->first_ns = now;
	e->used = true;
	e->next = m->buckets[b];
	m->buckets[b] = i;
	return e;
}

static struct service *service_slot(struct servicemap *m, const struct endpoint *ep, bool add)
{
	unsigned h = ep_hash(ep, 0xcbf29ce484222325ULL) % SERVICES;

	for (unsigned k = 0; k < SERVICES; k++) {
		struct service *s = &m->services[(h + k) % SERVICES];

		if (s->used && ep_eq(&s->ep, ep))
			return s;
		if (!s->used)
			return add ? s : NULL;
	}
	return NULL;	/* full: names of further services are not kept */
}

/* A process by its binary's name, or its container. */
static void source_name(const struct event *ev, char *buf, size_t sz)
{
	const struct identity *id = ev->id;
	const char *bin;

	if (id && id->container == 1) {
		snprintf(buf, sz, "container:%.12s", id->ref.id);
		return;
	}
	bin = id && id->known && id->self.binary[0] ? strrchr(id->self.binary, '/') : NULL;
	if (bin)
		snprintf(buf, sz, "%s", bin + 1);
	else if (ev->task)
		snprintf(buf, sz, "%.*s", (int)strnlen(ev->task->comm, sizeof(ev->task->comm)), ev->task->comm);
	else
		snprintf(buf, sz, "unknown");
}

static void push_flow(struct servicemap *m, const struct flow_rec *f)
{
	if (!m->lim.max_flows)
		return;
	m->flows[m->flow_head] = *f;
	m->flow_head = (m->flow_head + 1) % m->lim.max_flows;
	if (m->nflows < m->lim.max_flows)
		m->nflows++;
}

static void on_tcp_close(struct servicemap *m, const struct event *ev, const struct sonde_tcp_event *t)
{
	struct endpoint dst = { .port = t->t.dport, .proto = IPPROTO_TCP };
	struct flow_rec f = {
		.time_ns = ev->time_ns, .family = t->t.family, .proto = IPPROTO_TCP,
		.sport = t->t.sport, .dport = t->t.dport, .source = FLOW_SRC_TCP,
		.direction = t->role == TCP_ROLE_SERVER ? FLOW_INGRESS : FLOW_EGRESS,
		.bytes_tx = t->bytes_sent, .bytes_rx = t->bytes_received,
		.duration_ns = t->duration_ns, .srtt_us = t->rtt.srtt_us,
		.retransmits = t->total_retrans, .err = t->err, .failed = !!(t->flags & TCP_F_FAILED),
		.pid = ev->task ? ev->task->pid : 0,
	};
	char src[NAME_LEN], peer[NETADDR_STRLEN];
	struct service *svc;
	struct edge *e;

	memcpy(f.saddr, t->t.saddr, 16);
	memcpy(f.daddr, t->t.daddr, 16);
	source_name(ev, f.name, sizeof(f.name));
	push_flow(m, &f);
	if (t->role == TCP_ROLE_SERVER) {
		/* The peer connected to us: the edge is peer -> our port. */
		memcpy(dst.addr.a, t->t.saddr, 16);
		dst.addr.family = t->t.family;
		dst.port = t->t.sport;
		netaddr__str(t->t.family, t->t.daddr, peer, sizeof(peer));
		e = edge_get(m, peer, &dst, ev->time_ns);
		if (!e)
			return;
		snprintf(e->dst_name, sizeof(e->dst_name), "%s", f.name);
		svc = service_slot(m, &dst, true);
		if (svc) {
			svc->used = true;
			svc->ep = dst;
			snprintf(svc->name, sizeof(svc->name), "%s", f.name);
		}
		e->bytes_sent += t->bytes_received;
		e->bytes_received += t->bytes_sent;
	} else {
		memcpy(dst.addr.a, t->t.daddr, 16);
		dst.addr.family = t->t.family;
		snprintf(src, sizeof(src), "%s", t->flags & TCP_F_NO_OWNER ? "unknown" : f.name);
		e = edge_get(m, src, &dst, ev->time_ns);
		if (!e)
			return;
		e->bytes_sent += t->bytes_sent;
		e->bytes_received += t->bytes_received;
	}
	e->connections++;
	e->failed += f.failed;
	e->retransmits += t->total_retrans;
	if (t->rtt.srtt_us && !f.failed) {
		e->srtt_sum_us += t->rtt.srtt_us;
		e->srtt_n++;
		e->last_srtt_us = t->rtt.srtt_us;
	}
	e->last_ns = ev->time_ns;
}

static void on_flow(struct servicemap *m, const struct event *ev, const struct sonde_flow_event *fl)
{
	struct endpoint dst = { .port = fl->k.dport, .proto = fl->k.proto };
	struct flow_rec f = {
		.time_ns = ev->time_ns, .family = fl->k.family, .proto = fl->k.proto,
		.sport = fl->k.sport, .dport = fl->k.dport, .source = FLOW_SRC_TC,
		.direction = fl->k.egress ? FLOW_EGRESS : FLOW_INGRESS, .ifindex = fl->k.ifindex,
		.packets_tx = fl->k.egress ? fl->packets : 0, .packets_rx = fl->k.egress ? 0 : fl->packets,
		.bytes_tx = fl->k.egress ? fl->bytes : 0, .bytes_rx = fl->k.egress ? 0 : fl->bytes,
		.duration_ns = fl->last_ns - fl->first_ns,
	};
	char src[NETADDR_STRLEN];
	struct service *svc;
	struct edge *e;

	memcpy(f.saddr, fl->k.saddr, 16);
	memcpy(f.daddr, fl->k.daddr, 16);
	snprintf(f.name, sizeof(f.name), "%s", netaddr__str(fl->k.family, fl->k.saddr, src, sizeof(src)));
	push_flow(m, &f);
	memcpy(dst.addr.a, fl->k.daddr, 16);
	dst.addr.family = fl->k.family;
	e = edge_get(m, src, &dst, ev->time_ns);
	if (!e)
		return;
	svc = service_slot(m, &dst, false);
	if (svc)
		snprintf(e->dst_name, sizeof(e->dst_name), "%s", svc->name);
	e->packets_sent += fl->packets;
	e->bytes_sent += fl->bytes;
	e->last_ns = ev->time_ns;
}

static int sm_emit(struct sink *s, const struct event *ev)
{
	struct servicemap *m = (struct servicemap *)s;

	if ((int)ev->kind == m->kind_tcp)
		on_tcp_close(m, ev, ev->payload);
	else if ((int)ev->kind == m->kind_flow)
		on_flow(m, ev, ev->payload);
	return 0;
}

struct servicemap *servicemap__open(struct bus *b, const struct servicemap_limits *lim)
{
	struct servicemap *m = calloc(1, sizeof(*m));
	struct kind_mask mask = {};

	if (!m)
		return NULL;
	m->lim = *lim;
	if (!m->lim.max_edges)
		m->lim.max_edges = 1;
	m->nbuckets = 1;
	while (m->nbuckets < 2 * m->lim.max_edges)
		m->nbuckets <<= 1;
	m->edges = calloc(m->lim.max_edges, sizeof(*m->edges));
	m->buckets = malloc(m->nbuckets * sizeof(*m->buckets));
	m->flows = calloc(m->lim.max_flows ?: 1, sizeof(*m->flows));
	if (!m->edges || !m->buckets || !m->flows) {
		servicemap__close(m);
		return NULL;
	}
	memset(m->buckets, 0xff, m->nbuckets * sizeof(*m->buckets));
	m->sink.name = "servicemap";
	m->sink.emit = sm_emit;
	m->kind_tcp = event_kind__find("tcp");
	m->kind_flow = event_kind__find("flow");
	if (m->kind_tcp >= 0)
		kind_mask__set(&mask, m->kind_tcp);
	if (m->kind_flow >= 0)
		kind_mask__set(&mask, m->kind_flow);
	m->bus = b;
	bus__add_sink(b, &m->sink, &mask);
	return m;
}

void servicemap__close(struct servicemap *m)
{
	if (!m)
		return;
	if (m->bus)
		bus__remove_sink(m->bus, &m->sink);
	free(m->edges);
	free(m->buckets);
	free(m->flows);
	free(m);
}

/* ---- outputs ---- */

static const char *proto_name(int p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == IPPROTO_ICMP ? "icmp" :
	       p == IPPROTO_ICMPV6 ? "icmpv6" : "other";
}

static void ep_str(const struct endpoint *ep, char *buf, size_t sz)
{
	netaddr__str_port(ep->addr.family, ep->addr.a, ep->port, buf, sz);
}

void servicemap__json(const struct servicemap *m, struct strbuf *sb)
{
	struct json_writer w;
	char buf[NETADDR_STRLEN + 8];

	jw__init(&w, sb);
	jw__obj_begin(&w);
	jw__key(&w, "edges");
	jw__arr_begin(&w);
	for (unsigned i = 0; i < m->nedges; i++) {
		const struct edge *e = &m->edges[i];

		jw__obj_begin(&w);
		jw__key(&w, "source");
		jw__str(&w, e->src);
		jw__key(&w, "destination");
		ep_str(&e->dst, buf, sizeof(buf));
		jw__str(&w, buf);
		if (e->dst_name[0]) {
			jw__key(&w, "destination_name");
			jw__str(&w, e->dst_name);
		}
		jw__key(&w, "protocol");
		jw__str(&w, proto_name(e->dst.proto));
#define U(k, v) (jw__key(&w, k), jw__u64(&w, v))
		U("connections", e->connections);
		U("failed", e->failed);
		U("bytes_sent", e->bytes_sent);
		U("bytes_received", e->bytes_received);
		if (e->packets_sent)
			U("packets_sent", e->packets_sent);
		U("retransmits", e->retransmits);
		if (e->srtt_n) {
			U("srtt_us_avg", e->srtt_sum_us / e->srtt_n);
			U("srtt_us_last", e->last_srtt_us);
		}
#undef U
		jw__key(&w, "first_seen");
		jw__time(&w, e->first_ns);
		jw__key(&w, "last_seen");
		jw__time(&w, e->last_ns);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__key(&w, "evicted");
	jw__u64(&w, m->evicted);
	jw__key(&w, "max_edges");
	jw__u64(&w, m->lim.max_edges);
	jw__obj_end(&w);
}

bool flow_query__match(const struct flow_query *q, const struct flow_rec *f)
{
	size_t n = f->family == AF_INET6 ? 16 : 4;

	if (q->ip.family && (q->ip.family != f->family ||
			     (memcmp(q->ip.a, f->saddr, n) && memcmp(q->ip.a, f->daddr, n))))
		return false;
	if (q->port && q->port != f->sport && q->port != f->dport)
		return false;
	if (q->proto && q->proto != f->proto)
		return false;
	if (q->pid && q->pid != f->pid)
		return false;
	return !q->direction || q->direction == f->direction;
}

void flow_rec__json(struct json_writer *w, const struct flow_rec *f)
{
	char a[NETADDR_STRLEN];

	jw__obj_begin(w);
	jw__key(w, "time");
	jw__time(w, f->time_ns);
	jw__key(w, "source");
	jw__str(w, f->source == FLOW_SRC_TCP ? "tcp" : "tc");
	jw__key(w, "protocol");
	jw__str(w, proto_name(f->proto));
	jw__key(w, "direction");
	jw__str(w, f->direction == FLOW_EGRESS ? "egress" : "ingress");
	jw__key(w, "saddr");
	jw__str(w, netaddr__str(f->family, f->saddr, a, sizeof(a)));
	jw__key(w, "sport");
	jw__u64(w, f->sport);
	jw__key(w, "daddr");
	jw__str(w, netaddr__str(f->family, f->daddr, a, sizeof(a)));
	jw__key(w, "dport");
	jw__u64(w, f->dport);
	if (f->pid) {
		jw__key(w, "pid");
		jw__u64(w, f->pid);
	}
	if (f->source == FLOW_SRC_TCP) {
		jw__key(w, "process");
		jw__str(w, f->name);
	} else {
		jw__key(w, "ifindex");
		jw__u64(w, f->ifindex);
		jw__key(w, "packets");
		jw__u64(w, f->packets_tx + f->packets_rx);
	}
#define U(k, v) (jw__key(w, k), jw__u64(w, v))
	U("bytes_tx", f->bytes_tx);
	U("bytes_rx", f->bytes_rx);
	U("duration_ns", f->duration_ns);
	if (f->source == FLOW_SRC_TCP) {
		U("retransmits", f->retransmits);
		U("srtt_us", f->srtt_us);
		jw__key(w, "failed");
		jw__bool(w, f->failed);
	}
#undef U
	jw__obj_end(w);
}

void servicemap__flows_json(const struct servicemap *m, const struct flow_query *q, struct strbuf *sb)
{
	struct json_writer w;
	unsigned n = 0;

	jw__init(&w, sb);
	jw__obj_begin(&w);
	jw__key(&w, "flows");
	jw__arr_begin(&w);
	for (unsigned k = 0; k < m->nflows && (!q->limit || n < q->limit); k++) {
		unsigned i = (m->flow_head + m->lim.max_flows - 1 - k) % m->lim.max_flows;

		if (flow_query__match(q, &m->flows[i])) {
			flow_rec__json(&w, &m->flows[i]);
			n++;
		}
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
}

int flow_query__parse(struct flow_query *q, const char *(*arg)(const void *ctx, const char *name),
		      const void *ctx, char *why, size_t why_sz)
{
	const char *v;
	char *end;
	long n;

	memset(q, 0, sizeof(*q));
	if ((v = arg(ctx, "ip")) && netaddr__parse(v, &q->ip)) {
		snprintf(why, why_sz, "ip: '%.64s' is not an IPv4 or IPv6 address", v);
		return -EINVAL;
	}
	if ((v = arg(ctx, "protocol"))) {
		q->proto = !strcmp(v, "tcp") ? IPPROTO_TCP : !strcmp(v, "udp") ? IPPROTO_UDP :
			   !strcmp(v, "icmp") ? IPPROTO_ICMP : !strcmp(v, "icmpv6") ? IPPROTO_ICMPV6 : -1;
		if (q->proto < 0) {
			snprintf(why, why_sz, "protocol: '%.32s' is not tcp, udp, icmp or icmpv6", v);
			return -EINVAL;
		}
	}
	if ((v = arg(ctx, "direction"))) {
		q->direction = !strcmp(v, "egress") ? FLOW_EGRESS : !strcmp(v, "ingress") ? FLOW_INGRESS : -1;
		if (q->direction < 0) {
			snprintf(why, why_sz, "direction: '%.32s' is not egress or ingress", v);
			return -EINVAL;
		}
	}
	static const char *const nums[] = { "port", "pid", "limit" };
	for (int i = 0; i < 3; i++) {
		if (!(v = arg(ctx, nums[i])))
			continue;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 0 || (i == 0 && n > 65535) || n > 0x7fffffff) {
			snprintf(why, why_sz, "%s: '%.32s' is not a number in range", nums[i], v);
			return -EINVAL;
		}
		*(i == 0 ? &q->port : i == 1 ? &q->pid : &q->limit) = n;
	}
	return 0;
}

/* Edges without a series yet get one, biggest first, while there is room;
 * one that has a series keeps it, so each stays a monotonic counter. */
static void promote(struct servicemap *m)
{
	while (m->exported < m->lim.max_series) {
		struct edge *best = NULL;

		for (unsigned i = 0; i < m->nedges; i++) {
			struct edge *e = &m->edges[i];

			if (!e->exported && (!best || e->bytes_sent + e->bytes_received >
					     best->bytes_sent + best->bytes_received))
				best = e;
		}
		if (!best)
			return;
		best->exported = true;
		m->exported++;
		m->other_base[0] += best->connections;
		m->other_base[1] += best->bytes_sent;
		m->other_base[2] += best->bytes_received;
		m->other_base[3] += best->retransmits;
	}
}

/* One family's samples, which the text format needs together. */
static void write_family(struct servicemap *m, struct metrics_writer *w, const char *name, int which,
			 const uint64_t *other)
{
	char dst[NETADDR_STRLEN + 8];

	for (unsigned i = 0; i < m->nedges; i++) {
		const struct edge *e = &m->edges[i];
		const uint64_t v[4] = { e->connections, e->bytes_sent, e->bytes_received, e->retransmits };

		if (!e->exported)
			continue;
		ep_str(&e->dst, dst, sizeof(dst));
		if (which == 1) {
			mw__sample_u64(w, name, LABELS({ "source", e->src }, { "destination", dst }, { "direction", "sent" }), v[1]);
			mw__sample_u64(w, name, LABELS({ "source", e->src }, { "destination", dst }, { "direction", "received" }),
				       v[2]);
		} else {
			mw__sample_u64(w, name, LABELS({ "source", e->src }, { "destination", dst }), v[which]);
		}
	}
	if (which == 1) {
		mw__sample_u64(w, name, LABELS({ "source", "other" }, { "destination", "other" }, { "direction", "sent" }),
			       other[1]);
		mw__sample_u64(w, name, LABELS({ "source", "other" }, { "destination", "other" }, { "direction", "received" }),
			       other[2]);
	} else {
		mw__sample_u64(w, name, LABELS({ "source", "other" }, { "destination", "other" }), other[which]);
	}
}

void servicemap__collect(struct servicemap *m, struct metrics_writer *w)
{
	uint64_t other[4];

	promote(m);
	memcpy(other, m->other_base, sizeof(other));
	for (unsigned i = 0; i < m->nedges; i++) {
		const struct edge *e = &m->edges[i];

		if (!e->exported) {
			other[0] += e->connections;
			other[1] += e->bytes_sent;
			other[2] += e->bytes_received;
			other[3] += e->retransmits;
		}
	}
	mw__family(w, "sonde_servicemap_connections_total", METRIC_COUNTER,
		   "Connections of a service-map edge (source process or container -> destination).");
	write_family(m, w, "sonde_servicemap_connections_total", 0, other);
	mw__family(w, "sonde_servicemap_bytes_total", METRIC_COUNTER, "Bytes of a service-map edge, by direction.");
	write_family(m, w, "sonde_servicemap_bytes_total", 1, other);
	mw__family(w, "sonde_servicemap_retransmits_total", METRIC_COUNTER,
		   "Retransmitted segments of a service-map edge.");
	write_family(m, w, "sonde_servicemap_retransmits_total", 3, other);
	mw__family(w, "sonde_servicemap_edges", METRIC_GAUGE, "Edges in the service map.");
	mw__sample(w, "sonde_servicemap_edges", NO_LABELS, m->nedges);
	mw__family(w, "sonde_servicemap_edges_evicted_total", METRIC_COUNTER,
		   "Edges evicted for room (servicemap.max_edges); their traffic moved to \"other\".");
	mw__sample_u64(w, "sonde_servicemap_edges_evicted_total", NO_LABELS, m->evicted);
}
