// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the OTLP encoders: attributes through the field writer
 * (src/lib/otlp.c), metrics (otlp_metrics.c) and HTTP spans (otlp_trace.c),
 * read back with the test reader. The integration test decodes the same
 * bytes with the real .proto files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/otlp.h"
#include "lib/otlp_metrics.h"
#include "lib/otlp_trace.h"
#include "lib/pb.h"
#include "pb_reader.h"

/* The AnyValue of the KeyValue named key among fields `num` of msg. */
static bool attr(const void *msg, size_t len, unsigned num, const char *key, struct pbr_field *av)
{
	struct pbr_field kv;
	char k[64];

	for (int i = 0; pbr__find(msg, len, num, i, &kv); i++)
		if (!strcmp(pbr__str(kv.p, kv.len, 1, k, sizeof(k)), key))
			return pbr__find(kv.p, kv.len, 2, 0, av);
	return false;
}

static void test_fields(void **state)
{
	struct strbuf sb = {};
	struct otlp_fields of;
	struct pbr_field av, list, v;
	char s[32];

	otlp_fields__init(&of, &sb, 6);
	fw__str(&of.fw, "comm", "curl");
	fw__strn(&of.fw, "bad", "a\xff" "b", 3);
	fw__u64(&of.fw, "pid", 42);
	fw__i64(&of.fw, "neg", -3);
	fw__bool(&of.fw, "ok", true);
	fw__obj_begin(&of.fw, "obj");
	fw__u64(&of.fw, "x", 1);
	fw__arr_begin(&of.fw, "arr");
	fw__str(&of.fw, NULL, "e0");
	fw__str(&of.fw, NULL, "e1");
	fw__arr_end(&of.fw);
	fw__obj_end(&of.fw);
	fw__u64(&of.fw, "after", 7);
	assert_int_equal(sb.err, 0);
	assert_int_equal(pbr__count(sb.buf, sb.len, 6), 7);
	assert_true(attr(sb.buf, sb.len, 6, "comm", &av));
	assert_string_equal(pbr__str(av.p, av.len, 1, s, sizeof(s)), "curl");
	assert_true(attr(sb.buf, sb.len, 6, "bad", &av));
	assert_string_equal(pbr__str(av.p, av.len, 1, s, sizeof(s)), "a\xEF\xBF\xBD" "b");
	assert_true(attr(sb.buf, sb.len, 6, "pid", &av) && pbr__find(av.p, av.len, 3, 0, &v) && v.v == 42);
	assert_true(attr(sb.buf, sb.len, 6, "neg", &av) && pbr__find(av.p, av.len, 3, 0, &v) &&
		    (int64_t)v.v == -3);
	assert_true(attr(sb.buf, sb.len, 6, "ok", &av) && pbr__find(av.p, av.len, 2, 0, &v) && v.v == 1);
	/* obj: a kvlist holding x and arr, an array of two strings. */
	assert_true(attr(sb.buf, sb.len, 6, "obj", &av) && pbr__find(av.p, av.len, 6, 0, &list));
	assert_true(attr(list.p, list.len, 1, "x", &v));
	assert_true(attr(list.p, list.len, 1, "arr", &av) && pbr__find(av.p, av.len, 5, 0, &list));
	assert_int_equal(pbr__count(list.p, list.len, 1), 2);
	assert_true(pbr__find(list.p, list.len, 1, 1, &v));
	assert_string_equal(pbr__str(v.p, v.len, 1, s, sizeof(s)), "e1");
	assert_true(attr(sb.buf, sb.len, 6, "after", &av) && pbr__find(av.p, av.len, 3, 0, &v) && v.v == 7);
	sb__free(&sb);
}

