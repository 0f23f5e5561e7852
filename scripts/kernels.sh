#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resolve the kernels listed in kernels.conf.
#   kernels.sh names            -> one name per line
#   kernels.sh tests NAME       -> the test set NAME runs in make check
#   kernels.sh vm-kernels       -> the kernels make check tests in the VM
#                                  by default (check column "ci" or "vm";
#                                  the others, "build", it builds and lints)
#   kernels.sh ci-kernels       -> those of them CI tests (column "ci")
#   kernels.sh packages         -> the image and headers metapackages apt
#                                  installs (the host's own suites)
#   kernels.sh fetch            -> fetch, check and unpack every kernel of
#                                  another suite (make deps); a no-op for
#                                  one already unpacked
#   kernels.sh release NAME     -> its release, e.g. 6.12.117+deb12-amd64
#   kernels.sh kdir NAME        -> its headers directory (a KDIR for kbuild)
#   kernels.sh base NAME        -> / for an installed kernel, else the
#                                  directory its packages are unpacked in
#                                  (BASE/lib/modules/RELEASE)
#   kernels.sh image RELEASE    -> the kernel image (vmlinuz) of RELEASE
#   kernels.sh rbase RELEASE    -> base, by release
#
# A kernel of the host's suites (bookworm, bookworm-security) is installed
# by apt; one of another suite (trixie-backports' newest) cannot be, so
# its packages are fetched and checked the way apt checks them
# (debian-fetch.sh) and unpacked under PKTLIFE_CACHE/kernels/RELEASE.
# Either way the metapackage is resolved to a release when fetched or
# installed, so the archive's next upload needs no edit here.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
conf=$here/../kernels.conf
cache=${PKTLIFE_CACHE:-/var/cache/pktlife}/kernels

die() { echo "kernels.sh: $*" >&2; exit 1; }

entries() { grep -Ev '^[[:space:]]*(#|$)' "$conf"; }

field() { # NAME COLUMN
	entries | awk -v n="$1" -v c="$2" '$1 == n { print $c; found = 1 } END { exit !found }' ||
		die "unknown kernel '$1' (see kernels.conf)"
}

# The host's own suites: bookworm, bookworm-updates, bookworm-security.
host_codename() {
	. /etc/os-release && echo "${VERSION_CODENAME:-}"
}

local_suite() { # SUITE
	local c
	c=$(host_codename)
	[ "$1" = "$c" ] || [[ $1 == "$c"-* ]]
}

installed_release() { # NAME
	local meta dep
	meta=$(field "$1" 3)
	# The metapackage depends on exactly one versioned image package,
	# e.g. linux-image-6.1.0-56-amd64 (= 6.1.158-1).
	dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null | tr ',' '\n' |
		sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -n1) || true
	[ -n "$dep" ] || die "$meta is not installed (run 'make deps')"
	echo "$dep"
}

fetched_release() { # NAME
	local rel
	rel=$(cat "$cache/$1.release" 2>/dev/null) || die "kernel $1 not fetched (run 'make deps')"
	[ -s "$cache/$rel/release" ] || die "kernel $1 ($rel) is not unpacked in $cache (run 'make deps')"
	echo "$rel"
}

release() { # NAME
	if local_suite "$(field "$1" 2)"; then
		installed_release "$1"
	else
		fetched_release "$1"
	fi
}

