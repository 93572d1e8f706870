#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""pprof_sink.py PORTFILE DIR: an HTTP ingest receiver for the profiler's
push: writes each POST body to DIR/N.pb.gz and answers 200 (or 500 for
paths under /fail). Prints its port to PORTFILE."""
import http.server, os, sys

port_file, out = sys.argv[1], sys.argv[2]
n = 0


class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global n
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/fail"):
            self.send_response(500)
        else:
            with open(os.path.join(out, "%d.pb.gz" % n), "wb") as f:
                f.write(body)
            n += 1
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(port_file, "w") as f:
    f.write(str(s.server_address[1]))
s.serve_forever()
