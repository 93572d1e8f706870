#!/bin/bash
# Event pipeline throughput: process events from the kernel's ring buffer
# through sonde's JSON-lines sink, with losses counted, next to bpftrace
# printing the same events. The source is real processes (bench/forkloop.c),
# so the rate is bounded by how fast this machine forks.
#   bench/events.sh            N (default 100000 processes) via env N
set -u
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-build/bench}
N=${N:-100000}
SONDE=${SONDE:-build/sonde}
mkdir -p "$OUT"
[ "$(id -u)" = 0 ] || { echo "events.sh: run as root" >&2; exit 1; }
[ -x "$SONDE" ] || { echo "events.sh: $SONDE missing: run make first" >&2; exit 1; }
cc -O2 -o "$OUT/forkloop" bench/forkloop.c || exit 1
PY=/usr/bin/python3
PORT=19730

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
