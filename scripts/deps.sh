#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages sonde needs to build, run and test.
# Idempotent and quiet when everything is already present.
set -eu

PKGS="make gcc clang llvm pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev
libmicrohttpd-dev libyaml-dev libcmocka-dev linux-libc-dev
prometheus bpftrace curl procps iproute2 util-linux python3 libclang-rt-14-dev strace
qemu-system-x86 busybox-static cpio systemtap-sdt-dev
nftables iperf3 sockperf tcpdump tshark xdp-tools bc nginx-light wrk gnutls-bin
golang-go linux-perf binutils chromium libdw-dev
protobuf-compiler python3-protobuf"
# npm (the OTLP test's protos come from the npm registry) ships with the
# machine's Node.js; Debian's npm package is the fallback where it has none
# (it conflicts with Node.js from elsewhere).
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# policy-rc.d keeps prometheus from starting a system service; tests start their own.
apt-get install -y -qq --no-install-recommends $missing >/dev/null
