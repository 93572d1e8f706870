#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde's syscall-overhead benchmark. See bench/README.md.
#
# Usage: bench/overhead.sh ['extra tracer command' ...]
# Environment (defaults in brackets):
#   ROUNDS [5]            interleaved rounds; medians are taken over them
#   SYSLOOP_N [500000]    workload iterations (3 syscalls each)
#   WARM [3]              seconds a non-sonde tracer gets to attach
#   PIN_CPU []            pin the workload to this CPU
#   BENCH_OUT [build/bench]  where sysloop and floor are built
#   SONDE [build/sonde]   the agent binary
#   SONDE_CMD             the default sonde tracer command
#   EXTRA_TRACERS         more tracer commands, one per line (as do arguments)
#
# Each round runs the workload once with no tracer, then once under each
# tracer. Interleaving spreads the drift of a shared VM evenly over all rows.
# The markdown report goes to stdout, progress to stderr.
set -u
cd "$(dirname "$0")/.." || exit 1

ROUNDS=${ROUNDS:-5}
N=${SYSLOOP_N:-500000}
WARM=${WARM:-3}
OUT=${BENCH_OUT:-build/bench}
SONDE=${SONDE:-build/sonde}
SONDE_CMD=${SONDE_CMD:-$SONDE agent --collectors syscalls --listen 127.0.0.1:19610}
LIBBPF_A=/usr/lib/x86_64-linux-gnu/libbpf.a
BPFTRACE_PROG='tracepoint:raw_syscalls:sys_enter { @[pid] = count(); }'
SONDE_MISSING="$SONDE missing: run make first"

die() { echo "overhead.sh: $*" >&2; exit 1; }
say() { echo "overhead.sh: $*" >&2; }

# ---- prerequisites -------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "must run as root (loading BPF programs needs it)"
for t in clang bpftool cc awk; do
	command -v "$t" >/dev/null || die "missing prerequisite: $t (see scripts/deps.sh)"
done
[ -f "$LIBBPF_A" ] || die "missing prerequisite: $LIBBPF_A (apt-get install libbpf-dev)"
[ -f /usr/include/bpf/bpf_helpers.h ] || die "missing prerequisite: libbpf headers (apt-get install libbpf-dev)"
[ -r /sys/kernel/btf/vmlinux ] || die "missing prerequisite: kernel BTF (/sys/kernel/btf/vmlinux)"
[ "$ROUNDS" -ge 1 ] 2>/dev/null || die "ROUNDS must be a positive integer"

# bpftrace and classic tracepoints need tracefs; minimal systems may not mount it.
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing || die "cannot mount tracefs on /sys/kernel/tracing"
fi

# ---- build ---------------------------------------------------------------
# stale TARGET SOURCES...: true if TARGET is missing or older than a source.
stale() {
	local t=$1 s; shift
	[ -e "$t" ] || return 0
	for s; do [ "$s" -nt "$t" ] && return 0; done
	return 1
}
mkdir -p "$OUT" || die "cannot create $OUT"
if stale "$OUT/sysloop" bench/sysloop.c; then
	say "building $OUT/sysloop"
	cc -O2 -Wall -o "$OUT/sysloop" bench/sysloop.c || die "building sysloop failed"
fi
FLOOR=$(bench/build-floor.sh "$OUT") || die "building the floor probe failed"

# ---- tracers -------------------------------------------------------------
# Parallel arrays: LABEL (table row), CMD (shell words, run via bash -c "exec ..."
# so the PID we hold is the tracer's own), STATUS (non-empty: row not run, why).
LABEL=() CMD=() STATUS=()
add() { LABEL+=("$1"); CMD+=("$2"); STATUS+=("$3"); }
cmd_status() { # why a command cannot run, or nothing
	local exe=${1%% *}
	if [ "$exe" = "$SONDE" ] && [ ! -x "$SONDE" ]; then echo "$SONDE_MISSING"
	elif ! command -v "$exe" >/dev/null; then echo "not installed"; fi
}
is_sonde() { case "${1%% *}" in sonde | */sonde) return 0 ;; esac; return 1; }

