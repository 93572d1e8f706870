#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde's L7 benchmark: wrk against nginx on loopback at saturation
# (nginx's one worker on CPU 1, wrk on CPU 0, keep-alive), plain HTTP and
# HTTPS, interleaved rounds of: no tracing, the floor probe's empty
# programs on the l7 collector's hooks (its tracepoints; for HTTPS also an
# empty uprobe and uretprobe on each OpenSSL function it probes), and
# sonde's l7 collector. Ratios come from one run.
#
#   1. Requests per second and p99 latency against no tracing (target:
#      under 5% throughput loss, so a ratio >= 0.95), and against the
#      floor. These runs have no program statistics: bpf_enable_stats adds
#      two clock reads to every program run, which is itself a cost.
#   2. sonde's CPU time per traced request, from a run with statistics on:
#      the agent process's user and system time plus its programs' run
#      time, over the requests wrk completed (target: under 3 us). Both
#      ends of each request are traced: nginx's sockets and wrk's.
#
# Usage: bench/l7.sh   Environment: ROUNDS [5], SECS [5], CONNS [16], SONDE [build/sonde]
# The markdown report goes to stdout, progress to stderr.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-5}
CONNS=${CONNS:-16}
SONDE=${SONDE:-build/sonde}
T=$(mktemp -d /tmp/sonde-l7bench.XXXXXX)
AGENT=
NGINX=

say() { echo "l7.sh: $*" >&2; }
die() { say "$*"; exit 1; }
cleanup() {
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
	[ -n "$NGINX" ] && kill -QUIT "$NGINX" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || die "must run as root"
for t in nginx wrk python3 curl taskset openssl; do
	command -v $t >/dev/null || die "missing $t (scripts/deps.sh installs it)"
done
[ -x "$SONDE" ] || die "$SONDE missing: run make first"
FLOOR=$(bench/build-floor.sh build/bench) || die "cannot build the floor probe"
LIBSSL=$(ldd "$(command -v nginx)" | awk '/libssl/ { print $3 }')
[ -n "$LIBSSL" ] || die "nginx is not linked with libssl"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port) TPORT=$(free_port)
mkdir -p "$T/www"
head -c 612 /dev/zero | tr '\0' x >"$T/www/index.html"	# nginx's default page is 612 bytes
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=localhost >/dev/null 2>&1 || die "cannot make a certificate"
cat >"$T/nginx.conf" <<EOF
user root;
worker_processes 1;
worker_cpu_affinity 10;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 10000000;
	server { listen 127.0.0.1:$PORT; root $T/www; }
	server {
		listen 127.0.0.1:$TPORT ssl;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		root $T/www;
	}
}
EOF
nginx -c "$T/nginx.conf" -e "$T/error.log" || die "nginx did not start"
for _ in $(seq 50); do [ -s "$T/nginx.pid" ] && break; sleep 0.05; done
NGINX=$(cat "$T/nginx.pid")

