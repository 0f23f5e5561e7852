#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packages from a Debian suite the host's apt does not install from (a
# newer release's kernel, a newer ethtool), fetched and checked the way apt
# checks them: InRelease against Debian's archive keyring (gpgv), each
# Packages index against InRelease's SHA256, each package against its
# index's.  Nothing is installed.
#
#   debian-fetch.sh index SUITE FILE
#       the suite's main/amd64 and main/all package indexes, checked,
#       uncompressed, one after the other in FILE
#   debian-fetch.sh field FILE PACKAGE FIELD
#       FIELD (Version, Depends, Filename, ...) of PACKAGE's newest stanza
#       in FILE (an index written by "index"); fails when there is none
#   debian-fetch.sh deb FILE PACKAGE DIR
#       PACKAGE's .deb, as FILE names it, checked, into DIR; prints its path
#   debian-fetch.sh source SUITE PACKAGE VERSION DIR
#       the files of source package PACKAGE at VERSION (.dsc, .orig.tar.*,
#       .debian.tar.*), checked against the suite's Sources index, into
#       DIR (files already there with the right SHA256 are kept); prints
#       the .dsc's path
#
#	PL_DEBIAN_MIRROR=http://deb.debian.org/debian
set -euo pipefail

mirror=${PL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "debian-fetch: $*" >&2; exit 1; }

get() # URL FILE
{
	curl -fsS --retry 2 --max-time 900 -o "$2" "$1" || die "cannot fetch $1"
}

sha256_ok() # FILE SHA256
{
	echo "$2  $1" | sha256sum --quiet -c - >/dev/null 2>&1 || die "$1: wrong SHA256 (expected $2)"
}

