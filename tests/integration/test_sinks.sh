#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Events that cannot be written are counted and said, never lost
# silently: a reader that went away (EPIPE), a full disk (ENOSPC). A file
# holds whole JSON lines only, and sonde_sink_events_total counts exactly
# the lines that reached it.
. "$(dirname "$0")/lib.sh"

# all_lines_json FILE: every line parses and the file ends with a newline.
all_lines_json() {
	$PY - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), data[-80:]
for l in data.split(b"\n")[:-1]:
    json.loads(l)
print(data.count(b"\n"))
PY
}

# ---- a reader that went away: `sonde agent | head -1` ----
PORT=$(free_port)
"$SONDE" agent -C proc --listen "127.0.0.1:$PORT" --comm sonde-sysload > >(head -1 >"$T/first") 2>"$T/agent.err" &
AGENT_PID=$!
for _ in $(seq 100); do grep -q "ready:" "$T/agent.err" && break; sleep 0.05; done
sleep 0.3	# head has read its line and exited
"$LOAD" forks 200
sleep 0.5
scrape || t_fail "no scrape with stdout closed"
gone=$(metric 'sonde_sink_events_dropped_total{sink="jsonl",reason="reader_gone"}')
written=$(metric 'sonde_sink_events_total{sink="jsonl"}')
expect_range "events dropped as reader_gone after head exited (200 forks and exits)" "$gone" 400 100000
"$LOAD" forks 10
sleep 0.3
scrape
[ "$(metric 'sonde_sink_events_total{sink="jsonl"}')" = "$written" ] &&
	t_ok "written stays at $written once the reader is gone" || t_fail "written grew: $written -> $(metric 'sonde_sink_events_total{sink="jsonl"}')"
[ "$(grep -c "its reader has gone" "$T/agent.err")" = 1 ] && t_ok "logged once: $(grep -o 'events: stdout.*gone' "$T/agent.err")" ||
	t_fail "reader-gone log lines: $(grep -c "reader has gone" "$T/agent.err")"
$PY -c 'import json,sys; json.loads(open(sys.argv[1]).read())' "$T/first" && t_ok "head got one whole JSON line" ||
	t_fail "head got: $(cat "$T/first")"
kill -0 "$AGENT_PID" && t_ok "agent still running" || t_fail "agent died on EPIPE"
stop_agent

# ---- a full disk ----
mkdir -p "$T/small"
if ! mount -t tmpfs -o size=4m tmpfs "$T/small" 2>"$T/mount.err"; then
	t_skip "cannot mount a 4 MiB tmpfs: $(cat "$T/mount.err")"
	exit 0
fi
trap 'umount "$T/small" 2>/dev/null; finish; exit $?' EXIT
# Room for about 100 file events; the workload makes 6000 (some 2.5 MB).
head -c $((4 * 1024 * 1024 - 64 * 1024)) /dev/zero >"$T/small/filler" 2>/dev/null
start_agent -C files --comm sonde-sysload --events "$T/small/events.jsonl" || t_fail "start"
"$LOAD" enoent 6000
sleep 0.5
scrape
nospace=$(metric 'sonde_sink_events_dropped_total{sink="jsonl",reason="no_space"}')
expect_range "events dropped as no_space (buffer of 1 MiB full)" "$nospace" 1 6000
[ "$(grep -c "No space left on device" "$T/agent.err")" = 1 ] && t_ok "ENOSPC logged once: $(grep -o 'events: writing.*device' "$T/agent.err")" ||
	t_fail "ENOSPC log lines: $(grep -c 'No space left' "$T/agent.err"): $(cat "$T/agent.err")"
lines=$(all_lines_json "$T/small/events.jsonl") && t_ok "full disk: the file holds $lines whole JSON lines, no partial one" ||
	t_fail "partial record in the file: $(tail -c 200 "$T/small/events.jsonl" | od -c | tail -3)"
rm -f "$T/small/filler"
# Writing resumes within the 1 s retry, and the held events (up to the
# 1 MiB buffer) go out.
for _ in $(seq 30); do grep -q "resumed" "$T/agent.err" && break; sleep 0.1; done
grep -q "events: writing $T/small/events.jsonl resumed after No space left on device" "$T/agent.err" &&
	t_ok "resume logged: $(grep -o 'resumed.*' "$T/agent.err")" || t_fail "no resume line: $(cat "$T/agent.err")"
"$LOAD" enoent 10
sleep 0.5
scrape
lines=$(all_lines_json "$T/small/events.jsonl") || t_fail "file after resuming"
written=$(metric 'sonde_sink_events_total{sink="jsonl"}')
[ "$lines" = "$written" ] && t_ok "sonde_sink_events_total = $written = the file's lines" ||
	t_fail "written $written, file lines $lines"
tail -1 "$T/small/events.jsonl" | grep -q '"path":"/nonexistent' && t_ok "events after the resume are in the file" ||
	t_fail "last line: $(tail -1 "$T/small/events.jsonl")"
dropped=$(metric 'sonde_sink_events_dropped_total{sink="jsonl",reason="no_space"}')
# Every event the collector delivered, and the agent's start and
# collector events: each either in the file or counted dropped.
delivered=$(awk '/^sonde_file_events_total\{/ { n += $2 } END { print n + 2 }' "$T/metrics")
[ $((lines + dropped)) = "$delivered" ] && [ "$delivered" -ge 6012 ] &&
	t_ok "written $lines + dropped $dropped = $delivered, every event delivered" ||
	t_fail "written $lines + dropped $dropped != delivered $delivered"
stop_agent
umount "$T/small"