# agent [--prog-stats]
agent() {
	"$SONDE" agent -l 127.0.0.1:0 -e '' -C l7 "$@" >"$T/agent.out" 2>"$T/agent.err" &
	AGENT=$!
	wait_ready $AGENT "$T/agent.err" "ready:" "the agent"
	# TLS: its uprobes are on nginx's libssl before wrk starts.
	for _ in $(seq 100); do grep -q "TLS openssl" "$T/agent.err" && break; sleep 0.05; done
}
# floor l7|l7tls
floor() {
	"$FLOOR" "$1" $([ "$1" = l7tls ] && echo "$LIBSSL") 2>"$T/floor.err" &
	AGENT=$!
	wait_ready $AGENT "$T/floor.err" "ready" "the floor probe"
}
stop() { kill $AGENT; wait $AGENT 2>/dev/null; AGENT=; }
# run_wrk URL: "requests/s p99_us completed" of one run.
run_wrk() {
	taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "$1" >"$T/wrk.out" 2>&1 ||
		die "wrk failed: $(cat "$T/wrk.out")"
	python3 - "$T/wrk.out" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
v, u = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", t, re.M).groups()
p99 = float(v) * {"us": 1, "ms": 1e3, "s": 1e6}[u]
n = int(re.search(r"(\d+) requests in", t).group(1))
print(rps, p99, n)
EOF
}
# cpu_ns PID: user + system time of PID so far.
cpu_ns() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1e9 / hz }' "/proc/$1/stat"; }
api() { curl -s "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)$1"; }
prog_ns() { api /api/status | python3 -c '
import json, sys
ns = 0; seen = set()
for c in json.load(sys.stdin)["collectors"]:
    for p in c.get("programs", []):
        if c["name"] == "l7" and p["name"] not in seen:
            seen.add(p["name"]); ns += p["run_time_ns"]
print(ns)'; }
exchanges() { api /metrics | awk '$1 == "sonde_http_exchanges_total" { print $2 }'; }

# One round of a protocol: NAME URL FLOOR_MODE.
round() {
	local name=$1 url=$2 fmode=$3 rps p99 n c0 c1 k0 k1 x0 x1
	run_wrk "$url" >>"$T/$name.base"
	floor "$fmode"
	run_wrk "$url" >>"$T/$name.floor"
	stop
	agent
	run_wrk "$url" >>"$T/$name.sonde"
	stop
	agent --prog-stats
	c0=$(cpu_ns $AGENT); k0=$(prog_ns); x0=$(exchanges)
	read -r rps p99 n < <(run_wrk "$url")
	c1=$(cpu_ns $AGENT); k1=$(prog_ns); x1=$(exchanges)
	echo "$n $(( (c1 - c0) / n )) $(( (k1 - k0) / n )) $(( x1 - x0 ))" >>"$T/$name.cpu"
	stop
}

run_wrk "http://127.0.0.1:$PORT/" >/dev/null	# warm nginx and the page cache
run_wrk "https://127.0.0.1:$TPORT/" >/dev/null
for r in $(seq "$ROUNDS"); do
	say "round $r/$ROUNDS"
	round plain "http://127.0.0.1:$PORT/" l7
	round tls "https://127.0.0.1:$TPORT/" l7tls
done

col() { awk -v c="$2" '{ print $c }' "$T/$1" | median; }
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
us() { python3 -c "print(f'{$1 / 1000:.2f}')"; }
rows() {
	local p=$1 what=$2 b_rps b_p99 f_rps f_p99 s_rps s_p99 s_u s_k
	b_rps=$(col "$p.base" 1) b_p99=$(col "$p.base" 2)
	f_rps=$(col "$p.floor" 1) f_p99=$(col "$p.floor" 2)
	s_rps=$(col "$p.sonde" 1) s_p99=$(col "$p.sonde" 2)
	s_u=$(col "$p.cpu" 2) s_k=$(col "$p.cpu" 3)
	echo "| $what: no tracing | $b_rps | 1.000 | | $b_p99 | 1.000 | |"
	echo "| $what: floor (empty programs on the same hooks) | $f_rps | $(ratio "$f_rps" "$b_rps") | | $f_p99 | $(ratio "$f_p99" "$b_p99") | |"
	echo "| $what: sonde \`-C l7\` | $s_rps | $(ratio "$s_rps" "$b_rps") | $(ratio "$s_rps" "$f_rps") | $s_p99 | $(ratio "$s_p99" "$b_p99") | $(us "$((s_u + s_k))") ($(us "$s_k") programs, $(us "$s_u") agent) |"
	echo "$p $(ratio "$s_rps" "$b_rps") $((s_u + s_k))" >>"$T/verdict"
}
cat <<EOF
### L7 tracing: wrk against nginx on loopback ($ROUNDS interleaved rounds of ${SECS} s, $CONNS connections, medians)

| run | requests/s | ratio | vs floor | p99 latency (us) | ratio | sonde CPU per request (us) |
|---|---|---|---|---|---|---|
$(rows plain HTTP)
$(rows tls HTTPS)

EOF
while read -r p r cpu; do
	echo "- $p: throughput sonde / no tracing = **$r** (target >= 0.95: $(python3 -c "print('met' if $r >= 0.95 else 'not met')")); sonde CPU per request, both ends traced = **$(us "$cpu") us** (target < 3 us: $(python3 -c "print('met' if $cpu < 3000 else 'not met')"))"
done <"$T/verdict"
echo "- Exchanges sonde counted per statistics run (both ends), HTTP: $(awk '{ printf "%s ", $4 }' "$T/plain.cpu")(wrk completed: $(awk '{ printf "%s ", $1 }' "$T/plain.cpu")); HTTPS: $(awk '{ printf "%s ", $4 }' "$T/tls.cpu")(wrk: $(awk '{ printf "%s ", $1 }' "$T/tls.cpu"))"
echo "- Throughput and latency rows run without program statistics; the CPU column is from a separate run with them (bpf_enable_stats adds its own clock reads to every run)."
