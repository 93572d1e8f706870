#!/bin/bash
# Runs the unit tests and the integration tests against BUILD (default
# build/); `unit` or `integration` as $2 runs one layer. Prints one
# "N passed, N failed, N skipped" line at the end; exits non-zero on failure.
set -u
BUILD=${1:-build}
ONLY=${2:-all}
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0 failed=()

count() { # $1 = log file of one suite
	local p f s
	p=$(grep -cE '^ok: |^\[       OK \]' "$1"); f=$(grep -cE '^FAIL: |^\[  FAILED  \] [a-z_]' "$1"); s=$(grep -cE '^SKIP: |^\[  SKIPPED \]' "$1")
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}

run_suite() { # name, command...
	local name=$1 log; shift
	log=$(mktemp)
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	grep -E '^(FAIL|SKIP): |FAILED|ERROR|runtime error|Sanitizer' "$log" | head -40
	count "$log"
	if [ $rc -ne 0 ]; then
		failed+=("$name")
		grep -qE '^FAIL: |FAILED' "$log" || { fail=$((fail + 1)); tail -20 "$log"; }
	fi
	tail -1 "$log"
	rm -f "$log"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ "$ONLY" != integration ]; then
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] && run_suite "unit $(basename "$t")" "$t"
	done
fi
if [ "$ONLY" != unit ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: integration tests need root (they load BPF programs)"
		skip=$((skip + 1))
	else
		for t in tests/integration/test_*.sh; do
			run_suite "integration $(basename "$t") ($BUILD)" env BUILD="$BUILD" bash "$t"
		done
	fi
fi
echo
[ ${#failed[@]} -eq 0 ] || echo "failed suites: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ ${#failed[@]} -eq 0 ]
