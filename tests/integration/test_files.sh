#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# File events: a workload (sonde-sysload files DIR) makes a known sequence of
# open/unlink/rename calls, some failing; each appears once, with its path
# resolved, flags decoded and errno named. Then the in-kernel filters
# (--files-failed-only, --files-prefix) and the live view (sonde trace open).
. "$(dirname "$0")/lib.sh"

# Per `sonde check --json`: unavailable here (no syscall tracepoints or ring
# buffer) is a skip with its reason; a build without the collector fails.
require_collector files

# The workload's directory: root-owned, 0755, with "exists", "a" and a
# root-only "secret"; its parents must be searchable by uid 65534.
D=$T/dir
chmod 755 "$T"
# sonde-sysload under a name of this run's own, so that another run of the
# workload at the same time (another copy of this test) is not counted too.
COMM=sysload-$$
cp "$LOAD" "$T/$COMM" || { t_fail "copy $LOAD"; exit 1; }
setup() {
	rm -rf "$D" "$T"/events.jsonl*
	mkdir -m 755 "$D" && touch "$D/exists" "$D/a" && install -m 600 /dev/null "$D/secret"
}
workload() {
	"$T/$COMM" files "$D" >"$T/load.out" 2>&1 && t_ok "$1: workload: every call gave the expected result" ||
		t_fail "$1: workload: $(cat "$T/load.out")"
}
# Legacy syscalls where the architecture has them (sonde-sysload.c).
case $(uname -m) in
x86_64) OPEN=open UNLINK=unlink RMDIR=rmdir RENAME=rename ;;
*) OPEN=openat UNLINK=unlinkat RMDIR=unlinkat RENAME=renameat2 ;;
esac
# wait_metric NAME: scrape until NAME has a value (events are counted as the
# agent reads them; the workload may have exited first). 5 s at most.
wait_metric() {
	for _ in $(seq 50); do
		scrape && [ "$(metric "$1")" != absent ] && return 0
		sleep 0.1
	done
	return 1
}

# start_files WHAT ARGS...: the agent with the files collector only, for the
# workload's command name; fails unless that collector is running.
start_files() {
	local what=$1; shift
	start_agent --collectors files --comm "$COMM" "$@" &&
		grep -q "collector files running" "$T/agent.err" && return 0
	t_fail "$what: files collector not running: $(grep -E " error |collector" "$T/agent.err" | head -5)"
	stop_agent
	return 1
}

# 1. Everything, by command name.
setup
start_files all || exit 1
workload all
wait_metric 'sonde_file_errors_total{op="rename",errno="EEXIST"}' || t_fail "no rename EEXIST series within 5 s"
stop_agent
[ "$AGENT_RC" -eq 0 ] && t_ok "clean exit" || t_fail "agent exit code $AGENT_RC"
$PY - "$T/events.jsonl" "$D" "$COMM" $OPEN $UNLINK $RMDIR $RENAME <<'PY' && t_ok "all: each call once, paths resolved, flags, mode, errno, uid, exec ids" || t_fail "all: events (see above)"
import json, sys
path, d, comm, OPEN, UNLINK, RMDIR, RENAME = sys.argv[1:]
# The agent's own start/stop records aside, file events only.
ev = [e for e in map(json.loads, open(path)) if e["type"] != "agent"]
assert ev, "no events"
def show(e): return json.dumps(e, sort_keys=True)
for e in ev:
    assert e["type"] in ("open", "unlink", "rename"), show(e)
    assert e["comm"] == comm, show(e)
    for k in ("time", "pid", "tid", "syscall", "ret", "uid", "exec_id", "parent_exec_id", "ancestors", "cgroup_id"):
        assert k in e, f"no {k}: {show(e)}"
    assert isinstance(e["exec_id"], str) and e["exec_id"], f"exec_id: {show(e)}"
    assert isinstance(e["ancestors"], list) and isinstance(e["cgroup_id"], int), show(e)
    assert isinstance(e["ret"], int) and isinstance(e["uid"], int), show(e)
    assert ("error" in e) == (e["ret"] < 0), f"error iff ret < 0: {show(e)}"
    if e["type"] == "open":
        assert ("fd" in e) == (e["ret"] >= 0) and e.get("fd", e["ret"]) == e["ret"], f"fd: {show(e)}"
    assert not e.get("path_unresolved"), show(e)
