#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde run: bpftrace programs compiled by sonde, against a workload with
# known behaviour (sonde-sysload makes exactly the calls it is told to),
# and against bpftrace 0.17 itself on the same workload where this kernel
# lets bpftrace run them: the same text or JSON, or the same numbers.
. "$(dirname "$0")/lib.sh"

BT=$(command -v bpftrace)

# run_bg NAME TOOL PROGRAM: starts `TOOL PROGRAM` (sonde run -e, or
# bpftrace -e) in the background, output in $T/NAME.out; waits until it
# says it attached.
run_bg() {
	if [ "$2" = sonde ]; then
		"$SONDE" run -e "$3" >"$T/$1.out" 2>"$T/$1.err" &
	else
		"$BT" -e "$3" >"$T/$1.out" 2>"$T/$1.err" &
	fi
	BG=$!
	for _ in $(seq 100); do
		grep -q "Attaching" "$T/$1.out" 2>/dev/null && return 0
		kill -0 $BG 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
# stop_bg: SIGINT, as a person's Ctrl-C, and wait.
stop_bg() { kill -INT $BG 2>/dev/null; wait $BG; }
# maps NAME: the output after the "Attaching" line, blank lines dropped.
maps() { sed '0,/Attaching/d' "$T/$1.out" | grep -v '^$'; }

# 1. Counts by comm, from sys_enter_getppid: exactly the workload's calls.
P='tracepoint:syscalls:sys_enter_getppid /comm == "sonde-sysload"/ { @[comm] = count(); }'
if run_bg count sonde "$P"; then
	"$LOAD" getppid 1000
	stop_bg
	[ "$(maps count)" = "@[sonde-sysload]: 1000" ] && t_ok "getppid counted by comm: 1000 of 1000" ||
		t_fail "count: $(maps count | head -3) $(head -3 "$T/count.err")"
else
	t_fail "sonde run did not attach: $(head -5 "$T/count.err")"
fi

# 2. The same program under bpftrace: the same output.
if [ -n "$BT" ] && run_bg count_bt bpftrace "$P"; then
	"$LOAD" getppid 1000
	stop_bg
	[ -n "$(maps count_bt)" ] && [ "$(maps count_bt)" = "$(maps count)" ] && t_ok "the same output as bpftrace 0.17: $(maps count_bt)" ||
		t_fail "bpftrace says '$(maps count_bt)', sonde '$(maps count)'"
else
	t_skip "bpftrace unavailable: $(head -2 "$T/count_bt.err" 2>/dev/null)"
fi

# 3. A sum, a hist and an lhist of the bytes read, a predicate on a field.
P='tracepoint:syscalls:sys_exit_read /comm == "dd" && args->ret > 0/ { @bytes = sum(args->ret); @h = hist(args->ret); @l = lhist(args->ret, 0, 2000, 500); @n = count(); }'
for tool in sonde bpftrace; do
	[ $tool = bpftrace ] && [ -z "$BT" ] && continue
	if run_bg read_$tool $tool "$P"; then
		dd if=/dev/zero of=/dev/null bs=1000 count=50 2>/dev/null
		dd if=/dev/zero of=/dev/null bs=100 count=20 2>/dev/null
		stop_bg
	fi
done
b=$(maps read_sonde | sed -n 's/^@bytes: //p')
if [ -n "$b" ] && [ "$b" -ge 52000 ]; then
	t_ok "sum of the bytes dd read: $b (52000 from /dev/zero, the rest its start-up files)"
else
	t_fail "sum: '$b' $(head -3 "$T/read_sonde.err")"
fi
# bucket FILE LABEL: the count in the histogram row LABEL (0 when absent).
bucket() { awk -v l="$2" 'index($0, l) == 1 { sub(/^[^)\]]*[)\]] */, ""); print $1; f = 1 } END { if (!f) print 0 }' "$1"; }
a=$(bucket "$T/read_sonde.out" "[512, 1K)") b=$(bucket "$T/read_sonde.out" "[64, 128)")
c=$(bucket "$T/read_sonde.out" "[1000, 1500)") d=$(bucket "$T/read_sonde.out" "[0, 500)")
[ "$a" -ge 50 ] && [ "$b" -ge 20 ] && [ "$c" -ge 50 ] && [ "$d" -ge 20 ] &&
	t_ok "hist and lhist: the 50 reads of 1000 bytes and 20 of 100 in their buckets ($a, $b; $c, $d)" ||
	t_fail "hist: [512, 1K) $a, [64, 128) $b, [1000, 1500) $c, [0, 500) $d"
if [ -n "$BT" ] && [ -s "$T/read_bpftrace.out" ]; then
	[ -n "$(maps read_bpftrace)" ] && [ "$(maps read_bpftrace)" = "$(maps read_sonde)" ] &&
		t_ok "sum, hist, lhist and count: the same text as bpftrace's" ||
		t_fail "differs from bpftrace: $(diff <(maps read_bpftrace) <(maps read_sonde) | head -8)"
fi

# 4. BEGIN, printf, exit, and maps of every kind: bpftrace's text exactly.
P='BEGIN { printf("hello %d %s|%5d|%-4s|%x\n", 42, "x", 7, "ab", 255); @x = 5 + 3 * 2; @s = stats(5); @s = stats(7); @a = avg(-7); @a = avg(2); @mn = min(5); @mn = min(-2); @mx = max(9); @c[1] = count(); @c[1] = count(); @c[2] = count(); $v = 3; if ($v > 2) { @big = 1; } else { @big = 0; } @t = $v == 3 ? 10 : 20; exit(); }'
"$SONDE" run -e "$P" >"$T/begin.out" 2>"$T/begin.err"; rc=$?
expect='hello 42 x|    7|ab  |ff
@a: -2
@big: 1
@c[2]: 1
@c[1]: 2
@mn: -2
@mx: 9
@s: count 2, average 6, total 12
@t: 10
@x: 11'
[ $rc = 0 ] && [ "$(maps begin)" = "$expect" ] && t_ok "BEGIN with printf and exit(): every map as bpftrace prints it" ||
	t_fail "BEGIN rc=$rc: $(maps begin | head -12) $(head -3 "$T/begin.err")"
if [ -n "$BT" ]; then
	"$BT" -e "$P" >"$T/begin_bt.out" 2>/dev/null
	[ -n "$(maps begin_bt)" ] && [ "$(maps begin_bt)" = "$(maps begin)" ] && t_ok "the same as bpftrace's output, byte for byte" ||
		t_fail "differs from bpftrace: $(diff <(maps begin_bt) <(maps begin) | head -8)"
	"$BT" -f json -e "$P" >"$T/begin_btj.out" 2>/dev/null
	"$SONDE" run -f json -e "$P" >"$T/begin_j.out" 2>"$T/begin_j.err"
	[ -s "$T/begin_btj.out" ] && [ "$(grep -v '^$' "$T/begin_btj.out")" = "$(grep -v '^$' "$T/begin_j.out")" ] &&
		t_ok "-f json: the same JSON lines as bpftrace's" ||
		t_fail "json differs: $(diff <(grep -v '^$' "$T/begin_btj.out") <(grep -v '^$' "$T/begin_j.out") | head -6)"
fi

# 5. interval: three ticks, then exit() from the program itself.
"$SONDE" run -e 'interval:ms:100 { @ticks = count(); @n++; if (@n >= 3) { exit(); } }' >"$T/iv.out" 2>"$T/iv.err" &
IV=$!
for _ in $(seq 50); do kill -0 $IV 2>/dev/null || break; sleep 0.1; done
if kill -0 $IV 2>/dev/null; then
	kill $IV
	t_fail "interval: still running after 5 s: $(head -3 "$T/iv.err")"
else
	grep -q '^@ticks: 3$' "$T/iv.out" && t_ok "interval:ms:100: three ticks, then the program's exit()" ||
		t_fail "interval: $(maps iv) $(head -3 "$T/iv.err")"
fi

# 6. Errors: line, column and caret; and what to use instead.
"$SONDE" run -e 'tracepoint:syscalls:sys_enter_opnat { @ = count(); }' >/dev/null 2>"$T/e1"; rc=$?
[ $rc = 1 ] && grep -q '<program>:1:1: error: .*sys_enter_openat' "$T/e1" && grep -q '\^' "$T/e1" &&
	t_ok "an unknown tracepoint: line:col, the nearest name, a caret" || t_fail "unknown tracepoint: rc=$rc $(cat "$T/e1")"
"$SONDE" run -e 'kprobe:do_sys_openat2 { @ = count(); }' >/dev/null 2>"$T/e2"; rc=$?
if "$SONDE" check --json | $PY -c 'import json,sys; sys.exit(0 if [h for h in json.load(sys.stdin)["hooks"] if h["name"] == "kprobe" and not h["available"]] else 1)'; then
	[ $rc = 1 ] && grep -q 'sys_enter_openat' "$T/e2" && t_ok "kprobe without kprobes: names the tracepoints to use" ||
		t_fail "kprobe: rc=$rc $(cat "$T/e2")"
else
	t_skip "this kernel has kprobes: the refusal is for kernels without"
fi
"$SONDE" run -e 'tracepoint:syscalls:sys_enter_getppid { @x[kstack] = count(); }' >/dev/null 2>"$T/e3"; rc=$?
[ $rc = 1 ] && grep -q "not supported by sonde's code generator yet" "$T/e3" &&
	t_ok "what the code generator lacks is refused by name, not miscompiled" || t_fail "unsupported: rc=$rc $(cat "$T/e3")"
