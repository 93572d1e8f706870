/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's profile endpoints: /debug/pprof/profile?seconds=N (as Go's
 * net/http/pprof serves it, so `go tool pprof http://HOST:PORT/debug/pprof/profile`
 * works), /api/profiles (the rolling profiles) and /api/profiles/pprof. */
#ifndef SONDE_CLI_PROFAPI_H
#define SONDE_CLI_PROFAPI_H
struct collector;
struct http_server;

/* *cs and *ncs are read at each request. 0 or a negative errno. */
int profapi__register(struct http_server *http, struct collector *cs, const int *ncs);
#endif
