#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde's profiler benchmark, interleaved so that a shared VM's drift falls
# on every row alike; ratios come from one run.
#
#   1. Throughput of a CPU-bound workload on every CPU (bench/cpuburn.c),
#      without the profiler and with the agent's profile collector at 19 Hz
#      and at 99 Hz. Target: < 1% loss at 19 Hz.
#   2. Profile data for the same workload: bytes per minute the agent
#      pushes (rolling 10 s pprof profiles at 99 Hz) against
#      `perf record -F 99 -a -g`'s perf.data. Target: at least 100x less.
#   3. Agent RSS with a symbol cache under pressure: the profiler on the
#      whole host while short-lived processes map large ELF files (clang,
#      libLLVM), with profile.symbol_budget at 16 MiB; peak RSS against the
#      same agent idle. Target: within the budget.
#
# Usage: bench/profile.sh   Environment: ROUNDS [5], SECS [5], SONDE [build/sonde]
# The markdown report goes to stdout, progress to stderr.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-5}
SONDE=${SONDE:-build/sonde}
OUT=${BENCH_OUT:-build/bench}
T=$(mktemp -d /tmp/sonde-profbench.XXXXXX)
AGENT=
NCPU=$(nproc)

say() { echo "profile.sh: $*" >&2; }
die() { say "$*"; exit 1; }
cleanup() {
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || die "must run as root"
for t in perf clang bc python3; do
	command -v $t >/dev/null || die "missing $t (scripts/deps.sh installs it)"
done
[ -x "$SONDE" ] || die "$SONDE missing: run make first"
mkdir -p "$OUT"
[ "$OUT/cpuburn" -nt bench/cpuburn.c ] ||
	cc -O2 -fno-omit-frame-pointer -pthread -o "$OUT/cpuburn" bench/cpuburn.c || die "cannot build cpuburn"

agent() {
	"$SONDE" agent -l 127.0.0.1:0 -e '' -C profile "$@" >"$T/agent.out" 2>"$T/agent.err" &
	AGENT=$!
	wait_ready $AGENT "$T/agent.err" "ready:" "the agent"
}
agent_stop() { kill $AGENT; wait $AGENT 2>/dev/null; AGENT=; }
burn() { "$OUT/cpuburn" "$NCPU" "$SECS"; }
r() { echo "scale=4; $1 / $2" | bc -l; }

# ---- 1. throughput ----
for i in $(seq "$ROUNDS"); do
	say "round $i/$ROUNDS: throughput"
	burn >>"$T/base"
	agent --profile-frequency 19
	burn >>"$T/f19"
	agent_stop
	agent --profile-frequency 99
	burn >>"$T/f99"
	agent_stop
done

# ---- 2. data per minute ----
# What each ships: the agent's rolling 10 s profiles at 99 Hz as its push
# receives them, and perf.data, over the same 30 s of the same workload.
DSECS=30
say "profile data: the agent pushing 10 s profiles, and perf record, $DSECS s each"
mkdir -p "$T/pushed"
python3 tests/integration/pprof_sink.py "$T/sink.port" "$T/pushed" &
SINK=$!
for _ in $(seq 50); do [ -s "$T/sink.port" ] && break; sleep 0.1; done
"$OUT/cpuburn" "$NCPU" $((DSECS + 4)) >/dev/null &
B=$!
agent --profile-frequency 99 --profile-window 10 --profile-push-url "http://127.0.0.1:$(cat "$T/sink.port")/ingest"
sleep $((DSECS + 1))
agent_stop
wait $B
kill $SINK 2>/dev/null; wait $SINK 2>/dev/null
npush=$(ls "$T/pushed" | wc -l)
ps=$(cat "$T"/pushed/* 2>/dev/null | wc -c)
"$OUT/cpuburn" "$NCPU" $((DSECS + 2)) >/dev/null &
B=$!
sleep 0.5
perf record -F 99 -a -g -o "$T/perf.data" -- sleep $DSECS >/dev/null 2>&1 || die "perf record failed"
wait $B
pf=$(stat -c %s "$T/perf.data")

# ---- 3. RSS with a symbol cache under pressure ----
rss_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }
metrics_of() { curl -s "http://$(grep -o 'metrics at http://[^/]*' "$T/agent.err" | cut -d/ -f3)/metrics"; }
RSS_ROWS=
for budget in 16 4; do
	say "RSS: the agent idle, then profiling clang runs with a $budget MiB symbol budget"
	agent --profile-frequency 99 --profile-symbol-budget $budget --profile-window 2
	sleep 3
	idle=$(rss_kb $AGENT)
	agent_stop
	agent --profile-frequency 99 --profile-symbol-budget $budget --profile-window 2
	end=$((SECONDS + SECS * 2)) peak_cache=0
	while [ $SECONDS -lt $end ]; do
		echo 'int main(void){return 0;}' | clang -x c -O2 -c -o /dev/null - 2>/dev/null
		c=$(metrics_of | awk '$1 == "sonde_profile_symbol_cache_bytes" { print $2 }')
		[ "${c:-0}" -gt "$peak_cache" ] && peak_cache=$c
	done
	sleep 3	# the last window rendered
	busy=$(rss_kb $AGENT)
	ev=$(metrics_of | awk '$1 == "sonde_profile_symbol_evictions_total" { print $2 }')
	kb=$(metrics_of | awk '$1 == "sonde_profile_kernel_symbols_bytes" { print int($2 / 1048576) }')
	agent_stop
	RSS_ROWS="$RSS_ROWS| agent peak RSS (KiB): idle vs profiling clang runs, $budget MiB symbol budget (ELF cache at most $((peak_cache / 1048576)) MiB, $ev evictions; kernel table $kb MiB) | $idle | $busy | +$(( (busy - idle) / 1024 )) MiB | <= +$budget MiB + kernel table |
"
done

b=$(median <"$T/base") f19=$(median <"$T/f19") f99=$(median <"$T/f99")
cat <<EOT
## Profiler benchmark ($(uname -r), $NCPU CPUs, medians of $ROUNDS interleaved rounds of ${SECS} s)

| measure | baseline | sonde | ratio | target |
|---|---|---|---|---|
| CPU-bound throughput, profiler at 19 Hz (iterations) | $b | $f19 | $(r "$f19" "$b") | > 0.99 |
| CPU-bound throughput, profiler at 99 Hz (iterations) | $b | $f99 | $(r "$f99" "$b") | |
| profile data per minute at 99 Hz, every CPU busy (bytes): perf.data vs the agent's pushed pprof ($npush pushes) | $(echo "$pf * 60 / $DSECS" | bc) | $(echo "$ps * 60 / $DSECS" | bc) | $(r "$pf" "$ps")x less | >= 100x |
${RSS_ROWS}
Throughput: bench/cpuburn on every CPU (${NCPU} threads of a frame-pointer call chain), the agent
with only the profile collector. Data: the same workload for $DSECS s, the agent at 99 Hz pushing a
symbolized pprof of the whole host every 10 s (what a fleet ships) against \`perf record -F 99 -a -g\`
(perf.data, unsymbolized). RSS: VmHWM;
each clang run maps libLLVM and libclang-cpp (tens of thousands of symbols each).
EOT
