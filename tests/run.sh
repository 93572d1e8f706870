#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs the unit tests and the integration tests against BUILD (default
# build/); `unit`, `integration`, `fuzz` or `kernels` as $2 runs one layer. Prints one
# "N passed, N failed, N skipped" line at the end; exits non-zero on failure.
set -u
BUILD=${1:-build}
ONLY=${2:-all}
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0 failed=()

# Tallies one suite's log: cmocka's own summary lines for unit tests (it
# names a failed test twice), ok:/FAIL:/SKIP: lines for the rest.
count() { # $1 = log file, $2 = unit|other
	local p f s
	if [ "$2" = unit ]; then
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -1)
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$1" | tail -1)
	else
		p=$(grep -cE '^ok: |^fuzz [a-z_]+: ok' "$1"); f=$(grep -cE '^FAIL: |^fuzz [a-z_]+: FAILED' "$1"); s=$(grep -cE '^SKIP: ' "$1")
	fi
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
}

run_suite() { # name, unit|other, command...
	local name=$1 kind=$2 log; shift 2
	log=$(mktemp)
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	grep -E '^(FAIL|SKIP): |FAILED|ERROR|runtime error|Sanitizer' "$log" | head -40
	local before=$fail
	count "$log" "$kind"
	if [ $rc -ne 0 ]; then
		failed+=("$name")
		# A crash or sanitizer abort may print no failure line: still a failure.
		[ $fail -gt $before ] || { fail=$((fail + 1)); tail -20 "$log"; }
	fi
	tail -1 "$log"
	rm -f "$log"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ "$ONLY" = all ] || [ "$ONLY" = unit ]; then
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] && run_suite "unit $(basename "$t")" unit "$t"
	done
fi
if [ "$ONLY" = all ] || [ "$ONLY" = integration ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: integration tests need root (they load BPF programs)"
		skip=$((skip + 1))
	else
		for t in tests/integration/test_*.sh; do
			run_suite "integration $(basename "$t") ($BUILD)" other env BUILD="$BUILD" bash "$t"
		done
	fi
fi
# Fuzzers carry their own ASan+UBSan, and the kernel matrix boots the
# plain binary in guests: both run once, with the plain build.
case $BUILD in
*asan*) ;;
*)
	if [ "$ONLY" = all ] || [ "$ONLY" = fuzz ]; then
		run_suite "fuzz (${FUZZ_SECONDS:-20} s each)" other tests/fuzz/run.sh "$BUILD" "${FUZZ_SECONDS:-20}"
	fi
	if [ "$ONLY" = all ] || [ "$ONLY" = kernels ]; then
		run_suite "kernel matrix (QEMU)" other tests/kernels/run.sh "$BUILD"
	fi
	;;
esac
echo
[ ${#failed[@]} -eq 0 ] || echo "failed suites: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ ${#failed[@]} -eq 0 ]
