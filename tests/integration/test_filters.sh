#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# In-kernel filters: pid, comm and cgroup each let through exactly the
# workload they name.
. "$(dirname "$0")/lib.sh"

C='syscall="getppid",comm="sonde-sysload"'

# pid: two workloads, only the named one counted.
mkfifo "$T/go"
"$LOAD" --wait "$T/go" getppid 3000 & P1=$!
start_agent --pid $P1 || t_fail "start --pid"
"$LOAD" getppid 5000
echo >"$T/go"; wait $P1
scrape
expect_range "--pid counts only that process" "$(metric "sonde_syscalls_total{$C}")" 3000 3000
stop_agent

# comm: a copy of the workload under another name is not counted.
cp "$LOAD" "$T/other-load"
start_agent --comm sonde-sysload || t_fail "start --comm"
"$LOAD" getppid 2000; "$T/other-load" getppid 4000
scrape
expect_range "--comm counts the named process" "$(metric "sonde_syscalls_total{$C}")" 2000 2000
[ "$(metric 'sonde_syscalls_total{syscall="getppid",comm="other-load"}')" = absent ] &&
	t_ok "--comm excludes other names" || t_fail "--comm let other-load through"
stop_agent

# cgroup (v2): only the process moved into a child cgroup.
CG=
for root in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	[ "$(stat -fc %T "$root" 2>/dev/null)" = cgroup2fs ] && { CG=$root/sonde-test-$$; break; }
done
if [ -z "$CG" ] || ! mkdir "$CG" 2>/dev/null; then
	t_skip "no writable cgroup v2 hierarchy: cgroup filter not tested"
else
	"$LOAD" --wait "$T/go" getppid 2500 & P2=$!
	echo $P2 >"$CG/cgroup.procs"
	start_agent --cgroup "$CG" || t_fail "start --cgroup"
	"$LOAD" getppid 4000
	echo >"$T/go"; wait $P2
	scrape
	expect_range "--cgroup counts only the cgroup's process" "$(metric "sonde_syscalls_total{$C}")" 2500 2500
	stop_agent
	rmdir "$CG"
	out=$("$SONDE" agent --cgroup /nonexistent --listen 127.0.0.1:$(free_port) --attach-only 2>&1)
	echo "$out" | grep -q "cgroup filter '/nonexistent': No such file or directory" &&
		t_ok "bad cgroup filter explained" || t_fail "bad cgroup: $out"
fi
