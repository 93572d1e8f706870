#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Identity does not depend on which ring buffer the agent drains first: a
# process that execs and opens at once has one exec_id in its exec and its
# open events (both from the kernel's header), and the open event knows its
# binary. 100 processes, then 20,000 in a churn.
. "$(dirname "$0")/lib.sh"

hook_available tp_btf || { t_skip "tp_btf unavailable: proc collector not tested"; exit 0; }
check() { # N
	rm -f "$T"/events.jsonl*
	# Only the workload's opens of its marker (in the kernel): the race
	# is between the two rings, not with the dynamic loader's opens.
	start_agent --collectors proc,files --files-prefix /nonexistent/sonde-catmiss- --events-max-bytes 0 ||
		{ t_fail "start"; return; }
	"$LOAD" catmiss "$1" 2>/dev/null || t_fail "workload"
	sleep 0.5
	scrape
	stop_agent
	$PY - "$T/events.jsonl" "$1" "$(metric 'sonde_events_lost_total{collector="proc",reason="ringbuf_full"}')" \
		"$(metric 'sonde_events_lost_total{collector="files",reason="ringbuf_full"}')" <<'PY'
import json, sys
path, n, marker = sys.argv[1], int(sys.argv[2]), "/nonexistent/sonde-catmiss-"
lost = int(sys.argv[3]) + int(sys.argv[4])
execs, opens = {}, {}
for line in open(path):
    if marker not in line:
        continue
    e = json.loads(line)
    if e["type"] == "exec" and len(e["argv"]) == 2 and e["argv"][1].startswith(marker):
        execs[e["pid"]] = e
    elif e["type"] == "open" and e["path"].startswith(marker):
        opens.setdefault(e["pid"], []).append(e)
pairs = [(execs[p], o) for p in execs for o in opens.get(p, [])]
bad = [(x["exec_id"], o["exec_id"], o.get("binary")) for x, o in pairs
       if o["exec_id"] != x["exec_id"] or o.get("binary") != x["binary"]]
print(f"{len(execs)} execs, {len(pairs)} exec+open pairs, {len(bad)} with another identity, {lost} lost")
assert not bad, bad[:5]
assert len(pairs) + lost >= n, f"{len(pairs)} pairs + {lost} lost < {n}"
assert len(pairs) >= n * 0.9 or len(pairs) + lost >= n and len(pairs) >= 1000, f"only {len(pairs)} pairs of {n}"
PY
}
out=$(check 100) && t_ok "100 exec + open: one exec_id and the binary in both ($(echo "$out" | tail -1))" ||
	t_fail "100 exec + open: $out"
out=$(check 20000) && t_ok "20000 in a churn: $(echo "$out" | tail -1)" || t_fail "churn: $out"
