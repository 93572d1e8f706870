#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# TCP connections between two network namespaces of this test's own: N
# connections with known bytes each way (IPv4 and IPv6) must each appear
# from both ends with those bytes, durations and the right owners;
# retransmits forced by dropping data segments (nftables) must be counted
# with their 4-tuple; sock_ops RTT must agree with the kernel's srtt as
# `ss -tin` reports it for the same socket; the service map and flows must
# add up. Traffic stays between the namespaces, which go on exit.
. "$(dirname "$0")/lib.sh"
PEER=tests/integration/tcp_peer.py

require_collector tcp
netns_pair || { t_fail "could not create the test namespaces"; exit 1; }

start_agent -C tcp || { t_fail "agent did not start"; exit 1; }
grep -q "collector tcp running" "$T/agent.err" && t_ok "tcp collector running" ||
	{ t_fail "tcp collector not running: $(cat "$T/agent.err")"; exit 1; }

# ---- N connections with known bytes, then one over IPv6 ----
N=5 HOLD=150
serve() { # NS HOST PORT N [BULK]: a server in NS; its pid in SERVER_PID once it listens
	ip netns exec "$1" $PY $PEER serve "$2" "$3" "$4" ${5:-} >"$T/serve.$3" 2>&1 &
	SERVERS="${SERVERS:-} $!"
	for _ in $(seq 100); do
		SERVER_PID=$($PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["ready"])' "$T/serve.$3" 2>/dev/null) && return 0
		sleep 0.05
	done
	return 1
}
serve "$NS_B" $IP_B 8080 $N || t_fail "server did not start: $(cat "$T/serve.8080")"
SPID4=$SERVER_PID
ip netns exec "$NS_A" $PY $PEER client $IP_B 8080 $N $HOLD >"$T/client4" 2>&1 ||
	t_fail "client: $(cat "$T/client4")"
serve "$NS_B" $IP6_B 8086 1 || t_fail "IPv6 server did not start: $(cat "$T/serve.8086")"
SPID6=$SERVER_PID
ip netns exec "$NS_A" $PY $PEER client $IP6_B 8086 1 $HOLD >"$T/client6" 2>&1 ||
	t_fail "IPv6 client: $(cat "$T/client6")"
wait $SERVERS; SERVERS=
sleep 0.3	# the servers' last closes (LAST_ACK -> CLOSE) come a round trip later

# ---- retransmits: data segments to port 8081 dropped in B for ~1 s ----
ip netns exec "$NS_B" nft -f - <<EOF || t_fail "nft rule"
table inet sondetest {
	chain in { type filter hook input priority 0; tcp dport 8081 tcp flags & (syn | ack) == ack meta length > 60 drop; }
}
EOF
serve "$NS_B" $IP_B 8081 1 || t_fail "retransmit server did not start"
ip netns exec "$NS_A" $PY -c '
import json, os, socket, sys, time
s = socket.create_connection((sys.argv[1], 8081), timeout=10)
print(json.dumps({"pid": os.getpid(), "sport": s.getsockname()[1]}), flush=True)
s.sendall(b"u" * 1017)               # connection 0 of the server: up(0) bytes
time.sleep(1.3)
os.system(f"ip netns exec {sys.argv[2]} nft delete table inet sondetest")
n = 0
while n < 3005:
    b = s.recv(65536)
    if not b: break
    n += len(b)
s.close()' $IP_B "$NS_B" >"$T/retrans" 2>&1 || t_fail "retransmit client: $(cat "$T/retrans")"
wait $SERVERS; SERVERS=

# ---- RTT: B's sends queue behind a 4 Mbit/s tbf, so its srtt grows ----
ip netns exec "$NS_B" tc qdisc add dev "$VETH_B" root tbf rate 4mbit burst 4kb latency 400ms ||
	t_fail "tbf qdisc"
serve "$NS_B" $IP_B 8082 1 400000 || t_fail "bulk server did not start"
ip netns exec "$NS_A" $PY -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 8082), timeout=10)
n = 0
while n < 400000:
    b = s.recv(65536)
    if not b: break
    n += len(b)
# sock_ops hears of the RTT once per round trip: a few pings close the
# bulk phase'"'"'s last window, so the kernel'"'"'s srtt and the last sample agree.
for _ in range(3):
    s.sendall(b"p")
    s.recv(1)
    time.sleep(0.05)
