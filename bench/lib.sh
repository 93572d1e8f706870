# SPDX-License-Identifier: Apache-2.0
# Shared by the benchmark scripts (sourced). They define say, die and T.

# wait_ready PID LOG WORD WHAT: waits until LOG says WORD (10 s at most);
# dies with LOG when PID exits first or never says it.
wait_ready() {
	for _ in $(seq 200); do
		grep -q "$3" "$2" && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	cat "$2" >&2
	die "$4 did not start"
}
# median: of the numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
