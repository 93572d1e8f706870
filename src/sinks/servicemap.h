/* SPDX-License-Identifier: Apache-2.0 */
/* The service map: a subscriber to the network events (tcp closes, flow
 * records) that folds them into edges, from a source (a process by binary
 * name, or its container) to a destination (ip:port, with the name of the
 * local process that serves it when sonde saw that side too): connections,
 * bytes each way, retransmits, errors and RTT. Also keeps the last flows
 * for /api/flows. Bounded: edges past servicemap.max_edges evict the one
 * seen least recently (counted); Prometheus series go to the first
 * max_series edges by bytes and the rest to "other". */
#ifndef SONDE_SERVICEMAP_H
#define SONDE_SERVICEMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/netaddr.h"

enum flow_source { FLOW_SRC_TCP = 1, FLOW_SRC_TC };
enum flow_direction { FLOW_EGRESS = 1, FLOW_INGRESS };

/* A flow as /api/flows and `sonde observe` show it: a TCP connection that
 * ended (with its owner) or a tc flow record (counts since the last). */
struct flow_rec {
	uint64_t time_ns;	/* CLOCK_REALTIME */
	uint8_t saddr[16], daddr[16];	/* saddr: the local end for tcp, the sender for tc */
	uint16_t sport, dport, family;
	uint8_t proto, source, direction, failed;
	uint32_t pid, ifindex;
	char name[64];		/* tcp: the owner's binary name; tc: the sender's address */
	uint64_t bytes_tx, bytes_rx, packets_tx, packets_rx, duration_ns, retransmits;
	uint32_t srtt_us;
	int32_t err;
};

struct bus;
struct metrics_writer;
struct strbuf;
struct servicemap;

struct servicemap_limits {
	long max_edges;		/* edges kept */
	long max_series;	/* edges with their own Prometheus series */
	long max_flows;		/* recent flows kept for /api/flows */
};

/* Its options (servicemap.max_edges, .max_series, .max_flows). */
struct config_section;
extern const struct config_section servicemap_config_section;

/* Which flows /api/flows returns; zero/empty fields match everything. */
struct flow_query {
	struct netaddr ip;	/* either end; family 0: any */
	unsigned port;		/* either end */
	int proto;		/* IPPROTO_TCP, IPPROTO_UDP, ...; 0: any */
	unsigned pid;
	int direction;		/* 0 any, else enum flow_direction */
	unsigned limit;		/* 0: every one kept */
};

bool flow_query__match(const struct flow_query *q, const struct flow_rec *f);
struct json_writer;
void flow_rec__json(struct json_writer *w, const struct flow_rec *f);

struct servicemap *servicemap__open(struct bus *b, const struct servicemap_limits *lim);
void servicemap__close(struct servicemap *m);	/* NULL-safe */
/* /api/servicemap: {"edges":[...], "evicted":N}. */
void servicemap__json(const struct servicemap *m, struct strbuf *sb);
/* /api/flows: {"flows":[...]} newest first. */
void servicemap__flows_json(const struct servicemap *m, const struct flow_query *q, struct strbuf *sb);
/* Parses a query string's arguments into q: 0, or -EINVAL with why. */
int flow_query__parse(struct flow_query *q, const char *(*arg)(const void *ctx, const char *name),
		      const void *ctx, char *why, size_t why_sz);
void servicemap__collect(struct servicemap *m, struct metrics_writer *w);
#endif
