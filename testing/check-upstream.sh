#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-upstream: the kernel's own driver tests
# (tools/testing/selftests/drivers/net, drivers/net/hw) against pktlife, in
# the VM.  The tests, their libraries, the YNL library and the netlink specs
# are taken from Debian's linux-source-6.12 tarball at run time into
# build/upstream/linux (never into the repo); testing/upstream-guest.sh runs
# them.  KTAP, then one line of totals; non-zero if any test fails.
#	check-upstream.sh [--kernel 6.12|6.1] [drivers/net/ping.py ...]
#	PL_UPSTREAM_TIMEOUT=900  per test, in seconds
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernel=6.12
if [ "${1:-}" = --kernel ]; then
	kernel=${2:?--kernel needs a name}
	shift 2
fi
out=$top/build/upstream
ksrc=$out/linux
mkdir -p "$out"

tarball=
for f in /usr/src/linux-source-6.12.tar.*; do
	[ -e "$f" ] && tarball=$f && break
done
[ -n "$tarball" ] || { echo "check-upstream: linux-source-6.12 not installed (make deps)" >&2; exit 1; }

# What the tests need of the kernel tree, in the tree's own layout: the
# python library finds the YNL library and the specs relative to itself.
parts=(
	tools/testing/selftests/drivers/net
	tools/testing/selftests/net/lib
	tools/testing/selftests/net/lib.sh
	tools/testing/selftests/net/net_helper.sh
	tools/testing/selftests/net/forwarding/lib.sh
	tools/testing/selftests/net/forwarding/tc_common.sh
	tools/testing/selftests/net/forwarding/ipip_lib.sh
	tools/testing/selftests/kselftest
	tools/testing/selftests/kselftest.h
	tools/net/ynl
	Documentation/netlink/specs
)
stamp=$ksrc/.extracted
if [ ! -e "$stamp" ] || [ "$tarball" -nt "$stamp" ] || [ "$0" -nt "$stamp" ]; then
	echo "# extracting the driver tests from ${tarball##*/}"
	rm -rf "$ksrc"
	mkdir -p "$ksrc"
	if ! tar -xf "$tarball" -C "$ksrc" --strip-components=1 "${parts[@]/#/linux-source-6.12/}"; then
		echo "check-upstream: extracting from $tarball failed" >&2
		exit 1
	fi
	touch "$stamp"
fi

# csum.py runs net/lib/csum on both ends.
csum=$ksrc/tools/testing/selftests/net/lib/csum
if [ ! -x "$csum" ]; then
	if ! gcc -Wall -O2 -I"$ksrc/tools/testing/selftests" -o "$csum" "$csum.c"; then
		echo "check-upstream: building net/lib/csum failed" >&2
		exit 1
	fi
fi

# The tests call "ethtool --json -c" and "-x DEV context N", which
# bookworm's ethtool 6.1 does not know: trixie's, unpacked into
# build/upstream/ethtool (fetched once; scripts/fetch-ethtool.sh checks its
# signature).  The guest puts it first in the tests' PATH.  Without it (no
# network), bookworm's, and rss_ctx.py fails on the options.
eth=$out/ethtool
if [ ! -x "$eth/usr/sbin/ethtool" ]; then
	if v=$(scripts/fetch-ethtool.sh "$eth" 2>"$out/ethtool.log"); then
		echo "# fetched trixie's ethtool $v"
	else
		echo "# cannot fetch trixie's ethtool ($(tail -n1 "$out/ethtool.log")): bookworm's it is"
	fi
fi

echo "# build: pktlife.ko for $kernel, the iproute2 plugin"
kdir=$(scripts/kernels.sh kdir "$kernel") || exit 1
if ! make -s module KDIR="$kdir" >"$out/build.log" 2>&1 ||
   ! make -s iproute2 >>"$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "# build failed"
	exit 1
fi
# The guest loads a copy: a rebuild of build/<release>/module while the
# tests run (the VM sees the tree live) must not change the driver under
# test half-way.
rel=$(scripts/kernels.sh release "$kernel") || exit 1
cp "build/$rel/module/pktlife.ko" "$out/pktlife-$rel.ko" || exit 1
echo "# driver: $(git log -1 --format='%h %s' 2>/dev/null)$(git status --porcelain -- module 2>/dev/null | grep -q . && echo ', module/ has uncommitted changes')"

start=$(date +%s)
log=$out/kernel-$kernel.log
# stderr too: the VM runner reports splats and timeouts there.
testing/vm/run --kernel "$kernel" --timeout 7200 -- \
	"$top/testing/upstream-guest.sh" "$ksrc" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

echo "# make check-upstream: kernel $kernel, $(($(date +%s) - start))s, log in ${log#"$top"/}"
status=0
totals=$(grep -E '^# Totals: pass:' "$log" | tail -n1)
if [[ $totals =~ pass:([0-9]+)\ fail:([0-9]+)\ skip:([0-9]+) ]]; then
	pass=${BASH_REMATCH[1]} fail=${BASH_REMATCH[2]} skip=${BASH_REMATCH[3]}
else
	echo "# no results (VM exit $rc)"
	pass=0 fail=1 skip=0
fi
grep -E '^not ok ' "$log"
# 1 with failures counted is the tests' own verdict; anything else is the
# VM's (3: a splat on the console, 124: timeout, 125: no exit status).
if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$fail" -eq 0 ]; }; then
	echo "# VM run failed (exit $rc)"
	sed -n '/^# splat on console:/,$p' "$log" | head -n 40
	status=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
