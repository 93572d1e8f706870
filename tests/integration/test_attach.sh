#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The attach set on every hook kind the roadmap needs: tracepoint, raw_tp,
# tp_btf, uprobe, uretprobe, USDT, perf_event on every CPU, socket filter,
# tc ingress and egress, XDP, cgroup connect4, sock_ops and skb; with
# programs of a bpf_object and with bare programs of raw instructions.
# Each hook is triggered a known number of times; the kernel counts hits.
. "$(dirname "$0")/lib.sh"

ATTACH=$BUILD/tests/sonde-attach

relay "$ATTACH" local
# The older interfaces, which 5.10 to 6.5 kernels have instead.
SONDE_FAKE_MISSING=perf_link,tcx relay "$ATTACH" local
relay "$ATTACH" cgroup "$(free_port)"

# tc and XDP on a veth pair between two namespaces of this test's own; an
# echo server in the peer's answers every datagram.
NA=sonde-at-a-$$ NB=sonde-at-b-$$ PORT_ECHO=$(free_port)
cleanup_net() {
	[ -n "${ECHO:-}" ] && kill "$ECHO" 2>/dev/null && wait "$ECHO" 2>/dev/null
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
}
trap 'cleanup_net; finish; exit $?' EXIT
if ! ip netns add "$NA" 2>/dev/null || ! ip netns add "$NB"; then
	t_skip "tc/xdp: cannot create network namespaces here"
	exit 0
fi
ip link add veth-a netns "$NA" type veth peer name veth-b netns "$NB"
for ns in "$NA" "$NB"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" ip link set lo up
done
ip -n "$NA" addr add 10.231.7.1/24 dev veth-a && ip -n "$NA" link set veth-a up
ip -n "$NB" addr add 10.231.7.2/24 dev veth-b && ip -n "$NB" link set veth-b up
ip netns exec "$NB" timeout 60 $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.231.7.2", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(64)
    s.sendto(d, a)' "$PORT_ECHO" &
ECHO=$!
sleep 0.3
relay ip netns exec "$NA" "$ATTACH" net veth-a 10.231.7.2 "$PORT_ECHO"
SONDE_FAKE_MISSING=perf_link,tcx relay ip netns exec "$NA" "$ATTACH" net veth-a 10.231.7.2 "$PORT_ECHO"
# Without tcx a filter stays in clsact: detached on exit, the qdisc kept.
if ip netns exec "$NA" tc filter show dev veth-a ingress | grep -q bpf; then
	t_fail "a netlink tc filter was left on veth-a: $(ip netns exec "$NA" tc filter show dev veth-a ingress)"
else
	t_ok "no tc filter left on veth-a after the netlink run"
fi
