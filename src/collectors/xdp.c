// SPDX-License-Identifier: Apache-2.0
/* XDP on configured interfaces: packets and bytes by protocol, and a CIDR
 * drop list (like xdp-tools' xdp-filter) changed at run time through the
 * config on SIGHUP or `sonde xdp drop` over the root-only control socket,
 * without reloading the program. User side of bpf/xdp.bpf.c. */
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collectors/ifaces.h"
#include "collectors/xdp_rules.h"
#include "core/attach.h"
#include "core/bpfmap.h"
#include "core/collector.h"
#include "core/log.h"
#include "lib/json.h"
#include "lib/metrics.h"
#include "lib/strbuf.h"
#include "server/control.h"
#include "sonde/xdp.h"
#include "xdp.skel.h"

struct xdp_config {
	char interfaces[512];
	int mode;
	char drop[8192];	/* ~500 CIDRs; longer lists go through `sonde xdp drop add` */
	int match;
	long max_rules;
	long max_rule_series;
	char control[108];
};

enum { MODE_AUTO, MODE_NATIVE, MODE_GENERIC };
enum { MATCH_SRC, MATCH_DST, MATCH_EITHER };
static const char *const mode_names[] = { "auto", "native", "generic", NULL };
static const char *const match_names[] = { "src", "dst", "either", NULL };

#define F(f) OPT_FIELD(struct xdp_config, f)
static const struct opt xdp_opts[] = {
	{ "xdp.interfaces", "xdp-interfaces", 0, OPT_LIST, F(interfaces), 0, 0, NULL, "", "LIST",
	  "interfaces to attach XDP to: NAME, or NAME@NETNS (/run/netns/NETNS, or a path)" },
	{ "xdp.mode", "xdp-mode", 0, OPT_ENUM, F(mode), 0, 0, mode_names, "auto", "MODE",
	  "auto (native where the driver has it, else generic), native or generic" },
	{ "xdp.drop", "xdp-drop", 0, OPT_LIST, F(drop), 0, 0, NULL, "", "LIST",
	  "IPv4 and IPv6 CIDRs whose packets XDP drops (re-read on SIGHUP)" },
	{ "xdp.drop_match", "xdp-drop-match", 0, OPT_ENUM, F(match), 0, 0, match_names, "src", "WHICH",
	  "which address a drop rule matches: src, dst or either" },
	{ "xdp.max_rules", "xdp-max-rules", 0, OPT_INT, F(max_rules), 1, 1 << 20, NULL, "65536", "N",
	  "drop rules held (each LPM trie's size)" },
	{ "xdp.max_rule_series", "xdp-max-rule-series", 0, OPT_INT, F(max_rule_series), 0, 100000, NULL,
	  "100", "N", "drop rules with their own Prometheus series (lowest ids); the rest are \"other\"" },
	{ "xdp.control", "xdp-control", 0, OPT_STR, F(control), 0, 0, NULL, "/run/sonde/xdp.sock", "PATH",
	  "root-only Unix socket for `sonde xdp drop` ('' turns it off)" },
	{ 0 }
};
#undef F

static const struct config_section xdp_section = {
	.name = "xdp", .opts = xdp_opts, .size = sizeof(struct xdp_config),
};

struct xdp_priv {
	struct ifaces ifs;
	struct xdp_rules rules;
	struct control *ctl;
};

static const char *const proto_names[XDP_P_MAX] = {
	[XDP_P_TCP] = "tcp", [XDP_P_UDP] = "udp", [XDP_P_ICMP] = "icmp", [XDP_P_ICMPV6] = "icmpv6",
	[XDP_P_OTHER_IPV4] = "other_ipv4", [XDP_P_OTHER_IPV6] = "other_ipv6", [XDP_P_ARP] = "arp",
	[XDP_P_OTHER] = "other",
};

/* ---- the control socket: xdp add|del CIDR, xdp list ---- */

