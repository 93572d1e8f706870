# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the integration tests (bash). Each test sources this,
# defines its cases with `t_ok`/`t_fail`/`t_skip`, and the agent it starts
# is stopped on exit.
set -u
BUILD=${BUILD:-build}
SONDE=${SONDE:-$BUILD/sonde}
LOAD=$BUILD/tests/sonde-sysload
PY=/usr/bin/python3
T=$(mktemp -d /tmp/sonde-test.XXXXXX)
AGENT_PID=
PASS=0 FAIL=0 SKIP=0

t_ok()   { PASS=$((PASS + 1)); echo "ok: $*"; }
t_fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
t_skip() { SKIP=$((SKIP + 1)); echo "SKIP: $*"; }

finish() {
	stop_agent
	stop_nginx
	netns_teardown
	rm -rf "$T"
	echo "$(basename "$0"): $PASS passed, $FAIL failed, $SKIP skipped"
	[ "$FAIL" -eq 0 ]
}
trap 'finish; exit $?' EXIT

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_agent ARGS...: starts the agent on a free port, waits for "ready".
start_agent() {
	PORT=$(free_port)
	"$SONDE" agent --listen "127.0.0.1:$PORT" --events "$T/events.jsonl" "$@" \
		>"$T/agent.out" 2>"$T/agent.err" &
	AGENT_PID=$!
	for _ in $(seq 100); do
		grep -q "ready:" "$T/agent.err" 2>/dev/null && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "agent did not become ready; its log:" >&2
	cat "$T/agent.err" >&2
	AGENT_PID=
	return 1
}

stop_agent() {
	[ -n "$AGENT_PID" ] || return 0
	kill -TERM "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID"
	AGENT_RC=$?
	AGENT_LAST_PID=$AGENT_PID
	AGENT_PID=
	return 0
}

# start_nginx HTTP_BLOCK: nginx serving what HTTP_BLOCK says (its server
# blocks, listening on a port the caller chose), logs and temp files in
# $T/nginx; NGINX is its master's pid. stop_nginx (and finish) end it.
NGINX=
start_nginx() {
	mkdir -p "$T/www" "$T/nginx"
	cat >"$T/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $T/nginx;
	keepalive_requests 100000;
$1
}
EOF
	nginx -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log" 2>"$T/nginx/start.err" ||
		{ echo "nginx did not start: $(cat "$T/nginx/start.err")" >&2; return 1; }
	for _ in $(seq 50); do [ -s "$T/nginx/nginx.pid" ] && break; sleep 0.05; done
	NGINX=$(cat "$T/nginx/nginx.pid")
}
stop_nginx() { [ -n "${NGINX:-}" ] && kill -QUIT "$NGINX" 2>/dev/null; NGINX=; }

scrape() { curl -sf "http://127.0.0.1:$PORT/metrics" >"$T/metrics"; }

# metric 'name{labels}': the value of exactly that series in the last scrape, or "absent".
metric() {
	awk -v s="$1" '$1 == s { print $2; f = 1 } END { if (!f) print "absent" }' "$T/metrics"
}

# expect_range NAME VALUE LO HI
expect_range() {
	if [ "$2" != absent ] && awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
		t_ok "$1 = $2 (want $3..$4)"
	else
		t_fail "$1 = $2 (want $3..$4)"
	fi
}

# Names of sonde's programs (every built-in object's, feature probes
# included: `sonde verify --builtin --json` lists them from the build) still
# loaded in the kernel, per bpftool.
# Call load_prog_names first (once: it loads every built-in program).
SONDE_PROG_NAMES=
load_prog_names() {
	SONDE_PROG_NAMES=$("$SONDE" verify --builtin --json 2>/dev/null |
		$PY -c 'import json, sys; print(" ".join(sorted({r["program"][:15] for r in json.load(sys.stdin)})))')
}
sonde_progs() {
	bpftool prog show -j 2>/dev/null | $PY -c '
import json, sys
names = set(sys.argv[1].split())
print(" ".join(p.get("name", "") for p in json.load(sys.stdin) if p.get("name") in names))' "$SONDE_PROG_NAMES"
}