def paths(e):
    return [e["old_path"], e["new_path"]] if e["type"] == "rename" else [e["path"]]
mine = [e for e in ev if any(p == d or p.startswith(d + "/") for p in paths(e))]
def one(what, pred):
    m = [e for e in mine if pred(e)]
    assert len(m) == 1, f"{what}: {len(m)} events, want 1: " + " ".join(map(show, m or mine))
    return m[0]
def no_arg(e, *keys):
    for k in keys:
        assert k not in e, f"{k} present though the path was passed absolute: {show(e)}"
x = one("open exists", lambda e: e["type"] == "open" and e["path"] == d + "/exists" and "path_arg" not in e)
assert x["syscall"] == OPEN and x["ret"] >= 0 and x["fd"] == x["ret"] and x["flags"] == "O_RDONLY", show(x)
assert "mode" not in x and x["uid"] == 0, show(x)
parent = x["pid"]
x = one("open missing", lambda e: e["type"] == "open" and e["path"] == d + "/missing")
assert x["syscall"] == OPEN and x["ret"] == -2 and x["error"] == "ENOENT" and "fd" not in x, show(x)
assert x["flags"] == "O_RDONLY" and x["pid"] == parent, show(x)
no_arg(x, "path_arg")
x = one("openat rel", lambda e: e["type"] == "open" and e["path"] == d + "/rel")
assert x["syscall"] == "openat" and x["path_arg"] == "rel" and x["mode"] == "0640", show(x)
assert set(x["flags"].split("|")) == {"O_WRONLY", "O_CREAT", "O_TRUNC"} and x["ret"] >= 0 and x["fd"] == x["ret"], show(x)
x = one("open of the directory", lambda e: e["type"] == "open" and e["path"] == d)
assert "O_DIRECTORY" in x["flags"].split("|") and x["ret"] >= 0, show(x)
x = one("openat dirfd exists", lambda e: e["type"] == "open" and e["path"] == d + "/exists" and "path_arg" in e)
assert x["syscall"] == "openat" and x["path_arg"] == "exists" and x["ret"] >= 0 and x["flags"] == "O_RDONLY", show(x)
x = one("unlink rel", lambda e: e["type"] == "unlink" and e["path"] == d + "/rel")
assert x["syscall"] == UNLINK and x["ret"] == 0 and x["path_arg"] == "rel" and not x.get("dir"), show(x)
x = one("rmdir d", lambda e: e["type"] == "unlink" and e["path"] == d + "/d")
assert x["syscall"] == RMDIR and x["ret"] == 0 and x["path_arg"] == "d" and x.get("dir") is True, show(x)
x = one("rename a b", lambda e: e["type"] == "rename" and e["old_path"] == d + "/a")
assert x["syscall"] == RENAME and x["ret"] == 0 and x["new_path"] == d + "/b", show(x)
assert x["old_path_arg"] == "a" and x["new_path_arg"] == "b" and "flags" not in x, show(x)
x = one("renameat2 b exists", lambda e: e["type"] == "rename" and e["old_path"] == d + "/b")
assert x["syscall"] == "renameat2" and x["ret"] == -17 and x["error"] == "EEXIST", show(x)
assert x["new_path"] == d + "/exists" and x["flags"] == "RENAME_NOREPLACE", show(x)
assert x["old_path_arg"] == "b" and x["new_path_arg"] == "exists", show(x)
p = [e for e in mine if e["pid"] == parent]
x = one("open secret", lambda e: e["type"] == "open" and e["path"] == d + "/secret")
assert x["ret"] == -13 and x["error"] == "EACCES" and x["uid"] == 65534 and x["syscall"] == OPEN, show(x)
assert x["pid"] != parent and x["tid"] == x["pid"], f"from the child, not pid {parent}: {show(x)}"
assert x["parent_exec_id"] == p[0]["exec_id"] and x["exec_id"] != p[0]["exec_id"], show(x)
assert len(mine) == 10, f"{len(mine)} events in {d}, want 10"
# The parent's, in the order it made them.
order = [(e["type"], paths(e)[0][len(d):], e["ret"] < 0) for e in p]
want = [("open", "/exists", False), ("open", "/missing", True), ("open", "/rel", False), ("open", "", False),
        ("open", "/exists", False), ("unlink", "/rel", False), ("unlink", "/d", False),
        ("rename", "/a", False), ("rename", "/b", True)]
