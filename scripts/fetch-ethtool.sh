#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fetch-ethtool.sh DIR: Debian trixie's ethtool, unpacked into DIR (its
# usr/sbin/ethtool), for the kernel's driver tests (check-upstream.sh).
# The 6.12 tests call "ethtool --json -c" and "-x DEV context N", which
# bookworm's ethtool 6.1 does not know; bookworm has no newer one, trixie's
# runs on bookworm (it needs glibc 2.34 and libmnl0).  Nothing is
# installed: the package is only unpacked.  Every file is checked the way
# apt checks it: InRelease against Debian's archive keyring (gpgv), the
# Packages index against InRelease's SHA256, the package against the
# index's.  Prints the version unpacked.
#	PL_DEBIAN_MIRROR=http://deb.debian.org/debian
set -euo pipefail

dir=${1:?usage: fetch-ethtool.sh DIR}
mirror=${PL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=trixie
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
index=main/binary-amd64/Packages.xz

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

get() # URL FILE
{
	curl -fsS --retry 2 --max-time 300 -o "$2" "$1"
}

# sha256_ok FILE SHA256
sha256_ok()
{
	echo "$2  $1" | sha256sum --quiet -c - || { echo "fetch-ethtool: $1: wrong SHA256" >&2; return 1; }
}

get "$mirror/dists/$suite/InRelease" "$tmp/InRelease"
gpgv --quiet --keyring "$keyring" --output "$tmp/Release" "$tmp/InRelease" 2>"$tmp/gpgv" ||
	{ cat "$tmp/gpgv" >&2; echo "fetch-ethtool: $suite's InRelease is not signed by Debian" >&2; exit 1; }
# the SHA256 section of Release: " HASH SIZE PATH"
sha=$(awk -v p="$index" '/^[A-Za-z]/ { s = $1 } s == "SHA256:" && $3 == p { print $1 }' "$tmp/Release")
[ -n "$sha" ] || { echo "fetch-ethtool: $index not in $suite's Release" >&2; exit 1; }
get "$mirror/dists/$suite/$index" "$tmp/Packages.xz"
sha256_ok "$tmp/Packages.xz" "$sha"

read -r version file sha < <(xz -dc "$tmp/Packages.xz" | awk '
	/^Package: / { p = ($2 == "ethtool") }
	p && /^Version: / { v = $2 }
	p && /^Filename: / { f = $2 }
	p && /^SHA256: / { s = $2 }
	p && /^$/ { print v, f, s; exit }')
[ -n "${sha:-}" ] || { echo "fetch-ethtool: no ethtool in $suite" >&2; exit 1; }
get "$mirror/$file" "$tmp/ethtool.deb"
sha256_ok "$tmp/ethtool.deb" "$sha"

rm -rf "$dir"
mkdir -p "$dir"
dpkg-deb -x "$tmp/ethtool.deb" "$dir"
"$dir/usr/sbin/ethtool" --version >/dev/null
echo "$version"
