#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Maps read at scale: one scrape's map work (every value, and the fill) on
# a 1,000,000-entry per-CPU hash, key by key as before issue 9 (get-next-key
# plus a lookup per entry, then a second walk to count) and in batches with
# the fill from the kernel's element counts. Prints a markdown table and
# the ratios. See bench/README.md.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${MAPS_N:-1000000}
[ "$(id -u)" -eq 0 ] || { echo "maps.sh: must run as root (it creates BPF maps)" >&2; exit 1; }
make -s "$BUILD/tests/sonde-maps"
echo "Map reads: one scrape's worth on a $N-entry per-CPU hash, kernel $(uname -r), $(nproc) CPUs, $(date +%F)."
echo
"$BUILD/tests/sonde-maps" bench "$N"
