#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Checks what otlp_receiver.py got from sonde (test_otlp.sh): prints ok:/FAIL:
# lines. Modes:
#   otlp_check.py full GOT.jsonl NGINX_PORT N TRACE_HEX PARENT_HEX SECRET PROBE_NAME
#   otlp_check.py count GOT.jsonl NGINX_PORT PATH   (prints the number of server spans)
import base64, json, sys


def load(path):
    return [json.loads(l) for l in open(path)]


def attrs(kvs):
    out = {}
    for kv in kvs or []:
        v = kv.get("value", {})
        out[kv["key"]] = next(iter(v.values())) if v else None
    return out


def spans(reqs):
    for r in reqs:
        if r["path"] != "/v1/traces" or r["status"] != 200:
            continue
        for rs in r["request"].get("resourceSpans", []):
            res = attrs(rs.get("resource", {}).get("attributes"))
            for ss in rs.get("scopeSpans", []):
                for sp in ss.get("spans", []):
                    yield res, sp, attrs(sp.get("attributes"))


def ok(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg)
    return cond


def server_spans(reqs, port, path=None):
    return [(res, sp, a) for res, sp, a in spans(reqs)
            if sp.get("kind") == "SPAN_KIND_SERVER" and int(a.get("server.port", 0)) == port
            and (path is None or a.get("url.path") == path)]