# Fetch NAME's packages from its suite, unpack them into $cache/RELEASE/root
# and point $cache/NAME.release at it.  Offline, an earlier fetch stands.
fetch_one() { # NAME
	local name=$1 suite meta idx rel ver pkg deb tmp dir p d
	suite=$(field "$name" 2)
	meta=$(field "$name" 3)
	mkdir -p "$cache"
	idx=$cache/.index-$suite
	if ! "$here/debian-fetch.sh" index "$suite" "$idx.new" 2>"$idx.log"; then
		cat "$idx.log" >&2
		rm -f "$idx.new"
		if rel=$(fetched_release "$name" 2>/dev/null); then
			echo "kernels.sh: cannot read $suite; keeping kernel $name at $rel" >&2
			return 0
		fi
		die "cannot read $suite, and kernel $name was never fetched"
	fi
	mv -f "$idx.new" "$idx"
	# linux-image-amd64 -> linux-image-7.3.4+deb13-amd64 (= version)
	rel=$("$here/debian-fetch.sh" field "$idx" "$meta" Depends | tr ',' '\n' |
		sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -n1)
	[ -n "$rel" ] || die "$meta in $suite names no versioned image"
	dir=$cache/$rel
	if [ -s "$dir/release" ]; then
		echo "$rel" >"$cache/$name.release"
		return 0
	fi
	ver=$("$here/debian-fetch.sh" field "$idx" "linux-image-$rel" Version)
	# What a module build and a boot need: the image, the modules, the
	# headers with their -common part and the kbuild programs they name.
	# (linux-base has modules.builtin and modules.order, for depmod).
	local pkgs=("linux-binary-$rel" "linux-modules-$rel" "linux-base-$rel" "linux-headers-$rel")
	while read -r p; do
		pkgs+=("$p")
	done < <("$here/debian-fetch.sh" field "$idx" "linux-headers-$rel" Depends | tr ',' '\n' |
		sed -n 's/^ *\(linux-headers-[^ ]*-common\|linux-kbuild-[^ ]*\)\( .*\)\{0,1\}$/\1/p')
	echo "kernels.sh: fetching kernel $name: $rel ($ver) from $suite: ${pkgs[*]}" >&2
	tmp=$cache/.$rel.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	for pkg in "${pkgs[@]}"; do
		deb=$("$here/debian-fetch.sh" deb "$idx" "$pkg" "$cache/debs")
		dpkg-deb -x "$deb" "$tmp/root"
	done
	# merged /usr: the modules are in usr/lib/modules; testing/vm/run and
	# modprobe -d look in BASE/lib/modules
	[ -e "$tmp/root/lib" ] || ln -s usr/lib "$tmp/root/lib"
	[ -d "$tmp/root/lib/modules/$rel" ] || die "linux-modules-$rel has no lib/modules/$rel"
	[ -s "$tmp/root/lib/modules/$rel/vmlinuz" ] || die "linux-binary-$rel has no vmlinuz"
	# the package's postinst would run depmod; modprobe needs modules.dep
	depmod -b "$tmp/root" "$rel" || die "depmod for $rel failed"
	# build -> /usr/src/linux-headers-REL: relative, so that it holds here
	ln -sfn "../../../src/linux-headers-$rel" "$tmp/root/usr/lib/modules/$rel/build"
	[ -s "$tmp/root/usr/src/linux-headers-$rel/.config" ] ||
		die "linux-headers-$rel has no .config"
	# The headers' Makefile names its -common part and itself by absolute
	# path (/usr/src/...): point those at where they are unpacked.
	sed -i "s,/usr/src/,$dir/root/usr/src/,g" "$tmp/root/usr/src/linux-headers-$rel/Makefile"
	# Kbuild's C=1 asks scripts/checker-valid.sh whether sparse is new
	# enough for the kernel's headers (6.17 on); Debian's kbuild package
	# leaves it out, and without it C=1 is quietly dropped.  Ours asks
	# the same question: does sparse parse __typeof_unqual__ (which the
	# 7.x headers use) without an error?  It prints 1 if so, 0 if not.
	p=$(readlink -f "$tmp/root/usr/src/linux-headers-$rel/scripts")
	if [ -d "$p" ] && [ ! -e "$p/checker-valid.sh" ]; then
		cat >"$p/checker-valid.sh" <<-'EOS'
		#!/bin/sh
		# written by pktlife's scripts/kernels.sh: see there
		command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
		t=$(mktemp --suffix=.c) || exit 1
		trap 'rm -f "$t"' EXIT
		echo 'int f(const int *p) { __typeof_unqual__(*p) v = *p; return v; }' >"$t"
		"$@" "$t" 2>&1 | awk 'BEGIN { ok = 1 } /error/ { ok = 0 } END { print ok }'
		EOS
		chmod 755 "$p/checker-valid.sh"
	fi
	for p in "${pkgs[@]}"; do echo "$p"; done >"$tmp/packages"
	echo "$ver" >"$tmp/version"
	echo "$suite" >"$tmp/suite"
	echo "$rel" >"$tmp/release"
	rm -rf "$dir"
	mv -T "$tmp" "$dir"
	echo "$rel" >"$cache/$name.release"
	# Older releases of the same name, and their .debs, are stale now.
	for p in "$cache"/*/release; do
		[ -e "$p" ] || continue
		d=$(dirname "$p")
		[ "$d" = "$dir" ] && continue
		grep -qxF "$(basename "$d")" "$cache"/*.release 2>/dev/null && continue
		echo "kernels.sh: removing the stale $d" >&2
		rm -rf "$d"
	done
	find "$cache/debs" -name '*.deb' ! -name "*$ver*" -delete 2>/dev/null || true
}

fetch() {
	local n
	for n in $(entries | awk '{ print $1 }'); do
		local_suite "$(field "$n" 2)" || fetch_one "$n"
	done
}

base() { # NAME
	local rel
	if local_suite "$(field "$1" 2)"; then
		echo /
	else
		rel=$(fetched_release "$1")
		echo "$cache/$rel/root"
	fi
}

image() { # RELEASE
	local f
	for f in "/boot/vmlinuz-$1" "$cache/$1/root/usr/lib/modules/$1/vmlinuz"; do
		[ -r "$f" ] && { echo "$f"; return; }
	done
	die "no kernel image for $1 (is it installed or fetched? make deps)"
}

rbase() { # RELEASE
	if [ -d "/lib/modules/$1" ]; then
		echo /
	elif [ -s "$cache/$1/release" ]; then
		echo "$cache/$1/root"
	else
		die "kernel $1 is neither installed nor fetched (make deps)"
	fi
}

tests() { # NAME
	local t
	t=$(field "$1" 5)
	echo "${t:-all}"
}

case "${1:-}" in
names) entries | awk '{ print $1 }' ;;
vm-kernels) entries | awk '$6 == "ci" || $6 == "vm" { print $1 }' ;;
ci-kernels) entries | awk '$6 == "ci" { print $1 }' ;;
tests) tests "$2" ;;
packages)
	while read -r n s i h _; do
		local_suite "$s" && printf '%s\n%s\n' "$i" "$h"
	done < <(entries)
	;;
fetch) fetch ;;
release) release "$2" ;;
kdir) echo "$(base "$2" | sed 's,/$,,')/lib/modules/$(release "$2")/build" ;;
base) base "$2" ;;
image) image "$2" ;;
rbase) rbase "$2" ;;
*) echo "usage: $0 names|vm-kernels|ci-kernels|tests NAME|packages|fetch|release NAME|kdir NAME|base NAME|image RELEASE|rbase RELEASE" >&2; exit 2 ;;
esac