static void rule_json(struct json_writer *w, const struct xdp_rules *r, unsigned id)
{
	uint64_t packets, bytes;
	char buf[64];

	xdp_rules__count(r, id, &packets, &bytes);
	jw__obj_begin(w);
	jw__key(w, "id");
	jw__u64(w, id);
	jw__key(w, "cidr");
	jw__str(w, cidr__str(&r->v[id].cidr, buf, sizeof(buf)));
	jw__key(w, "origin");
	jw__str(w, r->v[id].from_config && r->v[id].from_command ? "config,command" :
		   r->v[id].from_config ? "config" : "command");
	jw__key(w, "packets");
	jw__u64(w, packets);
	jw__key(w, "bytes");
	jw__u64(w, bytes);
	jw__obj_end(w);
}

static void on_request(void *ctx, const char *line, struct strbuf *reply)
{
	struct collector *c = ctx;
	struct xdp_priv *xp = c->priv;
	struct json_writer w;
	char op[8] = "", arg[128] = "", why[200];
	struct cidr cidr;
	int id;

	jw__init(&w, reply);
	jw__obj_begin(&w);
	sscanf(line, "%7s %127s", op, arg);
	if (!strcmp(op, "list")) {
		jw__key(&w, "rules");
		jw__arr_begin(&w);
		for (unsigned i = 0; i < xp->rules.cap; i++)
			if (xp->rules.v[i].used)
				rule_json(&w, &xp->rules, i);
		jw__arr_end(&w);
		jw__key(&w, "match");
		jw__str(&w, match_names[((const struct xdp_config *)c->cfg)->match]);
		goto out;
	}
	if (strcmp(op, "add") && strcmp(op, "del")) {
		jw__key(&w, "error");
		jw__str(&w, "usage: xdp add CIDR | xdp del CIDR | xdp list");
		goto out;
	}
	if (cidr__parse(arg, &cidr, why, sizeof(why))) {
		jw__key(&w, "error");
		jw__str(&w, why);
		goto out;
	}
	if (!strcmp(op, "add")) {
		id = xdp_rules__add(&xp->rules, &cidr, false, why, sizeof(why));
		if (id < 0 && id != -EEXIST) {
			jw__key(&w, "error");
			jw__str(&w, why);
			goto out;
		}
		pr_info("xdp: drop rule %s %s by command", arg, id == -EEXIST ? "kept (already listed)" : "added");
		id = xdp_rules__find(&xp->rules, &cidr);
		jw__key(&w, "rule");
		rule_json(&w, &xp->rules, id);
		goto out;
	}
	id = xdp_rules__find(&xp->rules, &cidr);
	switch (xdp_rules__del(&xp->rules, &cidr, false)) {
	case 0:
		pr_info("xdp: drop rule %s removed by command", arg);
		jw__key(&w, "removed");
		jw__u64(&w, id);
		break;
	case -EPERM:
		jw__key(&w, "error");
		jw__str(&w, "the rule comes from the config's xdp.drop: edit the config and send SIGHUP");
		break;
	case -ENOENT:
		jw__key(&w, "error");
		jw__str(&w, "no such rule (xdp list shows them)");
		break;
	default:
		jw__key(&w, "error");
		jw__str(&w, "removing the rule failed");
	}
out:
	jw__obj_end(&w);
}

/* ---- lifecycle ---- */

static int xdp_probe(struct features *feat, char *why, size_t why_sz)
{
	return features__require(feat, FEAT_XDP, why, why_sz);
}

static int xdp_configure(struct collector *c)
{
	const struct xdp_config *cfg = c->cfg;
	struct xdp_bpf *skel = c->skel;
	struct xdp_priv *xp = calloc(1, sizeof(*xp));

	if (!xp)
		return -ENOMEM;
	c->priv = xp;
	c->hook = "xdp";
	bpf_map__set_max_entries(skel->maps.drop4, cfg->max_rules);
	bpf_map__set_max_entries(skel->maps.drop6, cfg->max_rules);
	bpf_map__set_max_entries(skel->maps.rule_drops, cfg->max_rules);
	skel->rodata->match_src = cfg->match != MATCH_DST;
	skel->rodata->match_dst = cfg->match != MATCH_SRC;
	bpf_program__set_autoattach(skel->progs.xdp_filter, false);
	return ifaces__parse(&xp->ifs, cfg->interfaces, "xdp.interfaces", c->why, sizeof(c->why));
}

