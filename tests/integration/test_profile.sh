#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The CPU profiler against a workload of known shares (sonde-spin: 50% in
# spin_a, 20% spin_b, 10% spin_c, 20% spin_lib in a shared library), read
# back through the folded output, through pprof by `go tool pprof`, and
# compared with `perf record -g` on the same process; a stripped binary, a
# process that exits before the profile ends, and kernel frames.
. "$(dirname "$0")/lib.sh"
SPIN=$BUILD/tests/sonde-spin

require_collector profile
[ -x "$SPIN" ] || { t_fail "$SPIN missing: make tests"; exit 1; }

# spin BINARY SECONDS: starts the workload; its pid in SPID.
spin() {
	"$1" "$2" >"$T/spin.out" 2>&1 &
	SPID=$!
	for _ in $(seq 100); do grep -q ready "$T/spin.out" && return 0; sleep 0.05; done
	t_fail "$1 did not start"
	return 1
}

# shares FILE.folded: "function percent" of the samples whose leaf user
# frame (the last before the kernel's) is each function.
shares() {
	$PY - "$1" <<'PYEOF'
import sys, collections
c = collections.Counter(); total = 0
for line in open(sys.argv[1]):
    stack, n = line.rsplit(" ", 1); n = int(n)
    user = [f for f in stack.split(";")[1:] if not f.endswith("_[k]")]
    total += n
    if user: c[user[-1]] += n
for f, n in c.most_common(): print(f, "%.1f" % (100.0 * n / total))
PYEOF
}
share_of() { awk -v f="$2" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "$1"; }
# within NAME GOT WANT TOL
within() { awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { exit !(g >= w - t && g <= w + t) }'; }

# ---- folded: the shares by name ----
spin "$SPIN" 30 || exit 1
if "$SONDE" profile -d 4 -F 99 -p "$SPID" -o "$T/p.folded" 2>"$T/profile.err"; then
	t_ok "sonde profile -p $SPID -d 4: $(tail -1 "$T/profile.err")"
else
	t_fail "sonde profile failed: $(cat "$T/profile.err")"
fi
shares "$T/p.folded" >"$T/shares"
for fw in spin_a:50 spin_b:20 spin_c:10 spin_lib:20; do
	f=${fw%:*} w=${fw#*:} g=$(share_of "$T/shares" "${fw%:*}")
	if within "$f" "$g" "$w" 8; then t_ok "folded: $f has $g% of the samples (want $w% +-8)"
	else t_fail "folded: $f has $g% of the samples (want $w% +-8); shares: $(tr '\n' ' ' <"$T/shares")"; fi
done
n=$(awk '{ s += $NF } END { print s + 0 }' "$T/p.folded")
# 4 s at 99 Hz of one busy thread: ~396 samples.
expect_range "samples in 4 s at 99 Hz of one busy thread" "$n" 300 440
grep -q "spin_a" "$T/p.folded" && head -1 "$T/p.folded" | grep -q "^sonde-spin;" &&
	t_ok "folded lines start with the comm: $(grep -m1 spin_a "$T/p.folded" | cut -c1-100)" ||
	t_fail "folded lines: $(head -2 "$T/p.folded")"
grep -q "truncated user stacks" "$T/profile.err" && t_ok "the summary counts truncated stacks" ||
	t_fail "no truncated-stack count in: $(tail -1 "$T/profile.err")"

# ---- pprof, read by go tool pprof ----
"$SONDE" profile -d 3 -F 99 -p "$SPID" -o "$T/p.pb.gz" 2>"$T/pprof.err" || t_fail "pprof: $(cat "$T/pprof.err")"
if command -v go >/dev/null; then
	if go tool pprof -top -nodecount=20 "$T/p.pb.gz" >"$T/top" 2>"$T/top.err"; then
		for fw in spin_a:50 spin_b:20 spin_c:10 spin_lib:20; do
			f=${fw%:*} w=${fw#*:}
			g=$(awk -v f="$f" '$NF == f { sub("%", "", $2); print $2 }' "$T/top")
			within "$f" "${g:-0}" "$w" 8 && t_ok "go tool pprof -top: $f flat ${g}% (want $w% +-8)" ||
				t_fail "go tool pprof -top: $f flat ${g:-none}% (want $w% +-8): $(cat "$T/top")"
		done
		go tool pprof -tags "$T/p.pb.gz" >"$T/tags" 2>&1
		grep -q "exec_id" "$T/tags" && grep -q "sonde-spin" "$T/tags" && grep -q "$SPID" "$T/tags" &&
			t_ok "samples carry pid, comm and exec_id labels" || t_fail "labels: $(head -20 "$T/tags")"
		go tool pprof -raw "$T/p.pb.gz" >"$T/raw" 2>&1
		bid=$(readelf -n "$SPIN" | awk '/Build ID/ { print $3 }')
		grep -q "$bid" "$T/raw" && t_ok "the mapping of sonde-spin has its build id $bid" ||
			t_fail "build id $bid not in the mappings: $(grep -A8 Mappings "$T/raw")"
		grep -q "libsonde-spin.so" "$T/raw" && t_ok "the shared library is a mapping of its own" ||
			t_fail "no libsonde-spin.so mapping"
	else
		t_fail "go tool pprof cannot read the profile: $(cat "$T/top.err")"
	fi
else
	t_fail "go missing (scripts/deps.sh installs golang-go for go tool pprof)"
fi

# ---- the flame graph: valid XML, opened by headless Chromium ----
"$SONDE" profile -d 2 -p "$SPID" -o "$T/p.svg" 2>"$T/svg.err" || t_fail "svg: $(cat "$T/svg.err")"
$PY -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/p.svg" 2>"$T/xml.err" &&
	t_ok "the flame graph is well-formed XML ($(wc -c <"$T/p.svg") bytes)" || t_fail "svg XML: $(cat "$T/xml.err")"
CHROME=$(command -v chromium || command -v chromium-browser)
if [ -n "$CHROME" ]; then
	timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --dump-dom "file://$T/p.svg" >"$T/dom" 2>/dev/null
	frames=$(grep -o '<g class="f"' "$T/dom" | wc -l)
	grep -q '<title>spin_a (' "$T/dom" && grep -q '<title>spin_lib (' "$T/dom" && [ "$frames" -ge 4 ] &&
		t_ok "Chromium's DOM has $frames frames, spin_a and spin_lib among them" ||
		t_fail "Chromium's DOM: $frames frames; $(head -c 300 "$T/dom")"
	# Its script ran: once it has wired every frame it says how many on the root.
	grep -q "data-frames=\"$frames\"" "$T/dom" && t_ok "its script ran in Chromium and wired all $frames frames" ||
		t_fail "the flame graph's script did not run: $(head -c 200 "$T/dom")"
else
	t_fail "chromium missing (scripts/deps.sh installs it)"
fi

# ---- against perf record -g on the same process ----
if perf record -e cpu-clock -F 99 -g -p "$SPID" -o "$T/perf.data" -- sleep 3 >/dev/null 2>"$T/perf.err"; then
	perf report -i "$T/perf.data" --stdio --no-children --sort sym -g none 2>/dev/null |
		awk '/%/ && $2 == "[.]" { sub("%", "", $1); print $3, $1 }' >"$T/perf.shares"
	for f in spin_a spin_b spin_c spin_lib; do
		p=$(share_of "$T/perf.shares" $f) g=$(share_of "$T/shares" $f)
		within "$f" "$g" "$p" 8 && t_ok "$f: sonde $g% vs perf $p% (within 8)" ||
			t_fail "$f: sonde $g% vs perf $p%: perf says $(tr '\n' ' ' <"$T/perf.shares")"
	done
else
	t_skip "perf record failed here: $(tail -1 "$T/perf.err")"
fi
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# ---- a stripped binary: its frames keep the mapping and offset ----
spin "$BUILD/tests/sonde-spin-stripped" 6 || exit 1
"$SONDE" profile -d 2 -p "$SPID" -o "$T/s.folded" 2>"$T/s.err" || t_fail "stripped: $(cat "$T/s.err")"
shares "$T/s.folded" >"$T/s.shares"
grep -q '^\[sonde-spin-stripped+0x' "$T/s.shares" &&
	t_ok "stripped: unnamed frames keep their file and offset ($(grep -m1 '^\[sonde-spin-stripped' "$T/s.shares"))" ||
	t_fail "stripped: $(tr '\n' ' ' <"$T/s.shares")"
g=$(share_of "$T/s.shares" spin_lib)
within spin_lib "$g" 20 8 && t_ok "stripped: the library's spin_lib still named ($g%)" ||
	t_fail "stripped: spin_lib $g%"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# ---- DWARF: an inlined function and its source line ----
spin "$BUILD/tests/sonde-inline" 8 || exit 1
"$SONDE" profile -d 2 -p "$SPID" -o "$T/inl.folded" 2>"$T/inl.err" || t_fail "inline: $(cat "$T/inl.err")"
"$SONDE" profile -d 2 -p "$SPID" -o "$T/inl.pb.gz" 2>>"$T/inl.err" || t_fail "inline: $(cat "$T/inl.err")"
n=$(awk '/;main;hot;mix [0-9]+$/ { s += $NF } END { print s + 0 }' "$T/inl.folded")
expect_range "samples whose stack is main;hot;mix (mix inlined into hot)" "$n" 150 220
line=$(grep -n 'MIX_LINE' tests/integration/profile/inline.c | cut -d: -f1)
go tool pprof -lines -top -nodecount=5 "$T/inl.pb.gz" 2>/dev/null >"$T/inl.top"
grep -Eq "mix .*inline\.c:$line" "$T/inl.top" && t_ok "go tool pprof -lines: mix at inline.c:$line ($(grep -m1 'inline.c' "$T/inl.top" | tr -s ' '))" ||
	t_fail "pprof lines: want mix at inline.c:$line: $(cat "$T/inl.top")"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# ---- C++: demangled names ----
spin "$BUILD/tests/sonde-spin-cpp" 6 || exit 1
"$SONDE" profile -d 2 -p "$SPID" -o "$T/cpp.folded" 2>"$T/cpp.err" || t_fail "C++: $(cat "$T/cpp.err")"
grep -q ';sonde_test::Spinner<int>::spin(long) [0-9]*$' "$T/cpp.folded" &&
	t_ok "C++: demangled ($(grep -o 'sonde_test::Spinner<int>::spin(long)' "$T/cpp.folded" | head -1))" ||
	t_fail "C++ names: $(cat "$T/cpp.folded")"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# ---- off-CPU: known sleeps by function ----
spin "$BUILD/tests/sonde-sleep" 0 || exit 1
"$SONDE" profile --off-cpu -d 6 -p "$SPID" -o "$T/off.folded" 2>"$T/off.err" || t_fail "off-CPU: $(cat "$T/off.err")"
wait "$SPID" 2>/dev/null
for fw in sleep_a:1.5 sleep_b:0.5 sleep_c:2.5; do
	f=${fw%:*} w=${fw#*:}
	g=$(awk -v f=";$f;" 'index($0, f) { s += $NF } END { printf "%.3f", s / 1e9 }' "$T/off.folded")
	within "$f" "$g" "$w" "$(echo "$w * 0.1" | bc -l)" && t_ok "off-CPU: $f blocked ${g} s (want $w s +-10%)" ||
		t_fail "off-CPU: $f blocked $g s (want $w s): $(cat "$T/off.folded")"
done
grep -q ';schedule_\[k\]' "$T/off.folded" && ! grep -q 'bpf_trace_run' "$T/off.folded" &&
	t_ok "off-CPU stacks end in the scheduler, without the tracer's own frames" ||
	t_fail "off-CPU kernel frames: $(head -1 "$T/off.folded")"
"$SONDE" profile --off-cpu -d 1 -p $$ -o "$T/off.pb.gz" 2>/dev/null &&
	go tool pprof -raw "$T/off.pb.gz" 2>/dev/null | grep -q "off_cpu/nanoseconds" &&
	t_ok "off-CPU pprof: sample type off_cpu/nanoseconds" || t_fail "off-CPU pprof sample type"

# ---- the whole host: a process that exits before the drain, kernel frames ----
# Under a name of its own (comm is the name it was run by), so that no
# other sonde-spin on the host counts.
GONE=spin-gone-$$
ln -s "$(realpath "$SPIN")" "$T/$GONE"
"$SONDE" profile -d 4 -F 99 -o "$T/h.folded" 2>"$T/h.err" &
PROF=$!
sleep 1
"$T/$GONE" 1 >/dev/null
dd if=/dev/zero of=/dev/null bs=1 count=300000 2>/dev/null
wait $PROF || t_fail "host profile: $(cat "$T/h.err")"
grep "^${GONE:0:15};" "$T/h.folded" | awk '{ s += $NF } END { print s + 0 }' >"$T/gone"
expect_range "samples of a sonde-spin that ran 1 s and exited before the profile ended" "$(cat "$T/gone")" 40 140
grep "^${GONE:0:15};" "$T/h.folded" | grep -q ";spin_a" && t_ok "and its frames are named (spin_a)" ||
	t_fail "exited process unnamed: $(grep -m2 "^${GONE:0:15};" "$T/h.folded")"
grep '^dd;' "$T/h.folded" | grep -Eq ';[a-z_0-9]*(read|write)[a-z_0-9]*_\[k\]' &&
	t_ok "kernel frames named: $(grep '^dd;' "$T/h.folded" | grep -oE '[a-z_0-9]*(read|write)[a-z_0-9]*_\[k\]' | head -1)" ||
	t_fail "no named read/write kernel frame for dd: $(grep -m2 '^dd;' "$T/h.folded")"

# ---- the agent: /debug/pprof/profile, rolling profiles, push ----
mkdir -p "$T/pushed"
$PY tests/integration/pprof_sink.py "$T/sink.port" "$T/pushed" &
SINK=$!
for _ in $(seq 50); do [ -s "$T/sink.port" ] && break; sleep 0.1; done
spin "$SPIN" 30 || exit 1
start_agent -C profile --profile-window 2 --profile-push-url "http://127.0.0.1:$(cat "$T/sink.port")/ingest" ||
	{ t_fail "agent with the profiler did not start"; exit 1; }
if go tool pprof -top "http://127.0.0.1:$PORT/debug/pprof/profile?seconds=3" >"$T/ahttp" 2>&1; then
	grep -q "Duration: 3s" "$T/ahttp" && grep -qw spin_a "$T/ahttp" &&
		t_ok "go tool pprof http://.../debug/pprof/profile?seconds=3: $(grep -m1 Duration "$T/ahttp" | tr -s ' ')" ||
		t_fail "go tool pprof on the endpoint: $(head -12 "$T/ahttp")"
else
	t_fail "go tool pprof on /debug/pprof/profile: $(cat "$T/ahttp")"
fi
sleep 2.5
curl -s "http://127.0.0.1:$PORT/api/profiles" >"$T/list"
nw=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["windows"]))' "$T/list" 2>/dev/null)
expect_range "rolling 2 s profiles kept after ~6 s" "${nw:-0}" 2 6
curl -s -o "$T/w0.pb.gz" "http://127.0.0.1:$PORT/api/profiles/pprof?index=0"
go tool pprof -top "$T/w0.pb.gz" 2>/dev/null | grep -qw spin_a && t_ok "/api/profiles/pprof?index=0 is a pprof with spin_a" ||
	t_fail "/api/profiles/pprof?index=0: $(head -c 200 "$T/w0.pb.gz" | od -c | head -3)"
np=$(ls "$T/pushed" | wc -l)
expect_range "profiles pushed to the receiver" "$np" 2 6
go tool pprof -top "$T/pushed/0.pb.gz" 2>/dev/null | grep -qw spin_a && t_ok "a pushed profile reads back with spin_a" ||
	t_fail "the pushed profile does not read back"
scrape
expect_range "sonde_profile_pushes_total{result=\"ok\"}" "$(metric 'sonde_profile_pushes_total{result="ok"}')" 2 6
code=$(curl -s -o "$T/bad" -w '%{http_code}' "http://127.0.0.1:$PORT/debug/pprof/profile?seconds=abc")
[ "$code" = 400 ] && grep -q "whole number" "$T/bad" && t_ok "seconds=abc is refused: $(cat "$T/bad")" ||
	t_fail "seconds=abc: $code $(cat "$T/bad")"
# A client that leaves before its profile is ready costs nothing later.
curl -s -m 1 "http://127.0.0.1:$PORT/debug/pprof/profile?seconds=2" >/dev/null
sleep 3
kill -0 "$AGENT_PID" && curl -sf "http://127.0.0.1:$PORT/api/profiles" >/dev/null &&
	t_ok "a client gone before its profile was ready: the agent carries on" || t_fail "the agent after a client left"
stop_agent
[ "$AGENT_RC" = 0 ] && t_ok "the agent stops cleanly" || t_fail "agent exit code $AGENT_RC"
kill "$SINK" "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# ---- a CPU that comes online later is sampled too ----
CPU1=/sys/devices/system/cpu/cpu1/online
if [ "$(nproc)" -ge 2 ] && [ -w "$CPU1" ] && echo 0 >"$CPU1" 2>/dev/null; then
	trap 'echo 1 >"$CPU1"; finish; exit $?' EXIT
	start_agent -C profile || t_fail "agent with a CPU offline"
	n0=$(curl -s "http://127.0.0.1:$PORT/api/status" | $PY -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin)["collectors"] for p in c["programs"] if p["name"] == "profile_sample" and p["state"] == "attached"))')
	echo 1 >"$CPU1"
	sleep 2.5
	n1=$(curl -s "http://127.0.0.1:$PORT/api/status" | $PY -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin)["collectors"] for p in c["programs"] if p["name"] == "profile_sample" and p["state"] == "attached"))')
	"$SONDE" status --listen "127.0.0.1:$PORT" >"$T/status.txt" 2>&1
	[ "$n1" = $((n0 + 1)) ] && grep -q "1 more CPU(s) that came online" "$T/agent.err" &&
		grep -q "perf_event .*, CPU 1 " "$T/status.txt" &&
		t_ok "CPU 1 offline at start: $n0 perf events, $n1 once it came online, said in the log" ||
		t_fail "CPU hotplug: $n0 then $n1 perf events; log: $(grep -i cpu "$T/agent.err"); status: $(grep perf_event "$T/status.txt")"
	stop_agent
else
	echo 1 >"$CPU1" 2>/dev/null
	t_skip "CPU hotplug: cannot take CPU 1 offline here ($(nproc) CPUs)"
fi

# ---- bad usage ----
"$SONDE" profile -d 1 -o "$T/x.txt" 2>"$T/bad.err"; rc=$?
[ $rc = 2 ] && grep -q "pb.gz" "$T/bad.err" && t_ok "an unknown output format is refused: $(cat "$T/bad.err")" ||
	t_fail "bad -o: rc $rc: $(cat "$T/bad.err")"
