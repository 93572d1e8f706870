#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The HTTP endpoint (router, embedded page, live event stream) against curl,
# and the HTTP client (POST with a gzip body, keep-alive, chunked bodies,
# timeouts) against a real server (tests/integration/http_peer.py).
. "$(dirname "$0")/lib.sh"

# ---- the router ----
start_agent --collectors syscalls || { t_fail "start"; exit 1; }
B=http://127.0.0.1:$PORT
curl -s "$B/nope" | grep -q "no such path: /nope" && t_ok "404 names the path and lists the others" ||
	t_fail "404: $(curl -s "$B/nope")"
hdr=$(curl -si -X POST "$B/metrics")
echo "$hdr" | grep -q "^HTTP/1.1 405" && echo "$hdr" | grep -qi "^Allow: GET, HEAD" &&
	t_ok "POST /metrics: 405 with Allow: GET, HEAD" || t_fail "405: $hdr"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$B/metrics")" = 200 ] && t_ok "HEAD /metrics: 200" ||
	t_fail "HEAD /metrics"
page=$(curl -s "$B/")
echo "$page" | grep -q "<h1>sonde</h1>" && [ "$page" = "$(cat src/server/assets/index.html)" ] &&
	t_ok "/ serves the embedded page, byte for byte" || t_fail "/: $page"
[ "$(curl -s "$B/index.html")" = "$page" ] && t_ok "/index.html is the same asset" || t_fail "/index.html"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/events")" = 404 ] &&
	t_ok "no event stream unless asked for (--events-http)" || t_fail "/api/events served by default"

# A second agent on the same port fails before attaching anything, and
# every scrape still reaches the first (no SO_REUSEPORT sharing).
out=$("$SONDE" agent -C syscalls --listen "127.0.0.1:$PORT" --events '' 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -qF "Address already in use (is another sonde running?" &&
	! echo "$out" | grep -q "collector syscalls running" &&
	t_ok "second agent on the port: exit 1, 'Address already in use (is another sonde running?)'" ||
	t_fail "second agent: rc=$rc $out"
first=$(curl -s "$B/api/status" | $PY -c 'import json,sys; print(json.load(sys.stdin)["uptime_seconds"] > 0)')
[ "$first" = True ] && t_ok "scrapes still reach the first agent" || t_fail "status after the second start: $first"

# Idle connections cannot blind monitoring: with 500 idle connections from
# this host (and then 64 that send half a request), /metrics answers at
# once, and the server closes them within its 3 s header timeout.
for mode in idle:500 partial:64; do
	$PY - "$PORT" "${mode#*:}" "${mode%:*}" >"$T/flood" <<'PY'
import socket, subprocess, sys, time
port, n, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for i in range(n):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        if mode == "partial":
            s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        pass
t0 = time.time()
r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                    "http://127.0.0.1:%d/metrics" % port], capture_output=True, text=True)
scrape = time.time() - t0
for s in socks:
    s.setblocking(False)
live = socks
while live and time.time() - t0 < 15:
    still = []
    for s in live:
        try:
            if s.recv(65536) != b"":
                still.append(s)
        except BlockingIOError:
            still.append(s)
        except OSError:
            pass
    live = still
    time.sleep(0.1)
print(r.stdout, "%.3f" % scrape, len(live), "%.1f" % (time.time() - t0))
PY
	set -- $(cat "$T/flood")
	[ "$1" = 200 ] && awk -v s="$2" 'BEGIN { exit !(s < 1) }' && [ "$3" = 0 ] && awk -v s="$4" 'BEGIN { exit !(s < 6) }' &&
		t_ok "${mode#*:} ${mode%:*} connections: /metrics 200 in ${2}s, all closed by the server in ${4}s" ||
		t_fail "${mode#*:} ${mode%:*} connections: $(cat "$T/flood") (status, scrape s, still open, s)"
done
stop_agent

