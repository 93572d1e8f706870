#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a person typing commands sees: usage errors name the bad word,
# suggest the near one and exit 2; help is for --help; a collector list is
# checked whole before anything is attached; without privileges sonde says
# so and fails.
. "$(dirname "$0")/lib.sh"

# expect_usage "ARGS" "TEXT": sonde ARGS exits 2, prints TEXT (a fixed
# string) on stderr, in at most 4 lines, nothing on stdout.
expect_usage() {
	local out err rc
	out=$("$SONDE" $1 2>"$T/usage.err"); rc=$?
	err=$(cat "$T/usage.err")
	if [ $rc -eq 2 ] && [ -z "$out" ] && grep -qF -- "$2" "$T/usage.err" && [ "$(wc -l <"$T/usage.err")" -le 4 ]; then
		t_ok "sonde $1: exit 2, '$2'"
	else
		t_fail "sonde $1: rc=$rc, stdout '${out:0:80}', stderr: $err"
	fi
}

expect_usage "" "no command given"
expect_usage "chek" "unknown command 'chek' (did you mean 'check'?)"
expect_usage "--bogus" "unknown option '--bogus'"
expect_usage "check --bogus" "sonde check: unknown option '--bogus'"
expect_usage "check extra" "sonde check: unknown argument 'extra'"
expect_usage "selftest --json extra" "sonde selftest: unknown argument 'extra'"
expect_usage "syscalls --bogus" "unknown option '--bogus'"
expect_usage "agent extra-arg" "sonde agent: unexpected argument 'extra-arg'"
expect_usage "agent --collectors sycalls" "unknown collector 'sycalls' (did you mean 'syscalls'?)"
expect_usage "agent -C syscalls,syscalls" "collector 'syscalls' is listed twice"
expect_usage "agent -C proc,files,proc" "collector 'proc' is listed twice"
expect_usage "trace exc" "no collector emits 'exc' events (did you mean 'exec'?)"
expect_usage "trace exec -x" "-x/--failed does not apply to exec events"
expect_usage "trace exec --prefix /tmp" "--prefix does not apply to exec events"
# -c is a count in `sonde syscalls` (as in syscount); trace has no -c.
expect_usage "trace open -c /sys/fs/cgroup" "unknown option '-c'"
expect_usage "verify --bogus" "sonde verify: unknown option '--bogus'"
expect_usage "status extra" "sonde status: unexpected argument 'extra'"
"$SONDE" --help >"$T/help" 2>&1 && [ "$(wc -l <"$T/help")" -gt 20 ] && t_ok "--help: the full text, exit 0" ||
	t_fail "--help: $(head -3 "$T/help")"
bad=
for c in agent check syscalls selftest status trace verify; do
	"$SONDE" $c --help >"$T/help" 2>&1 && grep -q "usage: sonde $c" "$T/help" || bad="$bad $c"
done
[ -z "$bad" ] && t_ok "every command's --help prints its usage and exits 0" || t_fail "--help of:$bad"

# The whole collector list and --listen are checked before anything is
# attached: nothing is loaded by a start that fails on them.
load_prog_names
wait_no_progs || t_fail "programs loaded before the test: $(sonde_progs)"
"$SONDE" agent -C syscalls,proc,sycalls --events '' >/dev/null 2>"$T/err" & P=$!
for _ in $(seq 20); do [ -n "$(sonde_progs)" ] && break; kill -0 $P 2>/dev/null || break; sleep 0.05; done
loaded=$(sonde_progs); wait $P; rc=$?
[ $rc -eq 2 ] && [ -z "$loaded" ] && t_ok "a bad name last in the list: exit 2 before any program loads" ||
	t_fail "rc=$rc, loaded meanwhile: '$loaded', $(cat "$T/err")"
out=$("$SONDE" agent -C syscalls --listen 127.0.0.1:99999 --events '' 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "invalid listen address" && ! echo "$out" | grep -q "collector syscalls running" &&
	t_ok "a bad --listen fails before any collector starts" || t_fail "bad listen: rc=$rc $out"

# The first log lines say where events go (they share the terminal after
# `make run`).
"$SONDE" agent -C syscalls --listen "127.0.0.1:$(free_port)" --attach-only 2>&1 >/dev/null |
	grep -q "events: JSON lines on stdout, one per event" && t_ok "the log says events are JSON lines on stdout" ||
	t_fail "no line saying where events go"

# No collector can start: exit 1 with the reason, unless --keep-running.
out=$(SONDE_FAKE_MISSING=tp_btf,raw_tp,tracepoint "$SONDE" agent -C syscalls --events '' \
	--listen "127.0.0.1:$(free_port)" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "no collector could start" && echo "$out" | grep -q "tp_btf: marked missing" &&
	t_ok "no collector running: exit 1 with the reasons" || t_fail "no collector: rc=$rc $out"

# Without root: one plain message, and a failing exit.
if ! command -v setpriv >/dev/null; then
	t_skip "setpriv missing (util-linux): cannot drop privileges to test"
else
	asnobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }
	want="sonde needs root, or the capabilities CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN"
	for c in "agent --events '' --listen 127.0.0.1:$(free_port)" "selftest" "trace exec" "syscalls -c 1"; do
		out=$(eval asnobody "$SONDE" $c 2>&1 </dev/null); rc=$?
		[ $rc -eq 1 ] && echo "$out" | grep -qF "$want" && [ "$(echo "$out" | wc -l)" -eq 1 ] &&
			t_ok "as nobody, sonde $c: exit 1, '$want'" || t_fail "as nobody, sonde $c: rc=$rc: $out"
	done
	P=$(free_port)
	# Not through the function: $! must be the agent's pid, not a subshell's.
	setpriv --reuid nobody --regid nogroup --clear-groups "$SONDE" agent --keep-running --events '' \
		--listen "127.0.0.1:$P" >/dev/null 2>"$T/nobody.err" & NP=$!
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$P/metrics" >"$T/metrics" 2>/dev/null && break; sleep 0.1; done
	kill $NP; wait $NP
	grep -qF "$want" "$T/nobody.err" && [ "$(metric 'sonde_collector_up{collector="syscalls",state="unavailable",hook=""}')" = 0 ] &&
		t_ok "as nobody with --keep-running: warned, serving, syscalls unavailable" ||
		t_fail "--keep-running as nobody: $(cat "$T/nobody.err")"
fi
