#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# L7 tracing of TLS plaintext through uprobes on libssl and libgnutls:
# nginx with a certificate the test makes, started after the agent (so it
# must be picked up), driven by curl over HTTPS, `openssl s_client`,
# gnutls-cli and python3's ssl module (SSL_read_ex/SSL_write_ex); and
# `openssl s_server` answering python's client. Every request must be seen
# once from each end as plaintext, exactly like the plain ones
# (http_check.py ... tls); credentials never reach an output; a library no
# process maps any more is detached; a TLS connection older than the agent
# is joined mid-stream.
. "$(dirname "$0")/lib.sh"
CHECK=tests/integration/http_check.py

require_collector l7
for t in nginx openssl gnutls-cli curl; do
	command -v $t >/dev/null || { t_fail "$t is not installed (make deps)"; exit 1; }
done
if ! hook_available uprobe; then
	t_skip "uprobes are missing on this kernel (sonde check says why)"
	exit 0
fi

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=localhost >/dev/null 2>&1 || { t_fail "cannot make a certificate"; exit 1; }

start_agent -C proc,l7 --l7-tls-rescan 1 || { t_fail "agent did not start"; exit 1; }

# status_tls PID LIBRARY: the library's state if PID is among its processes.
status_tls() {
	curl -s "http://127.0.0.1:$PORT/api/status" | $PY -c '
import json, sys
pid, lib = int(sys.argv[1]), sys.argv[2]
for c in json.load(sys.stdin)["collectors"]:
    for l in c.get("details", {}).get("tls_libraries", []):
        if l["library"] == lib and pid in l["pids"]:
            print(l["state"], l["uprobes_attached"], l["uprobes"]); sys.exit(0)
print("absent")' "$1" "$2"
}
wait_tls() {
	for _ in $(seq 60); do
		st=$(status_tls "$1" "$2")
		[ "${st%% *}" = attached ] && return 0
		sleep 0.1
	done
	return 1
}

