#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fetch-ethtool.sh DIR: Debian trixie's ethtool, unpacked into DIR (its
# usr/sbin/ethtool), for the kernel's driver tests (check-upstream.sh).
# The 6.12 tests call "ethtool --json -c" and "-x DEV context N", which
# bookworm's ethtool 6.1 does not know; bookworm has no newer one, trixie's
# runs on bookworm (it needs glibc 2.34 and libmnl0).  Nothing is
# installed: the package is only unpacked, after debian-fetch.sh has
# checked it the way apt does.  Prints the version unpacked.
set -euo pipefail

dir=${1:?usage: fetch-ethtool.sh DIR}
here=$(dirname "$(readlink -f "$0")")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/debian-fetch.sh" index trixie "$tmp/Packages"
version=$("$here/debian-fetch.sh" field "$tmp/Packages" ethtool Version)
deb=$("$here/debian-fetch.sh" deb "$tmp/Packages" ethtool "$tmp")

rm -rf "$dir"
mkdir -p "$dir"
dpkg-deb -x "$deb" "$dir"
"$dir/usr/sbin/ethtool" --version >/dev/null
echo "$version"