# SUITE's InRelease, its signature checked against Debian's archive
# keyring, as DIR/Release: the root every other SHA256 here chains from.
release() # SUITE DIR
{
	[ -r "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"
	get "$mirror/dists/$1/InRelease" "$2/InRelease"
	gpgv --quiet --keyring "$keyring" --output "$2/Release" "$2/InRelease" 2>"$2/gpgv" ||
		{ cat "$2/gpgv" >&2; die "$1's InRelease is not signed by Debian"; }
}

# The SHA256 the Release file gives PATH (its SHA256 section: " HASH SIZE
# PATH"); empty when it lists none.
release_sha() # RELEASE PATH
{
	awk -v p="$2" '/^[A-Za-z]/ { s = $1 } s == "SHA256:" && $3 == p { print $1 }' "$1"
}

cmd_index() # SUITE FILE
{
	local suite=$1 out=$2 tmp idx sha
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" RETURN
	release "$suite" "$tmp"
	: >"$tmp/Packages"
	# A suite with No-Support-for-Architecture-all lists arch:all
	# packages only in binary-all; the others list them in both (see
	# field).  binary-all is used only when it checks out: some mirrors
	# serve one older than the Release (apt would refuse it too), and the
	# kernel's packages are all in binary-amd64.
	for idx in main/binary-amd64/Packages.xz main/binary-all/Packages.xz; do
		sha=$(release_sha "$tmp/Release" "$idx")
		if [ "$idx" = main/binary-amd64/Packages.xz ]; then
			[ -n "$sha" ] || die "$idx not in $suite's Release"
			get "$mirror/dists/$suite/$idx" "$tmp/p.xz"
			sha256_ok "$tmp/p.xz" "$sha"
		elif [ -z "$sha" ] || ! curl -fsS --retry 2 --max-time 900 -o "$tmp/p.xz" "$mirror/dists/$suite/$idx" ||
		     ! echo "$sha  $tmp/p.xz" | sha256sum --quiet -c - >/dev/null 2>&1; then
			echo "debian-fetch: note: $suite's $idx is missing or does not match its Release; not used" >&2
			continue
		fi
		xz -dc "$tmp/p.xz" >>"$tmp/Packages"
		echo >>"$tmp/Packages"
	done
	mv -f "$tmp/Packages" "$out"
}

# The stanza of PACKAGE with the highest version (a suite may list several).
stanza() # FILE PACKAGE
{
	local best='' v
	while read -r v; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done < <(awk -v p="$2" '/^Package: / { on = ($2 == p) } on && /^Version: / { print $2 }' "$1")
	[ -n "$best" ] || die "no package $2 in the index"
	awk -v p="$2" -v v="$best" '
		/^$/ { if (on && ver == v) { printf "%s", buf; exit } on = 0; buf = ""; next }
		/^Package: / { on = ($2 == p); ver = "" }
		/^Version: / { ver = $2 }
		{ buf = buf $0 "\n" }
		END { if (on && ver == v) printf "%s", buf }' "$1"
}

cmd_field() # FILE PACKAGE FIELD
{
	local s
	s=$(stanza "$1" "$2") || exit 1
	awk -v f="$3:" '$1 == f { sub(/^[^:]*: */, ""); print; found = 1; exit } END { exit !found }' <<<"$s" ||
		die "$2 has no field $3"
}

cmd_deb() # FILE PACKAGE DIR
{
	local file sha out
	file=$(cmd_field "$1" "$2" Filename)
	sha=$(cmd_field "$1" "$2" SHA256)
	mkdir -p "$3"
	out=$3/$(basename "$file")
	if [ -s "$out" ] && echo "$sha  $out" | sha256sum --quiet -c - 2>/dev/null; then
		echo "$out"
		return
	fi
	get "$mirror/$file" "$out.part"
	sha256_ok "$out.part" "$sha"
	mv -f "$out.part" "$out"
	echo "$out"
}

# FILE (a path) into DIR unless a copy with SHA256 is already there;
# checked before it takes its name, so a name in DIR is always right.
fetch_checked() # URL DIR SHA256
{
	local out=$2/${1##*/}
	if [ -s "$out" ] && echo "$3  $out" | sha256sum --quiet -c - >/dev/null 2>&1; then
		return
	fi
	echo "debian-fetch: fetching ${1##*/}" >&2
	get "$1" "$out.part"
	sha256_ok "$out.part" "$3"
	mv -f "$out.part" "$out"
}

# A source package, the way "apt-get source" checks one: InRelease's
# signature, Sources.xz against Release, every file against Sources.  The
# .dsc's own signature (the uploader's) is not checked: that would need
# debian-keyring, and the chain above already vouches for every byte.
cmd_source() # SUITE PACKAGE VERSION DIR
{
	local suite=$1 pkg=$2 ver=$3 out=$4 tmp sha s dir f dsc=''
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" RETURN
	release "$suite" "$tmp"
	sha=$(release_sha "$tmp/Release" main/source/Sources.xz)
	[ -n "$sha" ] || die "main/source/Sources.xz not in $suite's Release"
	get "$mirror/dists/$suite/main/source/Sources.xz" "$tmp/Sources.xz"
	sha256_ok "$tmp/Sources.xz" "$sha"
	# a file, not a pipe: awk stops at the stanza, and pipefail would
	# count xz's SIGPIPE as a failure
	xz -dc "$tmp/Sources.xz" >"$tmp/Sources"
	# the stanza (a paragraph) of PACKAGE at exactly VERSION
	s=$(awk -v p="$pkg" -v v="$ver" '
		BEGIN { RS = ""; FS = "\n" }
		{
			pk = ""; vr = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^Package: /) pk = substr($i, 10)
				if ($i ~ /^Version: /) vr = substr($i, 10)
			}
			if (pk == p && vr == v) { print; found = 1; exit }
		}
		END { exit !found }' "$tmp/Sources") || die "no source package $pkg $ver in $suite"
	dir=$(sed -n 's/^Directory: *//p' <<<"$s")
	[[ $dir =~ ^pool/[A-Za-z0-9./+_-]+$ ]] || die "$pkg $ver: bad Directory '$dir'"
	mkdir -p "$out"
	# Checksums-Sha256's continuation lines: " HASH SIZE NAME"
	while read -r sha f; do
		# a name from the index becomes a path here: no slashes, no ..
		[[ $f =~ ^[A-Za-z0-9][A-Za-z0-9.+~_-]*$ ]] || die "$pkg $ver: bad file name '$f'"
		fetch_checked "$mirror/$dir/$f" "$out" "$sha"
		[[ $f == *.dsc ]] && dsc=$out/$f
	done < <(awk '/^[A-Za-z]/ { on = ($1 == "Checksums-Sha256:"); next }
		on && NF == 3 { print $1, $3 }' <<<"$s")
	[ -n "$dsc" ] || die "$pkg $ver lists no .dsc"
	echo "$dsc"
}

case "${1:-}" in
index) [ $# -eq 3 ] || die "usage: $0 index SUITE FILE"; cmd_index "$2" "$3" ;;
field) [ $# -eq 4 ] || die "usage: $0 field FILE PACKAGE FIELD"; cmd_field "$2" "$3" "$4" ;;
deb) [ $# -eq 4 ] || die "usage: $0 deb FILE PACKAGE DIR"; cmd_deb "$2" "$3" "$4" ;;
source) [ $# -eq 5 ] || die "usage: $0 source SUITE PACKAGE VERSION DIR"; cmd_source "$2" "$3" "$4" "$5" ;;
*) echo "usage: $0 index SUITE FILE | field FILE PACKAGE FIELD | deb FILE PACKAGE DIR | source SUITE PACKAGE VERSION DIR" >&2; exit 2 ;;
esac
