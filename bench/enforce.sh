#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Enforcement cost against the number of rules: exec, open (read and
# write) and connect rates (bench/enfloop.c) with no policy, with the
# floor probe's empty programs on the same hooks, with 10 rules and with
# 10,000, interleaved: each round runs the four setups in a rotated order;
# the table gives medians, ratios from the same run and sonde's time per
# call above the floor. Rules never match the workload (they name other
# binaries, files and networks) but share its events, so each call pays
# the full evaluation: facts, one LPM lookup per kind of key, candidates;
# reads skip that (the open rules guard writes: the kernel checks the
# open's flags against the policy's first). Target: 10,000 rules within
# 10% of 10.
#   bench/enforce.sh     env: ROUNDS (5), N_EXEC (2000), N_OPEN (200000: read and write), N_CONNECT (200000)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
say() { echo "$*" >&2; }
die() { say "enforce.sh: $*"; exit 1; }
OUT=${BENCH_OUT:-build/bench}
SONDE=${SONDE:-build/sonde}
ROUNDS=${ROUNDS:-5}
N_EXEC=${N_EXEC:-2000} N_OPEN=${N_OPEN:-200000} N_CONNECT=${N_CONNECT:-200000}
PORT=19740
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$SONDE" ] || die "$SONDE missing: run make first"
mkdir -p "$OUT"
cc -O2 -o "$OUT/enfloop" bench/enfloop.c || die "building enfloop"
FLOOR=$(bench/build-floor.sh "$OUT") || die "cannot build the floor probe"
CALLS="exec open write connect"
clean() { for c in $CALLS; do rm -f "$OUT"/enf-*-"$c"; done; rm -f "$OUT/enfloop.out"; }
clean

# policy N: N rules, a third each on exec, open and connect.
policy() {
	local f=$OUT/policy-$1.yaml
	$PY - "$1" >"$f" <<'PY'
import sys
n = int(sys.argv[1])
print("rules:")
for i in range(n):
    k = i % 3
    if k == 0:
        print(f"  - name: exec-{i}\n    event: exec\n    binary: /opt/sonde-bench/bin-{i}\n    action: kill")
    elif k == 1:
        print(f"  - name: open-{i}\n    event: open\n    path: /opt/sonde-bench/file-{i}\n    flags: [write]\n    action: deny")
    else:
        print(f"  - name: net-{i}\n    event: connect\n    address: 10.{i // 256 % 256}.{i % 256}.0/24\n    port: 443\n    action: deny")
PY
	echo "$f"
}
PY=/usr/bin/python3
P10=$(policy 10)
P10K=$(policy 10000)

# run SETUP: "exec/s open/s connect/s" with that setup's agent running.
run() {
	local ap= pol r=()
	case $1 in
	none) ;;
	floor)
		"$FLOOR" enforce 2>"$OUT/enforce-floor.err" &
		ap=$!
		wait_ready $ap "$OUT/enforce-floor.err" "ready" "the floor probe"
		;;
	10) pol=$P10 ;;
	10000) pol=$P10K ;;
	esac
	if [ -n "${pol:-}" ]; then
		"$SONDE" agent --collectors enforce --enforce-policy "$pol" --events '' \
			--listen 127.0.0.1:$PORT 2>"$OUT/enforce-agent.err" &
		ap=$!
		wait_ready $ap "$OUT/enforce-agent.err" "ready:" "the agent ($1 rules)"
	fi
	r+=("$("$OUT/enfloop" exec "$N_EXEC")")
	r+=("$("$OUT/enfloop" open "$N_OPEN")")
	r+=("$("$OUT/enfloop" write "$N_OPEN" "$OUT/enfloop.out")")
	r+=("$("$OUT/enfloop" connect "$N_CONNECT")")
	if [ -n "$ap" ]; then
		kill -INT $ap
		wait $ap
	fi
	echo "${r[*]}"
}

setups=(none floor 10 10000)
for ((round = 0; round < ROUNDS; round++)); do
	for ((k = 0; k < 4; k++)); do
		s=${setups[$(((round + k) % 4))]}
		read -r e o w c < <(run "$s")
		say "round $((round + 1))/$ROUNDS $s: exec $e/s open $o/s write $w/s connect $c/s"
		echo "$e" >>"$OUT/enf-$s-exec"; echo "$o" >>"$OUT/enf-$s-open"
		echo "$w" >>"$OUT/enf-$s-write"; echo "$c" >>"$OUT/enf-$s-connect"
	done
done

echo "Enforcement: calls per second of one process (median of $ROUNDS interleaved rounds),"
echo "kernel $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)."
echo
echo "| call | no policy | empty programs (floor) | 10 rules | 10,000 rules | 10 rules / floor | 10,000 / 10 rules | sonde above the floor, 10 / 10,000 rules |"
echo "|---|---|---|---|---|---|---|---|"
for call in $CALLS; do
	a=$(median <"$OUT/enf-none-$call") f=$(median <"$OUT/enf-floor-$call")
	b=$(median <"$OUT/enf-10-$call") c=$(median <"$OUT/enf-10000-$call")
	case $call in open) label="open, read-only" ;; write) label="open for writing" ;; *) label=$call ;; esac
	awk -v call="$label" -v a="$a" -v f="$f" -v b="$b" -v c="$c" 'BEGIN {
		printf "| %s | %.0f | %.0f | %.0f | %.0f | %.3f | %.3f | %.0f / %.0f ns |\n", call, a, f, b, c,
			b / f, c / b, 1e9 / b - 1e9 / f, 1e9 / c - 1e9 / f }'
done
clean
