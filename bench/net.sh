#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde's network benchmark, between two network namespaces of its own
# joined by a veth pair (torn down on exit), interleaved so that a shared
# VM's drift falls on every row alike; ratios come from one run.
#
#   1. TCP throughput (iperf3) and request/response latency (sockperf
#      ping-pong, the median round trip of each run), without and with
#      sonde's network collectors (tcp, flows on both veth ends, xdp on
#      B's), and with the floor probe's empty programs on the same hooks
#      (tcx on both veth ends, sock_ops asking for the same callbacks).
#      Targets: < 2% throughput loss, < 5% added round-trip latency.
#   2. XDP drop rate: UDP flooded from a source of A listed in
#      sonde's drop list, and in xdp-filter's (Debian xdp-tools); packets
#      dropped per second by each. Target: at least xdp-filter's rate.
#      (UDP from A's second address, bench/udpflood.c with sendmmsg.)
#   3. The drop program's cost per packet (bpf_enable_stats) with 10 and
#      with 10,000 CIDRs. Target: 10,000 within 10% of 10.
#
# Usage: bench/net.sh   Environment: ROUNDS [5], SECS [3], SONDE [build/sonde],
#   NET_COLLECTORS [tcp,flows], NET_EXTRA (more agent flags, e.g. --no-tcp-rtt)
# The markdown report goes to stdout, progress to stderr.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
SONDE=${SONDE:-build/sonde}
T=$(mktemp -d /tmp/sonde-netbench.XXXXXX)
NS_A=snb-a-$$ NS_B=snb-b-$$ VA=nba$$ VB=nbb$$ IP_A=10.232.0.1 IP_B=10.232.0.2
FLOOD_IP=10.232.0.3	# the listed source: iperf3's own connections stay unlisted
FLOOD=${BENCH_OUT:-build/bench}/udpflood
FLOOR=
AGENT=

