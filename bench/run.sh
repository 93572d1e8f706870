#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde run against bpftrace 0.17 on the same one-liners, interleaved:
#   1. start to attached: from exec to the "Attaching N probes..." line
#      (target: under 50 ms);
#   2. start to exit: `BEGIN { exit(); }` and a tracepoint one-liner
#      ending with exit() from an interval, exec to exit;
#   3. peak RSS of each (target: under 10 MB);
#   4. per-event cost of the generated code against bpftrace's on the same
#      probe: program run time per run from the kernel's statistics
#      (kernel.bpf_stats_enabled) while sonde-sysload makes N getppid calls
#      (target: no more than bpftrace's).
# Usage: bench/run.sh   Environment: ROUNDS [7], N [200000], SONDE [build/sonde]
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${ROUNDS:-7}
N=${N:-200000}
SONDE=${SONDE:-build/sonde}
LOAD=build/tests/sonde-sysload
T=$(mktemp -d /tmp/sonde-runbench.XXXXXX)
say() { echo "run.sh: $*" >&2; }
die() { say "$*"; exit 1; }
trap 'rm -rf "$T"; sysctl -qw kernel.bpf_stats_enabled=0' EXIT
[ "$(id -u)" -eq 0 ] || die "must run as root"
BT=$(command -v bpftrace) || die "bpftrace missing (scripts/deps.sh installs it)"
[ -x "$SONDE" ] && [ -x "$LOAD" ] || die "run make and make tests first"
BTV=$("$BT" --version)

ONE='tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }'

now_ms() { date +%s%3N; }
# stop PID: SIGINT (as Ctrl-C) until it exits: a tool that says it attached
# may not have its handler yet (bpftrace), and started with & it inherits
# SIGINT ignored.
stop() {
	for _ in $(seq 100); do
		kill -INT "$1" 2>/dev/null || break
		sleep 0.02
		kill -0 "$1" 2>/dev/null || break
	done
	wait "$1"
}
# attach_ms TOOL: ms from exec until the tool prints "Attaching" (then it is stopped).
attach_ms() {
	local t0 t1 pid
	t0=$(now_ms)
	if [ "$1" = sonde ]; then "$SONDE" run -e "$ONE" >"$T/a.out" 2>&1 & else "$BT" -e "$ONE" >"$T/a.out" 2>&1 & fi
	pid=$!
	while ! grep -q Attaching "$T/a.out" 2>/dev/null; do
		kill -0 $pid 2>/dev/null || { cat "$T/a.out" >&2; die "$1 exited before attaching"; }
		sleep 0.001
	done
	t1=$(now_ms)
	stop $pid
	echo $((t1 - t0))
}
# exit_ms TOOL PROGRAM: ms from exec to exit, and the peak RSS in KiB.
exit_ms() {
	local t0 t1
	t0=$(now_ms)
	if [ "$1" = sonde ]; then
		/usr/bin/time -f %M -o "$T/rss" "$SONDE" run -e "$2" >/dev/null 2>&1
	else
		/usr/bin/time -f %M -o "$T/rss" "$BT" -e "$2" >/dev/null 2>&1
	fi
	t1=$(now_ms)
	echo "$((t1 - t0)) $(tail -1 "$T/rss")"
}
# cost TOOL: ns per program run on sys_enter_getppid, from the kernel's stats.
cost() {
	local pid ids before after
	sysctl -qw kernel.bpf_stats_enabled=1
	if [ "$1" = sonde ]; then "$SONDE" run -e "$ONE" >"$T/c.out" 2>&1 & else "$BT" -e "$ONE" >"$T/c.out" 2>&1 & fi
	pid=$!
	wait_ready $pid "$T/c.out" Attaching "$1"
	"$LOAD" getppid "$N"
	# The tool's programs: those loaded since it started that ran N times or more.
	bpftool prog show -j >"$T/progs.json"
	stop $pid
	sysctl -qw kernel.bpf_stats_enabled=0
	python3 - "$T/progs.json" "$N" <<'PY'
import json, sys
n = int(sys.argv[2])
ps = [p for p in json.load(open(sys.argv[1])) if p.get("run_cnt", 0) >= n and p["type"] == "tracepoint"]
ps.sort(key=lambda p: p["id"])
p = ps[-1]
print("%.1f" % (p["run_time_ns"] / p["run_cnt"]))
PY
}

for r in $(seq "$ROUNDS"); do
	for tool in sonde bpftrace; do
		[ $((r % 2)) = 0 ] && tool=$([ $tool = sonde ] && echo bpftrace || echo sonde)
		echo "$(attach_ms $tool)" >>"$T/$tool.attach"
		read -r ms kb < <(exit_ms $tool 'BEGIN { exit(); }')
		echo "$ms" >>"$T/$tool.exit1"; echo "$kb" >>"$T/$tool.rss1"
		read -r ms kb < <(exit_ms $tool "$ONE interval:ms:200 { exit(); }")
		echo "$ms" >>"$T/$tool.exit2"; echo "$kb" >>"$T/$tool.rss2"
		cost $tool >>"$T/$tool.cost"
		say "round $r/$ROUNDS $tool: attach $(tail -1 "$T/$tool.attach") ms, exit $(tail -1 "$T/$tool.exit1")/$(tail -1 "$T/$tool.exit2") ms, rss $(tail -1 "$T/$tool.rss2") KiB, $(tail -1 "$T/$tool.cost") ns/run"
	done
done

row() {	# row LABEL FILE UNIT: sonde, bpftrace, ratio
	local s b
	s=$(median <"$T/sonde.$2") b=$(median <"$T/bpftrace.$2")
	awk -v l="$1" -v s="$s" -v b="$b" -v u="$3" 'BEGIN { printf "| %s | %s %s | %s %s | %.3f |\n", l, s, u, b, u, s / b }'
}
echo "sonde run vs $BTV: medians of $ROUNDS interleaved rounds; kernel $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)."
echo
echo "| measure | sonde run | bpftrace | sonde / bpftrace |"
echo "|---|---|---|---|"
row "start to attached, \`$ONE\`" attach ms
row "start to exit, \`BEGIN { exit(); }\`" exit1 ms
row "start to exit, the one-liner + \`interval:ms:200 { exit(); }\`" exit2 ms
row "peak RSS, \`BEGIN { exit(); }\`" rss1 KiB
row "peak RSS, the one-liner" rss2 KiB
row "program time per event, sys_enter_getppid ($N calls)" cost ns
