// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include "lib/otlp.h"
#include "lib/otlp_trace.h"
#include "lib/pb.h"

/* trace.proto */
enum {
	S_TRACE_ID = 1, S_SPAN_ID = 2, S_PARENT = 4, S_NAME = 5, S_KIND = 6, S_START = 7, S_END = 8,
	S_ATTRS = 9, S_STATUS = 15,
};
enum { KIND_SERVER = 2, KIND_CLIENT = 3 };
enum { ST_MESSAGE = 2, ST_CODE = 3 };
enum { CODE_ERROR = 2 };

#define H(w) ((struct otlp_http *)(w))

static void copy(char *dst, size_t sz, const char *s, size_t n)
{
	n = n < sz - 1 ? n : sz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void oh_str(struct field_writer *w, const char *key, const char *s, size_t n)
{
	static const struct { const char *key; size_t off, sz; } strs[] = {
#define S(k, f) { k, offsetof(struct otlp_http, f), sizeof(((struct otlp_http *)0)->f) }
		S("method", method), S("path", path), S("route", route), S("query", query),
		S("host", host), S("version", version), S("traceparent", traceparent),
		S("service", service), S("saddr", saddr), S("daddr", daddr),
#undef S
	};

	if (!key)
		return;
	if (!strcmp(key, "role")) {
		H(w)->server = n == 6 && !memcmp(s, "server", 6);
		H(w)->seen++;
		return;
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (!strcmp(key, strs[i].key)) {
			copy((char *)w + strs[i].off, strs[i].sz, s, n);
			H(w)->seen++;
			return;
		}
	}
}

static void oh_u64(struct field_writer *w, const char *key, uint64_t v)
{
	static const struct { const char *key; size_t off; } nums[] = {
#define N(k, f) { k, offsetof(struct otlp_http, f) }
		N("sport", sport), N("dport", dport), N("status", status), N("duration_ns", duration_ns),
		N("request_body_bytes", req_body), N("response_body_bytes", resp_body),
#undef N
	};

	if (!key)
		return;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (!strcmp(key, nums[i].key)) {
			*(uint64_t *)((char *)w + nums[i].off) = v;
			H(w)->seen++;
			return;
		}
	}
}

static void oh_i64(struct field_writer *w, const char *key, int64_t v)
{
	if (v >= 0)
		oh_u64(w, key, (uint64_t)v);
}

static void oh_dbl(struct field_writer *w, const char *key, double v) {}
static void oh_bool(struct field_writer *w, const char *key, bool v)
{
	if (key && !strcmp(key, "tls"))
		H(w)->tls = v;
}
static void oh_null(struct field_writer *w, const char *key) {}
static void oh_open(struct field_writer *w, const char *key, bool array) {}
static void oh_close(struct field_writer *w, bool array) {}

static const struct field_writer_ops otlp_http_ops = {
	.str = oh_str, .i64 = oh_i64, .u64 = oh_u64, .dbl = oh_dbl, .boolean = oh_bool,
	.null = oh_null, .open = oh_open, .close = oh_close,
};

void otlp_http__init(struct otlp_http *h)
{
	memset(h, 0, sizeof(*h));
	h->fw.ops = &otlp_http_ops;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool hex(const char *s, uint8_t *out, size_t n)
{
	uint8_t any = 0;

	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
		any |= out[i];
	}
	return any;
}

bool otlp__traceparent(const char *tp, uint8_t trace[16], uint8_t parent[8])
{
	/* 2 + 1 + 32 + 1 + 16 + 1 + 2; version ff is invalid, and a later
	 * version may carry more after the flags. */
	if (strlen(tp) < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-' ||
	    (tp[55] && (!strncmp(tp, "00", 2) || tp[55] != '-')) || !strncmp(tp, "ff", 2) ||
	    hexval(tp[0]) < 0 || hexval(tp[1]) < 0 || hexval(tp[53]) < 0 || hexval(tp[54]) < 0)
		return false;
	return hex(tp + 3, trace, 16) && hex(tp + 36, parent, 8);
}

int otlp_span__http(struct strbuf *sb, unsigned field, const struct otlp_http *h, uint64_t end_ns,
		    const uint8_t trace_id[16], const uint8_t span_id[8])
{
	uint8_t tp_trace[16], tp_parent[8];
	bool has_parent = h->traceparent[0] && otlp__traceparent(h->traceparent, tp_trace, tp_parent);
	const char *server_addr = h->server ? h->saddr : h->daddr, *peer = h->server ? h->daddr : h->saddr;
	uint64_t server_port = h->server ? h->sport : h->dport, peer_port = h->server ? h->dport : h->sport;
	bool error = h->server ? h->status >= 500 : h->status >= 400 || !h->status;
	const char *route = h->route[0] ? h->route : NULL;
	char name[sizeof(h->method) + sizeof(h->route) + 1];
	size_t m = pb__begin(sb, field);

	/* The span's name: "METHOD route", the method alone without a route. */
	snprintf(name, sizeof(name), "%s%s%s", h->method[0] ? h->method : "HTTP", route ? " " : "",
		 route ? route : "");
	pb__bytes(sb, S_TRACE_ID, has_parent ? tp_trace : trace_id, 16);
	pb__bytes(sb, S_SPAN_ID, span_id, 8);
	if (has_parent)
		pb__bytes(sb, S_PARENT, tp_parent, 8);
	otlp__put_str(sb, S_NAME, name, strlen(name));
	pb__uint(sb, S_KIND, h->server ? KIND_SERVER : KIND_CLIENT);
	pb__fixed64(sb, S_START, end_ns > h->duration_ns ? end_ns - h->duration_ns : end_ns);
	pb__fixed64(sb, S_END, end_ns);
	otlp__kv_str(sb, S_ATTRS, "http.request.method", h->method);
	otlp__kv_str(sb, S_ATTRS, "url.scheme", h->tls ? "https" : "http");
	otlp__kv_str(sb, S_ATTRS, "url.path", h->path);
	if (h->query[0])
		otlp__kv_str(sb, S_ATTRS, "url.query", h->query);
	if (route)
		otlp__kv_str(sb, S_ATTRS, "http.route", route);
	if (h->status)
		otlp__kv_int(sb, S_ATTRS, "http.response.status_code", (int64_t)h->status);
	if (server_addr[0]) {
		otlp__kv_str(sb, S_ATTRS, "server.address", server_addr);
		otlp__kv_int(sb, S_ATTRS, "server.port", (int64_t)server_port);
	}
	if (h->server && peer[0]) {
		otlp__kv_str(sb, S_ATTRS, "client.address", peer);
		otlp__kv_int(sb, S_ATTRS, "client.port", (int64_t)peer_port);
	}
	if (peer[0]) {
		otlp__kv_str(sb, S_ATTRS, "network.peer.address", peer);
		otlp__kv_int(sb, S_ATTRS, "network.peer.port", (int64_t)peer_port);
	}
	if (h->version[0])
		otlp__kv_str(sb, S_ATTRS, "network.protocol.version", h->version);
	otlp__kv_int(sb, S_ATTRS, "http.request.body.size", (int64_t)h->req_body);
	otlp__kv_int(sb, S_ATTRS, "http.response.body.size", (int64_t)h->resp_body);
	if (error) {
		size_t st = pb__begin(sb, S_STATUS);

		pb__uint(sb, ST_CODE, CODE_ERROR);
		pb__end(sb, st);
	}
	return pb__end(sb, m);
}
