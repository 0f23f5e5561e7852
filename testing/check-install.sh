#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installing on a host, checked on this one without installing anything: make
# install and make install-dkms into a scratch DESTDIR, then DKMS builds
# the module from that source for every kernel of kernels.conf, in scratch
# DKMS trees (Documentation/install.rst).  KTAP; called by make check.
#   - make install puts pktlife.ko (built for the default kernel, its
#     vermagic that kernel's), the tool, the ip plugin and pktlife(8) where
#     they belong; the man page is clean for groff -ww and man renders it;
#   - dkms.conf's PACKAGE_VERSION is the driver's PL_DRV_VERSION;
#   - dkms build, for each kernel whose compiler this host has (the
#     others are listed as skipped): a pktlife.ko of that kernel's vermagic
#     and the driver's version.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kernels=$(scripts/kernels.sh names)
n=0 failed=0

ok() # RESULT NAME [WHY]
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		[ -n "${3:-}" ] && sed 's/^/# /' <<<"$3"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..$(($(wc -w <<<"$kernels") + 3))"
version=$(sed -n 's/^#define PL_DRV_VERSION[[:space:]]*"\(.*\)"/\1/p' module/pktlife.h)
rel=$(scripts/kernels.sh release "$(scripts/kernels.sh names | tail -n1)")

out=$(make -s install DESTDIR="$tmp/root" KERNEL="$(scripts/kernels.sh names | tail -n1)" 2>&1)
rc=$?
why=$out
for f in "lib/modules/$rel/updates/pktlife.ko" usr/sbin/pktlife \
	 usr/lib/ip/link_pktlife.so usr/share/man/man8/pktlife.8.gz; do
	[ -f "$tmp/root/$f" ] || { rc=1; why+=$'\n'"missing: /$f"; }
done
vermagic=$(modinfo -F vermagic "$tmp/root/lib/modules/$rel/updates/pktlife.ko" 2>&1)
[ "${vermagic%% *}" = "$rel" ] || { rc=1; why+=$'\n'"vermagic: $vermagic"; }
[ -x "$tmp/root/usr/sbin/pktlife" ] || { rc=1; why+=$'\n'"the tool is not executable"; }
# one version everywhere: the driver's, the tool's, the man page's
mv=$(modinfo -F version "$tmp/root/lib/modules/$rel/updates/pktlife.ko" 2>&1)
tv=$("$tmp/root/usr/sbin/pktlife" --version 2>&1)
[ "$mv" = "$version" ] && [ "$tv" = "pktlife $version" ] &&
	zcat "$tmp/root/usr/share/man/man8/pktlife.8.gz" | grep -q "^\.TH PKTLIFE 8 .*\"pktlife $version\"" ||
	{ rc=1; why+=$'\n'"versions: PL_DRV_VERSION '$version', module '$mv', tool '$tv', man page: $(zcat "$tmp/root/usr/share/man/man8/pktlife.8.gz" | grep '^\.TH')"; }
ok $rc "make install: module for $rel, tool, ip plugin, man page, all of version $version" "$why"

why=$(zcat "$tmp/root/usr/share/man/man8/pktlife.8.gz" | groff -man -ww -z 2>&1)
rc=$?
[ -z "$why" ] || rc=1
page=$(MANWIDTH=80 man -l "$tmp/root/usr/share/man/man8/pktlife.8.gz" 2>&1)
grep -q '^NAME' <<<"$page" && grep -q -- '--perfetto' <<<"$page" || { rc=1; why+=$'\n'"man: ${page:0:300}"; }
ok $rc "pktlife(8): groff -ww clean, man renders it" "$why"

out=$(make -s install-dkms DESTDIR="$tmp/root" 2>&1)
rc=$?
conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$tmp/root/usr/src/pktlife-$version/dkms.conf" 2>&1)
[ "$conf" = "$version" ] || { rc=1; out+=$'\n'"dkms.conf PACKAGE_VERSION '$conf', PL_DRV_VERSION '$version'"; }
ok $rc "make install-dkms: /usr/src/pktlife-$version, dkms.conf of the driver's version" "$out"

mkdir -p "$tmp/dkms"
skipped=0
for k in $kernels; do
	krel=$(scripts/kernels.sh release "$k")
	kdir=$(scripts/kernels.sh kdir "$k")
	# DKMS runs the host's compiler; a kernel of a newer release wants
	# its own (the module build itself uses scripts/toolchain.sh).
	if scripts/toolchain.sh needed "$kdir"; then
		echo "ok $((++n)) dkms build pktlife/$version -k $krel # SKIP its compiler is not this host's (make module builds it, in scripts/toolchain.sh's root)"
		skipped=$((skipped + 1))
		continue
	fi
	out=$(dkms build --dkmstree "$tmp/dkms" --sourcetree "$tmp/root/usr/src" \
		--kernelsourcedir "$kdir" -m pktlife -v "$version" -k "$krel" 2>&1)
	rc=$?
	ko=$(find "$tmp/dkms/pktlife/$version/$krel" -name 'pktlife.ko*' 2>/dev/null | head -n1)
	if [ -z "$ko" ]; then
		rc=1
	else
		vm=$(modinfo -F vermagic "$ko" 2>&1)
		mv=$(modinfo -F version "$ko" 2>&1)
		[ "${vm%% *}" = "$krel" ] && [ "$mv" = "$version" ] ||
			{ rc=1; out+=$'\n'"vermagic '$vm', version '$mv'"; }
	fi
	ok $rc "dkms build pktlife/$version -k $krel" "$(tail -n 20 <<<"$out")"
done

echo "# Totals: pass:$((n - failed - skipped)) fail:$failed skip:$skipped"
[ $failed -eq 0 ]
