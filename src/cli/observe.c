// SPDX-License-Identifier: Apache-2.0
/* sonde observe: network flows as they happen, like `hubble observe`:
 * TCP connects, accepts, closes, retransmits and resets with the process
 * on the local end, and with -i the tc flow records of those interfaces;
 * filtered by ip, port, protocol, pid and direction, as text or JSON. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "cli/session.h"
#include "collectors/registry.h"
#include "collectors/tcp.h"
#include "core/bus.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "core/loop.h"
#include "lib/netaddr.h"
#include "lib/strbuf.h"
#include "sinks/json_event.h"
#include "sinks/servicemap.h"
#include "sonde/flow.h"

struct observe_opts {
	char ip[64], protocol[16], direction[16], interfaces[512];
	long port, pid, interval;
	bool json;
};

#define F(f) OPT_FIELD(struct observe_opts, f)
static const struct opt observe_opts[] = {
	{ "ip", "ip", 0, OPT_STR, F(ip), 0, 0, NULL, "", "ADDR", "only flows with this address at either end" },
	{ "port", "port", 0, OPT_INT, F(port), 0, 65535, NULL, "0", "N", "only flows with this port at either end" },
	{ "protocol", "protocol", 0, OPT_STR, F(protocol), 0, 0, NULL, "", "PROTO", "tcp, udp, icmp or icmpv6" },
	{ "pid", "pid", 'p', OPT_INT, F(pid), 0, 1L << 22, NULL, "0", "PID", "only this process's connections" },
	{ "direction", "direction", 0, OPT_STR, F(direction), 0, 0, NULL, "", "DIR",
	  "egress (connections this host opened, packets leaving) or ingress" },
	{ "interfaces", "interfaces", 'i', OPT_LIST, F(interfaces), 0, 0, NULL, "", "LIST",
	  "also tc flow records of these interfaces (NAME or NAME@NETNS)" },
	{ "interval", "interval", 0, OPT_INT, F(interval), 1, 3600, NULL, "1", "SECONDS",
	  "how often flow records are taken (with -i)" },
	{ "json", "json", 0, OPT_BOOL, F(json), 0, 0, NULL, "false", NULL, "JSON lines (the events schema)" },
	{ 0 }
};
#undef F

struct view {
	struct sink sink;
	struct flow_query q;
	bool json;
	int k_close, k_connect, k_accept, k_retrans, k_reset, k_flow;
	struct strbuf sb;
};

/* The flow an event describes, for the filters. */
static bool as_flow(const struct view *v, const struct event *ev, struct flow_rec *f)
{
	memset(f, 0, sizeof(*f));
	if ((int)ev->kind == v->k_flow) {
		const struct sonde_flow_event *fl = ev->payload;

		memcpy(f->saddr, fl->k.saddr, 16);
		memcpy(f->daddr, fl->k.daddr, 16);
		f->family = fl->k.family, f->proto = fl->k.proto, f->sport = fl->k.sport, f->dport = fl->k.dport;
		f->direction = fl->k.egress ? FLOW_EGRESS : FLOW_INGRESS;
		return true;
	}
	const struct sonde_tcp_event *t = ev->payload;

	memcpy(f->saddr, t->t.saddr, 16);
	memcpy(f->daddr, t->t.daddr, 16);
	f->family = t->t.family, f->proto = IPPROTO_TCP, f->sport = t->t.sport, f->dport = t->t.dport;
	f->direction = t->role == TCP_ROLE_SERVER ? FLOW_INGRESS : FLOW_EGRESS;
	f->pid = ev->task ? ev->task->pid : 0;
	return true;
}

static const char *verb(const struct view *v, const struct event *ev)
{
	int k = ev->kind;
	const struct sonde_tcp_event *t = ev->payload;

	return k == v->k_connect ? "CONNECT" : k == v->k_accept ? "ACCEPT" : k == v->k_retrans ? "RETRANSMIT" :
	       k == v->k_reset ? (t->flags & TCP_F_RESET_TX ? "RESET-SENT" : "RESET-RECEIVED") :
	       k == v->k_flow ? "FLOW" : t->flags & TCP_F_FAILED ? "CONNECT-FAILED" : "CLOSE";
}