static int xdp_started(struct collector *c)
{
	const struct xdp_config *cfg = c->cfg;
	const struct xdp_bpf *skel = c->skel;
	struct xdp_priv *xp = c->priv;
	unsigned flags = cfg->mode == MODE_NATIVE ? XDP_FLAGS_DRV_MODE :
			 cfg->mode == MODE_GENERIC ? XDP_FLAGS_SKB_MODE : 0;
	char err[256];
	int e;

	e = xdp_rules__init(&xp->rules, cfg->max_rules, bpf_map__fd(skel->maps.drop4), bpf_map__fd(skel->maps.drop6),
			    bpf_map__fd(skel->maps.rule_drops)) ?:
	    xdp_rules__set_config(&xp->rules, cfg->drop, c->why, sizeof(c->why));
	if (e)
		return e;
	for (unsigned i = 0; i < xp->ifs.n; i++) {
		__u32 ifi = xp->ifs.v[i].ifindex, slot = i;

		bpf_map_update_elem(bpf_map__fd(skel->maps.slots), &ifi, &slot, BPF_ANY);
		e = ifaces__attach_xdp(&xp->ifs.v[i], c->as, skel->progs.xdp_filter, flags, c->why, sizeof(c->why));
		if (e)
			return e;
	}
	if (!cfg->control[0])
		return 0;
	xp->ctl = control__open(c->rt->loop, cfg->control, err, sizeof(err));
	if (!xp->ctl) {
		snprintf(c->why, sizeof(c->why), "%s", err);
		return -errno;
	}
	return control__handle(xp->ctl, "xdp", on_request, c);
}

/* The drop list follows the config; anything else needs a restart. */
static int xdp_reload(struct collector *c, const void *new_cfg)
{
	const struct xdp_config *now = c->cfg, *next = new_cfg;
	struct xdp_priv *xp = c->priv;
	char why[256];
	int err;

	if (strcmp(now->interfaces, next->interfaces) || now->mode != next->mode || now->match != next->match ||
	    now->max_rules != next->max_rules || strcmp(now->control, next->control))
		return -EAGAIN;
	err = xdp_rules__set_config(&xp->rules, next->drop, why, sizeof(why));
	if (err)
		pr_warn("xdp: the new drop list was not applied in full: %s", why);
	else
		pr_info("xdp: drop list reloaded: %u rules", xp->rules.used);
	return err;
}

static void xdp_stop(struct collector *c)
{
	struct xdp_priv *xp = c->priv;

	if (!xp)
		return;
	control__close(xp->ctl);
	xdp_rules__free(&xp->rules);
	free(xp);
	c->priv = NULL;
}

static const char *slot_name(const struct xdp_priv *xp, unsigned slot)
{
	return slot < xp->ifs.n ? xp->ifs.v[slot].name : "other";
}

/* One family: every configured interface (and "other") by protocol. */
static void write_counts(struct metrics_writer *w, const struct xdp_priv *xp, const char *name,
			 uint64_t (*v)[3], int f)
{
	for (unsigned s = 0; s < XDP_IF_SLOTS; s++) {
		if (s >= xp->ifs.n && s != XDP_IF_SLOTS - 1)
			continue;
		for (unsigned pr = 0; pr < XDP_P_MAX; pr++)
			mw__sample_u64(w, name, LABELS({ "interface", slot_name(xp, s) }, { "protocol", proto_names[pr] }),
				       v[s * XDP_P_MAX + pr][f]);
	}
}

