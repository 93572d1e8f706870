#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Event pipeline throughput: events from the kernel's ring buffer through
# sonde's JSON-lines sink, with losses counted, next to bpftrace printing the
# same events. Two sources:
#   proc  process events from real processes (bench/forkloop.c), so the rate
#         is bounded by how fast this machine forks;
#   open  file events from one process failing openat on a missing path as
#         fast as it can (bench/openloop.c), through the files collector.
#   bench/events.sh [proc|open|all]     or MODE=proc|open|all (default all)
#   N       processes for proc (default 100000)
#   N_OPEN  opens for open (default 1000000)
#   AGENT_CPU, LOAD_CPU  taskset CPU lists for the tracer and openloop (open runs)
# See bench/README.md.
set -u
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-build/bench}
MODE=${1:-${MODE:-all}}
N=${N:-100000}
N_OPEN=${N_OPEN:-1000000}
SONDE=${SONDE:-build/sonde}
case $MODE in
proc | open | all) ;;
*) echo "usage: bench/events.sh [proc|open|all] (or MODE=...)" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
[ "$(id -u)" = 0 ] || { echo "events.sh: run as root" >&2; exit 1; }
[ -x "$SONDE" ] || { echo "events.sh: $SONDE missing: run make first" >&2; exit 1; }
cc -O2 -o "$OUT/forkloop" bench/forkloop.c || exit 1
cc -O2 -o "$OUT/openloop" bench/openloop.c || exit 1
PY=/usr/bin/python3
PORT=19730
OPEN_PATH=/nonexistent/sonde-bench-open
OPEN_RATE=${OPEN_RATE:-200000}	# calls/s of the paced run: the target's rate

