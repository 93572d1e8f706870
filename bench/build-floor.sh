#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/build-floor.sh OUT: build the floor probe (bench/floor.c and its
# empty programs) into OUT/floor unless it is up to date; prints its path.
# Shared by overhead.sh (syscall hooks) and net.sh (tc and sock_ops hooks).
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${1:-build/bench}
LIBBPF_A=/usr/lib/x86_64-linux-gnu/libbpf.a
die() { echo "build-floor.sh: $*" >&2; exit 1; }
[ -f "$LIBBPF_A" ] || die "missing prerequisite: $LIBBPF_A (apt-get install libbpf-dev)"
mkdir -p "$OUT" || die "cannot create $OUT"
# Reuse the agent's vmlinux.h if its build made one; else make our own.
if [ -f build/vmlinux.h ]; then
	VDIR=build
else
	VDIR=$OUT
	if [ ! -s "$OUT/vmlinux.h" ]; then
		echo "build-floor.sh: generating $OUT/vmlinux.h" >&2
		bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$OUT/vmlinux.h.tmp" &&
			mv "$OUT/vmlinux.h.tmp" "$OUT/vmlinux.h" || die "generating vmlinux.h failed"
	fi
fi
fresh=1
for s in bench/floor.c bench/floor.bpf.c "$VDIR/vmlinux.h"; do
	[ -e "$OUT/floor" ] && [ ! "$s" -nt "$OUT/floor" ] || fresh=
done
if [ -z "$fresh" ]; then
	echo "build-floor.sh: building $OUT/floor" >&2
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$VDIR" -idirafter /usr/include/x86_64-linux-gnu \
		-c bench/floor.bpf.c -o "$OUT/floor.bpf.o" || die "building floor.bpf.o failed"
	bpftool gen skeleton "$OUT/floor.bpf.o" name floor >"$OUT/floor.skel.h" || die "bpftool gen skeleton failed"
	cc -O2 -Wall -I"$OUT" -o "$OUT/floor" bench/floor.c "$LIBBPF_A" -lelf -lz || die "building floor failed"
fi
echo "$OUT/floor"