# wait_no_progs: until none of sonde's programs is loaded, 5 s at most (the
# kernel frees a program after RCU grace periods, once the last fd closed).
wait_no_progs() {
	for _ in $(seq 50); do
		[ -z "$(sonde_progs)" ] && return 0
		sleep 0.1
	done
	return 1
}

# hook_available NAME: per `sonde check --json`.
hook_available() {
	"$SONDE" check --json 2>/dev/null | $PY -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(h["name"] == sys.argv[1] and h["available"] for h in d["hooks"]) else 1)' "$1"
}

# relay COMMAND...: a helper's ok:/FAIL:/SKIP: lines as this test's own;
# a helper that dies (a traceback) is a failure too, never a quiet pass.
relay() {
	local line out rc
	out=$("$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok: "*) t_ok "${line#ok: }" ;;
		"FAIL: "*) t_fail "${line#FAIL: }" ;;
		"SKIP: "*) t_skip "${line#SKIP: }" ;;
		*) echo "$line" ;;
		esac
	done <<<"$out"
	[ $rc -eq 0 ] || t_fail "$(basename "$1") ${2:-} exited with status $rc"
}

# netns_pair: namespaces $NS_A and $NS_B joined by a veth pair ($VETH_A,
# $VETH_B) with $IP_A/$IP_B and $IP6_A/$IP6_B; traffic stays between them.
# Removed on exit, whatever happens (finish).
NS_A= NS_B=
netns_pair() {
	NS_A=sonde-a-$$ NS_B=sonde-b-$$ VETH_A=sa$$ VETH_B=sb$$
	IP_A=10.231.0.1 IP_B=10.231.0.2 IP6_A=fd00:231::1 IP6_B=fd00:231::2
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
		ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B" &&
		ip -n "$NS_A" addr add $IP_A/24 dev "$VETH_A" && ip -n "$NS_B" addr add $IP_B/24 dev "$VETH_B" &&
		ip -n "$NS_A" -6 addr add $IP6_A/64 dev "$VETH_A" nodad &&
		ip -n "$NS_B" -6 addr add $IP6_B/64 dev "$VETH_B" nodad &&
		ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
		ip -n "$NS_A" link set "$VETH_A" up && ip -n "$NS_B" link set "$VETH_B" up &&
		netns_resolved
}
# The first moments of a new link (carrier, neighbour discovery) are not
# what tests measure: a first IPv6 SYN lost to them costs a 1 s
# retransmit. Waits (3 s at most) until A has resolved B over both
# families, nudging with one UDP datagram to the discard port.
netns_resolved() {
	for _ in $(seq 60); do
		ip netns exec "$NS_A" $PY -c "
import socket
for fam, ip in ((socket.AF_INET, '$IP_B'), (socket.AF_INET6, '$IP6_B')):
    socket.socket(fam, socket.SOCK_DGRAM).sendto(b'x', (ip, 9))" 2>/dev/null
		ip -n "$NS_A" neigh show "$IP_B" | grep -qE 'REACHABLE|STALE|DELAY' &&
			ip -n "$NS_A" -6 neigh show "$IP6_B" | grep -qE 'REACHABLE|STALE|DELAY' && return 0
		sleep 0.05
	done
	return 0	# not fatal: the tests say what they see
}
netns_teardown() {
	[ -n "$NS_A" ] || return 0
	# Processes left in the namespaces go first, or the netns stays.
	for ns in "$NS_A" "$NS_B"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	NS_A= NS_B=
}

# require_collector NAME: skips the test (exit 0) with the kernel's reason
# when `sonde check` says NAME cannot run here; fails when the build has no
# such collector.
require_collector() {
	local why
	why=$("$SONDE" check --json 2>/dev/null | $PY -c '
import json, sys
c = [c for c in json.load(sys.stdin)["collectors"] if c["name"] == sys.argv[1]][0]
print("" if c["available"] else c.get("reason", "unavailable"))' "$1") ||
		{ t_fail "sonde check --json has no $1 collector"; exit 1; }
	[ -z "$why" ] || { t_skip "$1 collector unavailable on this kernel ($(uname -r)): $why"; exit 0; }
}