open(sys.argv[2], "w").write(str(s.getsockname()[1]))
time.sleep(1.5)    # idle: no RTT samples while both sides are read
s.close()' $IP_B "$T/rtt.sport" &
RTT_CLIENT=$!
for _ in $(seq 100); do [ -s "$T/rtt.sport" ] && break; sleep 0.05; done
sleep 0.3
ss_rtt=$(ip netns exec "$NS_B" ss -tinH state established "( sport = :8082 )" | grep -o ' rtt:[0-9.]*' | head -1 | cut -d: -f2)
curl -sf "http://127.0.0.1:$PORT/api/connections" >"$T/conns.json" || t_fail "GET /api/connections"
wait $RTT_CLIENT $SERVERS; SERVERS=
ip netns exec "$NS_B" tc qdisc del dev "$VETH_B" root

scrape || t_fail "scrape"
curl -sf "http://127.0.0.1:$PORT/api/servicemap" >"$T/map.json" || t_fail "GET /api/servicemap"
curl -sf "http://127.0.0.1:$PORT/api/flows?ip=$IP_B&port=8080" >"$T/flows.json" || t_fail "GET /api/flows"
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' "http://127.0.0.1:$PORT/api/flows?port=99999")
[ "$code" = 400 ] && grep -q "port" "$T/bad.json" && t_ok "/api/flows?port=99999 is a 400 naming port" ||
	t_fail "/api/flows?port=99999: $code $(cat "$T/bad.json")"
stop_agent

relay $PY - "$T" $IP_A $IP_B $IP6_A $IP6_B $SPID4 $SPID6 $N $HOLD "${ss_rtt:-}" <<'EOF'
import json, sys
T, ip_a, ip_b, ip6_a, ip6_b, spid4, spid6, n, hold, ss_rtt = sys.argv[1:]
spid4, spid6, n, hold = int(spid4), int(spid6), int(n), int(hold)
ev = [json.loads(l) for l in open(f"{T}/events.jsonl") if l.startswith("{")]
def find(**kw):
    return [e for e in ev if all(e.get(k) == v for k, v in kw.items())]
def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

def conn(cl, saddr, daddr, port, spid, proto):
    i, pid, sport, up, down = cl["i"], cl["pid"], cl["sport"], cl["up"], cl["down"]
    tag = f"{proto} connection {i} ({saddr}:{sport} -> {daddr}:{port})"
    c = find(type="tcp", role="client", saddr=saddr, sport=sport, daddr=daddr, dport=port)
    s = find(type="tcp", role="server", saddr=daddr, sport=port, daddr=saddr, dport=sport)
    check(len(c) == 1 and len(s) == 1, f"{tag}: one close from each end (client {len(c)}, server {len(s)})")
    if not c or not s:
        return
    c, s = c[0], s[0]
    check(c["pid"] == pid and s["pid"] == spid and c["comm"] == "python3" == s["comm"],
          f"{tag}: owners are the client (pid {c.get('pid')}, want {pid}) and the server (pid {s.get('pid')}, want {spid})")
    check((c["bytes_sent"], c["bytes_received"]) == (up, down),
          f"{tag}: client sent/received {c['bytes_sent']}/{c['bytes_received']} (want {up}/{down})")
    check((s["bytes_sent"], s["bytes_received"]) == (down, up),
          f"{tag}: server sent/received {s['bytes_sent']}/{s['bytes_received']} (want {down}/{up})")
    # The server's span starts half a round trip after the client's but
    # ends at the last ACK, after the client's FIN_WAIT2 -> TIME_WAIT: it
    # is shorter only within that slack (seen 150.9 against 150.9 ms).
    check(hold * 1e6 <= c["duration_ns"] < 10e9 and 0 < s["duration_ns"] <= c["duration_ns"] + 5e6,
          f"{tag}: durations client {c['duration_ns'] / 1e6:.1f} ms >= {hold} ms, server {s['duration_ns'] / 1e6:.1f} ms")
    check(0 < c.get("connect_latency_ns", 0) < 1e9 and c["last_state"] == "FIN_WAIT2" and s["last_state"] == "LAST_ACK"
          and not c["failed"], f"{tag}: connect latency {c.get('connect_latency_ns', 0) / 1e3:.0f} us, states {c['last_state']}/{s['last_state']}")
    k = find(type="tcp_connect", pid=pid, sport=sport, dport=port)
    a = find(type="tcp_accept", pid=spid, sport=port, dport=sport)
    call = [e for e in find(type="connect", pid=pid, daddr=daddr, dport=port) if e.get("ret", 0) in (0, -115)]  # EINPROGRESS: python connects non-blocking with a timeout; no ret: taken at the hook
    check(len(k) == 1 and len(a) == 1 and len(call) >= 1,
          f"{tag}: tcp_connect {len(k)}, tcp_accept {len(a)} (by the server), connect() calls {len(call)}")

