#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde check, the live view, events and self-metrics.
. "$(dirname "$0")/lib.sh"

# check --json: what it says matches the kernel's own files.
"$SONDE" check --json >"$T/check.json" 2>"$T/check.err" || t_fail "check exit code"
$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/check.json" && t_ok "check --json is valid JSON" || t_fail "check --json invalid"
avail() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print([h["available"] for h in d["hooks"] if h["name"]==sys.argv[2]][0])' "$T/check.json" "$1"; }
if [ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]; then want=True; else want=False; fi
[ "$(avail kprobe)" = $want ] && t_ok "kprobe available=$want matches the kprobe PMU" || t_fail "kprobe available=$(avail kprobe), want $want"
[ "$(avail btf)" = "$([ -r /sys/kernel/btf/vmlinux ] && echo True || echo False)" ] && t_ok "btf matches /sys/kernel/btf/vmlinux" || t_fail "btf mismatch"
if [ "$(avail kprobe)" = False ]; then
	$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); h=[h for h in d["hooks"] if h["name"]=="kprobe"][0]; sys.exit(not (h["reason"] and h["fix"]))' "$T/check.json" &&
		t_ok "missing kprobe comes with a reason and a fix" || t_fail "kprobe reason/fix empty"
fi
"$SONDE" check >"$T/check.txt" 2>&1 && grep -q "^syscalls" "$T/check.txt" && t_ok "check table lists collectors" || t_fail "check table"
grep -q "ulimit" "$T/check.txt" && t_fail "libbpf's ulimit hint leaked" || t_ok "no misleading ulimit hint"

