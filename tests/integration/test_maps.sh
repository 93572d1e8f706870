#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Map reads on every map type collectors use: batches and key-by-key walks
# agree entry for entry and sum for sum, and the fill the self-metrics
# report is the real number of entries (the kernel's count or a walk).
. "$(dirname "$0")/lib.sh"

relay "$BUILD/tests/sonde-maps"
[ "$PASS" -ge 13 ] || t_fail "only $PASS checks ran"