add "no tracer" "" ""
add "floor: empty raw_tp sys_enter + sys_exit (\`floor raw2\`)" "$FLOOR raw2" ""
add "bpftrace $(bpftrace --version 2>/dev/null | awk '{print $2}') \`@[pid] = count()\` on tracepoint sys_enter" "bpftrace -e '$BPFTRACE_PROG'" "$(cmd_status bpftrace)"
add "sonde \`--collectors syscalls\`" "$SONDE_CMD" "$(cmd_status "$SONDE_CMD")"
FLOOR_I=1 BPFTRACE_I=2 SONDE_I=3
extras=("$@")
if [ -n "${EXTRA_TRACERS:-}" ]; then
	while IFS= read -r l; do [ -n "$l" ] && extras+=("$l"); done <<<"$EXTRA_TRACERS"
fi
for c in ${extras[@]+"${extras[@]}"}; do add "\`$c\`" "$c" "$(cmd_status "$c")"; done
[ -x "$SONDE" ] || say "$SONDE_MISSING (sonde rows skipped)"

# ---- measurement ---------------------------------------------------------
TPID=
cleanup() { [ -n "$TPID" ] && kill -KILL "$TPID" 2>/dev/null; }
trap cleanup EXIT
trap 'exit 130' INT TERM

alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
workload() { "$OUT/sysloop" "$N" ${PIN_CPU:+"$PIN_CPU"}; }

# stop PID: SIGINT, then SIGKILL if it has not exited within 10 s.
stop() {
	local p=$1 k
	kill -INT "$p" 2>/dev/null
	for k in $(seq 100); do alive "$p" || break; sleep 0.1; done
	alive "$p" && { say "pid $p ignored SIGINT; killing"; kill -KILL "$p"; }
	wait "$p" 2>/dev/null
	TPID=
}

declare -A NS RSS   # NS[i]: ns/syscall per round; RSS[i]: VmHWM kB per round
run_with() { # index
	local i=$1 c=${CMD[$1]} log=$OUT/tracer$1 p= v k hwm
	if [ -n "$c" ]; then
		# Job control on: else bash starts background jobs with SIGINT
		# ignored, and a tracer that does not install its own handler
		# could not be stopped with it.
		set -m
		bash -c "exec $c" >"$log.out" 2>"$log.err" &
		p=$! TPID=$!
		set +m
		if is_sonde "$c"; then # sonde says when it is attached: up to 3 s
			for k in $(seq 60); do grep -qw ready "$log.err" && break; alive "$p" || break; sleep 0.05; done
		else
			sleep "$WARM"
		fi
		if ! alive "$p"; then
			wait "$p"; STATUS[i]="exited before the workload ran (exit $?, see $log.err)"; TPID=
			return
		fi
	fi
	v=$(workload) || die "workload failed"
	if [ -n "$p" ]; then
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null)
		if ! alive "$p"; then
			wait "$p"; STATUS[i]="died during the workload (exit $?, see $log.err)"; TPID=
			return
		fi
		stop "$p"
		RSS[$i]="${RSS[$i]:-} ${hwm:-0}"
	fi
	NS[$i]="${NS[$i]:-} $v"
}

med() { tr ' ' '\n' | grep -v '^$' | sort -n |
	awk '{a[NR]=$1} END {if (!NR) exit; if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
maxv() { tr ' ' '\n' | grep -v '^$' | sort -n | tail -1; }
calc() { awk "BEGIN {printf \"$1\", $2}"; }

say "warm-up run"
workload >/dev/null || die "workload failed"
for r in $(seq "$ROUNDS"); do
	say "round $r/$ROUNDS"
	for i in "${!CMD[@]}"; do [ -z "${STATUS[i]}" ] && run_with "$i"; done
done

# start_ms CMD: wall time of 5 runs of a command that attaches and exits; prints
# the median in ms, or why it failed.
start_ms() {
	local t0 t1 k all=
	for k in 1 2 3 4 5; do
		t0=$(date +%s%N)
		bash -c "exec $1" >/dev/null 2>&1 || { echo "failed (exit $?)"; return; }
		t1=$(date +%s%N)
		all="$all $(((t1 - t0) / 1000))"
	done
	calc "%.0f" "$(echo $all | med) / 1000"
}
# ready_ms CMD: median over 5 runs of the time from launch until the command
# prints a line containing "ready" (it is then attached); the command is
# left to exit by itself.
ready_ms() {
	local t0 t1 k line fd pid all= fifo=$OUT/ready.fifo
	for k in 1 2 3 4 5; do
		rm -f "$fifo"; mkfifo "$fifo"
		t0=$(date +%s%N)
		bash -c "exec $1" >"$fifo" 2>&1 &
		pid=$!
		exec {fd}<"$fifo"
		t1=
		while IFS= read -r -u "$fd" line; do
			case $line in *ready*) t1=$(date +%s%N); break ;; esac
		done
		cat <&"$fd" >/dev/null 2>&1
		exec {fd}<&-
		wait "$pid" 2>/dev/null
		[ -n "$t1" ] || { echo "never ready"; return; }
		all="$all $(((t1 - t0) / 1000))"
	done
	rm -f "$fifo"
	calc "%.0f" "$(echo $all | med) / 1000"
}
say "timing start to attached"
BT_READY="bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[pid] = count(); } BEGIN { printf(\"ready\\n\"); exit(); }'"
R_FLOOR=$(ready_ms "$FLOOR raw2 --attach-only")
S_FLOOR=$(start_ms "$FLOOR raw2 --attach-only")
S_BPFTRACE=${STATUS[BPFTRACE_I]:-} R_BPFTRACE=${STATUS[BPFTRACE_I]:-}
if [ "$S_BPFTRACE" != "not installed" ]; then
	R_BPFTRACE=$(ready_ms "$BT_READY")
	S_BPFTRACE=$(start_ms "$BT_READY")
