#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Nothing stays attached after SIGTERM or SIGKILL; SIGHUP reloads the
# config, and a broken config keeps the running one.
. "$(dirname "$0")/lib.sh"

load_prog_names
# Every collector's and every feature probe's, from the build.
for p in sys_exit_btf proc_exec file_exit probe_tp_btf; do
	case " $SONDE_PROG_NAMES " in *" $p "*) ;; *) t_fail "program names from the build lack $p: '$SONDE_PROG_NAMES'" ;; esac
done
wait_no_progs || t_fail "sonde programs already loaded before the test: $(sonde_progs)"

start_agent -v --collectors syscalls,proc,files || t_fail "start"
[ -n "$(sonde_progs)" ] && t_ok "programs loaded while running: $(sonde_progs)" || t_fail "no programs loaded while running"
# The kernel BTF is parsed once for all objects (feature probes, syscalls, proc), not per object.
line=$(grep -o 'kernel BTF: parsed [0-9]* time(s).*' "$T/agent.err")
case $line in
"kernel BTF: parsed 1 time(s)"*"shared by "[1-9]*) t_ok "$line" ;;
*) t_fail "kernel BTF not shared: '${line:-no log line}'" ;;
esac
stop_agent
wait_no_progs && t_ok "no program left after SIGTERM" || t_fail "left after SIGTERM: $(sonde_progs)"
grep -q '"event":"stop"' "$T/events.jsonl" && t_ok "stop event written" || t_fail "no stop event"

start_agent --collectors syscalls,proc,files || t_fail "start"
kill -KILL "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=
# Links die with the process's fds; the kernel frees programs after an RCU grace period.
wait_no_progs && t_ok "no program left after SIGKILL" || t_fail "left after SIGKILL: $(sonde_progs)"

# SIGHUP: the comm filter in the file takes effect after reload.
cat >"$T/sonde.yaml" <<YAML
filter:
  comm: nothing-matches
YAML
start_agent --config "$T/sonde.yaml" || t_fail "start with config"
"$LOAD" getppid 1000; scrape
[ "$(metric 'sonde_syscalls_total{syscall="getppid",comm="sonde-sysload"}')" = absent ] &&
	t_ok "comm filter from the config file excludes the workload" || t_fail "comm filter ignored"
printf 'filter:\n  comm: sonde-sysload\n' >"$T/sonde.yaml"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do grep -q "reload: done" "$T/agent.err" && break; sleep 0.1; done
grep -q "reload: done" "$T/agent.err" && t_ok "SIGHUP reloaded" || t_fail "no reload after SIGHUP"
"$LOAD" getppid 1000; scrape
expect_range "after reload the workload is counted" "$(metric 'sonde_syscalls_total{syscall="getppid",comm="sonde-sysload"}')" 1000 1000
printf 'filter:\n  comm: [unclosed\n' >"$T/sonde.yaml"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do grep -q "keeping the running configuration" "$T/agent.err" && break; sleep 0.1; done
grep -q "sonde.yaml:[0-9]*:" "$T/agent.err" && t_ok "bad config on reload names file and line: $(grep -o 'sonde.yaml:[0-9]*:.*' "$T/agent.err" | head -1)" ||
	t_fail "bad config error lacks file:line"
scrape && t_ok "still serving after a bad reload" || t_fail "not serving after a bad reload"
# The file replaced by a directory: said so, and the running config kept
# (not defaults: the endpoint stays, events stay in their file).
printf 'filter:\n  comm: sonde-sysload\n' >"$T/sonde.yaml"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do [ "$(grep -c "reload: done" "$T/agent.err")" -ge 2 ] && break; sleep 0.1; done
rm "$T/sonde.yaml"; mkdir "$T/sonde.yaml"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do grep -q "sonde.yaml: is a directory" "$T/agent.err" && break; sleep 0.1; done
grep -q "config error: $T/sonde.yaml: is a directory, not a config file" "$T/agent.err" &&
	[ "$(grep -c "keeping the running configuration" "$T/agent.err")" = 2 ] &&
	t_ok "config replaced by a directory: 'is a directory', running config kept" ||
	t_fail "directory on reload: $(tail -3 "$T/agent.err")"
