#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What the build needs, checked before it starts: each missing tool or
# library named, with how to get it. Also that the libbpf it links is the
# one src/core/kbtf.c was written against (it interposes on calls inside
# libbpf.a with -Wl,--wrap).
#   scripts/check-build.sh LIBBPF_A   (exit 1 with the reasons on stderr)
set -u
LIBBPF_A=${1:-/usr/lib/x86_64-linux-gnu/libbpf.a}
missing=""
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing\n  $1 (command; Debian package $2)"; }
need_file() { [ -e "$1" ] || missing="$missing\n  $1 (Debian package $2)"; }
need_cmd "${CC:-cc}" gcc
need_cmd "${CLANG:-clang}" clang
need_cmd "${BPFTOOL:-bpftool}" bpftool
need_cmd ar binutils
need_file "$LIBBPF_A" libbpf-dev
need_file /usr/include/bpf/libbpf.h libbpf-dev
need_file /usr/include/libelf.h libelf-dev
need_file /usr/include/elfutils/libdw.h libdw-dev
need_file /usr/include/zlib.h zlib1g-dev
need_file /usr/include/microhttpd.h libmicrohttpd-dev
need_file /usr/include/yaml.h libyaml-dev
need_file /usr/include/x86_64-linux-gnu/asm/unistd_64.h linux-libc-dev
need_file /usr/include/x86_64-linux-gnu/sys/sdt.h systemtap-sdt-dev
if [ -n "$missing" ]; then
	printf "sonde: cannot build, missing:%b\n" "$missing" >&2
	echo "  get them all with: make deps   (or, as root: scripts/deps.sh)" >&2
	exit 1
fi
# src/core/kbtf.c replaces libbpf's btf__load_vmlinux_btf/btf__free for the
# calls libbpf.o makes; a libbpf whose internals differ must not link it.
v=$(sed -n 's/^#define LIBBPF_\(MAJOR\|MINOR\)_VERSION \([0-9]*\)/\2/p' /usr/include/bpf/libbpf_version.h | paste -sd.)
if [ "$v" != 1.1 ]; then
	echo "sonde: libbpf $v found; src/core/kbtf.c wraps libbpf 1.1's internals (btf__load_vmlinux_btf," >&2
	echo "  btf__free called inside libbpf.o) and has not been checked against $v." >&2
	echo "  Use Debian 12's libbpf-dev 1.1, or check kbtf.c against $v and update this test." >&2
	exit 1
fi
for sym in btf__load_vmlinux_btf btf__free; do
	if ! nm -A "$LIBBPF_A" 2>/dev/null | grep -Eq "libbpf\.o: +U $sym\$"; then
		echo "sonde: $LIBBPF_A: libbpf.o does not call $sym across objects, so -Wl,--wrap=$sym" >&2
		echo "  would not reach it: src/core/kbtf.c needs a libbpf built as Debian 12 builds 1.1." >&2
		exit 1
	fi
done
