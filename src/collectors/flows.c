// SPDX-License-Identifier: Apache-2.0
/* Packet flows at tc on configured interfaces: per 5-tuple, direction and
 * interface, packets and bytes since the last drain, emitted as "flow"
 * events (the service map and /api/flows take them too). User side of
 * bpf/flows.bpf.c. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/bus.h"
#include "core/collector.h"
#include "core/host.h"
#include "core/log.h"
#include "core/loop.h"
#include "lib/fields.h"
#include "lib/metrics.h"
#include "lib/netaddr.h"
#include "lib/strbuf.h"
#include "collectors/ifaces.h"
#include "sonde/flow.h"
#include "flows.skel.h"

struct flows_config {
	char interfaces[512];
	long max_flows;
	long interval;
};

#define F(f) OPT_FIELD(struct flows_config, f)
static const struct opt flows_opts[] = {
	{ "flows.interfaces", "flows-interfaces", 0, OPT_LIST, F(interfaces), 0, 0, NULL, "", "LIST",
	  "interfaces to count flows on at tc ingress and egress: NAME, or NAME@NETNS for one in "
	  "another network namespace (/run/netns/NETNS, or a path)" },
	{ "flows.max_flows", "flows-max-flows", 0, OPT_INT, F(max_flows), 64, 1L << 22, NULL, "16384",
	  "N", "flows held between drains (per CPU); a full table evicts the oldest, counted" },
	{ "flows.interval", "flows-interval", 0, OPT_INT, F(interval), 1, 3600, NULL, "10", "SECONDS",
	  "how often the table is drained into flow records" },
	{ 0 }
};
#undef F

static const struct config_section flows_section = {
	.name = "flows", .opts = flows_opts, .size = sizeof(struct flows_config),
};

struct flows_priv {
	struct ifaces ifs;
	struct loop_timer *timer, *settle;
	unsigned settling;			/* the buffer on_settled drains */
	uint64_t inserted;			/* flows user space put in a table */
	uint64_t records, packets, bytes;	/* drained */
	uint64_t evicted;			/* at least this many flows lost to the LRU */
	uint64_t drain_errors;
	void *keys, *vals;			/* drain buffers */
	unsigned batch;
};

#define DRAIN_BATCH 1024

static const char *proto_name(unsigned p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : p == 58 ? "icmpv6" : p == 132 ? "sctp" : "other";
}

static void flow_fields(const struct event *ev, struct field_writer *w)
{
	const struct sonde_flow_event *f = ev->payload;
	char a[NETADDR_STRLEN];

	fw__str(w, "family", f->k.family == AF_INET6 ? "ipv6" : "ipv4");
	fw__str(w, "protocol", proto_name(f->k.proto));
	fw__str(w, "saddr", netaddr__str(f->k.family, f->k.saddr, a, sizeof(a)));
	fw__u64(w, "sport", f->k.sport);
	fw__str(w, "daddr", netaddr__str(f->k.family, f->k.daddr, a, sizeof(a)));
	fw__u64(w, "dport", f->k.dport);
	fw__str(w, "direction", f->k.egress ? "egress" : "ingress");
	fw__str(w, "interface", f->ifname);
	fw__u64(w, "ifindex", f->k.ifindex);
	fw__u64(w, "packets", f->packets);
	fw__u64(w, "bytes", f->bytes);
	fw__u64(w, "duration_ns", f->last_ns - f->first_ns);
}

static void flow_text(const struct event *ev, struct strbuf *sb)
{
	const struct sonde_flow_event *f = ev->payload;
	char a[NETADDR_STRLEN + 8], b[NETADDR_STRLEN + 8];

	sb__printf(sb, "%-6s %-21s %s %-21s %7s %8llu %10llu", proto_name(f->k.proto),
		   netaddr__str_port(f->k.family, f->k.saddr, f->k.sport, a, sizeof(a)),
		   f->k.egress ? "->" : "<-", netaddr__str_port(f->k.family, f->k.daddr, f->k.dport, b, sizeof(b)),
		   f->k.egress ? "egress" : "ingress", (unsigned long long)f->packets, (unsigned long long)f->bytes);
}

static const struct event_kind flow_kinds[] = {
	{ "flow", "PROTO  SRC                      DST                   DIR     PACKETS      BYTES", flow_fields,
	  flow_text, 0 },
	{ 0 },
};