static int view_emit(struct sink *s, const struct event *ev)
{
	struct view *v = (struct view *)s;
	struct flow_rec f;
	char a[NETADDR_STRLEN + 8], b[NETADDR_STRLEN + 8], ts[16];
	time_t sec = ev->time_ns / 1000000000ULL;
	struct tm tm;

	if (!as_flow(v, ev, &f) || !flow_query__match(&v->q, &f))
		return 0;
	sb__reset(&v->sb);
	if (v->json) {
		json_event__format(&v->sb, ev);
		printf("%s\n", v->sb.buf);
		fflush(stdout);
		return 0;
	}
	localtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	netaddr__str_port(f.family, f.saddr, f.sport, a, sizeof(a));
	netaddr__str_port(f.family, f.daddr, f.dport, b, sizeof(b));
	sb__printf(&v->sb, "%s.%03llu ", ts, (unsigned long long)(ev->time_ns / 1000000 % 1000));
	if (ev->task) {
		sb__printf(&v->sb, "%s (", a);
		sb__put_text(&v->sb, ev->task->comm, strnlen(ev->task->comm, sizeof(ev->task->comm)));
		sb__printf(&v->sb, " %u)", ev->task->pid);
	} else {
		sb__puts(&v->sb, a);
	}
	sb__printf(&v->sb, " %s %s %s %s", f.direction == FLOW_EGRESS ? "->" : "<-", b,
		   f.proto == IPPROTO_TCP ? "tcp" : f.proto == IPPROTO_UDP ? "udp" : f.proto == IPPROTO_ICMP ? "icmp" :
		   f.proto == IPPROTO_ICMPV6 ? "icmpv6" : "ip", verb(v, ev));
	if ((int)ev->kind == v->k_flow) {
		const struct sonde_flow_event *fl = ev->payload;

		sb__printf(&v->sb, " %s %llu packets %llu bytes", fl->ifname, (unsigned long long)fl->packets,
			   (unsigned long long)fl->bytes);
	} else if ((int)ev->kind == v->k_close) {
		const struct sonde_tcp_event *t = ev->payload;

		sb__printf(&v->sb, " sent %llu received %llu in %.3f ms", (unsigned long long)t->bytes_sent,
			   (unsigned long long)t->bytes_received, t->duration_ns / 1e6);
	}
	printf("%s\n", v->sb.buf);
	fflush(stdout);
	return 0;
}

static const char *opt_arg(const void *ctx, const char *name)
{
	const struct observe_opts *o = ctx;
	static char num[2][16];

	if (!strcmp(name, "ip"))
		return o->ip[0] ? o->ip : NULL;
	if (!strcmp(name, "protocol"))
		return o->protocol[0] ? o->protocol : NULL;
	if (!strcmp(name, "direction"))
		return o->direction[0] ? o->direction : NULL;
	if (!strcmp(name, "port") && o->port)
		return snprintf(num[0], sizeof(num[0]), "%ld", o->port), num[0];
	if (!strcmp(name, "pid") && o->pid)
		return snprintf(num[1], sizeof(num[1]), "%ld", o->pid), num[1];
	return NULL;
}

int cmd_observe(int argc, char **argv)
{
	struct view v = { .sink = { .name = "observe", .emit = view_emit } };
	struct collector cs[2] = {};
	struct kind_mask mask = {};
	struct observe_opts o;
	struct session s = {};
	char why[160], err[256], ival[16];
	int next, ret = 1, n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: sonde observe [OPTIONS]\n\n");
			opts__usage(observe_opts, stdout);
			return 0;
		}
	}
	session__early();
	opts__defaults(observe_opts, &o);
	if (opts__parse_argv(observe_opts, &o, argc, argv, &next))
		return 2;
	if (next < argc) {
		fprintf(stderr, "sonde observe: unexpected argument '%s'\n", argv[next]);
		return 2;
	}
	if (flow_query__parse(&v.q, opt_arg, &o, why, sizeof(why))) {
		fprintf(stderr, "sonde observe: %s\n", why);
		return 2;
	}
	v.json = o.json;
	config__defaults(&s.cfg);
	cs[n++].ops = registry__find("tcp");
	if (o.interfaces[0]) {
		snprintf(ival, sizeof(ival), "%ld", o.interval);
		if (config__set(&s.cfg, "flows.interfaces", o.interfaces, err, sizeof(err)) ||
		    config__set(&s.cfg, "flows.interval", ival, err, sizeof(err))) {
			fprintf(stderr, "sonde observe: %s\n", err);
			return 2;
		}
		cs[n++].ops = registry__find("flows");
	}
	if (session__open(&s, LOG_WARN, SESSION_IDENTITY))
		goto out;
	v.k_close = event_kind__find("tcp");
	v.k_connect = event_kind__find("tcp_connect");
	v.k_accept = event_kind__find("tcp_accept");
	v.k_retrans = event_kind__find("retrans");
	v.k_reset = event_kind__find("reset");
	v.k_flow = event_kind__find("flow");
	kind_mask__set(&mask, v.k_close);
	kind_mask__set(&mask, v.k_connect);
	kind_mask__set(&mask, v.k_accept);
	kind_mask__set(&mask, v.k_retrans);
	kind_mask__set(&mask, v.k_reset);
	if (n > 1)
		kind_mask__set(&mask, v.k_flow);
	bus__add_sink(s.rt.bus, &v.sink, &mask);
	if (collector__start_all(cs, n, &s.cfg, &s.rt) != n) {
		for (int i = 0; i < n; i++)
			if (cs[i].state != COLLECTOR_RUNNING)
				fprintf(stderr, "sonde observe: %s: %s\n", cs[i].ops->name, cs[i].why);
		goto out;
	}
	kbtf__drop();
	features__settle();
	ret = loop__run(s.rt.loop) < 0;
out:
	for (int i = 0; i < n; i++)
		collector__stop(&cs[i]);
	if (s.rt.bus)
		bus__remove_sink(s.rt.bus, &v.sink);
	sb__free(&v.sb);
	session__close(&s);
	return ret;
}