fi
if [ -x "$SONDE" ]; then
	SONDE_ONCE="$SONDE agent --collectors syscalls --attach-only --events '' --listen 127.0.0.1:19611"
	R_SONDE=$(ready_ms "$SONDE_ONCE")
	S_SONDE=$(start_ms "$SONDE_ONCE")
	# Every event collector at once: the process cache seeded, three objects.
	SONDE_ALL="$SONDE agent --collectors syscalls,proc,files --attach-only --events '' --listen 127.0.0.1:19611"
	R_SONDE_ALL=$(ready_ms "$SONDE_ALL")
	S_SONDE_ALL=$(start_ms "$SONDE_ALL")
else
	S_SONDE=$SONDE_MISSING R_SONDE=$SONDE_MISSING S_SONDE_ALL=$SONDE_MISSING R_SONDE_ALL=$SONDE_MISSING
fi

# In-kernel program time per syscall: wall-clock medians on a shared VM move
# by +-20 ns between runs, while bpf_enable_stats' run_time_ns / run_cnt of a
# tracer's programs repeats to about 1 ns. Stats add ~2 clock reads to every
# run, so compare each tracer with the floor's empty programs.
prog_ns() { # index: "ns per syscall, programs, runs per syscall" of the tracer's programs
	local i=$1 c=${CMD[$1]} log=$OUT/stats$1 p k maxid
	# The tracer's programs are the ones loaded after this id.
	maxid=$(bpftool prog show -j 2>/dev/null | $PY -c 'import json, sys; print(max([p["id"] for p in json.load(sys.stdin)] or [0]))')
	set -m
	bash -c "exec $c" >"$log.out" 2>"$log.err" &
	p=$! TPID=$!
	set +m
	if is_sonde "$c"; then
		for k in $(seq 60); do grep -qw ready "$log.err" && break; sleep 0.05; done
	else
		sleep "$WARM"
	fi
	sysctl -qw kernel.bpf_stats_enabled=1
	# Four runs (two seconds or so): long enough to average over sonde's
	# latency windows, whose sys_enter program runs 1/16 of each second.
	for k in 1 2 3 4; do workload >/dev/null; done
	# Per syscall: all the tracer's program time over the calls of its
	# busiest program (one that runs on every syscall), so a program that
	# runs on some calls only is weighted by how many.
	PROG_NS[$i]=$(bpftool prog show -j 2>/dev/null | $PY -c '
import json, sys
maxid, runs = int(sys.argv[1]), int(sys.argv[2])
ps = [p for p in json.load(sys.stdin) if p["id"] > maxid and p.get("run_cnt", 0) > 0]
calls = max([p["run_cnt"] for p in ps] or [0])
if calls >= runs:
    print("%.1f %d %.3f" % (sum(p["run_time_ns"] for p in ps) / calls, len(ps),
                            sum(p["run_cnt"] for p in ps) / calls))' "$maxid" "$N")
	sysctl -qw kernel.bpf_stats_enabled=0
	alive "$p" && stop "$p"
}
PY=/usr/bin/python3
declare -A PROG_NS
if [ -x "$PY" ]; then
	say "in-kernel program time per syscall (bpf_enable_stats)"
	for i in "${!CMD[@]}"; do
		[ "$i" != 0 ] && [ -z "${STATUS[i]}" ] && prog_ns "$i"
	done
fi

# ---- report ----------------------------------------------------------------
B=$(echo ${NS[0]} | med)
added() { [ -n "${NS[$1]:-}" ] && calc "%.0f" "$(echo ${NS[$1]} | med) - $B"; }
echo "Syscall overhead: median of $ROUNDS interleaved rounds, $N x (getppid + read + write);" \
	"kernel $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)."
echo
echo "| tracer | ns/syscall (median) | added ns per syscall | ratio to no tracer | peak RSS MB |"
echo "|---|---|---|---|---|"
for i in "${!CMD[@]}"; do
	if [ -n "${STATUS[i]}" ]; then
		echo "| ${LABEL[i]} | ${STATUS[i]} | - | - | - |"
		continue
	fi
	m=$(echo ${NS[$i]} | med)
	if [ "$i" = 0 ]; then a=- rss=-; else
		a=$(added "$i")
		rss=$(calc "%.1f" "$(echo ${RSS[$i]} | maxv) / 1024")
	fi
	echo "| ${LABEL[i]} | $m | $a | $(calc "%.3f" "$m / $B") | $rss |"
done
echo

# sonde_vs LABEL INDEX: the verdict lines for one sonde row.
F=$(added $FLOOR_I)
T=$(added $BPFTRACE_I)
sonde_vs() {
	local s
	s=$(added "$2") || { echo "- $1: not measured (${STATUS[$2]})"; return; }
	if [ -n "$F" ] && [ "$F" -gt 0 ]; then
		r=$(calc "%.2f" "$s / $F")
		echo "- $1: added cost / floor's added cost = **$r** (target <= 1.5: $(awk "BEGIN {print ($r <= 1.5) ? \"met\" : \"NOT met\"}"))"
	else
		echo "- $1: ratio to floor not meaningful (floor added ${F:-?} ns: too noisy, raise ROUNDS or SYSLOOP_N)"
	fi
	if [ -n "$T" ]; then
		[ "$s" -lt "$T" ] && echo "- $1 beats bpftrace: yes ($s vs $T added ns)" ||
			echo "- $1 beats bpftrace: **no** ($s vs $T added ns)"
	else
		echo "- $1 vs bpftrace: bpftrace not measured"
	fi
}
for i in "${!CMD[@]}"; do
	is_sonde "${CMD[i]}" && sonde_vs "${LABEL[i]}" "$i"