static void test_metrics(void **state)
{
	uint64_t slots[8] = { 1, 2, 3, 4, 0, 0, 0, 5 };
	struct strbuf sb = {};
	struct otlp_metrics_writer w;
	struct pbr_field m, data, dp, f;
	char s[64];

	otlp_metrics__init(&w, &sb, 1000, 2000);
	mw__family(&w.mw, "sonde_x_total", METRIC_COUNTER, "X.");
	mw__sample_u64(&w.mw, "sonde_x_total", LABELS({ "k", "v" }), 12);
	mw__family(&w.mw, "sonde_empty", METRIC_GAUGE, "No series: left out.");
	mw__family(&w.mw, "sonde_g_bytes", METRIC_GAUGE, "G.");
	mw__sample(&w.mw, "sonde_g_bytes", NO_LABELS, 2.5);
	mw__family(&w.mw, "h_seconds", METRIC_HISTOGRAM, "H.");
	mw__histogram(&w.mw, "h_seconds", LABELS({ "route", "/a" }), slots, 8, 2, 0.5);
	assert_int_equal(otlp_metrics__finish(&w), 0);
	assert_int_equal(w.metrics, 3);
	assert_int_equal(pbr__count(sb.buf, sb.len, 2), 3);
	/* A counter: a cumulative monotonic Sum with an int point. */
	assert_true(pbr__find(sb.buf, sb.len, 2, 0, &m));
	assert_string_equal(pbr__str(m.p, m.len, 1, s, sizeof(s)), "sonde_x_total");
	assert_true(pbr__find(m.p, m.len, 7, 0, &data));
	assert_true(pbr__find(data.p, data.len, 2, 0, &f) && f.v == 2);
	assert_true(pbr__find(data.p, data.len, 3, 0, &f) && f.v == 1);
	assert_true(pbr__find(data.p, data.len, 1, 0, &dp));
	assert_true(pbr__find(dp.p, dp.len, 6, 0, &f) && f.v == 12);
	assert_true(pbr__find(dp.p, dp.len, 2, 0, &f) && f.v == 1000);
	assert_true(attr(dp.p, dp.len, 7, "k", &f));
	/* A gauge, with its unit from the name. */
	assert_true(pbr__find(sb.buf, sb.len, 2, 1, &m));
	assert_string_equal(pbr__str(m.p, m.len, 3, s, sizeof(s)), "By");
	assert_true(pbr__find(m.p, m.len, 5, 0, &data) && pbr__find(data.p, data.len, 1, 0, &dp));
	assert_true(pbr__find(dp.p, dp.len, 4, 0, &f) && pbr__as_double(f.v) == 2.5);
	/* A histogram: slots 0..2 in the first bucket, 3..6, the overflow. */
	assert_true(pbr__find(sb.buf, sb.len, 2, 2, &m));
	assert_true(pbr__find(m.p, m.len, 9, 0, &data) && pbr__find(data.p, data.len, 1, 0, &dp));
	assert_true(pbr__find(dp.p, dp.len, 4, 0, &f) && f.v == 15);
	assert_true(pbr__find(dp.p, dp.len, 5, 0, &f) && pbr__as_double(f.v) == 0.5);
	assert_true(pbr__find(dp.p, dp.len, 6, 0, &f) && f.len == 6 * 8);
	{
		uint64_t want[6] = { 6, 4, 0, 0, 0, 5 }, got;

		for (int i = 0; i < 6; i++) {
			memcpy(&got, f.p + 8 * i, 8);
			assert_int_equal(got, want[i]);
		}
	}
	assert_true(pbr__find(dp.p, dp.len, 7, 0, &f) && f.len == 5 * 8);
	{
		double b;

		memcpy(&b, f.p, 8);
		assert_true(b > 3.9e-9 && b < 4.1e-9);	/* slot 2: (2, 4] ns */
	}
	sb__free(&sb);
}

