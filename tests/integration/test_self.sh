#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The agent does not observe itself: its /proc reads, tracefs opens and
# bpf() calls are left out in the kernel (self_tgid in sonde.bpf.h) unless
# --trace-self; and a scrape costs a small, bounded number of bpf() calls.
. "$(dirname "$0")/lib.sh"

# Under exec and open churn, with every event collector.
start_agent -C syscalls,proc,files || { t_fail "start"; exit 1; }
"$LOAD" catmiss 200 forks 100 enoent 500 2>/dev/null
for _ in 1 2 3; do scrape; done	# each scrape reads /proc/self/...
sleep 0.5
scrape
own=$(grep -c '^sonde_syscalls_total{.*comm="sonde"}' "$T/metrics")
stop_agent
$PY - "$T/events.jsonl" "$AGENT_LAST_PID" <<'PY' && t_ok "no event of the agent's own process among the churn's" || t_fail "own events: $(grep -c "\"pid\":$AGENT_LAST_PID," "$T/events.jsonl")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
pid = int(sys.argv[2])
files = [e for e in ev if e["type"] == "open"]
assert len(files) >= 500, len(files)
assert not [e for e in ev if e["type"] != "agent" and e.get("pid") == pid], pid
PY
[ "$own" = 0 ] && t_ok "no syscall series of comm sonde" || t_fail "$own syscall series of the agent"

# --trace-self turns it back on: the scrapes' own /proc opens appear.
start_agent -C files --trace-self || t_fail "start --trace-self"
for _ in 1 2 3; do scrape; done
sleep 0.5
stop_agent
n=$(grep -c "\"pid\":$AGENT_LAST_PID,.*\"type\":\"open\"\|\"type\":\"open\".*\"pid\":$AGENT_LAST_PID," "$T/events.jsonl")
[ "$n" -ge 3 ] && t_ok "--trace-self: $n open events of the agent itself" || t_fail "--trace-self: $n own opens"

# The live views leave themselves out too.
"$SONDE" trace open --json >"$T/trace.json" 2>"$T/trace.err" & TP=$!
sleep 1
"$LOAD" enoent 20
sleep 0.5
kill -INT $TP; wait $TP
$PY - "$T/trace.json" "$TP" <<'PY' && t_ok "trace open: none of its own opens" || t_fail "trace open lists itself: $(grep -c "\"pid\":$TP," "$T/trace.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e for e in ev if e["comm"] == "sonde-sysload"], "workload missing"
assert not [e for e in ev if e["pid"] == int(sys.argv[2])]
PY
"$SONDE" syscalls -i 1 -c 2 --json >"$T/view.json" 2>&1
$PY -c '
import json, sys
comms = {p["comm"] for l in open(sys.argv[1]) for p in json.loads(l)["processes"]}
sys.exit("sonde" in comms)' "$T/view.json" && t_ok "sonde syscalls: not topped by its own bpf() calls" ||
	t_fail "sonde syscalls shows itself: $(head -c 400 "$T/view.json")"

# One scrape: a bounded number of bpf() calls (it was ~9,670 when every map
# was walked key by key), whatever the collectors hold.
if ! command -v strace >/dev/null; then
	t_skip "strace missing (scripts/deps.sh installs it): scrape cost not measured"
else
	start_agent -C syscalls,proc,files || t_fail "start"
	"$LOAD" catmiss 100 enoent 1000 2>/dev/null
	scrape
	strace -f -qq -c -e trace=bpf -p "$AGENT_PID" -o "$T/strace" & SP=$!
	sleep 0.5
	scrape
	sleep 0.3
	kill -INT $SP; wait $SP
	calls=$(awk '$NF == "bpf" { print $4 }' "$T/strace")	# % time, seconds, usecs/call, calls
	expect_range "bpf() calls during one scrape of 3 collectors" "${calls:-0}" 1 64
	stop_agent
fi
