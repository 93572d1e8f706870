#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Process lifecycle events: a driver execs N children with known argv and
# exit codes; exactly N exec and N exit events, with argv, exit codes,
# ppid and ancestry; pid reuse gives a new exec_id.
. "$(dirname "$0")/lib.sh"

hook_available tp_btf || { t_skip "tp_btf unavailable on this kernel: proc collector not tested"; exit 0; }
N=50
TAG=run$$
start_agent --collectors proc || { t_fail "start"; exit 1; }
# The driver starts after the agent, so its own exec is seen too.
bash -c 'for i in $(seq '$N'); do "'$LOAD'" tag '$TAG'-$i exit $((i % 7)); done; echo $$ >'"$T/driver.pid" 
scrape
stop_agent
DRIVER=$(cat "$T/driver.pid")
$PY - "$T/events.jsonl" "$TAG" "$N" "$DRIVER" "$LOAD" <<'PY' && t_ok "$N execs and exits: argv, exit codes, ppid, parent exec_id" || t_fail "events (see above)"
import json, os, sys
path, tag, n, driver, load = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
cwd = os.getcwd()
ev = [json.loads(l) for l in open(path)]
drv = [e for e in ev if e["type"] == "exec" and e["pid"] == driver]
assert len(drv) == 1, f"driver exec events: {len(drv)}"
execs = {e["pid"]: e for e in ev if e["type"] == "exec" and any(a.startswith(tag + "-") for a in e["argv"])}
assert len(execs) == n, f"{len(execs)} exec events, want {n}"
exits = {e["pid"]: e for e in ev if e["type"] == "exit" and e["pid"] in execs}
assert len(exits) == n, f"{len(exits)} exit events, want {n}"
ids = set()
for pid, e in execs.items():
    i = int([a for a in e["argv"] if a.startswith(tag + "-")][0].split("-")[-1])
    assert e["argv"] == [load, "tag", f"{tag}-{i}", "exit", str(i % 7)], e["argv"]
    assert e["ppid"] == driver, (e["ppid"], driver)
    assert e["parent_exec_id"] == drv[0]["exec_id"], (e["parent_exec_id"], drv[0]["exec_id"])
    assert e["binary"] == load and e["argv_truncated"] is False, e
    x = exits[pid]
    assert x["exit_code"] == i % 7 and x["signal"] == 0, x
    assert x["exec_id"] == e["exec_id"] and x["lifetime_ns"] > 0, (x, e)
    # Read by the kernel at exec: the children are gone before /proc could be.
    assert e.get("cwd") == cwd, (e.get("cwd"), cwd)
    # The cache's identity on later events: the exec's binary and arguments.
    assert x.get("binary") == load and x.get("args") == " ".join(e["argv"]), x
    ids.add(e["exec_id"])
assert len(ids) == n, "exec_ids not unique"
# Ancestry, nearest first: the driver, then what the cache knows above it.
for e in execs.values():
    a = e["ancestors"]
    assert a and a[0]["pid"] == driver and a[0]["exec_id"] == drv[0]["exec_id"], a
    assert len(a) <= 8 and len({x["pid"] for x in a}) == len(a), a
assert len(drv[0]["ancestors"]) >= 1, drv[0]["ancestors"]
PY
for m in 'sonde_events_lost_total{collector="proc",reason="ringbuf_full"}'; do
	[ "$(metric "$m")" = 0 ] && t_ok "$m = 0" || t_fail "$m = $(metric "$m")"
done
v=$(metric 'sonde_process_events_total{type="exec"}')
[ "$v" != absent ] && [ "$v" -ge $((N + 1)) ] && t_ok "exec events counted: $v" || t_fail "exec events metric: $v"
out=$(promtool check metrics <"$T/metrics" 2>&1) && [ -z "$out" ] && t_ok "promtool clean" || t_fail "promtool: $out"

# pid reuse: the same pid run twice gets two exec_ids.
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	start_agent --collectors proc || t_fail "start"
	"$LOAD" tag first-$TAG exit 0 & P=$!; wait $P
	echo $((P - 1)) >/proc/sys/kernel/ns_last_pid
	"$LOAD" tag second-$TAG exit 0 & Q=$!; wait $Q
	sleep 0.2
	stop_agent
	if [ "$P" != "$Q" ]; then
		t_skip "pid reuse: another process took pid $P first (got $Q)"
	else
		$PY - "$T/events.jsonl" "$P" "$TAG" <<'PY' && t_ok "pid $P reused: two different exec_ids" || t_fail "pid reuse"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
x = [e for e in ev if e["type"] == "exec" and e["pid"] == int(sys.argv[2]) and any(sys.argv[3] in a for a in e["argv"])]
assert len(x) == 2 and x[0]["exec_id"] != x[1]["exec_id"], x
PY
	fi
else
	t_skip "pid reuse: /proc/sys/kernel/ns_last_pid not writable"
fi

