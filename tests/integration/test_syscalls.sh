#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The syscalls collector against known workloads, on every hook flavour
# this kernel has; promtool lints the exposition.
. "$(dirname "$0")/lib.sh"

N=10000 M=500 E=300
C='comm="sonde-sysload"'

for hook in tp_btf raw_tp tracepoint; do
	if ! hook_available "$hook"; then
		t_skip "$hook: hook unavailable on this kernel ($(uname -r))"
		continue
	fi
	start_agent --syscalls-hook "$hook" --syscalls-latency-sample 1 || { t_fail "$hook: agent start"; continue; }
	grep -q "hook $hook" "$T/agent.err" && t_ok "$hook: collector attached on $hook" ||
		t_fail "$hook: collector not on $hook: $(grep collector "$T/agent.err")"
	"$LOAD" getppid $N enoent $M ebadf $E || t_fail "$hook: workload failed"
	scrape || { t_fail "$hook: scrape"; stop_agent; continue; }
	expect_range "$hook: getppid calls" "$(metric "sonde_syscalls_total{syscall=\"getppid\",$C}")" $N $N
	expect_range "$hook: close calls" "$(metric "sonde_syscalls_total{syscall=\"close\",$C}")" $E $((E + 20))
	expect_range "$hook: close EBADF" "$(metric "sonde_syscall_errors_total{syscall=\"close\",errno=\"EBADF\",$C}")" $E $E
	# The dynamic loader's own misses at start-up add a few ENOENTs.
	# Each run of the workload ends in one exit_group, counted at entry.
	expect_range "$hook: exit_group calls" "$(metric "sonde_syscalls_total{syscall=\"exit_group\",$C}")" 1 1
	expect_range "$hook: openat ENOENT" "$(metric "sonde_syscall_errors_total{syscall=\"openat\",errno=\"ENOENT\",$C}")" $M $((M + 20))
	[ "$(metric "sonde_syscall_errors_total{syscall=\"getppid\",errno=\"EPERM\",$C}")" = absent ] &&
		t_ok "$hook: getppid has no error series" || t_fail "$hook: getppid has an error series"
	# Every call timed (latency_sample 1): at least our N getppid calls.
	expect_range "$hook: getppid latency samples" "$(metric 'sonde_syscall_duration_seconds_count{syscall="getppid"}')" $N $((N + 100000))
	inf=$(metric 'sonde_syscall_duration_seconds_bucket{syscall="getppid",le="+Inf"}')
	[ "$inf" = "$(metric 'sonde_syscall_duration_seconds_count{syscall="getppid"}')" ] &&
		t_ok "$hook: +Inf bucket equals _count" || t_fail "$hook: +Inf bucket $inf != _count"
	out=$(promtool check metrics <"$T/metrics" 2>&1); rc=$?
	[ $rc -eq 0 ] && [ -z "$out" ] && t_ok "$hook: promtool check metrics clean" ||
		t_fail "$hook: promtool rc=$rc: $(echo "$out" | head -5)"
	stop_agent
	[ "$AGENT_RC" -eq 0 ] && t_ok "$hook: clean exit" || t_fail "$hook: agent exit code $AGENT_RC"
done

# Default sampling, 1 in 16: exact counts, sampled latency. On tp_btf with
# bpf_task_pt_regs (5.15+) the entry program runs in windows, 1/16 of each
# second, and exit_group is counted at the task's exit instead.
start_agent || t_fail "default agent start"
"$LOAD" getppid 32000
scrape
expect_range "sampled: getppid calls" "$(metric "sonde_syscalls_total{syscall=\"getppid\",$C}")" 32000 32000
if grep -q "latency timed in windows" "$T/agent.err"; then
	t_ok "sampled: latency windows on this kernel"
	expect_range "windows: exit_group counted at exit" "$(metric "sonde_syscalls_total{syscall=\"exit_group\",$C}")" 1 1
	# Two seconds of getppid span at least one 62 ms window: between 1/64
	# and 1/4 of the calls are timed (1/16 expected).
	"$LOAD" spin 2
	scrape
	calls=$(metric "sonde_syscalls_total{syscall=\"getppid\",$C}")
	timed=$(metric 'sonde_syscall_duration_seconds_count{syscall="getppid"}')
	expect_range "windows: getppid latency samples of $calls calls" "$timed" $((calls / 64)) $((calls / 4))
	expect_range "windows: exit_group counted at exit" "$(metric "sonde_syscalls_total{syscall=\"exit_group\",$C}")" 2 2
else
	# 32000/16 = 2000 samples expected from us alone; 6 sigma below is ~1740.
	expect_range "sampled: getppid latency samples" "$(metric 'sonde_syscall_duration_seconds_count{syscall="getppid"}')" 1700 200000
fi
stop_agent

# EACCES as a non-root user (nobody).
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	start_agent || t_fail "eacces agent start"
	cp "$LOAD" "$T/sonde-sysload" && chmod 755 "$T" "$T/sonde-sysload"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$T/sonde-sysload" eacces 50 || t_fail "eacces workload"
	scrape
	expect_range "openat EACCES as nobody" "$(metric "sonde_syscall_errors_total{syscall=\"openat\",errno=\"EACCES\",$C}")" 50 50
	stop_agent
else
	t_skip "no 'nobody' user or setpriv: EACCES case not run"
fi
