/* SPDX-License-Identifier: Apache-2.0 */
/* The l7 collector's parts: l7.c (records -> connections -> parsers ->
 * "http" events) and l7_red.c (request duration histograms). */
#ifndef SONDE_COLLECTORS_L7_H
#define SONDE_COLLECTORS_L7_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/strtab.h"
#include "proto/http1.h"

struct metrics_writer;

#define L7_SERVICE_MAX	64
#define L7_ROUTE_MAX	HTTP1_PATH_MAX
#define L7_ROUTE_OTHER	"{other}"	/* a route past the per-service cap */

/* RED series: request durations by role, service, method, route, status. */
struct l7_red {
	struct strtab series;	/* key: role service method route status -> struct red_series */
	struct strtab routes;	/* key: service route -> (void *)1 */
	struct strtab services;	/* key: service -> routes it has (uintptr_t) */
	unsigned max_routes;
	uint64_t series_full, routes_capped;
};

int l7_red__init(struct l7_red *r, unsigned max_series, unsigned max_routes);
void l7_red__free(struct l7_red *r);
/* Counts one exchange; route comes back as counted (L7_ROUTE_OTHER past
 * the service's cap). */
void l7_red__add(struct l7_red *r, int server, const char *service, const char *method,
		 char route[L7_ROUTE_MAX], unsigned status, uint64_t duration_ns);
void l7_red__collect(struct l7_red *r, struct metrics_writer *w);

struct collector;
struct event;
/* Of an "http" event: the exchange and the role (enum tcp_role). */
const struct http1_exchange *l7__event_exchange(const struct event *ev);
int l7__event_role(const struct event *ev);
/* l7_tls.c: the TLS libraries processes map, and their uprobes. */
struct field_writer;
struct l7_tls;
/* system: attach the system's libraries at start and keep them. */
struct l7_tls *l7_tls__start(struct collector *c, unsigned rescan_s, bool system);
void l7_tls__free(struct l7_tls *t);
void l7_tls__status(struct l7_tls *t, struct field_writer *w);
void l7_tls__collect(struct l7_tls *t, struct metrics_writer *w);
/* l7_selftest.c */
int l7__selftest(struct collector *c, char *msg, size_t sz);
#endif