def full(reqs, port, n, trace_hex, parent_hex, secret, probe):
    bad = [r for r in reqs if r["status"] != 200]
    ok(not bad, f"{len(reqs)} requests decoded with the OTLP protos" + (f"; not: {bad[:1]}" if bad else ""))
    ok(all(r["headers"].get("Content-Encoding") == "gzip" for r in reqs), "every request gzipped")
    paths = {r["path"] for r in reqs}
    ok(paths == {"/v1/traces", "/v1/metrics", "/v1/logs"}, f"all three signals: {sorted(paths)}")
    # Spans: nginx's side of each request.
    srv = server_spans(reqs, port, "/small.txt")
    ok(len(srv) == n, f"{len(srv)} server spans of GET /small.txt (want {n})")
    good = [1 for res, sp, a in srv if a.get("http.request.method") == "GET" and
            sp["name"] == "GET " + a.get("http.route", "?") and int(a.get("http.response.status_code", 0)) == 200
            and a.get("network.peer.address") == "127.0.0.1" and int(a.get("client.port", 0)) > 0
            and a.get("network.protocol.version") == "1.1" and "status" not in sp]
    ok(len(good) == n, f"server spans: method, name 'GET <route>', status 200, client and peer, no error ({len(good)}/{n})")
    res = srv[0][0] if srv else {}
    pid = int(res.get("process.pid", 0))
    ok(res.get("service.name") == "nginx" and pid > 0 and
       res.get("sonde.exec_id", "").split("-")[0] == format(pid, "x") and
       res.get("process.executable.path", "").endswith("nginx"),
       f"resource of nginx's spans: service.name, process.pid, exec id: {res}")
    miss = server_spans(reqs, port, "/missing")
    ok(len(miss) == 1 and int(miss[0][2].get("http.response.status_code", 0)) == 404 and "status" not in miss[0][1],
       f"a 404 server span, not an error for a server ({len(miss)})")
    cli = [(r, sp, a) for r, sp, a in spans(reqs) if sp.get("kind") == "SPAN_KIND_CLIENT" and
           int(a.get("server.port", 0)) == port and a.get("url.path") == "/missing"]
    ok(len(cli) == 1 and cli[0][1].get("status", {}).get("code") == "STATUS_CODE_ERROR" and
       cli[0][0].get("service.name") == "curl",
       f"curl's client span of the 404: kind CLIENT, an error, service curl ({len(cli)})")
    tp = [sp for r, sp, a in srv if base64.b64decode(sp["traceId"]).hex() == trace_hex]
    ok(len(tp) == 1 and base64.b64decode(tp[0].get("parentSpanId", "")).hex() == parent_hex and
       base64.b64decode(tp[0]["spanId"]).hex() != parent_hex,
       f"the traceparent's trace id and parent span id on its span ({len(tp)})")
    ids = {sp["spanId"] for r, sp, a in spans(reqs)}
    ok(len(ids) == sum(1 for _ in spans(reqs)), "every span id unique")
    own = [a["url.path"] for r, sp, a in spans(reqs) if a.get("url.path", "").startswith("/v1/")]
    ok(not own, f"no span of sonde's own export requests ({len(own)})")
    t0 = [int(sp["startTimeUnixNano"]) <= int(sp["endTimeUnixNano"]) for r, sp, a in srv]
    ok(all(t0), "start <= end on every span")
    # Metrics: the last export's cumulative values.
    last = {}
    for r in reqs:
        if r["path"] == "/v1/metrics" and r["status"] == 200:
            for rm in r["request"]["resourceMetrics"]:
                for sm in rm["scopeMetrics"]:
                    for m in sm["metrics"]:
                        last[m["name"]] = m
    ex = [p for p in last.get("sonde_process_events_total", {}).get("sum", {}).get("dataPoints", [])
          if attrs(p.get("attributes")).get("type") == "exec"]
    ok(ex and int(ex[0].get("asInt", 0)) >= 1 and last["sonde_process_events_total"]["sum"].get("isMonotonic"),
       f"metric sonde_process_events_total{{type=exec}}: a monotonic cumulative sum ({ex[:1]})")
    h = last.get("http_server_request_duration_seconds", {}).get("histogram", {})
    pts = [p for p in h.get("dataPoints", []) if attrs(p.get("attributes")).get("http_route") == "/small.txt"
           and attrs(p.get("attributes")).get("service_name") == "nginx"]
    cnt = sum(int(p["count"]) for p in pts)
    shape = all(len(p["bucketCounts"]) == len(p["explicitBounds"]) + 1 and
                sum(int(c) for c in p["bucketCounts"]) == int(p["count"]) and 0 < p["sum"] < 10 for p in pts)
    ok(cnt == n and shape and h.get("aggregationTemporality") == "AGGREGATION_TEMPORALITY_CUMULATIVE",
       f"histogram http_server_request_duration_seconds for /small.txt: count {cnt} (want {n}), buckets add up: {shape}")
    ok("sonde_otlp_items_total" in last, "the exporter's own metrics are exported")
    # Logs: the probe's exec.
    recs = []
    for r in reqs:
        if r["path"] == "/v1/logs" and r["status"] == 200:
            for rl in r["request"]["resourceLogs"]:
                res = attrs(rl.get("resource", {}).get("attributes"))
                for sl in rl["scopeLogs"]:
                    for lr in sl["logRecords"]:
                        recs.append((res, lr, attrs(lr.get("attributes"))))
    ex = [(res, lr, a) for res, lr, a in recs if a.get("event.name") == "exec" and a.get("binary", "").endswith(probe)]
    ok(len(ex) == 1 and ex[0][1]["body"].get("stringValue") == "exec" and
       int(ex[0][2].get("pid", -1)) == int(ex[0][0].get("process.pid", -2)) and ex[0][2].get("exec_id") and
       ex[0][0].get("sonde.exec_id") == ex[0][2].get("exec_id") and
       [v.get("stringValue") for v in ex[0][2].get("argv", {}).get("values", [])][1:] == ["a1", "b2"],
       f"the probe's exec as a log record with pid, exec_id, binary, argv (an array), its resource matching: "
       f"{ex[0][2] if ex else None}")
    ok(any(a.get("event") == "start" for res, lr, a in recs), "the agent's start event as a log record")
    # The Authorization header's value went nowhere.
    leaked = [r["path"] for r in reqs if secret in json.dumps(r) or secret.encode().hex() in r.get("raw", "")]
    ok(not leaked, f"the Authorization header's value is in no request ({len(leaked)})")


mode, reqs = sys.argv[1], load(sys.argv[2])
if mode == "full":
    full(reqs, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8])
else:
    print(len(server_spans(reqs, int(sys.argv[3]), sys.argv[4])))
