#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde capture on a veth of this test's own namespaces: captures read back
# by tshark with the packets and fields sent; each filter selects what
# tcpdump's own filter selects from an unfiltered capture of the same
# traffic; snap length, count, summary line and filter errors.
. "$(dirname "$0")/lib.sh"
UDP=tests/integration/udp_peer.py
PEER=tests/integration/tcp_peer.py
command -v tshark >/dev/null && command -v tcpdump >/dev/null ||
	{ t_fail "tshark and tcpdump are needed (scripts/deps.sh installs them)"; exit 1; }
netns_pair || { t_fail "could not create the test namespaces"; exit 1; }
ip -n "$NS_A" addr add 10.231.0.3/24 dev "$VETH_A"
IF="$VETH_B@$NS_B"

FILTERS=("" "tcp port 8080" "udp" "udp and dst port 9999 and src host 10.231.0.3" "host $IP6_A"
	"not tcp and not arp" "src net 10.231.0.0/24 and (udp or tcp) and not dst port 9999" "icmp6 or arp"
	"ip6 and udp" "net 10.231.0.2/32 and tcp")
caps=()
for i in "${!FILTERS[@]}"; do
	# shellcheck disable=SC2086
	"$SONDE" capture -i "$IF" -w "$T/cap$i.pcapng" -t 30 ${FILTERS[$i]} 2>"$T/cap$i.err" &
	caps+=($!)