clients4 = [json.loads(l) for l in open(f"{T}/client4")]
check(len(clients4) == n, f"{n} IPv4 connections made ({len(clients4)})")
for cl in clients4:
    conn(cl, ip_a, ip_b, 8080, spid4, "IPv4")
for cl in [json.loads(l) for l in open(f"{T}/client6")]:
    conn(cl, ip6_a, ip6_b, 8086, spid6, "IPv6")

# Retransmits of the connection whose data was dropped.
r = json.loads(open(f"{T}/retrans").readline())
rt = find(type="retrans", saddr=ip_a, sport=r["sport"], daddr=ip_b, dport=8081)
check(len(rt) >= 2 and all(e["pid"] == r["pid"] and e["state"] == "ESTABLISHED" for e in rt),
      f"retransmits of {ip_a}:{r['sport']} -> {ip_b}:8081: {len(rt)} events (want >= 2), owner pid {r['pid']}")
rc = find(type="tcp", role="client", sport=r["sport"], dport=8081)
check(len(rc) == 1 and rc[0]["retransmits"] >= len(rt) and rc[0]["bytes_sent"] == 1017,
      f"its close counts {rc[0]['retransmits'] if rc else '?'} retransmits and 1017 bytes sent" if rc else "its close is missing")
m = {}
for l in open(f"{T}/metrics"):
    if l.startswith("sonde_tcp_retransmits_total "):
        m["retrans"] = float(l.split()[1])
check(m.get("retrans", 0) >= len(rt), f"sonde_tcp_retransmits_total {m.get('retrans')} >= {len(rt)}")

# RTT: sonde's sock_ops view of B's socket against ss -tin in B.
conns = json.load(open(f"{T}/conns.json"))["connections"]
b = [c for c in conns if c["saddr"] == ip_b and c["sport"] == 8082]
if not ss_rtt:
    check(False, "ss -tin showed no rtt for the bulk connection")
elif not b or "srtt_us" not in b[0]:
    check(False, f"/api/connections has no RTT for {ip_b}:8082: {b}")
else:
    ours, theirs = b[0]["srtt_us"] / 1000, float(ss_rtt)
    check(theirs > 5 and abs(ours - theirs) <= 0.1 * theirs + 0.5,
          f"sock_ops srtt {ours:.3f} ms vs ss -tin {theirs:.3f} ms for {ip_b}:8082 (tbf-delayed, within 10% + 0.5 ms)")
    check(b[0]["role"] == "server" and b[0]["rtt_samples"] > 3 and b[0]["cwnd"] > 0 and b[0]["rtt_max_us"] >= b[0]["srtt_us"] >= b[0]["rtt_min_us"],
          f"its entry: role {b[0]['role']}, {b[0]['rtt_samples']} samples, cwnd {b[0]['cwnd']}, min/max {b[0]['rtt_min_us']}/{b[0]['rtt_max_us']} us")

# The service map and the flows.
edges = json.load(open(f"{T}/map.json"))["edges"]
e = [x for x in edges if x["destination"] == f"{ip_b}:8080" and x["source"] != ip_a]
up = sum(c["up"] for c in clients4)
down = sum(c["down"] for c in clients4)
check(len(e) == 1 and e[0]["connections"] == n and e[0]["bytes_sent"] == up and e[0]["bytes_received"] == down
      and e[0]["source"].startswith("python3"),
      f"service map edge python3 -> {ip_b}:8080: {e[0]['connections'] if e else 0} connections, {e[0]['bytes_sent'] if e else 0}/{e[0]['bytes_received'] if e else 0} bytes (want {n}, {up}/{down})")
s = [x for x in edges if x["source"] == ip_a and x["destination"] == f"{ip_b}:8080"]
check(len(s) == 1 and s[0]["connections"] == n and s[0]["bytes_sent"] == up and s[0].get("destination_name", "").startswith("python3"),
      f"and its server-side edge {ip_a} -> {ip_b}:8080 names the server ({s[0].get('destination_name') if s else 'missing'})")
fl = json.load(open(f"{T}/flows.json"))["flows"]
check(len(fl) == 2 * n and all(ip_b in (f["saddr"], f["daddr"]) and 8080 in (f["sport"], f["dport"]) for f in fl),
      f"/api/flows?ip={ip_b}&port=8080: {len(fl)} flows (want {2 * n}, both ends of each)")
EOF

# Metrics the same connections must show.
expect_range 'sonde_tcp_connections_closed_total{role="client"}' \
	"$(metric 'sonde_tcp_connections_closed_total{role="client"}')" $((N + 3)) 100000
out=$(promtool check metrics <"$T/metrics" 2>&1) && t_ok "promtool check metrics passes" ||
	t_fail "promtool: $out"