done
echo
if [ ${#PROG_NS[@]} -gt 0 ]; then
	echo "In-kernel program time per syscall (bpf_enable_stats; summed over each tracer's programs)."
	echo "Each program run also pays the stats' own clock reads; an empty program's time (the floor's,"
	echo "per run) is that fixed cost, and \"work\" is what is left. Runs per syscall below 2 for sonde:"
	echo "its sys_enter program runs only in latency windows (1/16 of each second) where the kernel allows:"
	echo
	echo "| tracer | programs | program runs per syscall | program ns per syscall | work ns per syscall |"
	echo "|---|---|---|---|---|"
	set -- ${PROG_NS[$FLOOR_I]:-}
	EMPTY=$( [ $# -eq 3 ] && calc "%.1f" "$1 / $3")
	for i in "${!CMD[@]}"; do
		[ -n "${PROG_NS[$i]:-}" ] || continue
		set -- ${PROG_NS[$i]}
		w=-
		[ -n "$EMPTY" ] && w=$(calc "%.1f" "$1 - $3 * $EMPTY")
		echo "| ${LABEL[i]} | $2 | $3 | $1 | $w |"
	done
	echo
fi
echo "| tool | start to attached (\"ready\"), ms | start to exit after attaching, ms |"
echo "|---|---|---|"
echo "| floor \`raw2 --attach-only\` | $R_FLOOR | $S_FLOOR |"
echo "| bpftrace \`sys_enter count + BEGIN { printf(\"ready\"); exit() }\` | $R_BPFTRACE | $S_BPFTRACE |"
echo "| sonde \`agent --attach-only\` (feature probes + syscalls collector) | $R_SONDE | $S_SONDE |"
echo "| sonde \`agent -C syscalls,proc,files --attach-only\` (every event collector, process cache seeded) | $R_SONDE_ALL | $S_SONDE_ALL |"
echo
echo "Medians of 5 runs. Exit time includes detaching, which waits for RCU grace periods in the kernel."
