#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make vm-gdb, checked: for each kernel (PL_KERNELS, default all of
# kernels.conf), boot the VM under QEMU's gdb stub and walk each journey
# macro once in batch mode (testing/gdb/vm-gdb.sh --batch): every breakpoint
# of break_journey_of_a_packet_in, _out, _tso_send and _gro_merge must be
# hit, in order, with the module's symbols loaded at their addresses in
# the guest (Documentation/gdb.rst).  KTAP; called by make check.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
kernels=$(echo ${PL_KERNELS:-$(scripts/kernels.sh vm-kernels)})
journeys="in out tso gro"
n=0 failed=0

echo "TAP version 13"
echo "1..$(($(wc -w <<<"$kernels") * $(wc -w <<<"$journeys")))"
for k in $kernels; do
	for j in $journeys; do
		n=$((n + 1))
		t0=$SECONDS
		if out=$(testing/gdb/vm-gdb.sh --kernel "$k" --batch "$j" 2>&1); then
			echo "ok $n $k: the $j journey's breakpoints, in order # $((SECONDS - t0))s"
		else
			echo "not ok $n $k: the $j journey's breakpoints, in order"
			tail -n 30 <<<"$out" | sed 's/^/# /'
			failed=$((failed + 1))
		fi
	done
done
echo "# Totals: pass:$((n - failed)) fail:$failed skip:0"
[ "$failed" -eq 0 ]