"$LOAD" getppid 500; scrape && t_ok "same endpoint after the directory reload" || t_fail "endpoint moved"
expect_range "the filter from the file still applies" "$(metric 'sonde_syscalls_total{syscall="getppid",comm="sonde-sysload"}')" 1500 1500
grep -q "sonde_syscalls\|\"type\":\"agent\"" "$T/events.jsonl" && t_ok "events still go to their file" || t_fail "events file"
rmdir "$T/sonde.yaml"
stop_agent
out=$("$SONDE" agent --config /tmp 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "/tmp: is a directory, not a config file" &&
	t_ok "--config DIR at start: exit 2, 'is a directory'" || t_fail "--config /tmp: rc=$rc $out"
printf 'listen: [127.0.0.1:1, 127.0.0.1:2]\n' >"$T/list.yaml"
out=$("$SONDE" agent --config "$T/list.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "list.yaml:1: 'listen' takes one value, not a list" &&
	t_ok "a list for a scalar: file, line and reason" || t_fail "listen list: rc=$rc $out"

# A change a collector can apply in place (proc.max_binaries) reloads it
# without a restart: its counters go on; a change it cannot (the ring's
# size) restarts it.
printf 'collectors: [proc]\nproc:\n  max_binaries: 1\n' >"$T/proc.yaml"
start_agent --config "$T/proc.yaml" || t_fail "start proc"
"$LOAD" tag r1 exit 0; /bin/true; scrape
before=$(metric 'sonde_process_events_total{type="exec"}')
[ "$(grep -c '^sonde_process_execs_total{binary="' "$T/metrics")" = 2 ] && t_ok "max_binaries 1: one binary series and other" ||
	t_fail "max_binaries 1: $(grep execs_total "$T/metrics")"
printf 'collectors: [proc]\nproc:\n  max_binaries: 5\n' >"$T/proc.yaml"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do grep -q "reload: done" "$T/agent.err" && break; sleep 0.1; done
grep -q "reload: collector proc updated in place" "$T/agent.err" && t_ok "max_binaries changed in place" ||
	t_fail "no in-place reload: $(grep reload "$T/agent.err")"
/bin/echo x >/dev/null; scrape
after=$(metric 'sonde_process_events_total{type="exec"}')
[ "$after" != absent ] && [ "$before" != absent ] && [ "$after" -gt "$before" ] &&
	t_ok "exec counter went on across the reload ($before -> $after)" || t_fail "exec counter $before -> $after"
grep -q '^sonde_process_execs_total{binary="echo"}' "$T/metrics" && t_ok "a new binary gets its series after the bound grew" ||
	t_fail "no echo series: $(grep execs_total "$T/metrics")"
printf 'collectors: [proc]\nproc:\n  max_binaries: 5\n  ringbuf_bytes: 8M\n' >"$T/proc.yaml"
: >"$T/agent.err.mark"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do [ "$(grep -c "reload: done" "$T/agent.err")" -ge 2 ] && break; sleep 0.1; done
scrape
after2=$(metric 'sonde_process_events_total{type="exec"}')
[ "$after2" != absent ] && [ "$after2" -lt "$after" ] && grep -c "collector proc running" "$T/agent.err" | grep -q 2 &&
	t_ok "a new ring size restarts the collector (counters from zero: $after2)" || t_fail "restart: $after2 after $after"
stop_agent

# A config error at start: non-zero exit naming file, line and reason.
printf 'listen: 127.0.0.1:1\nsyscalls:\n  max_keyz: 5\n' >"$T/bad.yaml"
out=$("$SONDE" agent --config "$T/bad.yaml" 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "bad.yaml:3: unknown option 'syscalls.max_keyz' (did you mean 'syscalls.max_keys'?)" &&
	t_ok "config error at start: $out" || t_fail "config error: rc=$rc $out"
out=$("$SONDE" agent --listen 127.0.0.1:notaport 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "invalid listen address" && t_ok "bad --listen refused" || t_fail "bad --listen: $out"
wait_no_progs && t_ok "nothing left after a failed start" || t_fail "left after failed start: $(sonde_progs)"

# The shipped example config is valid.
out=$("$SONDE" agent --config deploy/sonde.yaml --events '' --attach-only 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "ready: 1 of 1" && t_ok "deploy/sonde.yaml loads" || t_fail "deploy/sonde.yaml: rc=$rc $out"

# A client that connects and never sends (slowloris) is cut off after the
# 3 s header timeout; the agent keeps serving others meanwhile.
start_agent --interval 1 || t_fail "start"
$PY - "$PORT" >"$T/idle" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(30)
t = time.time()
try:
    s.recv(1)
    print("%.0f" % (time.time() - t))
except Exception:
    print("never")
PY
IDLE=$!
sleep 1
scrape && t_ok "serves while an idle client holds a connection" || t_fail "blocked by an idle client"
wait $IDLE
secs=$(cat "$T/idle")
[ "$secs" != never ] && [ "$secs" -ge 2 ] && [ "$secs" -le 5 ] &&
	t_ok "silent connection closed after ${secs}s" || t_fail "silent connection: closed after '$secs' s (want ~3)"
stop_agent