static int xdp_collect(struct collector *c, struct metrics_writer *w)
{
	const struct xdp_config *cfg = c->cfg;
	const struct xdp_bpf *skel = c->skel;
	struct xdp_priv *xp = c->priv;
	uint64_t v[XDP_IF_SLOTS * XDP_P_MAX][3] = {}, other[2] = {}, p, b;
	unsigned nseries = 0;
	struct bpfmap m;

	if (!bpfmap__from(&m, skel->maps.stats))
		for (uint32_t k = 0; k < XDP_IF_SLOTS * XDP_P_MAX; k++)
			bpfmap__lookup(&m, &k, v[k], 3);
	mw__family(w, "sonde_xdp_packets_total", METRIC_COUNTER, "Packets XDP saw, by interface and protocol.");
	write_counts(w, xp, "sonde_xdp_packets_total", v, 0);
	mw__family(w, "sonde_xdp_bytes_total", METRIC_COUNTER, "Bytes XDP saw, by interface and protocol.");
	write_counts(w, xp, "sonde_xdp_bytes_total", v, 1);
	mw__family(w, "sonde_xdp_dropped_total", METRIC_COUNTER,
		   "Packets the drop list dropped, by interface and protocol.");
	write_counts(w, xp, "sonde_xdp_dropped_total", v, 2);
	mw__family(w, "sonde_xdp_rule_drops_total", METRIC_COUNTER,
		   "Packets each drop rule dropped (the first xdp.max_rule_series rules by id; the rest as \"other\").");
	for (unsigned i = 0; i < xp->rules.cap; i++) {
		char buf[64];

		if (!xp->rules.v[i].used || xdp_rules__count(&xp->rules, i, &p, &b))
			continue;
		if (nseries++ < (unsigned)cfg->max_rule_series)
			mw__sample_u64(w, "sonde_xdp_rule_drops_total",
				       LABELS({ "rule", cidr__str(&xp->rules.v[i].cidr, buf, sizeof(buf)) }), p);
		else
			other[0] += p;
	}
	mw__sample_u64(w, "sonde_xdp_rule_drops_total", LABELS({ "rule", "other" }), other[0]);
	mw__family(w, "sonde_xdp_rules", METRIC_GAUGE, "Drop rules in force.");
	mw__sample(w, "sonde_xdp_rules", NO_LABELS, xp->rules.used);
	return 0;
}

/* Selftest on lo (generic XDP): datagrams from 127.0.0.1 pass and are
 * counted; with a rule for 127.0.0.3/32, those from 127.0.0.3 are dropped
 * and counted on the rule, and removing it lets them through again. */
static int xdp_selftest(struct collector *c, char *msg, size_t sz)
{
	struct xdp_priv *xp = c->priv;
	struct cidr rule;
	unsigned got_pass, got_drop, got_after, sp, dp;
	uint64_t packets = 0, bytes = 0;
	char why[160];
	int id, err;

	cidr__parse("127.0.0.3/32", &rule, why, sizeof(why));
	err = ifaces__udp_loopback("127.0.0.1", 10, 100, &got_pass, &sp, &dp);
	id = err ? -1 : xdp_rules__add(&xp->rules, &rule, false, why, sizeof(why));
	if (err || id < 0) {
		snprintf(msg, sz, "%s", err ? strerror(-err) : why);
		return err ?: id;
	}
	err = ifaces__udp_loopback("127.0.0.3", 10, 100, &got_drop, &sp, &dp);
	xdp_rules__count(&xp->rules, id, &packets, &bytes);
	xdp_rules__del(&xp->rules, &rule, false);
	err = err ?: ifaces__udp_loopback("127.0.0.3", 10, 100, &got_after, &sp, &dp);
	if (err) {
		snprintf(msg, sz, "loopback traffic: %s", strerror(-err));
		return err;
	}
	if (got_pass != 10 || got_drop || packets != 10 || got_after != 10) {
		snprintf(msg, sz, "lo: %u of 10 passed from 127.0.0.1, %u of 10 from 127.0.0.3 with its rule "
			 "(want 0; the rule counted %llu), %u of 10 after it went", got_pass, got_drop,
			 (unsigned long long)packets, got_after);
		return -EBADMSG;
	}
	snprintf(msg, sz, "on lo: 10 datagrams passed, 10 dropped by a rule added at run time and counted on it, "
		 "10 passed once it was removed");
	return 0;
}

static void *xdp_open(void) { return xdp_bpf__open(); }

const struct collector_ops xdp_collector = {
	.name = "xdp",
	.summary = "XDP packet counters by interface and protocol, and a CIDR drop list changed at run time",
	.config = &xdp_section,
	.open = xdp_open,
	.elf_bytes = xdp_bpf__elf_bytes,
	.probe = xdp_probe,
	.configure = xdp_configure,
	.started = xdp_started,
	.collect = xdp_collect,
	.reload = xdp_reload,
	.stop = xdp_stop,
	.selftest = xdp_selftest,
};