# Secrets in argv: redacted in exec events and in the identity of a process
# that was running before the agent (seeded from /proc/PID/cmdline).
sh -c 'sleep 1; sleep 0.1' seeded-$TAG --password=sondeSECRETseed & SEED=$!	# forks again once the agent runs
sleep 0.2
start_agent --collectors proc || t_fail "start"
sh -c 'exit 0' secret-$TAG --password=sondeSECRETpw 'Authorization: Bearer sondeSECRETtok' \
	https://bob:sondeSECRETurl@example.com/ --token sondeSECRETnext --user=bob
wait $SEED
sleep 0.3
stop_agent
$PY - "$T/events.jsonl" "$TAG" <<'PY' && t_ok "argv secrets redacted: option, header, URL password, next argument" || t_fail "argv redaction"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
x = [e for e in ev if e["type"] == "exec" and "secret-" + sys.argv[2] in e["argv"]]
assert len(x) == 1, x
assert x[0]["argv"][3:] == ["secret-" + sys.argv[2], "--password=REDACTED", "Authorization: REDACTED",
                            "https://bob:REDACTED@example.com/", "--token", "REDACTED", "--user=bob"], x[0]["argv"]
s = [e for e in ev if e["type"] == "exit" and "seeded-" + sys.argv[2] in e.get("args", "")]
assert s and "--password=REDACTED" in s[0]["args"], s
PY
grep -q "sonde[S]ECRET" "$T/events.jsonl" "$T/agent.err" && t_fail "a secret reached the output: $(grep -o '.\{30\}sonde[S]ECRET.\{8\}' "$T/events.jsonl" | head -3)" ||
	t_ok "no argv secret in any output"

# Storm: 20,000 processes as fast as the machine forks. Every one is either
# delivered or counted as lost; with room in the ring buffer, none is lost.
# Then again with a 4 KiB ring buffer, where losses must show in the counter.
storm() { # ringbuf-bytes
	# A fresh, unrotated events file: 40,000 events with ancestry run to
	# tens of MB, past the default 64 MB rotation once appended to.
	rm -f "$T"/events.jsonl*
	start_agent --collectors proc --proc-ringbuf-bytes "$1" --events-max-bytes 0 || { t_fail "start"; return; }
	"$LOAD" forks 20000 & SP=$!
	wait $SP
	sleep 0.5
	scrape
	RSS=$(metric sonde_process_resident_memory_bytes)
	LOST=$(metric 'sonde_events_lost_total{collector="proc",reason="ringbuf_full"}')
	stop_agent
	GOT=$($PY -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if "\"type\":\"fork\"" in l and json.loads(l)["ppid"] == int(sys.argv[2])))' "$T/events.jsonl" "$SP")
}
storm 4M
[ "$LOST" = 0 ] && [ "$GOT" = 20000 ] && t_ok "storm: 20000 forks, 20000 fork events, 0 lost" ||
	t_fail "storm: $GOT fork events delivered, $LOST lost (want 20000, 0)"
case $BUILD in
*asan*) t_skip "storm: RSS bound not meaningful under ASan (shadow memory and quarantine)" ;;
*) awk -v r="$RSS" 'BEGIN { exit !(r < 64 * 1024 * 1024) }' && t_ok "storm: agent RSS $((RSS / 1048576)) MB (< 64 MB)" ||
	t_fail "storm: agent RSS $RSS bytes" ;;
esac
storm 4096
[ "$GOT" -le 20000 ] && [ $((GOT + LOST)) -ge 20000 ] && [ "$LOST" -gt 0 ] &&
	t_ok "storm with a 4 KiB ring: $GOT delivered + $LOST counted lost >= 20000" ||
	t_fail "storm with a 4 KiB ring: $GOT delivered, $LOST lost"

# sonde trace exec: the live view, filtered by name in the kernel.
"$SONDE" trace exec --comm sonde-sysload --json >"$T/trace.json" 2>"$T/trace.err" & TP=$!
sleep 1
for i in 1 2 3; do "$LOAD" tag view-$TAG-$i exit 0; done
/bin/echo not-me >/dev/null
sleep 0.5
kill -INT $TP; wait $TP; rc=$?
$PY - "$T/trace.json" "$TAG" <<'PY' && t_ok "trace exec --comm: exactly the 3 workload execs" || t_fail "trace exec (rc=$rc): $(head -c 400 "$T/trace.json") $(cat "$T/trace.err")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert all(e["type"] == "exec" and e["comm"] == "sonde-sysload" for e in ev), ev
tags = sorted(a for e in ev for a in e["argv"] if a.startswith("view-" + sys.argv[2]))
assert tags == [f"view-{sys.argv[2]}-{i}" for i in (1, 2, 3)], tags
PY
"$SONDE" trace exec >"$T/trace.txt" 2>&1 & TP=$!
sleep 1.5
"$LOAD" tag human-$TAG exit 0
sleep 0.5
kill -INT $TP; wait $TP
grep -q "^TIME *PID *COMM *PPID *ARGV" "$T/trace.txt" && grep -q "sonde-sysload .*tag human-$TAG exit 0" "$T/trace.txt" &&
	t_ok "trace exec table shows argv" || t_fail "trace exec table: $(cat "$T/trace.txt" | head -5)"
