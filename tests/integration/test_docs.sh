#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# docs/reference.md against the code: every option (from the binary's own
# composed table), metric and event field (from the sources) has its row.
. "$(dirname "$0")/lib.sh"

relay $PY tests/docs/check.py "$SONDE" docs/reference.md

# The check itself can fail: a reference without one metric's row, one
# option's and one field's must not pass.
grep -v -e '`sonde_file_events_filtered_total`' -e '`--files-prefix' -e '`lifetime_ns`' docs/reference.md >"$T/ref.md"
out=$($PY tests/docs/check.py "$SONDE" "$T/ref.md" 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "metric 'sonde_file_events_filtered_total'" &&
	echo "$out" | grep -q "flag 'files-prefix'" && echo "$out" | grep -q "event field 'lifetime_ns'" &&
	t_ok "a reference missing a metric, a flag and a field fails the check" ||
	t_fail "the check passed a reference with rows removed: $out"
