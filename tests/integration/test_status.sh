#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde status against a running agent: collectors, programs with run
# counts and cost, maps, drops, sinks; and without one, a clear error.
. "$(dirname "$0")/lib.sh"

# Every call timed: sys_enter runs on every call, not in latency windows.
start_agent --prog-stats --syscalls-latency-sample 1 || { t_fail "start"; exit 1; }
"$LOAD" getppid 20000
sleep 0.2	# the start events written out (sinks count what is written)
"$SONDE" status --json --listen "127.0.0.1:$PORT" >"$T/status.json" 2>"$T/status.err"; rc=$?
[ $rc -eq 0 ] && t_ok "status --json exit 0" || t_fail "status rc=$rc: $(cat "$T/status.err")"
$PY - "$T/status.json" 2>"$T/status.py" <<'PY' && t_ok "status JSON: collector, programs, maps, drops, sinks" || t_fail "status JSON: $(tail -3 "$T/status.py" | tr "\n" " ") in $(head -c 300 "$T/status.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["prog_stats"] is True
c = [c for c in d["collectors"] if c["name"] == "syscalls"][0]
assert c["state"] == "running" and c["hook"] == "tp_btf", c
progs = {p["name"]: p for p in c["programs"]}
# sc_task_exit counts exit/exit_group when sys_enter runs in latency windows.
assert set(progs) - {"sc_task_exit"} == {"sys_enter_btf", "sys_exit_btf"}, progs
progs.pop("sc_task_exit", None)
for p in progs.values():
    assert p["run_count"] >= 20000, p          # the workload's calls at least
    assert 0 < p["avg_ns"] < 100000, p
    assert 0 < p["cpu_share"] < 1, p
    assert p["attach"].startswith("tp_btf/sys_"), p
    assert p["kind"] == "tp_btf" and p["state"] == "attached" and p["links"] == 1, p
maps = {m["name"]: m for m in c["maps"]}
assert maps["comm_ids"]["type"] == "hash" and 2 <= maps["comm_ids"]["entries"] <= maps["comm_ids"]["capacity"] == 1024, maps
assert maps["counts"]["capacity"] == 10240, maps
assert set(c["lost"]) == {"inflight_slot_collision", "counts_map_full", "errors_map_full", "comm_table_full"}, c["lost"]
assert c["lost"]["counts_map_full"] == 0
s = {s["name"]: s for s in d["sinks"]}
assert s["jsonl"]["events"] >= 2, s           # start + collector
PY
"$SONDE" status --listen "127.0.0.1:$PORT" >"$T/status.txt" 2>&1
grep -q "^syscalls *running *tp_btf" "$T/status.txt" && grep -q "sys_exit_btf *tp_btf/sys_exit" "$T/status.txt" &&
	grep -q "comm_ids *hash" "$T/status.txt" && grep -q "inflight_slot_collision" "$T/status.txt" &&
	t_ok "status table" || t_fail "status table: $(cat "$T/status.txt")"
stop_agent

# Without --prog-stats the table says how to get run counts.
start_agent || t_fail "start"
"$SONDE" status -l "127.0.0.1:$PORT" | grep -q "program stats off (start the agent with --prog-stats)" &&
	t_ok "stats off is explained" || t_fail "stats off not explained"
stop_agent

# An unavailable collector is shown with its reason.
SONDE_FAKE_MISSING=tp_btf,raw_tp,tracepoint start_agent --keep-running || t_fail "start"
"$SONDE" status -l "127.0.0.1:$PORT" | grep -q "^syscalls *unavailable .*tp_btf: marked missing" &&
	t_ok "unavailable collector with reason" || t_fail "unavailable: $("$SONDE" status -l "127.0.0.1:$PORT")"
stop_agent

# No agent: a clear error and exit 1.
out=$("$SONDE" status -l "127.0.0.1:$(free_port)" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "cannot reach the agent at 127.0.0.1:[0-9]*: Connection refused" &&
	t_ok "no agent: $out" || t_fail "no agent: rc=$rc $out"