static void test_traceparent(void **state)
{
	uint8_t t[16], p[8];

	assert_true(otlp__traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", t, p));
	assert_int_equal(t[0], 0x0a);
	assert_int_equal(t[15], 0x9c);
	assert_int_equal(p[7], 0x31);
	assert_false(otlp__traceparent("", t, p));
	assert_false(otlp__traceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01", t, p));
	assert_false(otlp__traceparent("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", t, p));
	assert_false(otlp__traceparent("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", t, p));
	assert_false(otlp__traceparent("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", t, p));
	assert_false(otlp__traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x", t, p));
}

static void test_span(void **state)
{
	static const uint8_t trace[16] = { 1, 2, 3 }, span[8] = { 9, 9 };
	struct otlp_http h;
	struct strbuf sb = {};
	struct pbr_field sp, f;
	char s[64];

	otlp_http__init(&h);
	fw__str(&h.fw, "role", "server");
	fw__str(&h.fw, "method", "GET");
	fw__str(&h.fw, "path", "/users/42");
	fw__str(&h.fw, "route", "/users/{id}");
	fw__u64(&h.fw, "status", 503);
	fw__u64(&h.fw, "duration_ns", 1000);
	fw__str(&h.fw, "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
	fw__str(&h.fw, "saddr", "127.0.0.1");
	fw__u64(&h.fw, "sport", 8080);
	fw__str(&h.fw, "daddr", "127.0.0.2");
	fw__u64(&h.fw, "dport", 5555);
	fw__i64(&h.fw, "fd", 3);
	assert_int_equal(otlp_span__http(&sb, 2, &h, 5000, trace, span), 0);
	assert_true(pbr__find(sb.buf, sb.len, 2, 0, &sp));
	assert_string_equal(pbr__str(sp.p, sp.len, 5, s, sizeof(s)), "GET /users/{id}");
	assert_true(pbr__find(sp.p, sp.len, 1, 0, &f) && f.len == 16 && f.p[0] == 0x0a);
	assert_true(pbr__find(sp.p, sp.len, 4, 0, &f) && f.len == 8 && f.p[0] == 0xb7);
	assert_true(pbr__find(sp.p, sp.len, 2, 0, &f) && f.len == 8 && f.p[0] == 9);
	assert_true(pbr__find(sp.p, sp.len, 6, 0, &f) && f.v == 2);
	assert_true(pbr__find(sp.p, sp.len, 7, 0, &f) && f.v == 4000);
	assert_true(pbr__find(sp.p, sp.len, 8, 0, &f) && f.v == 5000);
	assert_true(attr(sp.p, sp.len, 9, "server.port", &f) && pbr__find(f.p, f.len, 3, 0, &f) && f.v == 8080);
	assert_true(attr(sp.p, sp.len, 9, "client.address", &f));
	assert_string_equal(pbr__str(f.p, f.len, 1, s, sizeof(s)), "127.0.0.2");
	assert_true(attr(sp.p, sp.len, 9, "http.response.status_code", &f));
	assert_true(attr(sp.p, sp.len, 9, "url.scheme", &f));
	assert_string_equal(pbr__str(f.p, f.len, 1, s, sizeof(s)), "http");
	assert_true(pbr__find(sp.p, sp.len, 15, 0, &f) && pbr__find(f.p, f.len, 3, 0, &f) && f.v == 2);
	/* A client without traceparent: its own trace id, no parent; 404 is an error. */
	sb__reset(&sb);
	otlp_http__init(&h);
	fw__str(&h.fw, "role", "client");
	fw__str(&h.fw, "method", "POST");
	fw__u64(&h.fw, "status", 404);
	fw__str(&h.fw, "daddr", "10.0.0.1");
	fw__u64(&h.fw, "dport", 80);
	fw__bool(&h.fw, "tls", true);
	otlp_span__http(&sb, 2, &h, 5000, trace, span);
	assert_true(pbr__find(sb.buf, sb.len, 2, 0, &sp));
	assert_string_equal(pbr__str(sp.p, sp.len, 5, s, sizeof(s)), "POST");
	assert_true(pbr__find(sp.p, sp.len, 1, 0, &f) && f.p[0] == 1);
	assert_false(pbr__find(sp.p, sp.len, 4, 0, &f));
	assert_true(pbr__find(sp.p, sp.len, 6, 0, &f) && f.v == 3);
	assert_true(attr(sp.p, sp.len, 9, "server.address", &f));
	assert_string_equal(pbr__str(f.p, f.len, 1, s, sizeof(s)), "10.0.0.1");
	assert_false(attr(sp.p, sp.len, 9, "client.address", &f));
	assert_true(attr(sp.p, sp.len, 9, "url.scheme", &f));
	assert_string_equal(pbr__str(f.p, f.len, 1, s, sizeof(s)), "https");
	assert_true(pbr__find(sp.p, sp.len, 15, 0, &f));
	sb__free(&sb);
}

static void test_batch(void **state)
{
	static struct otlp_batch b;
	struct strbuf out = {};
	struct pbr_field rs, f, ss;
	struct otlp_group *g;
	char s[32];

	for (int i = 0; i < 3; i++) {
		const char *key = i == 1 ? "b" : "a";

		g = otlp_batch__find(&b, key);
		if (!g) {
			g = otlp_batch__add(&b, key);
			otlp__kv_str(&g->resource, 1, "service.name", key);
		}
		pb__uint(&g->items, 2, 0);	/* stand-ins for items */
		g->n++;
	}
	assert_int_equal(b.ngroups, 2);
	assert_int_equal(otlp_batch__write(&b, &out, "sonde", "1"), 0);
	assert_int_equal(b.ngroups, 0);
	assert_int_equal(pbr__count(out.buf, out.len, 1), 2);
	assert_true(pbr__find(out.buf, out.len, 1, 0, &rs));
	assert_true(pbr__find(rs.p, rs.len, 1, 0, &f) && attr(f.p, f.len, 1, "service.name", &f));
	assert_string_equal(pbr__str(f.p, f.len, 1, s, sizeof(s)), "a");
	assert_true(pbr__find(rs.p, rs.len, 2, 0, &ss));
	assert_int_equal(pbr__count(ss.p, ss.len, 2), 2);
	assert_true(pbr__find(ss.p, ss.len, 1, 0, &f));
	assert_string_equal(pbr__str(f.p, f.len, 1, s, sizeof(s)), "sonde");
	otlp_batch__free(&b);
	sb__free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_traceparent),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