# sonde_run RINGBUF MODE -> "seconds delivered lost"
sonde_run() {
	local ev=$OUT/events.jsonl secs lost got
	rm -f "$ev"
	"$SONDE" agent --collectors proc --proc-ringbuf-bytes "$1" --events "$ev" --events-max-bytes 0 \
		--listen 127.0.0.1:$PORT 2>"$OUT/events-agent.err" &
	local ap=$!
	for _ in $(seq 100); do grep -q ready "$OUT/events-agent.err" && break; sleep 0.05; done
	"$OUT/forkloop" "$N" $2 >"$OUT/forkloop.out" & local fp=$!
	wait $fp; secs=$(cat "$OUT/forkloop.out")
	sleep 1
	lost=$(curl -s 127.0.0.1:$PORT/metrics | awk '$1 == "sonde_events_lost_total{collector=\"proc\",reason=\"ringbuf_full\"}" {print $2}')
	kill -INT $ap; wait $ap
	got=$($PY -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("ppid") == int(sys.argv[2]) or (e.get("pid") == int(sys.argv[2]) and e["type"] != "exit"):
        n += 1
print(n)' "$ev" "$fp")
	echo "$secs $got ${lost:-?}"
}

bpftrace_run() { # MODE -> "seconds lines lost"
	local f=$OUT/bpftrace.out script secs lost
	script='tracepoint:sched:sched_process_fork { printf("fork %d %d %s\n", args->parent_pid, args->child_pid, comm); }
tracepoint:sched:sched_process_exit { printf("exit %d %s\n", pid, comm); }'
	[ "$1" = exec ] && script="$script
tracepoint:sched:sched_process_exec { printf(\"exec %d %s\n\", pid, str(args->filename)); }"
	bpftrace -e "$script" >"$f" 2>"$OUT/bpftrace.err" &
	local bp=$!
	sleep 3
	"$OUT/forkloop" "$N" $1 >"$OUT/forkloop.out" & local fp=$!
	wait $fp; secs=$(cat "$OUT/forkloop.out")
	sleep 1
	kill -INT $bp; wait $bp
	lost=$(grep -o 'Lost [0-9]* events' "$f" "$OUT/bpftrace.err" | awk '{s += $2} END {print s + 0}')
	echo "$secs $(grep -c "" "$f") $lost"
}

# persec COUNT SECONDS
persec() { awk -v g="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? g / s : 0) }'; }

proc_table() {
echo "Process events: $N processes from one parent (fork + exit each; 'exec' adds one exec of /bin/true),"
echo "kernel $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)."
echo
echo "| tracer | source | workload s | events delivered | lost (counted) | events/s delivered |"
echo "|---|---|---|---|---|---|"
for mode in fork exec; do
	arg=; [ $mode = exec ] && arg=exec
	read -r s g l < <(sonde_run 4194304 "$arg")
	echo "| sonde, 4 MiB ring | $mode | $s | $g | $l | $(awk -v g="$g" -v s="$s" 'BEGIN { printf "%.0f", g / s }') |"
	read -r s g l < <(sonde_run 4096 "$arg")
	echo "| sonde, 4 KiB ring | $mode | $s | $g | $l | $(awk -v g="$g" -v s="$s" 'BEGIN { printf "%.0f", g / s }') |"
	if command -v bpftrace >/dev/null; then
		read -r s g l < <(bpftrace_run "$arg")
		echo "| bpftrace printf | $mode | $s | $g (all processes) | $l | $(awk -v g="$g" -v s="$s" 'BEGIN { printf "%.0f", g / s }') |"
	fi
done
echo
echo "Expected per run: 2 x N events (fork, exit) for 'fork', 3 x N for 'exec'. sonde counts only the"
echo "workload's own events; its 'lost' is every event the kernel could not queue (any process)."
}

# Waits until FILE has stopped growing for half a second (the tracer has
# caught up with its buffer), 60 s at most.
wait_quiet() {
	local last=-1 size
	for _ in $(seq 120); do
		size=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$size" = "$last" ] && return 0
		last=$size
		sleep 0.5
	done
}

# cpu_s PID: user + system CPU seconds the process has used so far.
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

# Optional pinning for the open runs: AGENT_CPU for the tracer, LOAD_CPU for
# openloop (taskset CPU lists); unset, both inherit this script's CPUs.
PIN_AGENT=() PIN_LOAD=()
[ -n "${AGENT_CPU:-}" ] && PIN_AGENT=(taskset -c "$AGENT_CPU")
[ -n "${LOAD_CPU:-}" ] && PIN_LOAD=(taskset -c "$LOAD_CPU")

# openloop, its pid in LOAD_PID; seconds it took in $OUT/openloop.out.
run_openloop() {
	"${PIN_LOAD[@]}" "$OUT/openloop" "$N_OPEN" "$OPEN_PATH" "${RATE:-0}" >"$OUT/openloop.out" & LOAD_PID=$!
	wait $LOAD_PID || echo "events.sh: openloop failed" >&2
}

# sonde_open_run [RINGBUF] -> "seconds delivered lost cpu"; no RINGBUF: the default.
sonde_open_run() {
	local ev=$OUT/events.jsonl secs lost got ring=() c0 c1
	[ -n "${1:-}" ] && ring=(--files-ringbuf-bytes "$1")
	rm -f "$ev"
	"${PIN_AGENT[@]}" "$SONDE" agent --collectors files --comm openloop "${ring[@]}" --events "$ev" \
		--events-max-bytes 0 --listen 127.0.0.1:$PORT 2>"$OUT/events-agent.err" &
	local ap=$!
	for _ in $(seq 100); do grep -q ready "$OUT/events-agent.err" && break; sleep 0.05; done
	c0=$(cpu_s $ap)
	run_openloop; secs=$(cat "$OUT/openloop.out")
	wait_quiet "$ev"
	c1=$(cpu_s $ap)
	lost=$(curl -s 127.0.0.1:$PORT/metrics | awk '$1 == "sonde_events_lost_total{collector=\"files\",reason=\"ringbuf_full\"}" {print $2}')
	kill -INT $ap; wait $ap
	# This openloop's opens of OPEN_PATH only (not the dynamic loader's, nor
	# another process called openloop).
	got=$(grep -F '"type":"open"' "$ev" | grep -F "\"pid\":$LOAD_PID," | grep -cF "\"$OPEN_PATH\"")
	rm -f "$ev"
	echo "${secs:-0} $got ${lost:-?} $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')"
}

bpftrace_open_run() { # -> "seconds delivered lost cpu"
	local f=$OUT/bpftrace.out secs lost c0 c1
	"${PIN_AGENT[@]}" bpftrace -e 'tracepoint:syscalls:sys_enter_openat /comm == "openloop"/ { @path[tid] = args->filename; }
tracepoint:syscalls:sys_exit_openat /@path[tid]/ {
	printf("%d %s %d %s\n", pid, comm, args->ret, str(@path[tid])); delete(@path[tid]); }' >"$f" 2>"$OUT/bpftrace.err" &
	local bp=$!
	sleep 3
	c0=$(cpu_s $bp)
	run_openloop; secs=$(cat "$OUT/openloop.out")
	wait_quiet "$f"
	c1=$(cpu_s $bp)
	kill -INT $bp; wait $bp
	lost=$(grep -ho 'Lost [0-9]* events' "$f" "$OUT/bpftrace.err" | awk '{s += $2} END {print s + 0}')
	echo "${secs:-0} $(grep -c "^$LOAD_PID openloop -2 $OPEN_PATH\$" "$f") $lost $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')"
}

# open_row TRACER "seconds delivered lost cpu"
open_row() {
	local s g l c sum
	read -r s g l c <<<"$2"
	sum=$([ "$l" != "?" ] && [ $((g + l)) = "$N_OPEN" ] && echo yes || echo "no ($(( g + ${l/\?/0} )))")
	echo "| $1 | $s | $N_OPEN | $(persec "$N_OPEN" "$s") | $g | $(persec "$g" "$s") | $l | $sum | $c | $(persec "$g" "$c") |"
}

open_table() {
echo "File events: $N_OPEN failed openat calls (ENOENT) of $OPEN_PATH from one process,"
echo "kernel $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)${AGENT_CPU:+, tracer on CPU $AGENT_CPU}${LOAD_CPU:+, workload on CPU $LOAD_CPU}."
echo
echo "| tracer | workload s | offered | offered/s | delivered | delivered/s | lost (counted) | delivered + lost = offered | tracer CPU s | delivered per tracer CPU s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
local r dflt
r=$(RATE=$OPEN_RATE sonde_open_run); open_row "sonde, default ring, offered at $OPEN_RATE/s" "$r"
dflt=$r
r=$(sonde_open_run); open_row "sonde, default ring, as fast as openloop can" "$r"
r=$(sonde_open_run 4096); open_row "sonde, 4 KiB ring, as fast as openloop can" "$r"
if command -v bpftrace >/dev/null; then
	r=$(bpftrace_open_run); open_row "bpftrace printf (enter map + exit)" "$r"
fi
echo
read -r s g l c <<<"$dflt"
if [ "$l" = 0 ] && [ "$g" = "$N_OPEN" ] && awk -v g="$g" -v s="$s" 'BEGIN { exit !(g / s >= 200000) }'; then
	echo "Offered at $OPEN_RATE/s: $(persec "$g" "$s") events/s delivered, none lost: meets the 200k events/s target."
else
	echo "Offered at $OPEN_RATE/s: $(persec "$g" "$s") events/s delivered, $l lost: misses the target of 200k events/s without loss."
fi
echo "Unpaced, openloop offers more than one consumer CPU can format; what it cannot take is counted."
echo "Offered: the workload's calls, one event each. Delivered: JSON lines of type open for its pid and path"
echo "in the events file (bpftrace: printed lines). Lost: sonde_events_lost_total{collector=\"files\"},"
echo "any process named openloop (bpftrace: its 'Lost N events'). Tracer CPU: user + system seconds of"
echo "the tracer's process from the start of the workload to the end of its output (BPF programs run in"
echo "the workload's context and are not in it)."
}

case $MODE in
proc) proc_table ;;
open) open_table ;;
all) proc_table; echo; open_table ;;
esac
