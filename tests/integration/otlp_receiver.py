#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# An OTLP/HTTP protobuf receiver for the tests: decodes what sonde POSTs
# to /v1/traces, /v1/metrics and /v1/logs with the Python modules compiled
# from the OTLP .proto files (scripts/otlp-protos.sh), and writes one JSON
# line per request (path, headers, the request as protobuf's JSON mapping).
#   otlp_receiver.py PROTO_PY_DIR PORT_FILE OUT.jsonl [--fail-for SECONDS] [--reject] [--port N]
# With --fail-for, it answers 503 (Retry-After: 1) from the first request
# until SECONDS have passed, then 200; with --reject, 400 to every request.
import gzip, json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, sys.argv[1])
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2

TYPES = {
    "/v1/traces": trace_service_pb2.ExportTraceServiceRequest,
    "/v1/metrics": metrics_service_pb2.ExportMetricsServiceRequest,
    "/v1/logs": logs_service_pb2.ExportLogsServiceRequest,
}
port_file, out_path = sys.argv[2], sys.argv[3]
fail_for = float(sys.argv[sys.argv.index("--fail-for") + 1]) if "--fail-for" in sys.argv else 0
reject = "--reject" in sys.argv
port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
first = None
out = open(out_path, "a")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, code, body=b"", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        global first
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        now = time.monotonic()
        first = first if first is not None else now
        rec = {"path": self.path, "headers": dict(self.headers.items()), "bytes": len(raw)}
        if fail_for and now - first < fail_for:
            rec["status"] = 503
            out.write(json.dumps(rec) + "\n")
            out.flush()
            return self.answer(503, b"busy", [("Retry-After", "1")])
        if reject:
            rec["status"] = 400
            out.write(json.dumps(rec) + "\n")
            out.flush()
            return self.answer(400, b"sonde test: rejected\n")
        t = TYPES.get(self.path)
        if not t:
            return self.answer(404)
        try:
            body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
            msg = t()
            msg.ParseFromString(body)
            rec["request"] = json_format.MessageToDict(msg)
            rec["status"] = 200
            rec["raw"] = body.hex()
        except Exception as e:  # a request that does not decode is the test's failure
            rec["status"] = 400
            rec["error"] = repr(e)
        out.write(json.dumps(rec) + "\n")
        out.flush()
        self.answer(rec["status"], b"" if rec["status"] == 200 else rec.get("error", "").encode())


srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