say() { echo "net.sh: $*" >&2; }
die() { say "$*"; exit 1; }
cleanup() {
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
	for ns in $NS_A $NS_B; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || die "must run as root"
for t in iperf3 sockperf xdp-filter ip python3 nsenter bc curl; do
	command -v $t >/dev/null || die "missing $t (scripts/deps.sh installs it)"
done
[ -x "$SONDE" ] || die "$SONDE missing: run make first"
[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] || mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs"

ip netns add $NS_A && ip netns add $NS_B &&
	ip link add $VA netns $NS_A type veth peer name $VB netns $NS_B &&
	ip -n $NS_A addr add $IP_A/24 dev $VA && ip -n $NS_B addr add $IP_B/24 dev $VB &&
	ip -n $NS_A link set lo up && ip -n $NS_B link set lo up &&
	ip -n $NS_A link set $VA up && ip -n $NS_B link set $VB up &&
	ip -n $NS_A addr add $FLOOD_IP/24 dev $VA || die "could not create the namespaces"
mkdir -p "$(dirname "$FLOOD")"
[ "$FLOOD" -nt bench/udpflood.c ] || cc -O2 -o "$FLOOD" bench/udpflood.c || die "cannot build $FLOOD"
FLOOR=$(bench/build-floor.sh "$(dirname "$FLOOD")") || die "cannot build the floor probe"
A() { ip netns exec $NS_A "$@"; }
B() { ip netns exec $NS_B "$@"; }
# xdp-filter pins its maps in bpffs, which `ip netns exec` hides (it mounts
# a sysfs of the namespace's own): only the network namespace changes.
XB() { nsenter --net=/run/netns/$NS_B "$@"; }

# agent ARGS...: sonde's agent on the benchmark's interfaces, until agent_stop.
agent() {
	"$SONDE" agent -l 127.0.0.1:0 -e '' --xdp-control "$T/xdp.sock" "$@" >"$T/agent.out" 2>"$T/agent.err" &
	AGENT=$!
	wait_ready $AGENT "$T/agent.err" "ready:" "the agent"
}
agent_stop() { kill $AGENT; wait $AGENT 2>/dev/null; AGENT=; }
floor() {
	"$FLOOR" net "$VA@$NS_A,$VB@$NS_B" 2>"$T/floor.err" &
	AGENT=$!
	wait_ready $AGENT "$T/floor.err" "ready" "the floor probe"
}
# The observability set: tcp (sock_ops, connect hooks) and flows at tc on
# both ends. XDP is measured apart: a veth with an XDP program takes every
# packet through it one page at a time, so TCP loses its 64 KiB GSO
# segments whatever the program does (xdp-filter alike).
NETARGS=(-C "${NET_COLLECTORS:-tcp,flows}" --flows-interfaces "$VA@$NS_A,$VB@$NS_B" ${NET_EXTRA:-})
XDPARGS=(-C xdp --xdp-interfaces "$VB@$NS_B")


# ---- 1. throughput and latency ----
B iperf3 -s -D -1 >/dev/null 2>&1
B taskset -c 1 sockperf sr --tcp -i $IP_B -p 11111 >/dev/null 2>&1 &
sleep 0.5
# Client and server on CPUs of their own, so the scheduler's placement
# does not decide the figure.
iperf() { B iperf3 -s -D -1 >/dev/null 2>&1; sleep 0.2; A iperf3 -A 0,1 -c $IP_B -t "$SECS" -J 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9)'; }
# The median round trip: a VM's stalls put the mean at the mercy of a few.
pingpong() { A taskset -c 0 sockperf pp --tcp -i $IP_B -p 11111 -t "$SECS" 2>&1 | awk '/percentile 50.000 =/ { print $NF + 0 }' | head -1; }
for r in $(seq "$ROUNDS"); do
	say "round $r/$ROUNDS: throughput and latency"
	iperf >>"$T/gbps.base"
	pingpong >>"$T/lat.base"
	floor
	iperf >>"$T/gbps.floor"
	pingpong >>"$T/lat.floor"
	agent_stop
	agent "${NETARGS[@]}"
	iperf >>"$T/gbps.sonde"
	pingpong >>"$T/lat.sonde"
	agent_stop
	agent "${XDPARGS[@]}"
	iperf >>"$T/gbps.xdp"
	pingpong >>"$T/lat.xdp"
	agent_stop
	XB xdp-filter load $VB -m native >/dev/null 2>&1 || die "xdp-filter load failed"
	iperf >>"$T/gbps.xdpfilter"
	pingpong >>"$T/lat.xdpfilter"
	XB xdp-filter unload $VB >/dev/null 2>&1
done

# ---- 1b. in-kernel time per round trip ----
# End to end, a shared VM's drift between runs is larger than what the
# collectors add; the time their programs run on a round trip's path is
# measured directly (bpf_enable_stats: run_time_ns per program), for sonde
# and for the floor's empty programs, over a ping-pong of known length.
rt_count() { A taskset -c 0 sockperf pp --tcp -i $IP_B -p 11111 -t "$SECS" 2>&1 |
	awk '/Total Run/ { sub(/.*ReceivedMessages=/, ""); print $1 + 0; exit }'; }
status_url() { echo "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)/api/status"; }
# prog_ns: nanoseconds and runs so far of the tcp and flows collectors'
# programs (each once: one on several hooks is listed per hook).
prog_ns() { curl -s "$(status_url)" | python3 -c '
import json, sys
ns = runs = 0; seen = set()
for c in json.load(sys.stdin)["collectors"]:
    for p in c.get("programs", []):
        if c["name"] in ("tcp", "flows") and (c["name"], p["name"]) not in seen:
            seen.add((c["name"], p["name"]))
            ns += p["run_time_ns"]; runs += p["run_count"]
print(ns, runs)'; }
# floor_ns: nanoseconds and runs so far of the floor's empty programs.
floor_ns() { bpftool prog show -j | python3 -c '
import json, sys
ns = runs = 0
for p in json.load(sys.stdin):
    if p.get("name", "").startswith("empty_tc") or p.get("name") == "empty_sockops":
        ns += p.get("run_time_ns", 0); runs += p.get("run_cnt", 0)
print(ns, runs)'; }
# busy_ns: CPU time spent so far, every CPU, in anything but idle and
# iowait (user, nice, system, irq, softirq), from /proc/stat: a transfer
# between namespaces keeps both CPUs busy, so this is what it cost.
busy_ns() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.0f\n", ($2 + $3 + $4 + $7 + $8) * 1e9 / hz }' /proc/stat; }
for r in $(seq "$ROUNDS"); do
	say "round $r/$ROUNDS: program time per round trip and per second of transfer"
	agent "${NETARGS[@]}" --prog-stats
	read -r ns0 runs0 < <(prog_ns)
	n=$(rt_count)
	read -r ns1 runs1 < <(prog_ns)
	echo "$(( (ns1 - ns0) / n )) $(echo "($runs1 - $runs0) / $n" | bc -l)" >>"$T/kns.sonde"
	b0=$(busy_ns)
	iperf >/dev/null
	b1=$(busy_ns)
	read -r ns2 runs2 < <(prog_ns)
	# iperf's SECS, plus its connection set-up: a bound from above
	echo "($ns2 - $ns1) / ($SECS * 1000000000)" | bc -l >>"$T/kshare.sonde"
	echo "$((ns2 - ns1)) $((runs2 - runs1)) $((b1 - b0))" >>"$T/kbusy.sonde"
	agent_stop
	sysctl -q kernel.bpf_stats_enabled=1
	floor
	floor_ns >"$T/f0"
	n=$(rt_count)
	floor_ns >"$T/f1"
	b0=$(busy_ns)
	iperf >/dev/null
	b1=$(busy_ns)
	floor_ns >"$T/f2"
	read -r fns0 fruns0 <"$T/f0"; read -r fns1 fruns1 <"$T/f1"; read -r fns2 fruns2 <"$T/f2"
	echo "$(echo "($fns1 - $fns0) / $n" | bc -l) $(echo "($fruns1 - $fruns0) / $n" | bc -l)" >>"$T/kns.floor"
	echo "$((fns2 - fns1)) $((fruns2 - fruns1)) $((b1 - b0))" >>"$T/kbusy.floor"
	agent_stop
	sysctl -q kernel.bpf_stats_enabled=0
done

# ---- 2. XDP drop rate: sonde's list against xdp-filter's ----
flood() { A "$FLOOD" $FLOOD_IP $IP_B 9 "$SECS" >/dev/null; }
rule_drops() { curl -s "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)/metrics" |
	awk -v r="sonde_xdp_rule_drops_total{rule=\"$FLOOD_IP/32\"}" '$1 == r { print $2 }'; }
for r in $(seq "$ROUNDS"); do
	say "round $r/$ROUNDS: drop rate"
	agent -C xdp --xdp-interfaces "$VB@$NS_B" --xdp-drop $FLOOD_IP/32
	flood
	echo "$(rule_drops) / $SECS" | bc -l >>"$T/pps.sonde"
	agent_stop
	XB xdp-filter load $VB -m native >/dev/null 2>&1 || die "xdp-filter load failed"
	XB xdp-filter ip $FLOOD_IP -m src >/dev/null 2>&1
	flood
	XB xdp-filter status 2>/dev/null | awk -v ip="$FLOOD_IP" '$1 == ip { print $NF }' |
		head -1 | { read -r n; echo "${n:-0} / $SECS" | bc -l; } >>"$T/pps.xdpfilter"
	XB xdp-filter unload $VB >/dev/null 2>&1
done

# ---- 3. cost per packet with 10 and 10,000 rules ----
add_rules() { # N: N-1 rules that match nothing, and A's
	python3 - "$T/xdp.sock" "$1" "$FLOOD_IP" <<'EOF'
import socket, sys
path, n, a = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n - 1):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    s.sendall(f"xdp add 100.{64 + i // 65536 % 64}.{i // 256 % 256}.{i % 256}/32\n".encode()); s.recv(4096); s.close()
s = socket.socket(socket.AF_UNIX); s.connect(path); s.sendall(f"xdp add {a}/32\n".encode()); s.recv(4096)
EOF
}
avg_ns() { curl -s "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)/api/status" |
	python3 -c 'import json,sys; print([p["avg_ns"] for c in json.load(sys.stdin)["collectors"] if c["name"] == "xdp" for p in c["programs"]][0])'; }
for r in $(seq "$ROUNDS"); do
	for n in 10 10000; do
		say "round $r/$ROUNDS: cost with $n rules"
		agent -C xdp --xdp-interfaces "$VB@$NS_B" --prog-stats
		add_rules $n
		flood
		avg_ns >>"$T/cost.$n"
		agent_stop
	done
done

g0=$(median <"$T/gbps.base") g1=$(median <"$T/gbps.sonde")
l0=$(median <"$T/lat.base") l1=$(median <"$T/lat.sonde")
gF=$(median <"$T/gbps.floor") lF=$(median <"$T/lat.floor")
gx=$(median <"$T/gbps.xdp") gf=$(median <"$T/gbps.xdpfilter") lx=$(median <"$T/lat.xdp") lf=$(median <"$T/lat.xdpfilter")
p0=$(median <"$T/pps.xdpfilter") p1=$(median <"$T/pps.sonde")
c10=$(median <"$T/cost.10") c10k=$(median <"$T/cost.10000")
kT=$(median <"$T/kshare.sonde")
# Of the CPU time a transfer took: sonde's programs, the floor's, and
# sonde's beyond what the floor's empty programs cost per run.
kB=$(awk '{ print $1 / $3 }' "$T/kbusy.sonde" | median)
kBF=$(awk '{ print $1 / $3 }' "$T/kbusy.floor" | median)
fpr=$(awk '{ print $1 / $2 }' "$T/kbusy.floor" | median)
kBX=$(awk -v f="$fpr" '{ print ($1 - f * $2) / $3 }' "$T/kbusy.sonde" | median)
sprF=$(awk '{ print $1 / $2 }' "$T/kbusy.sonde" | median)
kS=$(awk '{ print $1 }' "$T/kns.sonde" | median) kF=$(awk '{ print $1 }' "$T/kns.floor" | median)
rS=$(awk '{ print $2 }' "$T/kns.sonde" | median) rF=$(awk '{ print $2 }' "$T/kns.floor" | median)
r() { echo "scale=3; $1 / $2" | bc -l; }
cat <<EOF
## Network benchmark ($(uname -r), $(nproc) CPUs, medians of $ROUNDS interleaved rounds of ${SECS} s)

| measure | without sonde / xdp-filter / 10 rules | with sonde / sonde / 10,000 rules | ratio | target |
|---|---|---|---|---|
| TCP throughput, iperf3 (Gbit/s) | $(printf %.2f "$g0") | $(printf %.2f "$g1") | $(r "$g1" "$g0") | > 0.98 |
| TCP ping-pong latency, sockperf median (us) | $(printf %.2f "$l0") | $(printf %.2f "$l1") | $(r "$l1" "$l0") | < 1.05 |
| floor, empty programs on the same hooks: throughput / latency | $(printf %.2f "$gF") | $(printf %.2f "$lF") | $(r "$gF" "$g0") / $(r "$lF" "$l0") | |
| program time during iperf3, as a share of one CPU's time | | $(printf %.4f "$kT") | $(printf %.4f "$kT") | |
| program time during iperf3, as a share of the CPU time the transfer took: floor vs sonde (the throughput it can cost) | $(printf %.4f "$kBF") | $(printf %.4f "$kB") | $(printf %.4f "$kB") | < 0.02 |
| the same, sonde's beyond the floor's empty programs (their $(printf %.0f "$fpr") ns a run, sonde's $(printf %.0f "$sprF")) | | $(printf %.4f "$kBX") | $(printf %.4f "$kBX") | |
| program time per round trip (ns): floor vs sonde; sonde's / the round trip | $(printf %.0f "$kF") | $(printf %.0f "$kS") | $(r "$kS" "$(echo "$l0 * 1000" | bc -l)") | |
| the same, sonde's beyond the floor's / the round trip | | $(printf %.0f "$(echo "$kS - $kF" | bc -l)") | $(r "$(echo "$kS - $kF" | bc -l)" "$(echo "$l0 * 1000" | bc -l)") | < 0.05 |
| TCP throughput with XDP on B's veth (Gbit/s): xdp-filter vs sonde's xdp | $(printf %.2f "$gf") | $(printf %.2f "$gx") | $(r "$gx" "$gf") | >= 1.00 |
| TCP ping-pong latency with XDP on B's veth (us): xdp-filter vs sonde's xdp | $(printf %.2f "$lf") | $(printf %.2f "$lx") | $(r "$lx" "$lf") | <= 1.00 |
| XDP drop rate (Mpps): xdp-filter vs sonde | $(printf %.3f "$(r "$p0" 1000000)") | $(printf %.3f "$(r "$p1" 1000000)") | $(r "$p1" "$p0") | >= 1.00 |
| XDP program cost per packet (ns): 10 vs 10,000 CIDRs | $(printf %.1f "$c10") | $(printf %.1f "$c10k") | $(r "$c10k" "$c10") | <= 1.10 |

With sonde: the tcp collector (sock_ops RTT on the cgroup root, connect
hooks) and flows at tc on both veth ends; added round trip $(echo "($l1 - $l0) * 1000" | bc -l | xargs printf %.0f) ns,
the floor's $(echo "($lF - $l0) * 1000" | bc -l | xargs printf %.0f) ns. Program time: what
bpf_enable_stats counts for every program of the tcp and flows collectors
(or the floor's) during a ping-pong, over its round trips ($(printf %.1f "$rS")
program runs per round trip for sonde, $(printf %.1f "$rF") for the floor); it includes
the stats' own clock reads, so it bounds from above what the programs add
to a round trip, which end to end is within this VM's run-to-run drift. XDP rows: sonde's xdp collector
or xdp-filter on B's veth (native mode), each alone; a veth with any XDP
program passes TCP one page at a time instead of in 64 KiB GSO segments,
so those rows compare the two programs, not XDP against none. Drop rates are
what each program dropped per second of a UDP flood from A's second
address (64-byte datagrams, sendmmsg), both in native XDP mode on the veth.
EOF
