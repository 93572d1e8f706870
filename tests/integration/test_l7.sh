#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# L7 tracing against real servers and clients on loopback: nginx (keep-alive,
# pipelining, chunked, sendfile bodies, HEAD, 404, a POST with a body) and
# python3's http.server, driven by curl, a raw pipelining client and wrk.
# Every request must be seen once from each end with the method, path,
# status and sizes the client saw (http_check.py); the RED histograms must
# count them; credentials in headers and query never reach any output.
. "$(dirname "$0")/lib.sh"
CHECK=tests/integration/http_check.py

require_collector l7
command -v nginx >/dev/null || { t_fail "nginx is not installed (make deps)"; exit 1; }

start_agent -C l7 || { t_fail "agent did not start"; exit 1; }
grep -q "collector l7 running" "$T/agent.err" && t_ok "l7 collector running" ||
	{ t_fail "l7 collector not running: $(cat "$T/agent.err")"; exit 1; }

# ---- nginx ----
NPORT=$(free_port)
mkdir -p "$T/www"
printf 'hello from nginx\n' >"$T/www/small.txt"
head -c 1048576 /dev/urandom >"$T/www/big.bin"
seq 1 20000 >"$T/www/text.txt"	# 108 KB of text: gzip makes it chunked
start_nginx "	sendfile on;
	gzip on; gzip_min_length 1; gzip_types text/plain;
	server {
		listen 127.0.0.1:$NPORT;
		root $T/www;
		location = /post { client_max_body_size 1m; return 201 \"created\\n\"; }
	}" || { t_fail "nginx did not start"; exit 1; }

W='%{local_port} %{method} %{url_effective} %{http_code} %{size_header} %{size_download} %{size_upload} %{size_request}\n'
# curl 7.88 has no %{url.path}: the path is the URL after the authority.
paths() { sed -E 's|https?://[^/]*||'; }
U=http://127.0.0.1:$NPORT
# Keep-alive: one connection, several requests; then HEAD, a 404, a POST.
curl -s -w "$W" -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$U/small.txt" "$U/big.bin" "$U/small.txt" "$U/missing" | paths >"$T/expect" ||
	t_fail "curl keep-alive"
curl -s -o /dev/null -I -w "$W" "$U/big.bin" | paths >>"$T/expect" || t_fail "curl HEAD"
head -c 100000 /dev/zero | tr '\0' x >"$T/body"
curl -s -o /dev/null -w "$W" --data-binary @"$T/body" "$U/post" | paths >>"$T/expect" || t_fail "curl POST"
# Chunked: gzip of a text file (no Content-Length).
curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "$W" "$U/text.txt" | paths | sed 's/$/ chunked/' >>"$T/expect"
# Pipelined: three requests in one write, the responses read back.
$PY - "$NPORT" >>"$T/expect" <<'EOF' || t_fail "pipelining client"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
paths = ["/small.txt", "/missing", "/small.txt"]
reqs = [f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in paths]
s.sendall(b"".join(reqs))
buf, out = b"", []
for p, r in zip(paths, reqs):
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, buf = buf.split(b"\r\n\r\n", 1)
    head += b"\r\n\r\n"
    status = int(head.split()[1])
    n = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(buf) < n:
        buf += s.recv(65536)
    buf = buf[n:]
    out.append(f"{s.getsockname()[1]} GET {p} {status} {len(head)} {n} 0 {len(r)}")
s.close()
print("\n".join(out))
EOF
sleep 0.5
if $PY $CHECK "$T/events.jsonl" "$T/expect" "$NGINX" >"$T/check" 2>&1; then
	t_ok "nginx: $(tail -1 "$T/check"): keep-alive, sendfile, HEAD, 404, POST, chunked, pipelined"
else
	t_fail "nginx: $(cat "$T/check"); expected: $(cat "$T/expect")"
fi

# ---- python3 http.server (HTTP/1.0, a close per response) ----
PPORT=$(free_port)
(cd "$T/www" && exec $PY -m http.server "$PPORT" --bind 127.0.0.1) >"$T/pyhttp.log" 2>&1 &
PYSRV=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PPORT/small.txt" 2>/dev/null && break; sleep 0.05; done
: >"$T/expect.py"
for p in small.txt missing big.bin; do
	curl -s -o /dev/null -w "$W" "http://127.0.0.1:$PPORT/$p" | paths >>"$T/expect.py" || t_fail "curl $p"
done
sleep 0.5
# The readiness probes above are traced too: check only the listed ports.
if $PY $CHECK "$T/events.jsonl" "$T/expect.py" "$PYSRV" >"$T/check" 2>&1; then
	t_ok "python http.server: $(tail -1 "$T/check")"
else
	t_fail "python http.server: $(cat "$T/check")"
fi
kill "$PYSRV" 2>/dev/null; wait "$PYSRV" 2>/dev/null

# ---- redaction ----
curl -s -o /dev/null -H 'Authorization: Bearer sondeSECRETtoken' -H 'Cookie: sid=sondeSECRETcookie' \
	"$U/small.txt?password=sondeSECRETpass&page=2" || t_fail "curl with credentials"
sleep 0.5
scrape || t_fail "scrape"
if grep -q 'page=2' "$T/events.jsonl" && grep -q 'password=REDACTED' "$T/events.jsonl"; then
	t_ok "query kept with its password value redacted"
else
	t_fail "query not as expected: $(grep -o '"query":"[^"]*"' "$T/events.jsonl" | tail -2)"
fi
if grep -rq "sonde[S]ECRET" "$T/events.jsonl" "$T/metrics" "$T/agent.err" "$T/agent.out"; then
	t_fail "a credential reached an output: $(grep -rho '.\{40\}sonde[S]ECRET.\{10\}' "$T" | head -3)"
else
	t_ok "Authorization, Cookie and a password parameter in no output"
fi

drops=$(awk '/^sonde_http_parse_drops_total/ && $2 > 0' "$T/metrics")
[ -z "$drops" ] && t_ok "no parser drops" || t_fail "parser drops: $drops"

# ---- RED metrics ----
v=$(metric 'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/small.txt",http_response_status_code="200",service_name="nginx"}')
# small.txt from nginx: 2 keep-alive + 2 pipelined + 1 redaction request.
[ "$v" = 5 ] && t_ok "RED: nginx GET /small.txt 200 counted 5 times" ||
	t_fail "RED: nginx GET /small.txt 200 count is $v, want 5: $(grep 'small.txt' "$T/metrics" | head -5)"
v=$(metric 'http_client_request_duration_seconds_count{http_request_method="POST",http_route="/post",http_response_status_code="201",service_name="curl"}')
[ "$v" = 1 ] && t_ok "RED: curl's POST /post 201 counted once" || t_fail "RED: client POST count is $v"

# ---- wrk: many keep-alive requests over 4 connections ----
wrk -t1 -c4 -d1s "$U/small.txt" >"$T/wrk" 2>&1 || t_fail "wrk: $(cat "$T/wrk")"
N=$(awk '/requests in/ { print $1 }' "$T/wrk")
sleep 0.5
scrape
got=$(metric 'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/small.txt",http_response_status_code="200",service_name="nginx"}')
[ "$got" = absent ] && got=0 || got=$((got - 5))
# wrk counts the responses it read; the server may answer up to one more per
# connection after wrk stops reading.
if [ -n "$N" ] && [ "$got" -ge "$N" ] && [ "$got" -le $((N + 4)) ]; then
	t_ok "wrk: $N requests, the server side traced $got"
else
	t_fail "wrk: $N requests, the server side traced $got: $(grep -E 'parse_drops|events_lost|evicted' "$T/metrics")"
fi
# wrk ends with a request in flight on each connection: at most one
# unanswered per connection and end; nothing else may be lost.
drops=$(awk '/^sonde_http_parse_drops_total/ && $2 > 0 && !/unanswered/' "$T/metrics")
un=$(metric 'sonde_http_parse_drops_total{reason="unanswered"}')
[ -z "$drops" ] && [ "$un" -le 8 ] && t_ok "after wrk: no parser drops but $un unanswered at wrk's end" ||
	t_fail "after wrk: parser drops: $drops unanswered $un"

stop_agent
[ "$AGENT_RC" = 0 ] && t_ok "agent stopped cleanly" || t_fail "agent exit status $AGENT_RC"

# ---- joined mid-stream: a keep-alive connection older than the agent ----
mkfifo "$T/go"
# The first request, before the agent, is not traced.
$PY tests/integration/keepalive_get.py "$NPORT" --wait "$T/go" /small.txt /small.txt /missing /big.bin \
	>"$T/expect.mid" 2>"$T/mid.err" &
MID=$!
sleep 0.3
rm -f "$T/events.jsonl"
start_agent -C l7 || t_fail "agent did not start again"
echo go >"$T/go"
wait $MID || t_fail "mid-stream client: $(cat "$T/mid.err")"
sleep 0.5
if $PY $CHECK "$T/events.jsonl" "$T/expect.mid" "$NGINX" >"$T/check" 2>&1; then
	t_ok "joined mid-stream: $(tail -1 "$T/check") on a connection opened before the agent"
else
	t_fail "joined mid-stream: $(cat "$T/check")"
fi
stop_agent

# ---- bounds: more connections than the table holds, then idle ones ----
start_agent -C l7 --l7-max-connections 16 --l7-idle-timeout 1 || t_fail "agent did not start (bounds)"
$PY - "$NPORT" >"$T/evict.out" 2>&1 <<'EOF' || t_fail "bounds client: $(cat "$T/evict.out")"
import socket, sys
conns = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(40)]
for rnd in range(2):
    for s in conns:
        s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        buf = b""
        while not buf.endswith(b"hello from nginx\n"):
            buf += s.recv(65536)
for s in conns:
    s.close()
EOF
sleep 0.3
scrape
full=$(metric 'sonde_l7_connections_evicted_total{reason="full"}')
n=$(metric 'sonde_l7_connections')
[ "$full" != absent ] && [ "$full" -gt 0 ] && [ "$n" -le 16 ] &&
	t_ok "80 connections (both ends) through a table of 16: $full evicted (counted), $n held" ||
	t_fail "eviction: evicted $full, held $n"
# One keep-alive connection left open and quiet: both its ends idle out.
$PY - "$NPORT" <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n")
s.recv(65536)
time.sleep(4)
EOF
QUIET=$!
sleep 2.5
scrape
kill $QUIET 2>/dev/null; wait $QUIET 2>/dev/null
idle=$(metric 'sonde_l7_connections_evicted_total{reason="idle"}')
n=$(metric 'sonde_l7_connections')
# nginx closes its ends when the client does; only what no close ended idles
# out. The one held is the scrape's own: curl's request is traced before
# the agent answers it.
[ "$n" -le 1 ] && [ "$idle" -ge 2 ] &&
	t_ok "after the idle timeout only the scrape's connection is held ($idle forgotten as idle)" ||
	t_fail "after the idle timeout $n connections held (idle evictions: $idle)"
kill -0 "$AGENT_PID" && t_ok "agent alive after evictions" || t_fail "agent died"
stop_nginx
stop_agent