done
"$SONDE" capture -i "$IF" -w "$T/snap.pcapng" -s 64 -c 10 udp 2>"$T/snap.err" &
SNAP=$!
for _ in $(seq 100); do
	[ "$(grep -l listening "$T"/cap*.err "$T/snap.err" 2>/dev/null | wc -l)" = $((${#FILTERS[@]} + 1)) ] && break
	sleep 0.05
done
# The captures open their sockets in no set order: a stray packet before
# the last one listens (IPv6 router solicitation) is in some only, so
# comparisons start here, as they end at TK.
TS=$(date +%s.%N)

# The traffic: one TCP connection, UDP from two addresses and over IPv6.
ip netns exec "$NS_B" $PY $PEER serve $IP_B 8080 1 >"$T/serve" 2>&1 &
SERVER=$!
sleep 0.3
ip netns exec "$NS_A" $PY $PEER client $IP_B 8080 1 0 >/dev/null 2>&1 || t_fail "tcp client"
wait $SERVER
ip netns exec "$NS_A" $PY $UDP send $IP_A $IP_B 9999 30
ip netns exec "$NS_A" $PY $UDP send 10.231.0.3 $IP_B 9999 20
ip netns exec "$NS_A" $PY $UDP send 10.231.0.3 $IP_B 7777 10
ip netns exec "$NS_A" $PY $UDP send $IP6_A $IP6_B 9999 15
# All captures stop together, so a stray packet (neighbour discovery) at
# the end is in all of them or none. IPv6 datagrams wait for neighbour
# discovery first: give them 2 s.
sleep 2
# They still stop a moment apart: what arrives from here on (a neighbour
# solicitation) may be in some and not others, so comparisons end here.
TK=$(date +%s.%N)
kill -INT "${caps[@]}"
wait "${caps[@]}" $SNAP

# tshark reads them, with the packets sent.
fields() { tshark -r "$1" -T fields -e ip.src -e ipv6.src -e udp.dstport -e tcp.dstport -e frame.len "${@:2}" 2>/dev/null; }
n9999=$(fields "$T/cap0.pcapng" | awk -F'\t' '$3 == 9999 && $1 == "10.231.0.1" && $5 == 142' | wc -l)
n3=$(fields "$T/cap0.pcapng" | awk -F'\t' '$3 == 9999 && $1 == "10.231.0.3"' | wc -l)
n6=$(fields "$T/cap0.pcapng" | awk -F'\t' '$3 == 9999 && $2 == "'$IP6_A'" && $5 == 162' | wc -l)
[ "$n9999" = 30 ] && [ "$n3" = 20 ] && [ "$n6" = 15 ] &&
	t_ok "tshark reads the unfiltered capture: 30 + 20 UDP datagrams of 142 bytes to :9999, 15 of 162 over IPv6" ||
	t_fail "tshark: $n9999 from $IP_A (want 30), $n3 from 10.231.0.3 (want 20), $n6 over IPv6 (want 15)"
syn=$(tshark -r "$T/cap1.pcapng" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null | wc -l)
fin=$(tshark -r "$T/cap1.pcapng" -Y 'tcp.flags.fin == 1' 2>/dev/null | wc -l)
pay=$(tshark -r "$T/cap1.pcapng" -T fields -e tcp.len 2>/dev/null | awk '{ s += $1 } END { print s }')
[ "$syn" = 1 ] && [ "$fin" = 2 ] && [ "$pay" = $((1017 + 3005)) ] &&
	t_ok "tcp port 8080: the connection's SYN, both FINs and its $pay payload bytes" ||
	t_fail "tcp port 8080: $syn SYN, $fin FIN, $pay payload bytes (want 1, 2, $((1017 + 3005)))"

# Each filter against tcpdump's on the unfiltered capture: the same packets.
for i in "${!FILTERS[@]}"; do
	[ "$i" = 0 ] && continue
	f=${FILTERS[$i]}
	before=(-Y "frame.time_epoch > $TS && frame.time_epoch < $TK")
	ours=$(fields "$T/cap$i.pcapng" "${before[@]}" | sort | md5sum)
	n=$(fields "$T/cap$i.pcapng" "${before[@]}" | wc -l)
	# shellcheck disable=SC2086
	tcpdump -r "$T/cap0.pcapng" -w "$T/ref$i.pcapng" $f 2>/dev/null
	theirs=$(fields "$T/ref$i.pcapng" "${before[@]}" | sort | md5sum)
	m=$(fields "$T/ref$i.pcapng" "${before[@]}" | wc -l)
	[ "$ours" = "$theirs" ] && [ "$n" -gt 0 ] && t_ok "'$f': the same $n packets as tcpdump's filter" ||
		t_fail "'$f': $n packets, tcpdump's filter $m (or different ones)"
done

# Snap length and count; the summary line.
read -r cap orig < <(tshark -r "$T/snap.pcapng" -T fields -e frame.cap_len -e frame.len 2>/dev/null | sort -u | head -1)
cnt=$(tshark -r "$T/snap.pcapng" 2>/dev/null | wc -l)
[ "$cap" = 64 ] && [ "$orig" = 142 ] && [ "$cnt" = 10 ] && t_ok "-s 64 -c 10: 10 packets of 64 bytes kept of 142" ||
	t_fail "-s 64 -c 10: $cnt packets, $cap of $orig bytes"
grep -q "^10 packets captured, 10 written to $T/snap.pcapng, 0 dropped by the kernel" "$T/snap.err" &&
	t_ok "summary: $(tail -1 "$T/snap.err")" || t_fail "summary: $(cat "$T/snap.err")"

# Filter errors name the column; no capture starts.
out=$("$SONDE" capture -i "$IF" 'tcp and (port 80 or hots 10.0.0.1)' 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "column 21: unknown word 'hots'" && echo "$out" | grep -q "^ *\^" &&
	t_ok "a bad filter is refused with its column and a caret (exit 2)" || t_fail "bad filter: rc $rc: $out"
out=$("$SONDE" capture -i "$IF" 'net 10.231.0.1/24' 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "did you mean 10.231.0.0/24" && t_ok "net with host bits: $(echo "$out" | head -1)" ||
	t_fail "net with host bits: rc $rc: $out"
out=$("$SONDE" capture -i nosuch0 tcp 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "no interface 'nosuch0'" && t_ok "an unknown interface: $out" ||
	t_fail "unknown interface: rc $rc: $out"
