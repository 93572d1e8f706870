/* SPDX-License-Identifier: Apache-2.0 */
/* URL paths and queries of traced requests, made fit to export: a route
 * template of bounded cardinality, and a query with its secrets taken out.
 * Pure functions over untrusted bytes. */
#ifndef SONDE_PROTO_URL_H
#define SONDE_PROTO_URL_H
#include <stddef.h>

#define URL_ID		"{id}"		/* what an id segment becomes */
#define URL_REDACTED	"REDACTED"

/* path with each segment that is an id replaced by URL_ID: all digits,
 * a UUID, hex of 8 or more with a digit, or 16 or more letters and digits
 * mixed (tokens, hashes). Empty segments and a trailing '/' are kept as
 * they are. Returns out ("" for a path that does not start with '/', but
 * "*" stays "*"). */
char *url__route(const char *path, char *out, size_t sz);
/* query (without '?') with the value of each parameter named in names (a
 * comma-separated list, case-insensitive) replaced by URL_REDACTED;
 * names "*": every value. Returns out, cut to fit. */
char *url__redact_query(const char *query, const char *names, char *out, size_t sz);
#endif
