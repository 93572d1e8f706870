/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's network endpoints: /api/connections (the tcp collector's
 * live sockets with RTT), /api/servicemap and /api/flows (the service
 * map), and the service map's metrics. */
#ifndef SONDE_CLI_NETAPI_H
#define SONDE_CLI_NETAPI_H
struct bus;
struct collector;
struct http_server;
struct metrics_writer;
struct netapi;
struct sonde_config;

/* The service map subscribes when a network collector is configured;
 * routes go on http (may be NULL). *cs and *ncs are read at each request. */
struct netapi *netapi__open(struct bus *b, struct http_server *http, const struct sonde_config *cfg,
			    struct collector *cs, const int *ncs);
void netapi__collect(struct netapi *n, struct metrics_writer *w);
void netapi__close(struct netapi *n);	/* NULL-safe */
#endif