static void emit_flow(struct collector *c, const struct flow_key *k, const struct flow_count *per_cpu,
		      int ncpus, size_t stride)
{
	struct flows_priv *fp = c->priv;
	struct sonde_flow_event f = { .k = *k };
	struct event ev = { .time_ns = event__now_ns(), .kind = collector__kind(c, 0), .payload = &f };
	const struct iface *ifc = ifaces__by_index(&fp->ifs, k->ifindex);

	snprintf(f.ifname, sizeof(f.ifname), "%s", ifc ? ifc->name : "?");
	for (int i = 0; i < ncpus; i++) {
		const struct flow_count *s = (const void *)((const char *)per_cpu + i * stride);

		if (!s->packets)
			continue;
		f.packets += s->packets;
		f.bytes += s->bytes;
		if (s->first_ns && (!f.first_ns || s->first_ns < f.first_ns))
			f.first_ns = s->first_ns;
		if (s->last_ns > f.last_ns)
			f.last_ns = s->last_ns;
	}
	if (!f.packets)
		return;
	fp->records++;
	fp->packets += f.packets;
	fp->bytes += f.bytes;
	bus__emit(c->rt->bus, &ev);
}

/* Each CPU's last flows of buffer g into its table, and their slots
 * cleared: no program writes to g while it is drained. */
static void merge_last(struct collector *c, unsigned g, int tfd)
{
	const struct flows_bpf *skel = c->skel;
	struct flows_priv *fp = c->priv;
	struct bpfmap lm, tm;
	char *lv, *tv;

	if (bpfmap__from(&lm, skel->maps.last) || bpfmap__open(&tm, tfd))
		return;
	lv = calloc(lm.ncpus, lm.stride);
	tv = calloc(tm.ncpus, tm.stride);
	for (__u32 slot = g * FLOW_SLOTS; lv && tv && slot < (g + 1) * FLOW_SLOTS; slot++) {
		bool dirty = false;

		if (bpf_map_lookup_elem(lm.fd, &slot, lv)) {
			fp->drain_errors++;
			continue;
		}
		for (int i = 0; i < lm.ncpus; i++) {
			const struct flow_last *l = (const void *)(lv + i * lm.stride);
			struct flow_count *n = (void *)(tv + i * tm.stride);
			bool fresh;

			if (!l->n.packets)
				continue;
			dirty = true;
			fresh = bpf_map_lookup_elem(tfd, &l->k, tv) != 0;
			if (fresh)
				memset(tv, 0, (size_t)tm.ncpus * tm.stride);
			if (!n->first_ns || l->n.first_ns < n->first_ns)
				n->first_ns = l->n.first_ns;
			if (l->n.last_ns > n->last_ns)
				n->last_ns = l->n.last_ns;
			n->packets += l->n.packets;
			n->bytes += l->n.bytes;
			if (bpf_map_update_elem(tfd, &l->k, tv, BPF_ANY))
				fp->drain_errors++;
			else if (fresh)
				fp->inserted++;
		}
		memset(lv, 0, (size_t)lm.ncpus * lm.stride);
		if (dirty && bpf_map_update_elem(lm.fd, &slot, lv, BPF_ANY))
			fp->drain_errors++;
	}
	free(lv);
	free(tv);
}

/* Takes every flow out of buffer g (batches where the kernel has them,
 * key by key else) and emits it. */
static void drain_buffer(struct collector *c, unsigned g)
{
	const struct flows_bpf *skel = c->skel;
	struct flows_priv *fp = c->priv;
	struct bpfmap m, cm;
	uint64_t inserted = 0;
	uint32_t new_i = FLOW_C_NEW, count;
	int fd, err = 0;
	__u32 out = 0;
	void *in = NULL;

	if (bpfmap__from(&m, g ? skel->maps.flows1 : skel->maps.flows0))
		return;
	fd = m.fd;
	merge_last(c, g, fd);
	if (!bpfmap__from(&cm, skel->maps.counters))
		bpfmap__lookup(&cm, &new_i, &inserted, 1);
	inserted += fp->inserted;
	do {
		count = fp->batch;
		err = bpf_map_lookup_and_delete_batch(fd, in, &out, fp->keys, fp->vals, &count, NULL);
		if (err && errno != ENOENT)
			break;
		for (uint32_t i = 0; i < count; i++)
			emit_flow(c, (const struct flow_key *)((char *)fp->keys + i * sizeof(struct flow_key)),
				  (const void *)((char *)fp->vals + (size_t)i * m.ncpus * m.stride), m.ncpus, m.stride);
		in = &out;
	} while (!err);
	if (err && errno != ENOENT) {
		/* Kernels without batch operations on this map: key by key. */
		struct flow_key k, next;
		bool have = false;

		while (!bpf_map_get_next_key(fd, have ? &k : NULL, &next)) {
			k = next;
			have = true;
			if (!bpf_map_lookup_elem(fd, &k, fp->vals)) {
				bpf_map_delete_elem(fd, &k);
				emit_flow(c, &k, fp->vals, m.ncpus, m.stride);
				have = false;	/* the key is gone: start over */
			}
		}
	}
	/* Every flow inserted before this drain began was drained now or
	 * before, or evicted: at least inserted - records were lost. */
	if (inserted > fp->records && inserted - fp->records > fp->evicted)
		fp->evicted = inserted - fp->records;
}

