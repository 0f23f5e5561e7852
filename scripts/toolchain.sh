#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The compiler a kernel from a newer Debian release needs: its modules are
# built with the gcc that built it (trixie's gcc-14, whose flags such as
# -fmin-function-alignment gcc-12 rejects), which bookworm cannot install.
# A minimal trixie root (debootstrap, which checks what it fetches against
# Debian's archive keyring) holds it, cached under PKTLIFE_CACHE.
#
#   toolchain.sh build          make the root unless cached; prints it
#   toolchain.sh dir            the root if complete, else exit 1
#   toolchain.sh run CMD...     CMD in the root, in the current directory,
#                               with the project tree and PKTLIFE_CACHE at
#                               their own paths (a private mount namespace:
#                               nothing stays mounted when CMD ends)
#   toolchain.sh needed KDIR    exit 0 if KDIR's compiler is not the
#                               host's (then build with "run")
#   toolchain.sh kmake KDIR ARGS...
#                               make -C KDIR ARGS, in the root with the
#                               compiler KDIR names if the host lacks it
#
#	PL_DEBIAN_MIRROR=http://deb.debian.org/debian
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
top=$(cd "$here/.." && pwd -P)
cache=${PKTLIFE_CACHE:-/var/cache/pktlife}
mirror=${PL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=trixie
PATH=$PATH:/usr/sbin:/sbin
# A module build (make, gcc-14, libelf for objtool's and resolve_btfids'
# headers, pahole for BTF; sparse comes from sid, see cmd_build) and a kernel build (bc, flex,
# bison, libssl, kmod's depmod, cpio, dpkg-source for the source package).
packages=gcc-14,gcc,make,libc6-dev,libelf-dev,libssl-dev,dwarves,bc,flex,bison,kmod,cpio,xz-utils,zstd,dpkg-dev,patch,python3,ca-certificates

msg() { echo "toolchain: $*" >&2; }
die() { msg "$*"; exit 1; }

# What the root is made of; a change makes a new one.
key() {
	echo "$suite $packages sparse:sid" | sha256sum | cut -c1-12
}

root_dir() { echo "$cache/toolchain-$suite-$(key)"; }

cmd_dir() {
	local r
	r=$(root_dir)
	[ -x "$r/usr/bin/gcc-14" ] && [ -e "$r/.complete" ] || die "no toolchain at $r (run $0 build)"
	echo "$r"
}

cmd_build() {
	local r tmp t0=$SECONDS d
	r=$(root_dir)
	if [ -e "$r/.complete" ]; then
		echo "$r"
		return
	fi
	command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
	mkdir -p "$cache"
	exec 9>>"$cache/.toolchain.lock"
	flock 9
	if [ -e "$r/.complete" ]; then
		echo "$r"
		return
	fi
	tmp=$r.tmp
	rm -rf "$tmp"
	msg "debootstrap $suite with gcc-14 into $tmp"
	# --keyring: debootstrap checks Release's signature, the index and
	# every package against it, as apt would.
	if ! debootstrap --variant=minbase --include="$packages" \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		"$suite" "$tmp" "$mirror" >"$cache/toolchain.log" 2>&1; then
		tail -n 20 "$cache/toolchain.log" >&2
		rm -rf "$tmp"
		die "debootstrap failed; the log is $cache/toolchain.log"
	fi
	# the .debs debootstrap kept: 100 MB nobody reads again
	rm -rf "$tmp/var/cache/apt/archives"/*.deb
	# sparse: the 7.x headers use __typeof_unqual__, which trixie's 0.6.4
	# cannot parse (kbuild then drops C=1); sid's 0.6.5 can, and its
	# binary needs only libc.  Checked as apt would (debian-fetch.sh).
	mkdir "$tmp/.sparse"
	"$here/debian-fetch.sh" index sid "$tmp/.sparse/Packages" 2>/dev/null ||
		die "cannot read sid's package index"
	dpkg-deb -x "$("$here/debian-fetch.sh" deb "$tmp/.sparse/Packages" sparse "$tmp/.sparse")" "$tmp/.sparse/root"
	install -m 755 "$tmp/.sparse/root/usr/bin/sparse" "$tmp/usr/local/bin/sparse"
	rm -rf "$tmp/.sparse"
	touch "$tmp/.complete"
	mv -T "$tmp" "$r"
	for d in "$cache"/toolchain-*; do
		[ "$d" = "$r" ] || [ ! -d "$d" ] || { msg "removing the stale $d"; rm -rf "$d"; }
	done
	msg "made $r in $((SECONDS - t0)) s"
	echo "$r"
}

# In a new mount namespace: /proc, /dev, a fresh /tmp, then the project
# and the cache bound at their own paths, then chroot.  The namespace dies
# with CMD, and its mounts with it.
cmd_run() {
	local r cwd
	r=$(cmd_dir)
	cwd=$(pwd -P)
	[ $# -gt 0 ] || die "run: no command"
	unshare --mount --propagation private -- /bin/bash -euc '
		r=$1 top=$2 cache=$3 cwd=$4
		shift 4
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs tmpfs "$r/tmp"
		for d in "$top" "$cache"; do
			mkdir -p "$r$d"
			mount --rbind "$d" "$r$d"
		done
		# the kernel tree or cwd may lie elsewhere (KDIR=/path)
		case "$cwd/" in
		"$top"/* | "$cache"/*) ;;
		*) mkdir -p "$r$cwd"; mount --rbind "$cwd" "$r$cwd" ;;
		esac
		exec chroot "$r" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/tmp LANG=C.UTF-8 ${PKTLIFE_CACHE:+PKTLIFE_CACHE=$PKTLIFE_CACHE} \
			${MAKEFLAGS:+MAKEFLAGS="$MAKEFLAGS"} \
			/bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' toolchain "$r" "$top" "$(mkdir -p "$cache" && cd "$cache" && pwd -P)" "$cwd" "$@"
}

# The compiler KDIR's kernel was built with, as its .config names it
# (CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) ...");
# needed when the host has no such command.
kdir_cc() {
	sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$1/.config" 2>/dev/null
}

cmd_needed() {
	local cc
	cc=$(kdir_cc "$1")
	[ -n "$cc" ] || return 1
	! command -v "$cc" >/dev/null
}

cmd_kmake() {
	local kdir=$1 cc
	shift
	if cmd_needed "$kdir"; then
		cc=$(kdir_cc "$kdir")
		cmd_run make -C "$kdir" CC="$cc" "$@"
	else
		make -C "$kdir" "$@"
	fi
}

case "${1:-}" in
build) cmd_build ;;
kmake) [ $# -ge 2 ] || die "usage: $0 kmake KDIR ARGS..."; shift; cmd_kmake "$@" ;;
dir) cmd_dir ;;
run) shift; cmd_run "$@" ;;
needed) [ $# -eq 2 ] || die "usage: $0 needed KDIR"; cmd_needed "$2" ;;
*) echo "usage: $0 build|dir|run CMD...|needed KDIR|kmake KDIR ARGS..." >&2; exit 2 ;;
esac
