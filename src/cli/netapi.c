// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/netapi.h"
#include "collectors/tcp.h"
#include "core/collector.h"
#include "core/config.h"
#include "server/http_server.h"
#include "sinks/servicemap.h"

struct netapi {
	struct servicemap *map;
	struct collector *cs;
	const int *ncs;
};

static const struct collector *running(const struct netapi *n, const char *name)
{
	for (int i = 0; i < *n->ncs; i++)
		if (!strcmp(n->cs[i].ops->name, name) && n->cs[i].state == COLLECTOR_RUNNING)
			return &n->cs[i];
	return NULL;
}

static void not_running(struct http_response *resp, const char *what)
{
	resp->status = 404;
	resp->content_type = "application/json";
	sb__printf(&resp->body, "{\"error\":\"%s\"}\n", what);
}

static void serve_connections(void *ctx, const struct http_request *req, struct http_response *resp)
{
	const struct collector *c = running(ctx, "tcp");

	if (!c)
		return not_running(resp, "the tcp collector is not running (add it to --collectors)");
	resp->content_type = "application/json";
	if (tcp__connections_json(c, &resp->body, 10000) < 0) {
		resp->status = 500;
		sb__reset(&resp->body);
		sb__printf(&resp->body, "{\"error\":\"reading the connection table failed\"}\n");
	}
}

static void serve_servicemap(void *ctx, const struct http_request *req, struct http_response *resp)
{
	const struct netapi *n = ctx;

	if (!n->map)
		return not_running(resp, "no network collector is running (add tcp to --collectors)");
	resp->content_type = "application/json";
	servicemap__json(n->map, &resp->body);
}

static const char *req_arg(const void *req, const char *name)
{
	return http_request__arg(req, name);
}

static void serve_flows(void *ctx, const struct http_request *req, struct http_response *resp)
{
	const struct netapi *n = ctx;
	struct flow_query q;
	char why[160];

	if (!n->map)
		return not_running(resp, "no network collector is running (add tcp to --collectors)");
	resp->content_type = "application/json";
	if (flow_query__parse(&q, req_arg, req, why, sizeof(why))) {
		resp->status = 400;
		sb__printf(&resp->body, "{\"error\":\"%s\"}\n", why);
		return;
	}
	servicemap__flows_json(n->map, &q, &resp->body);
}

static bool network_configured(const struct sonde_config *cfg)
{
	char list[sizeof(cfg->collectors)], *save = NULL;

	strcpy(list, cfg->collectors);
	for (char *c = strtok_r(list, ", ", &save); c; c = strtok_r(NULL, ", ", &save))
		if (!strcmp(c, "tcp") || !strcmp(c, "flows"))
			return true;
	return false;
}

struct netapi *netapi__open(struct bus *b, struct http_server *http, const struct sonde_config *cfg,
			    struct collector *cs, const int *ncs)
{
	struct netapi *n = calloc(1, sizeof(*n));
	int e;

	if (!n)
		return NULL;
	n->cs = cs;
	n->ncs = ncs;
	if (network_configured(cfg)) {
		n->map = servicemap__open(b, config__section(cfg, &servicemap_config_section));
		if (!n->map)
			goto fail;
	}
	if (http) {
		e = http_server__route(http, "GET", "/api/connections", serve_connections, n) ?:
		    http_server__route(http, "GET", "/api/servicemap", serve_servicemap, n) ?:
		    http_server__route(http, "GET", "/api/flows", serve_flows, n);
		if (e) {
			errno = -e;
			goto fail;
		}
	}
	return n;
fail:
	netapi__close(n);
	return NULL;
}

void netapi__collect(struct netapi *n, struct metrics_writer *w)
{
	if (n && n->map)
		servicemap__collect(n->map, w);
}

void netapi__close(struct netapi *n)
{
	if (!n)
		return;
	servicemap__close(n->map);
	free(n);
}
