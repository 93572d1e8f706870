#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# sonde verify: each deliberately broken program in tests/verifier/ is
# rejected with its class's hint and the source line marked VERIFY-FAIL;
# the built-in programs stay within their verifier budgets.
. "$(dirname "$0")/lib.sh"

VDIR=$BUILD/verifier
field() { $PY -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; v=r.get(sys.argv[2]); print("" if v is None else v)' "$T/v.json" "$1"; }

for src in tests/verifier/*.bpf.c; do
	n=$(basename "$src" .bpf.c)
	obj=$VDIR/$n.bpf.o
	[ -f "$obj" ] || { t_fail "$n: $obj not built"; continue; }
	if [ "$n" = good ]; then
		"$SONDE" verify --json "$obj" >"$T/v.json" 2>"$T/v.err"; rc=$?
		[ $rc -eq 0 ] && [ "$(field result)" = pass ] && [ "$(field processed_insns)" -gt 0 ] &&
			t_ok "good: passes, $(field processed_insns) insns processed, exit 0" ||
			t_fail "good: rc=$rc $(cat "$T/v.json")"
		continue
	fi
	want_hint=$(sed -n 's#^// HINT: ##p' "$src")
	want_line=$(grep -n 'VERIFY-FAIL' "$src" | head -1 | cut -d: -f1)
	grep -q '^// LINE: none' "$src" && want_line=0
	if [ "$n" = uninit_stack ]; then
		# Reading uninitialized stack is allowed with CAP_PERFMON (root);
		# the rejection shows with CAP_BPF alone.
		if ! command -v capsh >/dev/null; then t_skip "$n: capsh missing"; continue; fi
		capsh --drop=cap_perfmon,cap_sys_admin -- -c "'$SONDE' verify --json '$obj'" >"$T/v.json" 2>"$T/v.err"
	else
		"$SONDE" verify --json "$obj" >"$T/v.json" 2>"$T/v.err"
	fi
	rc=$?
	got_hint=$(field hint) got_line=$(field line) got_file=$(field file)
	if [ $rc -eq 1 ] && [ "$(field result)" = fail ] && [ "$got_hint" = "$want_hint" ] &&
	   [ "$got_line" = "$want_line" ] && { [ "$want_line" = 0 ] || [ "$got_file" = "$n.bpf.c" ]; } &&
	   [ -n "$(field error)" ] && [ -n "$(field fix)" ]; then
		t_ok "$n: hint $got_hint at $got_file:$got_line: $(field error | cut -c1-70)"
	else
		t_fail "$n: rc=$rc hint=$got_hint (want $want_hint) line=$got_file:$got_line (want $want_line): $(field error)"
	fi
	[ "$(field log_truncated)" = False ] || t_fail "$n: verifier log truncated"
done

# The human view of one failure names the line and the fix.
"$SONDE" verify "$VDIR/map_value_oob.bpf.o" >"$T/v.txt" 2>&1
grep -q "at map_value_oob.bpf.c:[0-9]*: return v\[7\];" "$T/v.txt" && grep -q "^  fix: " "$T/v.txt" &&
	grep -q "invalid access to map value" "$T/v.txt" && t_ok "human output: message, line, fix" ||
	t_fail "human output: $(cat "$T/v.txt")"
# A program near the 1M-instruction limit: the full log needs ~100 MB, and
# the real error (E2BIG) must not turn into ENOSPC.
[ "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["errno"])' <("$SONDE" verify --json "$VDIR/too_large.bpf.o" 2>/dev/null) 2>/dev/null)" = 7 ] &&
	t_ok "too_large: errno E2BIG, not ENOSPC" || t_fail "too_large errno"
"$SONDE" verify /nonexistent.bpf.o >/dev/null 2>"$T/v.err"; rc=$?
[ $rc -ne 0 ] && grep -q "cannot open: No such file" "$T/v.err" && t_ok "missing object: clear error" || t_fail "missing object: rc=$rc $(cat "$T/v.err")"

# Budgets of the built-in programs.
"$SONDE" verify --builtin --json >"$T/builtin.json" 2>/dev/null
tests/verifier/budgets.py check tests/verifier/budgets.txt <"$T/builtin.json" >"$T/budgets.out"; rc=$?
cat "$T/budgets.out"
OK=$(grep -c '^ok: ' "$T/budgets.out"); PASS=$((PASS + OK))
SK=$(grep -c '^SKIP: ' "$T/budgets.out"); SKIP=$((SKIP + SK))
FL=$(grep -c '^FAIL: ' "$T/budgets.out"); FAIL=$((FAIL + FL))
[ $rc -eq 0 ] || [ "$FL" -gt 0 ] || t_fail "budgets.py exit $rc"
# The check itself can fail: a budget halved must be caught.
awk '$1 == "syscalls" && $2 == "sys_exit_btf" { $3 = int($3 / 2) } { print }' tests/verifier/budgets.txt >"$T/tight.txt"
tests/verifier/budgets.py check "$T/tight.txt" <"$T/builtin.json" >"$T/tight.out"
[ $? -ne 0 ] && grep -q "FAIL: syscalls/sys_exit_btf" "$T/tight.out" && t_ok "a program over its budget fails the check" ||
	t_fail "over-budget not caught: $(cat "$T/tight.out")"

# An object file is untrusted input. A byte of .BTF changed so that libbpf
# 1.1.2 crashes parsing it (tests/fuzz/regressions/objfile/): a verdict.
out=$("$SONDE" verify tests/fuzz/regressions/objfile/libbpf-segv-btf-flip 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "malformed object: libbpf crashed on it" &&
	t_ok "an object libbpf crashes on: '$(echo "$out" | tail -1)'" || t_fail "libbpf crash: rc=$rc $out"
# 500 single-byte changes of a small object: never a crash; each rejected
# object says why.
$PY - "$SONDE" "$VDIR/good.bpf.o" "$T" <<'PY' && t_ok "500 corrupted objects: no crash, every refusal explained" || t_fail "corrupted objects (see above)"
import random, subprocess, sys
sonde, obj, tmp = sys.argv[1:]
data = open(obj, "rb").read()
random.seed(9)
kinds = {}
for n in range(500):
    b = bytearray(data)
    b[random.randrange(len(b))] = random.randrange(256)
    path = f"{tmp}/flip.o"
    open(path, "wb").write(b)
    r = subprocess.run([sonde, "verify", path], capture_output=True, text=True)
    assert r.returncode in (0, 1), f"flip {n}: exit {r.returncode}: {r.stderr[-300:]}"
    if r.returncode and "OBJECT/PROGRAM" not in r.stdout:
        assert "malformed object" in r.stderr or "not a BPF object" in r.stderr, f"flip {n}: {r.stderr}"
        k = r.stderr.split(": ", 2)[-1].split(":")[0]
        kinds[k] = kinds.get(k, 0) + 1
print("refusals:", kinds)
PY
# Files that are no object say what they are, exit 1, and print no table.
printf 'just some text\n' >"$T/t.bpf.o"; : >"$T/e.bpf.o"
for c in "$T/t.bpf.o:a text file" "$T/e.bpf.o:the file is empty" "$T:is a directory" \
	 "/bin/true:an ELF file for machine 62"; do
	f=${c%%:*} want=${c#*:}
	out=$("$SONDE" verify "$f" 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "$want" && ! echo "$out" | grep -q "OBJECT/PROGRAM" &&
		t_ok "verify $(basename "$f"): $out" || t_fail "verify $f: rc=$rc $out"
done
# Probes refused because this kernel lacks their hook are expected here.
out=$("$SONDE" verify --builtin 2>&1); rc=$?
if hook_available fentry && hook_available lsm; then
	[ $rc -eq 0 ] && t_ok "verify --builtin: every built-in program loads" || t_fail "verify --builtin: rc=$rc"
else
	[ $rc -eq 0 ] && echo "$out" | grep -q "refused as expected on this kernel" &&
		echo "$out" | grep -q "expected here: this kernel has no" &&
		t_ok "verify --builtin: exit 0; $(echo "$out" | tail -1)" || t_fail "verify --builtin: rc=$rc $(echo "$out" | tail -3)"
fi
