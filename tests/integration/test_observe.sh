#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The live network views on traffic between this test's namespaces:
# `sonde trace tcp` (tcplife's columns), `sonde trace retrans`, and
# `sonde observe` with its filters (ip, port, protocol, pid, direction),
# text and JSON, and with -i the tc flow records.
. "$(dirname "$0")/lib.sh"
PEER=tests/integration/tcp_peer.py
UDP=tests/integration/udp_peer.py

require_collector tcp
netns_pair || { t_fail "could not create the test namespaces"; exit 1; }

VIEWS=()
view() { # NAME ARGS...: a live view in the background, output in $T/NAME
	local name=$1
	shift
	"$SONDE" "$@" >"$T/$name" 2>"$T/$name.err" &
	VIEWS+=($!)
}
view tcp trace tcp
view retrans trace retrans
view obs observe --ip $IP_B --port 8080 --json
view obs_in observe --direction ingress --protocol tcp --port 8080
view obs_flows observe -i "$VETH_B@$NS_B" --protocol udp --interval 1
sleep 1.5	# loaded and attached

ip netns exec "$NS_B" $PY $PEER serve $IP_B 8080 2 >"$T/s1" 2>&1 &
ip netns exec "$NS_B" $PY $PEER serve $IP_B 8081 1 >"$T/s2" 2>&1 &
sleep 0.3
ip netns exec "$NS_A" $PY $PEER client $IP_B 8080 2 50 >"$T/c1" 2>&1
ip netns exec "$NS_A" $PY $PEER client $IP_B 8081 1 0 >"$T/c2" 2>&1
ip netns exec "$NS_A" $PY $UDP send $IP_A $IP_B 9999 25
# A retransmit: data to 8082 dropped in B until the rule goes.
ip netns exec "$NS_B" nft add table inet sondeobs
ip netns exec "$NS_B" nft add chain inet sondeobs in '{ type filter hook input priority 0; }'
ip netns exec "$NS_B" nft add rule inet sondeobs in tcp dport 8082 meta length '>' 60 drop
ip netns exec "$NS_B" $PY $PEER serve $IP_B 8082 1 >"$T/s3" 2>&1 &
sleep 0.3
ip netns exec "$NS_A" $PY -c '
import os, socket, sys, time
s = socket.create_connection((sys.argv[1], 8082), timeout=10)
print(s.getsockname()[1], flush=True)
s.sendall(b"u" * 1017)
time.sleep(0.7)
os.system(f"ip netns exec {sys.argv[2]} nft delete table inet sondeobs")
n = 0
while n < 3005:
    b = s.recv(65536)
    if not b: break
    n += len(b)
s.close()' $IP_B "$NS_B" >"$T/c3" 2>&1
sleep 1.5
kill -INT "${VIEWS[@]}" 2>/dev/null
wait "${VIEWS[@]}" 2>/dev/null

relay $PY - "$T" $IP_A $IP_B <<'EOF'
import json, sys
T, a, b = sys.argv[1:]
def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
c1 = [json.loads(l) for l in open(f"{T}/c1")]
sport3 = int(open(f"{T}/c3").read().split()[0])

# trace tcp: a line per connection end, tcplife's columns.
lines = open(f"{T}/tcp").read().splitlines()
check(lines and lines[0].split()[:5] == ["TIME", "PID", "COMM", "LADDR:LPORT", "RADDR:RPORT"], f"trace tcp header: {lines[:1]}")
for c in c1:
    mine = [l for l in lines if f"{a}:{c['sport']} " in l and f"{b}:8080" in l and " -> " in l]
    f = mine[0].split() if mine else []
    check(len(mine) == 1 and int(f[-3]) == c["up"] and int(f[-2]) == c["down"] and float(f[-1]) >= 50,
          f"trace tcp: {a}:{c['sport']} -> {b}:8080 sent {c['up']} received {c['down']} over >= 50 ms: {mine}")
# trace retrans
r = [l for l in open(f"{T}/retrans").read().splitlines() if f"{a}:{sport3} " in l]
check(len(r) >= 1 and all("R>" in l and f"{b}:8082" in l and "ESTABLISHED" in l for l in r),
      f"trace retrans: {len(r)} lines for {a}:{sport3} -> {b}:8082: {r[:2]}")

# observe --ip B --port 8080 --json: connect, accept, close of both ends, nothing of 8081.
ev = [json.loads(l) for l in open(f"{T}/obs")]
types = sorted(e["type"] for e in ev)
check(types == sorted(["tcp_connect"] * 2 + ["tcp_accept"] * 2 + ["tcp"] * 4) and
      all(8080 in (e["sport"], e["dport"]) for e in ev),
      f"observe --ip {b} --port 8080: {len(ev)} events, all of port 8080 ({types})")
# observe --direction ingress: the server side only.
lines = open(f"{T}/obs_in").read().splitlines()
check(len(lines) == 4 and all(f"{b}:8080 " in l and " <- " in l for l in lines) and
      sum("ACCEPT" in l for l in lines) == 2 and sum("CLOSE" in l for l in lines) == 2,
      f"observe --direction ingress --port 8080: {len(lines)} lines, accepts and closes of the server side")
# observe -i: the UDP datagrams as tc flow records.
fl = [l for l in open(f"{T}/obs_flows").read().splitlines() if "FLOW" in l and f"{a}:" in l and f"{b}:9999" in l]
pk = sum(int(l.split(" packets")[0].split()[-1]) for l in fl)
check(pk == 25, f"observe -i --protocol udp: flow records of {a} -> {b}:9999 count {pk} packets (want 25)")
EOF
