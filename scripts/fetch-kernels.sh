#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fetches the newest Debian kernel image of each suite into a cache folder,
# through a private apt configuration (the system's apt sources are not
# touched and nothing is installed). Prints "SUITE RELEASE DIR" per kernel,
# or "SUITE - SKIP: reason" when it cannot be had.
#   scripts/fetch-kernels.sh [CACHE_DIR]       (default /var/cache/sonde/kernels)
# SUITES overrides the list; FLAVOUR (default amd64); MIRROR (default: the
# Debian mirror this machine's apt sources name).
set -uo pipefail
CACHE=${1:-${SONDE_KERNEL_CACHE:-/var/cache/sonde/kernels}}
SUITES=${SUITES:-"bullseye-security bookworm-security bookworm-backports trixie-backports"}
FLAVOUR=${FLAVOUR:-amd64}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
log() { echo "fetch-kernels: $*" >&2; }

if [ -z "${MIRROR:-}" ]; then
	MIRROR=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
		grep -o -E 'https?://[^ ]+/debian( |$)' | head -1 | sed -E 's#/debian ?$##')
fi
if [ -z "$MIRROR" ]; then
	for s in $SUITES; do echo "$s - SKIP: no Debian mirror in the apt sources (set MIRROR)"; done
	exit 0
fi
A=$CACHE/apt
mkdir -p "$A"/{lists/partial,cache/archives/partial,etc/sources.list.d,etc/preferences.d} "$CACHE/debs"
for s in $SUITES; do
	case $s in
	*-security) echo "deb [signed-by=$KEYRING] $MIRROR/debian-security $s main" ;;
	*) echo "deb [signed-by=$KEYRING] $MIRROR/debian $s main" ;;
	esac
done >"$A/etc/sources.list"
cat >"$A/apt.conf" <<CONF
Dir::Etc::SourceList "$A/etc/sources.list";
Dir::Etc::SourceParts "$A/etc/sources.list.d";
Dir::Etc::Preferences "$A/etc/preferences";
Dir::Etc::PreferencesParts "$A/etc/preferences.d";
Dir::State::Lists "$A/lists";
Dir::Cache "$A/cache";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
APT::Sandbox::User "root";
CONF
export APT_CONFIG=$A/apt.conf
apt-get update >"$CACHE/apt-update.log" 2>&1 || log "apt-get update reported errors (see $CACHE/apt-update.log)"

for s in $SUITES; do
	if ! ls "$A"/lists/*_dists_"$s"_*Release >/dev/null 2>&1; then
		echo "$s - SKIP: suite not reachable from this machine (see $CACHE/apt-update.log)"
		continue
	fi
	ver=$(apt-cache madison "linux-image-$FLAVOUR" | awk -F'|' -v s=" $s/main " 'index($3, s) {gsub(/ /,"",$2); print $2; exit}')
	img=$([ -n "$ver" ] && apt-cache show "linux-image-$FLAVOUR=$ver" | sed -n 's/^Depends: //p' | tr ',' '\n' |
		sed 's/^ *//; s/ .*//' | grep -E "^linux-image-[0-9].*-$FLAVOUR\$" | head -1)
	if [ -z "$img" ]; then
		echo "$s - SKIP: no linux-image-$FLAVOUR in $s"
		continue
	fi
	krel=${img#linux-image-}
	dir=$CACHE/$krel
	if [ ! -s "$dir/vmlinuz" ]; then
		log "$s: downloading $img"
		(cd "$CACHE/debs" && apt-get download "$img" >>"$CACHE/download.log" 2>&1)
		debs=("$CACHE"/debs/"$img"_*.deb)
		# Since 7.x the image package is split: vmlinuz in linux-binary-*, config in linux-base-*.
		if [ -f "${debs[0]}" ] && ! dpkg-deb -c "${debs[0]}" | grep vmlinuz >/dev/null; then
			(cd "$CACHE/debs" && apt-get download "linux-binary-$krel" "linux-base-$krel" >>"$CACHE/download.log" 2>&1)
			debs+=("$CACHE"/debs/linux-binary-"$krel"_*.deb "$CACHE"/debs/linux-base-"$krel"_*.deb)
		fi
		tmp=$(mktemp -d "$CACHE/.x.XXXX")
		for d in "${debs[@]}"; do
			[ -f "$d" ] && dpkg-deb --fsys-tarfile "$d" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' \
				'./boot/config-*' './usr/lib/modules/*/vmlinuz' './usr/lib/modules/*/config' 2>/dev/null
		done
		mkdir -p "$dir"
		for f in "$tmp/boot/vmlinuz-$krel" "$tmp/usr/lib/modules/$krel/vmlinuz"; do [ -f "$f" ] && mv "$f" "$dir/vmlinuz"; done
		for f in "$tmp/boot/config-$krel" "$tmp/usr/lib/modules/$krel/config"; do [ -f "$f" ] && mv "$f" "$dir/config"; done
		rm -rf "$tmp" "${debs[@]}"
	fi
	if [ -s "$dir/vmlinuz" ]; then
		echo "$s $krel $dir"
	else
		echo "$s - SKIP: could not download or unpack $img (see $CACHE/download.log)"
	fi
done