assert order == want, f"order {order}"
assert len({e["exec_id"] for e in p}) == 1 and all(e["uid"] == 0 for e in p), " ".join(map(show, p))
PY
for m in 'sonde_file_events_total{op="unlink",result="ok"}:2:2' 'sonde_file_events_total{op="rename",result="ok"}:1:1' \
	'sonde_file_events_total{op="rename",result="error"}:1:1' 'sonde_file_events_total{op="open",result="ok"}:4:100' \
	'sonde_file_events_total{op="open",result="error"}:2:100' 'sonde_file_errors_total{op="open",errno="ENOENT"}:1:100' \
	'sonde_file_errors_total{op="open",errno="EACCES"}:1:1' 'sonde_file_errors_total{op="rename",errno="EEXIST"}:1:1' \
	'sonde_events_lost_total{collector="files",reason="ringbuf_full"}:0:0'; do
	IFS=: read -r name lo hi <<<"$m"
	expect_range "$name" "$(metric "$name")" "$lo" "$hi"
done
[ "$(metric 'sonde_file_events_total{op="unlink",result="error"}')" = absent ] ||
	[ "$(metric 'sonde_file_events_total{op="unlink",result="error"}')" = 0 ] &&
	t_ok "no unlink errors counted" || t_fail "unlink errors: $(metric 'sonde_file_events_total{op="unlink",result="error"}')"
out=$(promtool check metrics <"$T/metrics" 2>&1) && [ -z "$out" ] && t_ok "promtool clean" || t_fail "promtool: $out"

# 2. --files-failed-only: the three failures, nothing that succeeded.
setup
start_files "failed-only" --files-failed-only
workload failed-only
sleep 0.5
stop_agent
$PY - "$T/events.jsonl" "$D" <<'PY' && t_ok "failed-only: ENOENT, EEXIST, EACCES and no successful call" || t_fail "failed-only (see above)"
import json, sys
ev = [e for e in map(json.loads, open(sys.argv[1])) if e["type"] != "agent"]
d = sys.argv[2]
ok = [e for e in ev if e["ret"] >= 0]
assert not ok, "successful calls: " + " ".join(json.dumps(e) for e in ok)
got = sorted((e["type"], e.get("path", e.get("old_path")), e["error"]) for e in ev if d in json.dumps(e))
want = sorted([("open", d + "/missing", "ENOENT"), ("rename", d + "/b", "EEXIST"), ("open", d + "/secret", "EACCES")])
assert got == want, f"{got} != {want}"
PY