# ---- the event stream ----
start_agent --collectors proc --events-http || { t_fail "start with --events-http"; exit 1; }
B=http://127.0.0.1:$PORT
[ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/events?type=bogus")" = 400 ] &&
	t_ok "an unknown event type is a 400" || t_fail "?type=bogus"
curl -sN "$B/api/events?type=exec" >"$T/sse" 2>/dev/null & C=$!
sleep 0.5
"$LOAD" tag sse-$$ exit 0
sleep 0.5
kill $C 2>/dev/null; wait $C 2>/dev/null
$PY - "$T/sse" "$$" <<'PY' && t_ok "SSE: the exec arrives as one data line of the events schema, only execs" || t_fail "SSE stream: $(head -c 500 "$T/sse")"
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == ": sonde events", lines[:2]
data = [json.loads(l[6:]) for l in lines if l.startswith("data: ")]
assert data and all(e["type"] == "exec" for e in data), data
mine = [e for e in data if "sse-" + sys.argv[2] in e["argv"]]
assert len(mine) == 1 and mine[0]["exec_id"] and mine[0]["schema"] == 1, mine
PY
# The client going away ends its stream: the agent keeps serving.
curl -sf "$B/metrics" >/dev/null && t_ok "still serving after the stream's client left" || t_fail "not serving"
stop_agent

# ---- the client, against a real server ----
HP=$(free_port)
$PY tests/integration/http_peer.py "$HP" 2>/dev/null & PEER=$!
trap 'kill $PEER 2>/dev/null; wait $PEER 2>/dev/null; finish; exit $?' EXIT
sleep 0.5
CL=$BUILD/tests/sonde-http
head -c 300000 /dev/urandom >"$T/blob"
want=$(sha256sum "$T/blob" | cut -d' ' -f1)
for gz in plain gzip; do
	out=$("$CL" post "127.0.0.1:$HP" /echo "$T/blob" $gz)
	echo "$out" | $PY -c '
import json, sys
status, body = sys.stdin.read().split(" ", 1)
d = json.loads(body)
assert status == "200" and d["len"] == 300000 and d["sha256"] == sys.argv[1] and d["gzip"] == (sys.argv[2] == "gzip"), d' "$want" $gz &&
		t_ok "POST 300 kB ($gz): the server got it whole (sha256 matches)" || t_fail "POST ($gz): $out"
done
out=$("$CL" get "127.0.0.1:$HP" /port 5)
[ "$(echo "$out" | grep -c '^200 ')" = 5 ] && echo "$out" | grep -q "^connects: 1$" &&
	[ "$(echo "$out" | grep '^200' | sort -u | wc -l)" = 1 ] &&
	t_ok "5 requests, one connection (keep-alive)" || t_fail "keep-alive: $out"
out=$("$CL" get "127.0.0.1:$HP" /close 3)
echo "$out" | grep -q "^connects: 3$" && t_ok "Connection: close: a new connection each time" ||
	t_fail "Connection: close: $out"
out=$("$CL" get "127.0.0.1:$HP" /chunked 2)
[ "$(echo "$out" | grep -c '^200 10000 ')" = 2 ] && echo "$out" | grep -q "^connects: 1$" &&
	t_ok "chunked bodies (with extensions and a trailer) decoded, connection kept" || t_fail "chunked: $out"
t0=$(date +%s%N)
out=$("$CL" get "127.0.0.1:$HP" /slow 1 1000); rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ $rc -ne 0 ] && echo "$out" | grep -q "no answer within 1000 ms" && [ $ms -lt 2000 ] &&
	t_ok "total timeout: gave up after ${ms} ms with the reason" || t_fail "timeout: rc=$rc ${ms} ms: $out"
out=$("$CL" get "127.0.0.1:$(free_port)" / 1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "cannot reach 127.0.0.1:[0-9]*: Connection refused" &&
	t_ok "nothing listening: $out" || t_fail "refused: $out"
