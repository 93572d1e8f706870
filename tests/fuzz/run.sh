#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds every tests/fuzz/fuzz_NAME.c into BUILD_DIR/fuzz/NAME with clang's
# libFuzzer + ASan + UBSan, replays tests/fuzz/regressions/NAME/*, then
# fuzzes each for SECONDS seconds.
#   tests/fuzz/run.sh [BUILD_DIR] [SECONDS]      (defaults: build 30)
# A harness lists the sources and libraries it needs in its header comment:
#   FUZZ_SRCS: src/...c ...      FUZZ_LIBS: -l...
# Prints "fuzz NAME: ok (N runs)" per harness; on a crash prints the crash
# file and exits 1 (after the other harnesses ran). A harness whose
# regressions still fail is reported and not fuzzed (it would only find the
# same bug again). Regression files named *.txt or *.md are notes, not inputs.
set -u
BUILD=${1:-build}
SECONDS_EACH=${2:-30}
CLANG=${CLANG:-clang}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
FUZZ_DIR=$TOP/tests/fuzz
case $BUILD in /*) B=$BUILD ;; *) B=$TOP/$BUILD ;; esac
OUT=$B/fuzz
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CPPFLAGS="-I$TOP/include -I$TOP/src -I$B -I$B/gen -D_GNU_SOURCE"
# UBSan findings abort so libFuzzer keeps the input; leaks count as failures.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
mkdir -p "$OUT"
failed=0

field() {	# field FILE KEY: the rest of the "KEY:" line in the header comment
	sed -n "s/^ *\*\{0,1\} *$2:[[:space:]]*//p" "$1" | head -n 1
}

for src in "$FUZZ_DIR"/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	srcs=$(field "$src" FUZZ_SRCS)
	libs=$(field "$src" FUZZ_LIBS)
	bin=$OUT/$name
	log=$OUT/$name.log
	art=$OUT/artifacts/$name/
	corpus=$OUT/corpus/$name
	mkdir -p "$art" "$corpus"

	srcpaths=
	for s in $srcs; do srcpaths="$srcpaths $TOP/$s"; done
	# shellcheck disable=SC2086
	if ! $CLANG $CFLAGS $CPPFLAGS -o "$bin" "$src" $srcpaths $libs >"$log" 2>&1; then
		echo "fuzz $name: FAILED to build (see $log)"
		sed -n '1,20p' "$log"
		failed=1
		continue
	fi

	# Known crashers first: each must now pass.
	reg=$FUZZ_DIR/regressions/$name
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
		regfail=0
		for f in "$reg"/*; do
			[ -f "$f" ] || continue
			case $f in *.txt|*.md) continue ;; esac
			if ! "$bin" "$f" >"$log.reg" 2>&1; then
				echo "fuzz $name: FAILED on regression $f"
				grep -vE '^(INFO:|Running:|Executed|MS:|\*\*\*| +#|==[0-9]+==|NOTE:|SUMMARY: libFuzzer)' \
					"$log.reg" | head -n 6
				regfail=1
			fi
		done
		if [ $regfail -ne 0 ]; then
			failed=1
			continue
		fi
	fi

	dict=
	[ -f "$FUZZ_DIR/$name.dict" ] && dict="-dict=$FUZZ_DIR/$name.dict"
	seeds=
	[ -d "$FUZZ_DIR/corpus/$name" ] && seeds=$FUZZ_DIR/corpus/$name
	rm -f "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-* 2>/dev/null
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$art" $dict "$corpus" $seeds >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crash=$(ls -t "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-* 2>/dev/null | head -n 1)
	if [ $rc -eq 0 ] && [ -z "$crash" ]; then
		echo "fuzz $name: ok (${runs:-?} runs)"
	else
		echo "fuzz $name: FAILED after ${runs:-?} runs; crash file: ${crash:-none} (log: $log)"
		grep -E 'ERROR:|runtime error|SUMMARY' "$log" | head -n 5
		failed=1
	fi
done
exit $failed