# The system's libraries are attached from the start (l7.tls_system).
pinned=$(curl -s "http://127.0.0.1:$PORT/api/status" | $PY -c '
import json, sys
for c in json.load(sys.stdin)["collectors"]:
    for l in c.get("details", {}).get("tls_libraries", []):
        if l["pinned"] and l["state"] == "attached":
            print(l["library"])' | sort -u | tr '\n' ' ')
[ "$pinned" = "gnutls openssl " ] && t_ok "the system's libssl and libgnutls attached at start" ||
	t_fail "pinned at start: '$pinned'"

# ---- nginx over TLS, started after the agent ----
NPORT=$(free_port)
mkdir -p "$T/www"
printf 'hello over tls\n' >"$T/www/small.txt"
head -c 300000 /dev/urandom >"$T/www/big.bin"
seq 1 20000 >"$T/www/text.txt"
start_nginx "	gzip on; gzip_min_length 1; gzip_types text/plain;
	server {
		listen 127.0.0.1:$NPORT ssl;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		root $T/www;
		location = /post { client_max_body_size 1m; return 201 \"created\\n\"; }
	}" || { t_fail "nginx did not start"; exit 1; }
WORKER=$(pgrep -P "$NGINX" | head -1)
if wait_tls "$WORKER" openssl; then
	t_ok "nginx started after the agent: its libssl attached ($(status_tls "$WORKER" openssl) uprobes)"
else
	t_fail "nginx's libssl not attached: $(status_tls "$WORKER" openssl); $(grep TLS "$T/agent.err")"
fi

W='%{local_port} %{method} %{url_effective} %{http_code} %{size_header} %{size_download} %{size_upload} %{size_request}\n'
paths() { sed -E 's|https?://[^/]*||'; }
U=https://127.0.0.1:$NPORT
curl -sk -w "$W" -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$U/small.txt" "$U/big.bin" "$U/small.txt" "$U/missing" | paths >"$T/expect" ||
	t_fail "curl keep-alive"
curl -sk -o /dev/null -I -w "$W" "$U/big.bin" | paths >>"$T/expect" || t_fail "curl HEAD"
head -c 100000 /dev/zero | tr '\0' x >"$T/body"
curl -sk -o /dev/null -w "$W" --data-binary @"$T/body" "$U/post" | paths >>"$T/expect" || t_fail "curl POST"
curl -sk -o /dev/null -H 'Accept-Encoding: gzip' -w "$W" "$U/text.txt" | paths | sed 's/$/ chunked/' >>"$T/expect"
# From a file: on the command line they would be in the exec event's argv.
printf 'Authorization: Bearer sondeSECRETtoken\nCookie: sid=sondeSECRETcookie\n' >"$T/cred.h"
curl -sk -o /dev/null -H @"$T/cred.h" -w "$W" "$U/small.txt" | paths >>"$T/expect" ||
	t_fail "curl with credentials"
sleep 0.5
if $PY $CHECK "$T/events.jsonl" "$T/expect" "$NGINX" tls >"$T/check" 2>&1; then
	t_ok "curl https -> nginx: $(tail -1 "$T/check") as plaintext: keep-alive, HEAD, 404, POST, chunked"
else
	t_fail "curl https -> nginx: $(cat "$T/check"); expected: $(cat "$T/expect")"
fi

# ---- sonde trace http: the live view, text and JSON ----
"$SONDE" trace http >"$T/trace.txt" 2>"$T/trace.err" &
TR=$!
"$SONDE" trace http --json >"$T/trace.json" 2>"$T/trace.json.err" &
TRJ=$!
sleep 1.5	# attached (as test_files.sh's live view waits)
curl -sk -o /dev/null "$U/small.txt?page=3" || t_fail "curl for trace"
sleep 1
kill -INT $TR $TRJ; wait $TR $TRJ
if grep -Eq '^[0-9:]+ +[0-9]+ +curl +client\+tls +GET +200 +[0-9.]+ /small.txt\?page=3$' "$T/trace.txt" &&
	grep -Eq ' nginx +server\+tls +GET +200 ' "$T/trace.txt"; then
	t_ok "sonde trace http: both ends as text lines, marked tls"
else
	t_fail "sonde trace http: $(cat "$T/trace.txt" "$T/trace.err")"
fi
if $PY -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
c = [e for e in ev if e.get("type") == "http" and e["comm"] == "curl" and e["path"] == "/small.txt"]
assert c and c[0]["tls"] is True and c[0]["status"] == 200 and c[0]["query"] == "page=3", c
' "$T/trace.json" 2>"$T/trace.check"; then
	t_ok "sonde trace http --json: the exchange with its fields"
else
	t_fail "sonde trace http --json: $(cat "$T/trace.check" "$T/trace.json.err")"
fi

# ---- openssl s_client and gnutls-cli -> nginx ----
# client_events COMM: "method path status tls" of its http events.
client_events() {
	$PY -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("type") == "http" and e["comm"] == sys.argv[2] and e["role"] == "client":
        print(e["method"], e["path"], e["status"], e.get("tls", False), e["dport"])' "$T/events.jsonl" "$1"
}
printf 'GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
	timeout 10 openssl s_client -connect "127.0.0.1:$NPORT" -quiet -ign_eof >"$T/s_client.out" 2>/dev/null
sleep 0.5
got=$(client_events openssl | tr '\n' ';')
want="GET /small.txt 200 True $NPORT;GET /missing 404 True $NPORT;"
[ "$got" = "$want" ] && t_ok "openssl s_client: both pipelined requests traced as plaintext" ||
	t_fail "openssl s_client: got '$got', want '$want'"

# gnutls-cli runs with a private copy of libgnutls (a file the agent has
# not attached: the system's are, from the start) and waits on a fifo
# until that copy is attached: a new library file is picked up after the
# exec that maps it.
mkdir -p "$T/lib"
cp "$(ldd "$(command -v gnutls-cli)" | awk '/libgnutls.so/ { print $3 }')" "$T/lib/libgnutls.so.30"
mkfifo "$T/gnutls.in"
LD_LIBRARY_PATH=$T/lib timeout 20 gnutls-cli --insecure -p "$NPORT" 127.0.0.1 <"$T/gnutls.in" \
	>"$T/gnutls.out" 2>&1 &
GPID=$!
exec 7>"$T/gnutls.in"
for _ in $(seq 50); do CLI=$(pgrep -P "$GPID" -x gnutls-cli) && break; sleep 0.05; done
if wait_tls "${CLI:-0}" gnutls; then
	t_ok "gnutls-cli started after the agent: its libgnutls attached ($(status_tls "$CLI" gnutls) uprobes)"
else
	t_fail "gnutls-cli's libgnutls not attached: $(status_tls "${CLI:-0}" gnutls); $(grep TLS "$T/agent.err")"
fi
printf 'GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&7
exec 7>&-
wait $GPID
sleep 0.5
got=$(client_events gnutls-cli | tr '\n' ';')
want="GET /small.txt 200 True $NPORT;"
[ "$got" = "$want" ] && t_ok "gnutls-cli: its request traced through libgnutls" ||
	t_fail "gnutls-cli: got '$got', want '$want': $(tail -3 "$T/gnutls.out"); $(grep TLS "$T/agent.err")"

# ---- python3's ssl module (SSL_read_ex, SSL_write_ex) on both ends ----
PPORT=$(free_port)
$PY - "$PPORT" "$T" >"$T/pyssl.log" 2>&1 <<'EOF' &
import http.server, ssl, sys
port, d = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(f"{d}/cert.pem", f"{d}/key.pem")
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"py tls\n" * (1 if self.path == "/one" else 1000)
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", port), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
EOF
PYSRV=$!
for _ in $(seq 100); do curl -sk -o /dev/null "https://127.0.0.1:$PPORT/one" 2>/dev/null && break; sleep 0.05; done
$PY tests/integration/keepalive_get.py "$PPORT" --tls /one /many /missing >"$T/expect.py" 2>"$T/pycli.err" ||
	t_fail "python client: $(cat "$T/pycli.err")"
sleep 0.5
if $PY $CHECK "$T/events.jsonl" "$T/expect.py" "$PYSRV" tls >"$T/check" 2>&1; then
	t_ok "python ssl client -> python ssl server: $(tail -1 "$T/check") (SSL_read_ex, SSL_write_ex)"
else
	t_fail "python ssl: $(cat "$T/check")"
fi
kill "$PYSRV" 2>/dev/null; wait "$PYSRV" 2>/dev/null

# ---- openssl s_server answering a python client ----
SPORT=$(free_port)
$PY - "$SPORT" "$T" >"$T/s_server.check" 2>&1 <<'EOF' || t_fail "s_server driver: $(cat "$T/s_server.check")"
import socket, ssl, subprocess, sys, time
port, d = sys.argv[1], sys.argv[2]
srv = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", f"{d}/cert.pem",
                        "-key", f"{d}/key.pem", "-quiet", "-naccept", "1"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
for _ in range(100):
    try:
        raw = socket.create_connection(("127.0.0.1", int(port)))
        break
    except OSError:
        time.sleep(0.05)
s = ctx.wrap_socket(raw)
s.sendall(b"GET /from-s_server HTTP/1.1\r\nHost: x\r\n\r\n")
got = b""
while b"\r\n\r\n" not in got:		# s_server prints what it read
    got += srv.stdout.read1(4096)
srv.stdin.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n")
srv.stdin.flush()
resp = b""
while not resp.endswith(b"hello\n"):
    resp += s.recv(4096)
s.close()
srv.stdin.close()
srv.wait(5)
print(srv.pid)
EOF
sleep 0.5
SPID=$(tail -1 "$T/s_server.check")
got=$($PY -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("type") == "http" and e["pid"] == int(sys.argv[2]):
        print(e["role"], e["method"], e["path"], e["status"], e["response_body_bytes"], e.get("tls", False))' \
	"$T/events.jsonl" "$SPID")
[ "$got" = "server GET /from-s_server 200 6 True" ] && t_ok "openssl s_server: the exchange traced from the server end" ||
	t_fail "openssl s_server (pid $SPID): got '$got'"

# ---- hostile: a "libssl" that is not an ELF file ----
mkdir -p "$T/fake"
head -c 65536 /dev/urandom >"$T/fake/libssl.so.99"
$PY - "$T/fake/libssl.so.99" "$T/fake/go" <<'PYEOF' &
import mmap, os, sys, time
f = open(sys.argv[1], "rb")
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ | mmap.PROT_EXEC, flags=mmap.MAP_PRIVATE)
for _ in range(200):
    if os.path.exists(sys.argv[2]):
        break
    time.sleep(0.05)
PYEOF
FAKE=$!
for _ in $(seq 60); do
	st=$(curl -s "http://127.0.0.1:$PORT/api/status" | $PY -c '
import json, sys
for c in json.load(sys.stdin)["collectors"]:
    for l in c.get("details", {}).get("tls_libraries", []):
        if l["file"] == "libssl.so.99" and int(sys.argv[1]) in l["pids"]:
            print(l["state"], "|", l.get("reason", ""))' "$FAKE")
	[ -n "$st" ] && break
	sleep 0.1
done
case "$st" in
failed*) t_ok "a libssl.so that is not ELF: failed with a reason ($st)" ;;
*) t_fail "fake libssl: '$st'" ;;
esac
touch "$T/fake/go"
wait "$FAKE"
kill -0 "$AGENT_PID" 2>/dev/null && t_ok "agent alive after the fake library" || t_fail "agent died"

# ---- what must never show, and the counts ----
sleep 0.2
scrape || t_fail "scrape"
rm -f "$T/cred.h"
if grep -rq "sonde[S]ECRET" "$T/events.jsonl" "$T/metrics" "$T/agent.err" "$T/agent.out"; then
	t_fail "a credential reached an output: $(grep -rho '.\{40\}sonde[S]ECRET.\{10\}' "$T" | head -3)"
else
	t_ok "Authorization and Cookie sent over TLS in no output"
fi
drops=$(awk '/^sonde_http_parse_drops_total/ && $2 > 0' "$T/metrics")
[ -z "$drops" ] && t_ok "no parser drops (no ciphertext parsed as HTTP)" || t_fail "parser drops: $drops"
v=$(metric 'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/small.txt",http_response_status_code="200",service_name="nginx"}')
# curl 2 + credentials 1 + the live view's 1 + s_client 1 + gnutls-cli 1
[ "$v" = 6 ] && t_ok "RED: nginx GET /small.txt 200 over TLS counted 6 times" ||
	t_fail "RED: nginx GET /small.txt count is $v, want 6"
v=$(metric 'sonde_l7_tls_libraries{library="openssl",state="attached"}')
[ "$v" != absent ] && [ "$v" -ge 1 ] && t_ok "sonde_l7_tls_libraries: $v openssl file(s) attached" ||
	t_fail "sonde_l7_tls_libraries{openssl,attached} is $v"
v=$(metric 'sonde_events_lost_total{collector="l7",reason="tls_no_socket"}')
[ "$v" = 0 ] || [ "$v" = absent ] && t_ok "no TLS plaintext without its socket" || t_fail "tls_no_socket: $v"

# ---- a library no process maps is detached ----
# gnutls-cli has exited; the next full scan (every second here) lets go of
# its private copy (the system's stay).
gone="$T/lib/libgnutls.so.30: no process maps it, detached"
for _ in $(seq 40); do grep -qF "$gone" "$T/agent.err" && break; sleep 0.1; done
if grep -qF "$gone" "$T/agent.err"; then
	t_ok "a libgnutls copy detached once no process mapped it"
else
	t_fail "libgnutls not detached: $(grep TLS "$T/agent.err")"
fi
curl -s "http://127.0.0.1:$PORT/api/status.txt" >"$T/status.txt"
grep -q "tls_libraries: library=openssl" "$T/status.txt" && t_ok "sonde status lists the TLS libraries" ||
	t_fail "status.txt: $(grep -A3 tls "$T/status.txt")"

stop_agent
[ "$AGENT_RC" = 0 ] && t_ok "agent stopped cleanly" || t_fail "agent exit status $AGENT_RC"

# ---- joined mid-stream: a TLS keep-alive connection older than the agent ----
mkfifo "$T/go"
# The handshake and the first request, before the agent, are not traced.
$PY tests/integration/keepalive_get.py "$NPORT" --tls --wait "$T/go" /small.txt /small.txt /missing /big.bin \
	>"$T/expect.mid" 2>"$T/mid.err" &
MID=$!
sleep 0.3
rm -f "$T/events.jsonl"
start_agent -C l7 || t_fail "agent did not start again"
echo go >"$T/go"
wait $MID || t_fail "mid-stream client: $(cat "$T/mid.err")"
sleep 0.5
if $PY $CHECK "$T/events.jsonl" "$T/expect.mid" "$NGINX" tls >"$T/check" 2>&1; then
	t_ok "TLS joined mid-stream: $(tail -1 "$T/check") on a connection opened before the agent"
else
	t_fail "TLS joined mid-stream: $(cat "$T/check")"
fi
stop_nginx
stop_agent
