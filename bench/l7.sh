#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde's L7 benchmark: wrk against nginx on loopback at saturation
# (nginx's one worker on CPU 1, wrk on CPU 0, keep-alive), interleaved
# rounds of: no tracing, the floor probe's empty programs on the l7
# collector's tracepoints, and sonde's l7 collector. Ratios come from one
# run.
#
#   1. Requests per second and p99 latency against no tracing (targets:
#      under 5% throughput loss, so a ratio >= 0.95).
#   2. sonde's CPU time per traced request: the agent process's user and
#      system time plus its programs' run time (bpf_enable_stats), over the
#      requests wrk completed (target: under 3 us). Both ends of each
#      request are traced: nginx's and wrk's sockets.
#   TLS is not measured: the l7 collector has no TLS uprobes yet.
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
	sysctl -q kernel.bpf_stats_enabled=0
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || die "must run as root"
for t in nginx wrk python3 curl taskset; do
	command -v $t >/dev/null || die "missing $t (scripts/deps.sh installs it)"
done
[ -x "$SONDE" ] || die "$SONDE missing: run make first"
FLOOR=$(bench/build-floor.sh build/bench) || die "cannot build the floor probe"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/www"
head -c 612 /dev/zero | tr '\0' x >"$T/www/index.html"	# nginx's default page is 612 bytes
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
}
EOF
nginx -c "$T/nginx.conf" -e "$T/error.log" || die "nginx did not start"
for _ in $(seq 50); do [ -s "$T/nginx.pid" ] && break; sleep 0.05; done
NGINX=$(cat "$T/nginx.pid")

agent() {
	"$SONDE" agent -l 127.0.0.1:0 -e '' -C l7 --prog-stats >"$T/agent.out" 2>"$T/agent.err" &
	AGENT=$!
	wait_ready $AGENT "$T/agent.err" "ready:" "the agent"
}
floor() {
	"$FLOOR" l7 2>"$T/floor.err" &
	AGENT=$!
	wait_ready $AGENT "$T/floor.err" "ready" "the floor probe"
}
stop() { kill $AGENT; wait $AGENT 2>/dev/null; AGENT=; }
# wrk: "requests/s p99_us completed" of one run.
run_wrk() {
	taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$PORT/" >"$T/wrk.out" 2>&1 ||
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
status_url() { echo "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)/api/status"; }
prog_ns() { curl -s "$(status_url)" | python3 -c '
import json, sys
ns = 0; seen = set()
for c in json.load(sys.stdin)["collectors"]:
    for p in c.get("programs", []):
        if c["name"] == "l7" and p["name"] not in seen:
            seen.add(p["name"]); ns += p["run_time_ns"]
print(ns)'; }
floor_ns() { bpftool prog show -j | python3 -c '
import json, sys
print(sum(p.get("run_time_ns", 0) for p in json.load(sys.stdin) if p.get("name") == "empty_tp_any"))'; }
exchanges() { curl -s "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)/metrics" |
	awk '$1 == "sonde_http_exchanges_total" { print $2 }'; }

run_wrk >/dev/null	# warm nginx and the page cache
for r in $(seq "$ROUNDS"); do
	say "round $r/$ROUNDS"
	run_wrk >>"$T/base"
	sysctl -q kernel.bpf_stats_enabled=1
	floor
	f0=$(floor_ns)
	read -r rps p99 n < <(run_wrk)
	f1=$(floor_ns)
	echo "$rps $p99 $n $(( (f1 - f0) / n ))" >>"$T/floor"
	stop
	sysctl -q kernel.bpf_stats_enabled=0
	agent
	c0=$(cpu_ns $AGENT); k0=$(prog_ns); x0=$(exchanges)
	read -r rps p99 n < <(run_wrk)
	c1=$(cpu_ns $AGENT); k1=$(prog_ns); x1=$(exchanges)
	echo "$rps $p99 $n $(( (c1 - c0) / n )) $(( (k1 - k0) / n )) $(( x1 - x0 ))" >>"$T/sonde"
	stop
done

col() { awk -v c="$2" '{ print $c }' "$T/$1" | median; }
B_RPS=$(col base 1) B_P99=$(col base 2)
F_RPS=$(col floor 1) F_P99=$(col floor 2) F_K=$(col floor 4)
S_RPS=$(col sonde 1) S_P99=$(col sonde 2) S_U=$(col sonde 4) S_K=$(col sonde 5)
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
us() { python3 -c "print(f'{$1 / 1000:.2f}')"; }
cat <<EOF
### L7 tracing: wrk against nginx on loopback ($ROUNDS interleaved rounds of ${SECS} s, $CONNS connections, medians)

| run | requests/s | ratio | p99 latency (us) | ratio | sonde CPU per request (us) |
|---|---|---|---|---|---|
| no tracing | $B_RPS | 1.000 | $B_P99 | 1.000 | |
| floor: empty programs on the l7 tracepoints | $F_RPS | $(ratio "$F_RPS" "$B_RPS") | $F_P99 | $(ratio "$F_P99" "$B_P99") | $(us "$F_K") (programs) |
| sonde \`-C l7\` | $S_RPS | $(ratio "$S_RPS" "$B_RPS") | $S_P99 | $(ratio "$S_P99" "$B_P99") | $(us "$((S_U + S_K))") ($(us "$S_K") programs, $(us "$S_U") agent) |

- Throughput: sonde / no tracing = **$(ratio "$S_RPS" "$B_RPS")** (target >= 0.95: $(python3 -c "print('met' if $S_RPS / $B_RPS >= 0.95 else 'not met')"))
- sonde CPU per request, both ends traced = **$(us "$((S_U + S_K))") us** (target < 3 us: $(python3 -c "print('met' if ($S_U + $S_K) < 3000 else 'not met')"))
- Exchanges sonde counted per round (both ends): $(awk '{ printf "%s ", $6 }' "$T/sonde")(wrk completed: $(awk '{ printf "%s ", $3 }' "$T/sonde"))
- Program time is from bpf_enable_stats, which adds its own clock reads to every run.
- TLS is not measured: no TLS uprobes yet.
EOF
