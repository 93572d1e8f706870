// SPDX-License-Identifier: Apache-2.0
/* RED metrics of traced HTTP: the OpenTelemetry http.server.request.duration
 * and http.client.request.duration, named and labelled the Prometheus way
 * (dots to underscores, the unit as a suffix). Cardinality is bounded
 * twice: routes per service (past it: L7_ROUTE_OTHER) and series in all
 * (past it: not counted, and the loss is). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collectors/l7.h"
#include "lib/hist.h"
#include "lib/metrics.h"

#define RED_SLOTS 40		/* log2 ns, up to 2^38 ns (275 s); the last: overflow */
#define RED_FIRST_SLOT 10	/* le 1.024 us and below fold here */

struct red_series {
	char server;
	char service[L7_SERVICE_MAX], method[HTTP1_METHOD_MAX], route[L7_ROUTE_MAX], status[8];
	uint64_t slots[RED_SLOTS];
	double sum_s;
};

int l7_red__init(struct l7_red *r, unsigned max_series, unsigned max_routes)
{
	memset(r, 0, sizeof(*r));
	r->max_routes = max_routes;
	return strtab__init(&r->series, max_series) ?: strtab__init(&r->routes, max_series) ?:
	       strtab__init(&r->services, max_series);
}

static void free_val(void *ctx, const void *key, size_t klen, void *val)
{
	free(val);
}

void l7_red__free(struct l7_red *r)
{
	strtab__each(&r->series, free_val, NULL);
	strtab__free(&r->series);
	strtab__free(&r->routes);
	strtab__free(&r->services);
}

/* "a\0b\0c" into buf; returns the length. */
static size_t join(char *buf, size_t sz, const char *const *parts, int n)
{
	size_t at = 0;

	for (int i = 0; i < n; i++) {
		size_t len = strlen(parts[i]) + 1;

		if (at + len > sz)
			len = sz - at;
		memcpy(buf + at, parts[i], len);
		at += len;
	}
	return at;
}

/* The route as it may be counted for service. */
static void cap_route(struct l7_red *r, const char *service, char route[L7_ROUTE_MAX])
{
	char key[L7_SERVICE_MAX + L7_ROUTE_MAX + 2];
	size_t klen = join(key, sizeof(key), (const char *[]){ service, route }, 2);
	uintptr_t have = (uintptr_t)strtab__get(&r->services, service, strlen(service));

	if (strtab__get(&r->routes, key, klen))
		return;
	if (have >= r->max_routes || strtab__put(&r->routes, key, klen, (void *)1)) {
		r->routes_capped++;
		snprintf(route, L7_ROUTE_MAX, "%s", L7_ROUTE_OTHER);
		return;
	}
	strtab__put(&r->services, service, strlen(service), (void *)(have + 1));
}

void l7_red__add(struct l7_red *r, int server, const char *service, const char *method,
		 char route[L7_ROUTE_MAX], unsigned status, uint64_t duration_ns)
{
	char key[sizeof(struct red_series)], st[8];
	struct red_series *s;
	unsigned slot;
	size_t klen;

	cap_route(r, service, route);
	snprintf(st, sizeof(st), "%u", status);
	klen = join(key, sizeof(key), (const char *[]){ server ? "s" : "c", service, method, route, st }, 5);
	s = strtab__get(&r->series, key, klen);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s || strtab__put(&r->series, key, klen, s)) {
			free(s);
			r->series_full++;
			return;
		}
		s->server = server;
		snprintf(s->service, sizeof(s->service), "%s", service);
		snprintf(s->method, sizeof(s->method), "%s", method);
		snprintf(s->route, sizeof(s->route), "%s", route);
		snprintf(s->status, sizeof(s->status), "%s", st);
	}
	slot = hist__slot_of(duration_ns);
	s->slots[slot < RED_SLOTS ? slot : RED_SLOTS - 1]++;
	s->sum_s += duration_ns / 1e9;
}

struct collect_ctx {
	struct metrics_writer *w;
	int server;
	const char *name;
};

static void write_series(void *ctx, const void *key, size_t klen, void *val)
{
	const struct collect_ctx *cc = ctx;
	const struct red_series *s = val;

	if (s->server != cc->server)
		return;
	mw__histogram(cc->w, cc->name,
		      LABELS({ "http_request_method", s->method }, { "http_route", s->route },
			     { "http_response_status_code", s->status }, { "service_name", s->service }),
		      s->slots, RED_SLOTS, RED_FIRST_SLOT, s->sum_s);
}

void l7_red__collect(struct l7_red *r, struct metrics_writer *w)
{
	struct collect_ctx cc = { w, 1, "http_server_request_duration_seconds" };

	mw__family(w, cc.name, METRIC_HISTOGRAM,
		   "Duration of HTTP server requests traced from the server's sockets: first byte of "
		   "the request to last byte of the response.");
	strtab__each(&r->series, write_series, &cc);
	cc.server = 0;
	cc.name = "http_client_request_duration_seconds";
	mw__family(w, cc.name, METRIC_HISTOGRAM,
		   "Duration of HTTP client requests traced from the client's sockets: first byte of "
		   "the request to last byte of the response.");
	strtab__each(&r->series, write_series, &cc);
	mw__family(w, "sonde_http_routes_capped_total", METRIC_COUNTER,
		   "Requests counted under the route {other}: their service had l7.max_routes routes.");
	mw__sample_u64(w, "sonde_http_routes_capped_total", NO_LABELS, r->routes_capped);
	mw__family(w, "sonde_http_series_full_total", METRIC_COUNTER,
		   "Requests not in the duration histograms: l7.max_series series were in use.");
	mw__sample_u64(w, "sonde_http_series_full_total", NO_LABELS, r->series_full);
}
