#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A real HTTP/1.1 server for the client's tests (test_http.sh): stdlib
http.server with keep-alive, on 127.0.0.1:PORT.

  POST /echo      answers {"len", "sha256", "gzip", "port"} of the body it got
                  (gunzipped when Content-Encoding says gzip; port is the
                  client's, so keep-alive shows as one port for many requests)
  GET  /chunked   a chunked body: the digits 0..9 repeated, 10 chunks of 1000
  GET  /slow      answers after 5 s
  GET  /close     answers with Connection: close
"""
import gzip, hashlib, json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, body, ctype="application/json", close=False):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        gz = self.headers.get("Content-Encoding") == "gzip"
        if gz:
            body = gzip.decompress(body)
        self.reply(json.dumps({"len": len(body), "sha256": hashlib.sha256(body).hexdigest(),
                               "gzip": gz, "port": self.client_address[1]}).encode())

    def do_GET(self):
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(10):
                data = (str(i) * 1000).encode()
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\nX-Trailer: 1\r\n\r\n")
        elif self.path == "/slow":
            time.sleep(5)
            self.reply(b"late", "text/plain")
        elif self.path == "/close":
            self.reply(b"bye", "text/plain", close=True)
        else:
            self.reply(json.dumps({"port": self.client_address[1]}).encode())


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