/* A program that read gen before the flip is done long before this
 * (it runs for a microsecond or so, with preemption off). */
#define SETTLE_MS 10

static unsigned flip(struct collector *c)
{
	struct flows_bpf *skel = c->skel;
	unsigned was = skel->bss->gen & 1;

	__atomic_store_n(&skel->bss->gen, !was, __ATOMIC_RELEASE);
	return was;
}

/* Everything counted so far, now (the selftest, and at stop). */
static void flows_drain(struct collector *c)
{
	unsigned was;

	drain_buffer(c, !(((struct flows_bpf *)c->skel)->bss->gen & 1));
	was = flip(c);
	usleep(SETTLE_MS * 1000);
	drain_buffer(c, was);
}

/* Each interval the buffers flip, and the one left drains once it has
 * settled, without holding up the loop meanwhile. */
static void on_timer(void *ctx, uint32_t events)
{
	struct collector *c = ctx;
	struct flows_priv *fp = c->priv;

	fp->settling = flip(c);
	loop_timer__arm(fp->settle, SETTLE_MS, 0);
}

static void on_settled(void *ctx, uint32_t events)
{
	struct collector *c = ctx;

	drain_buffer(c, ((struct flows_priv *)c->priv)->settling);
}

static int flows_probe(struct features *feat, char *why, size_t why_sz)
{
	return features__require(feat, FEAT_TC, why, why_sz);
}

static int flows_configure(struct collector *c)
{
	const struct flows_config *cfg = c->cfg;
	struct flows_bpf *skel = c->skel;
	struct flows_priv *fp = calloc(1, sizeof(*fp));
	int err;

	if (!fp)
		return -ENOMEM;
	c->priv = fp;
	c->hook = "tc";
	err = ifaces__parse(&fp->ifs, cfg->interfaces, "flows.interfaces", c->why, sizeof(c->why));
	if (err)
		return err;
	bpf_map__set_max_entries(skel->maps.flows0, cfg->max_flows);
	bpf_map__set_max_entries(skel->maps.flows1, cfg->max_flows);
	bpf_program__set_autoattach(skel->progs.flows_ingress, false);
	bpf_program__set_autoattach(skel->progs.flows_egress, false);
	fp->batch = DRAIN_BATCH;
	fp->keys = calloc(fp->batch, sizeof(struct flow_key));
	fp->vals = calloc((size_t)fp->batch * libbpf_num_possible_cpus(), sizeof(struct flow_count));
	return fp->keys && fp->vals ? 0 : -ENOMEM;
}

static int flows_started(struct collector *c)
{
	const struct flows_config *cfg = c->cfg;
	const struct flows_bpf *skel = c->skel;
	struct flows_priv *fp = c->priv;
	int err;

	for (unsigned i = 0; i < fp->ifs.n; i++) {
		err = ifaces__attach_tc(&fp->ifs.v[i], c->as, skel->progs.flows_ingress, false, c->why,
					sizeof(c->why)) ?:
		      ifaces__attach_tc(&fp->ifs.v[i], c->as, skel->progs.flows_egress, true, c->why,
					sizeof(c->why));
		if (err)
			return err;
	}
	fp->timer = loop__timer_new(c->rt->loop, on_timer, c);
	fp->settle = loop__timer_new(c->rt->loop, on_settled, c);
	if (!fp->timer || !fp->settle)
		return -ENOMEM;
	return loop_timer__arm(fp->timer, cfg->interval * 1000, cfg->interval * 1000);
}

static void flows_stop(struct collector *c)
{
	struct flows_priv *fp = c->priv;

	if (!fp)
		return;
	loop_timer__free(fp->timer);
	loop_timer__free(fp->settle);
	/* The last records: what was counted since the last drain. */
	if (c->state == COLLECTOR_RUNNING && c->obj)
		flows_drain(c);
	free(fp->keys);
	free(fp->vals);
	free(fp);
	c->priv = NULL;
}