# A traced program's argv cannot write to the operator's terminal: ESC and
# BEL come out escaped, a newline cannot start a forged row.
"$SONDE" trace exec --comm sonde-sysload >"$T/trace.txt" 2>&1 & TP=$!
sleep 1.5
"$LOAD" tag $'esc-\e[2J-bel-\a-nl-\nFORGED 1 2 3' exit 0
sleep 0.5
kill -INT $TP; wait $TP
! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/trace.txt" && ! grep -q "^FORGED" "$T/trace.txt" &&
	grep -qF 'esc-\x1b[2J-bel-\x07-nl-\nFORGED 1 2 3' "$T/trace.txt" &&
	t_ok "trace exec: control characters in argv escaped, one line" || t_fail "trace exec escaping: $(od -c "$T/trace.txt" | head -20)"
# A process killed by a signal reads as a shell says it.
"$SONDE" trace exit --comm sonde-sysload >"$T/trace.txt" 2>&1 & TP=$!
sleep 1.5
"$LOAD" tag segv spin 5 & SP=$!
sleep 0.2; kill -SEGV $SP; wait $SP 2>/dev/null
"$LOAD" tag ok exit 3
sleep 0.5
kill -INT $TP; wait $TP
grep -q "^[0-9:]* $SP .*killed by SIGSEGV" "$T/trace.txt" && grep -q "exit 3 after" "$T/trace.txt" &&
	! grep -q "signal 11" "$T/trace.txt" && t_ok "trace exit: 'killed by SIGSEGV', 'exit 3'" ||
	t_fail "trace exit: $(cat "$T/trace.txt")"
out=$("$SONDE" trace nosuch 2>&1); [ $? = 2 ] && echo "$out" | grep -q "no collector emits 'nosuch' events" &&
	t_ok "unknown event type explained" || t_fail "unknown type: $out"

# execs by binary name, capped: with room for 2 names, a third is "other".
# Three copies of the workload whose names share their first 15 bytes, the
# kernel's comm: one --comm filter keeps exactly their execs (the polling in
# start_agent, grep and sleep, would otherwise take the two names first).
for x in 1 2 3; do cp "$LOAD" "$T/sonde-sysload-x$x"; done
start_agent --collectors proc --proc-max-binaries 2 --comm sonde-sysload-x || t_fail "start"
for i in 1 2 3; do "$T/sonde-sysload-x1" tag a exit 0; done
"$T/sonde-sysload-x2" tag a exit 0
"$T/sonde-sysload-x3" tag a exit 0
scrape
expect_range "execs of sonde-sysload-x1" "$(metric 'sonde_process_execs_total{binary="sonde-sysload-x1"}')" 3 3
expect_range "execs of sonde-sysload-x2" "$(metric 'sonde_process_execs_total{binary="sonde-sysload-x2"}')" 1 1
n=$(grep -c '^sonde_process_execs_total{binary=' "$T/metrics")
[ "$n" = 3 ] && t_ok "2 names + other ($n series)" || t_fail "$n binary series with max 2"
expect_range "the third name counts as other" "$(metric 'sonde_process_execs_total{binary="other"}')" 1 1
stop_agent

# Container identity from the cgroup path, even for a process that is gone
# before the agent reads /proc: a Kubernetes-style (containerd, systemd
# driver) cgroup made for the test.
CG2=
for root in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	[ "$(stat -fc %T "$root" 2>/dev/null)" = cgroup2fs ] && { CG2=$root; break; }
done
CID=3f8a9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a
POD=8f9d6a2c-4b1e-4d3a-9c7f-2e5b8a1d4c6f
if [ -n "$CG2" ]; then
	D=$CG2/sonde-test-$$.slice/kubepods-pod${POD//-/_}.slice/cri-containerd-$CID.scope
	mkdir -p "$D"
	start_agent --collectors proc || t_fail "start"
	sh -c "echo \$\$ >$D/cgroup.procs; exec '$LOAD' tag in-container-$TAG exit 0"
	sleep 0.3
	stop_agent
	rmdir "$D" "$(dirname "$D")" "$(dirname "$(dirname "$D")")"
	$PY - "$T/events.jsonl" "$TAG" "$CID" "$POD" <<'PY' && t_ok "exec in a pod's container: container_id, runtime and pod_uid" || t_fail "container fields: $(grep in-container "$T/events.jsonl" | head -c 600)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if "in-container-" + sys.argv[2] in l]
e = [x for x in ev if x["type"] == "exec" and x["comm"] == "sonde-sysload"][0]
assert e["container_id"] == sys.argv[3] and e["container_runtime"] == "containerd", e
assert e["pod_uid"] == sys.argv[4], e
PY
else
	t_skip "no cgroup v2 hierarchy: container identity not tested"
fi