# 3. --files-prefix: only paths under DIR/e (both opens of DIR/exists, and
# the rename whose new name is DIR/exists), nothing else of the process's.
setup
start_files "prefix" --files-prefix "$D/e"
workload prefix
sleep 0.5
stop_agent
$PY - "$T/events.jsonl" "$D" <<'PY' && t_ok "prefix $D/e: the two opens of exists and the rename onto it, nothing else" || t_fail "prefix (see above)"
import json, sys
ev = [e for e in map(json.loads, open(sys.argv[1])) if e["type"] != "agent"]
d = sys.argv[2]
got = sorted((e["type"], e.get("path", e.get("old_path")), e.get("new_path", ""), e["ret"] < 0) for e in ev)
want = sorted([("open", d + "/exists", "", False), ("open", d + "/exists", "", False),
               ("rename", d + "/b", d + "/exists", True)])
assert got == want, f"{got} != {want}"
PY
# Two prefixes, comma-separated: adds DIR/m (missing) to the above.
setup
start_files "2 prefixes" --files-prefix "$D/e,$D/m"
workload prefixes
sleep 0.5
stop_agent
n=$($PY -c '
import json, sys
print(sorted(e.get("path", e["type"]) for e in map(json.loads, open(sys.argv[1])) if e["type"] != "agent"))' "$T/events.jsonl")
[ "$n" = "['$D/exists', '$D/exists', '$D/missing', 'rename']" ] && t_ok "two prefixes: exists x2, missing, rename" ||
	t_fail "two prefixes: $n"

# 4. The live view: failed opens of the workload, as text and as JSON.
setup
"$SONDE" trace open --failed --comm "$COMM" >"$T/trace.txt" 2>"$T/trace.err" & TP=$!
sleep 1.5
workload "trace open"
sleep 0.5
kill -INT $TP; wait $TP; rc=$?
grep "ENOENT" "$T/trace.txt" | grep -qF "$D/missing" && grep "EACCES" "$T/trace.txt" | grep -qF "$D/secret" &&
	! grep -qF "$D/exists" "$T/trace.txt" && ! grep -qF "/etc/ld.so.cache" "$T/trace.txt" &&
	t_ok "trace open --failed: ENOENT and EACCES lines, no successful open" ||
	t_fail "trace open --failed (rc=$rc): $(head -c 800 "$T/trace.txt") $(cat "$T/trace.err")"
[ "$rc" = 0 ] || [ "$rc" = 130 ] && t_ok "trace exits cleanly on SIGINT (rc $rc)" || t_fail "trace rc=$rc"
# A path cannot forge a row or reach the terminal as an escape sequence.
"$SONDE" trace open -x --comm "$COMM" >"$T/trace.txt" 2>"$T/trace.err" & TP=$!
sleep 1.5
"$T/$COMM" open $'/nonexistent/a\nFORGED 1 2 3\e]0;title\a'
sleep 0.5
kill -INT $TP; wait $TP
! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/trace.txt" && ! grep -q "^FORGED" "$T/trace.txt" &&
	[ "$(grep -c 'nonexistent/a' "$T/trace.txt")" = 1 ] && grep -qF 'a\nFORGED 1 2 3\x1b]0;title\x07' "$T/trace.txt" &&
	t_ok "trace open: a newline and escape sequence in a path are escaped, one row" ||
	t_fail "trace open escaping: $(od -c "$T/trace.txt" | tail -12)"
setup
"$SONDE" trace open --failed --comm "$COMM" --json >"$T/trace.json" 2>"$T/trace.err" & TP=$!
sleep 1.5
workload "trace open --json"
sleep 0.5
kill -INT $TP; wait $TP; rc=$?
$PY - "$T/trace.json" "$D" "$COMM" <<'PY' && t_ok "trace open --json: JSON lines of type open, failed only" || t_fail "trace --json (rc=$rc): $(head -c 800 "$T/trace.json") $(cat "$T/trace.err")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
d = sys.argv[2]
assert ev and all(e["type"] == "open" and e["ret"] < 0 and e["comm"] == sys.argv[3] for e in ev), ev
got = sorted((e["path"], e["error"]) for e in ev if e["path"].startswith(d + "/"))
assert got == [(d + "/missing", "ENOENT"), (d + "/secret", "EACCES")], got
PY
