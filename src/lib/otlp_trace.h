/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP spans of HTTP exchanges (trace.proto, the OpenTelemetry HTTP
 * semantic conventions). The exchange's fields are gathered by key through
 * a field writer (whatever event kind writes them: "http" today), then
 * written as one Span. Pure: ids come from the caller. */
#ifndef SONDE_LIB_OTLP_TRACE_H
#define SONDE_LIB_OTLP_TRACE_H
#include <stdbool.h>
#include <stdint.h>
#include "lib/fields.h"
#include "lib/strbuf.h"

struct otlp_http {
	struct field_writer fw;	/* fills the rest by key */
	bool server;		/* role "server" */
	bool tls;		/* "tls": HTTPS plaintext from the TLS library */
	char method[16], path[512], route[512], query[512], host[256], version[8];
	char traceparent[64], service[128];
	char saddr[48], daddr[48];	/* local, remote */
	uint64_t sport, dport, status, duration_ns, req_body, resp_body;
	unsigned seen;		/* fields found */
};

void otlp_http__init(struct otlp_http *h);
/* A W3C traceparent "00-<32 hex>-<16 hex>-<2 hex>": its trace id and
 * parent span id; false when absent or malformed (or all-zero ids). */
bool otlp__traceparent(const char *tp, uint8_t trace[16], uint8_t parent[8]);
/* One Span message as field `field` of sb, ending at end_ns; trace_id is
 * used unless the traceparent gives one (then its span is the parent). */
int otlp_span__http(struct strbuf *sb, unsigned field, const struct otlp_http *h, uint64_t end_ns,
		    const uint8_t trace_id[16], const uint8_t span_id[8]);
#endif