static int flows_collect(struct collector *c, struct metrics_writer *w)
{
	const struct flows_bpf *skel = c->skel;
	struct flows_priv *fp = c->priv;
	uint64_t ctr[FLOW_C_MAX] = {};
	struct bpfmap m;

	if (!bpfmap__from(&m, skel->maps.counters))
		for (uint32_t i = 0; i < FLOW_C_MAX; i++)
			bpfmap__lookup(&m, &i, &ctr[i], 1);
	/* From the records, not a per-packet counter: the tc programs keep
	 * to one map update per packet. */
	mw__family(w, "sonde_flow_packets_total", METRIC_COUNTER,
		   "Packets of the flow records emitted (both directions, IPv4 and IPv6).");
	mw__sample_u64(w, "sonde_flow_packets_total", NO_LABELS, fp->packets);
	mw__family(w, "sonde_flow_packets_not_ip_total", METRIC_COUNTER,
		   "Packets that were neither IPv4 nor IPv6 (ARP, ...), not in any flow.");
	mw__sample_u64(w, "sonde_flow_packets_not_ip_total", NO_LABELS, ctr[FLOW_C_NOT_IP]);
	mw__family(w, "sonde_flow_records_total", METRIC_COUNTER, "Flow records emitted (one per flow per drain).");
	mw__sample_u64(w, "sonde_flow_records_total", NO_LABELS, fp->records);
	mw__family(w, "sonde_flow_bytes_total", METRIC_COUNTER, "Bytes of the flow records emitted.");
	mw__sample_u64(w, "sonde_flow_bytes_total", NO_LABELS, fp->bytes);
	mw__family(w, "sonde_flows_evicted_total", METRIC_COUNTER,
		   "Flows the full table evicted before a drain read them (at least this many).");
	mw__sample_u64(w, "sonde_flows_evicted_total", NO_LABELS, fp->evicted);
	{
		struct bpfmap m0, m1;

		if (!bpfmap__from(&m0, skel->maps.flows0) && !bpfmap__from(&m1, skel->maps.flows1)) {
			mw__family(w, "sonde_flow_table_entries", METRIC_GAUGE,
				   "Flows in the tables, waiting for the next drain.");
			mw__sample(w, "sonde_flow_table_entries", NO_LABELS, bpfmap__count(&m0) + bpfmap__count(&m1));
		}
	}
	return 0;
}

/* Selftest: 20 datagrams of 300 bytes over lo pass its egress and its
 * ingress: 20 packets of 342 bytes (with the Ethernet, IP and UDP
 * headers) in each direction. */
struct st_flows {
	unsigned sport, dport;
	uint64_t packets[2], bytes[2];
};

static void st_flow(void *ctx, const struct event *ev)
{
	struct st_flows *st = ctx;
	const struct sonde_flow_event *f = ev->payload;

	if (f->k.proto == 17 && f->k.sport == st->sport && f->k.dport == st->dport) {
		st->packets[f->k.egress] += f->packets;
		st->bytes[f->k.egress] += f->bytes;
	}
}

static int flows_selftest(struct collector *c, char *msg, size_t sz)
{
	struct st_flows st = {};
	struct kind_mask kinds = {};
	struct bus_sub *sub;
	unsigned got;
	int err;

	err = ifaces__udp_loopback("127.0.0.1", 20, 300, &got, &st.sport, &st.dport);
	if (err) {
		snprintf(msg, sz, "loopback traffic: %s", strerror(-err));
		return err;
	}
	/* The drain emits the records on the bus. */
	kind_mask__set(&kinds, collector__kind(c, 0));
	sub = bus__subscribe(c->rt->bus, &kinds, st_flow, &st);
	if (!sub)
		return -ENOMEM;
	flows_drain(c);
	bus__unsubscribe(c->rt->bus, sub);
	if (got != 20 || st.packets[0] != 20 || st.packets[1] != 20 || st.bytes[0] != 20 * 342 ||
	    st.bytes[1] != 20 * 342) {
		snprintf(msg, sz, "lo, 127.0.0.1:%u -> :%u: %u of 20 datagrams received; flow records say ingress "
			 "%llu packets, %llu bytes, egress %llu, %llu (want 20 and %u each way)", st.sport, st.dport,
			 got, (unsigned long long)st.packets[0], (unsigned long long)st.bytes[0],
			 (unsigned long long)st.packets[1], (unsigned long long)st.bytes[1], 20 * 342);
		return -EBADMSG;
	}
	snprintf(msg, sz, "20 datagrams over lo counted exactly at tc ingress and egress (%u bytes each way)", 20 * 342);
	return 0;
}

static void *flows_open(void) { return flows_bpf__open(); }

const struct collector_ops flows_collector = {
	.name = "flows",
	.summary = "packet flows (5-tuple, direction, packets, bytes) at tc on configured interfaces",
	.config = &flows_section,
	.kinds = flow_kinds,
	.open = flows_open,
	.elf_bytes = flows_bpf__elf_bytes,
	.probe = flows_probe,
	.configure = flows_configure,
	.started = flows_started,
	.collect = flows_collect,
	.stop = flows_stop,
	.selftest = flows_selftest,
};