# Live view: a process's own calls, by pid.
mkfifo "$T/go"
"$LOAD" --wait "$T/go" getppid 5000 spin 3 &
LP=$!
"$SONDE" syscalls -p $LP -i 1 -c 2 --json >"$T/view.json" 2>"$T/view.err" &
VP=$!
sleep 1; echo >"$T/go"
wait $VP; rc=$?; wait $LP
[ $rc -eq 0 ] && t_ok "live view exits after -c 2" || t_fail "live view rc=$rc: $(cat "$T/view.err")"
lines=$(wc -l <"$T/view.json")
[ "$lines" -eq 2 ] && t_ok "two intervals printed" || t_fail "$lines intervals printed"
got=$($PY -c '
import json,re,sys
tot=0; comms=set()
for l in open(sys.argv[1]):
    d=json.loads(l)
    # RFC 3339, as the events spell time.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", d["time"]), d["time"]
    tot+=sum(s["count"] for s in d["syscalls"] if s["syscall"]=="getppid")
    comms|={p["comm"] for p in d["processes"]}
print(tot, ",".join(sorted(comms)))' "$T/view.json")
set -- $got
[ "${1:-0}" -ge 5000 ] && t_ok "live view saw ${1} getppid calls of pid $LP" || t_fail "live view getppid=${1:-none}"
[ "${2:-}" = sonde-sysload ] && t_ok "pid filter: only the workload's name" || t_fail "pid filter leaked names: ${2:-}"

# Self-metrics and events.
start_agent --prog-stats || t_fail "start"
"$LOAD" getppid 1000
scrape
[ "$(metric 'sonde_bpf_stats_enabled')" = 1 ] && t_ok "prog stats enabled" || t_fail "prog stats not enabled"
runs=$(grep '^sonde_bpf_program_runs_total{collector="syscalls",program="sys_exit_btf"}' "$T/metrics" | awk '{print $2}')
[ -n "$runs" ] && [ "$runs" -ge 1000 ] && t_ok "sys_exit_btf ran $runs times" || t_fail "program runs = '$runs'"
secs=$(grep '^sonde_bpf_program_run_seconds_total{collector="syscalls",program="sys_exit_btf"}' "$T/metrics" | awk '{print $2}')
awk -v s="$secs" 'BEGIN { exit !(s > 0) }' && t_ok "run time ${secs}s > 0" || t_fail "run time '$secs'"
# Names interned so far: at least the workload's and the agent's own.
expect_range "comm_ids map entries" "$(metric 'sonde_bpf_map_entries{collector="syscalls",map="comm_ids"}')" 2 1024
expect_range "comm_ids map capacity" "$(metric 'sonde_bpf_map_capacity_entries{collector="syscalls",map="comm_ids"}')" 1024 1024
expect_range "counts map capacity" "$(metric 'sonde_bpf_map_capacity_entries{collector="syscalls",map="counts"}')" 10240 10240
expect_range "RSS bytes" "$(metric 'sonde_process_resident_memory_bytes')" 1000000 100000000
[ "$(metric 'sonde_events_lost_total{collector="syscalls",reason="counts_map_full"}')" = 0 ] && t_ok "no counts lost" || t_fail "counts lost"
[ "$(metric 'sonde_collector_up{collector="syscalls",state="running",hook="tp_btf"}')" = 1 ] || [ "$(grep -c '^sonde_collector_up{collector="syscalls",state="running"' "$T/metrics")" = 1 ] &&
	t_ok "collector up" || t_fail "collector not up"
grep -q '^sonde_build_info{version=' "$T/metrics" && t_ok "build info" || t_fail "no build info"
curl -s "http://127.0.0.1:$PORT/nope" | grep -q "no such path" && t_ok "404 names the paths" || t_fail "404 body"
stop_agent
$PY -c '
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
types=[(e["type"], e.get("event")) for e in ev]
assert types[0]==("agent","start") and types[-1]==("agent","stop"), types
c=[e for e in ev if e.get("event")=="collector"][0]
assert c["collector"]=="syscalls" and c["state"]=="running", c
assert all(e["schema"]==1 and e["time"].endswith("Z") for e in ev)' "$T/events.jsonl" &&
	t_ok "events: start, collector running, stop" || t_fail "events: $(cat "$T/events.jsonl")"

# libbpf's "try raising 'ulimit -l'" hint (EPERM as root) is replaced by the real cause.
"$SONDE" check -v >"$T/checkv.txt" 2>&1
if grep -q "fentry.*no" "$T/checkv.txt"; then
	grep -q "EPERM as root: the kernel refused this program type" "$T/checkv.txt" && ! grep -q "ulimit" "$T/checkv.txt" &&
		t_ok "fentry EPERM explained without the ulimit hint" || t_fail "libbpf EPERM hint: $(grep -i -m2 'ulimit\|EPERM' "$T/checkv.txt")"
else
	t_skip "fentry loads on this kernel: no EPERM to explain"
fi

# A collector whose hooks are all missing is unavailable, with the reason;
# with --keep-running the agent serves anyway (test_usage.sh: without, it exits 1).
export SONDE_FAKE_MISSING=tp_btf,raw_tp,tracepoint
start_agent --keep-running || t_fail "start with every syscall hook missing"
scrape
[ "$(metric 'sonde_collector_up{collector="syscalls",state="unavailable",hook=""}')" = 0 ] &&
	t_ok "syscalls reported unavailable, agent still serving" || t_fail "collector_up: $(grep collector_up "$T/metrics")"
grep -q "collector syscalls unavailable: tp_btf: marked missing" "$T/agent.err" && t_ok "reason logged" || t_fail "no reason logged"
stop_agent
grep -q '"state":"unavailable","reason":"tp_btf: marked missing' "$T/events.jsonl" && t_ok "unavailable event with reason" || t_fail "event: $(grep collector "$T/events.jsonl")"
# With tp_btf alone missing, the collector falls back to raw_tp.
export SONDE_FAKE_MISSING=tp_btf
start_agent || t_fail "start without tp_btf"
grep -q "hook raw_tp" "$T/agent.err" && t_ok "falls back to raw_tp without tp_btf" || t_fail "fallback: $(grep collector "$T/agent.err")"
stop_agent
unset SONDE_FAKE_MISSING
