#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: pktlife's benchmarks, one VM boot per kernel (bench/guest.sh
# says what is measured), results in bench/results/ as JSON and markdown,
# and one line per ratio and per target on stdout.
#	bench.sh [--smoke] [--reps N] [--secs S] [--parallel] [--icount SHIFT]
#		 [--only PHASES] [--kernel NAME]...
#	PKTLIFE_VM_KVM=1 uses KVM where it works (TCG otherwise)
# --icount SHIFT boots the VMs with QEMU's -icount (testing/vm/run): guest
# time counts instructions, so a rate per guest second is a cost in
# instructions, whatever the host does meanwhile; its results stay in
# build/bench/ (result-REL-icount.*), beside the wall-clock ones.
# --only PHASES: guest.sh's phases, e.g. "pps observe" (build/bench/ too).
# --parallel runs the kernels' VMs at the same time, when the host has a
# CPU for each: that checks in about half the time that everything runs;
# whether its figures hold is not shown yet (Documentation/performance.rst),
# so its results stay in build/bench/.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernels=()
guest_args=()
reps=5 secs=2 serial=1 icount=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) guest_args+=(--smoke); reps=1 secs=1 ;;
	--reps) guest_args+=(--reps "$2"); reps=$2; shift ;;
	--secs) guest_args+=(--secs "$2"); secs=$2; shift ;;
	--kernel) kernels+=("$2"); shift ;;
	--parallel) serial=0 ;;
	--icount) icount=${2:-}; shift
		[[ $icount =~ ^([0-9]|10)$ ]] || { echo "bench.sh: --icount wants a shift of 0 to 10" >&2; exit 2; } ;;
	--only) guest_args+=(--only "$2"); shift ;;
	*) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || read -ra kernels < <(scripts/kernels.sh names | tr '\n' ' ')

start=$(date +%s)
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
day=$(date -u +%Y-%m-%d)
out=$top/build/bench
mkdir -p "$out" "$top/bench/results"

echo "# bench: building the tools and, for ${kernels[*]}, the module with and without tracepoints"
if ! make -s all >"$out/build.log" 2>&1; then
	cat "$out/build.log"
	exit 1
fi
for k in "${kernels[@]}"; do
	kdir=$(scripts/kernels.sh kdir "$k")
	if ! make -s module KDIR="$kdir" >>"$out/build.log" 2>&1 ||
	   ! make -s module KDIR="$kdir" PL_NOTRACE=1 >>"$out/build.log" 2>&1; then
		cat "$out/build.log"
		exit 1
	fi
done

# bench_kernel NAME: one VM, its raw figures, then the report; the VM's
# output goes to the terminal with the kernel in front of each line
bench_kernel()
{
	local k=$1 rel raw mode base vm rc=0

	rel=$(scripts/kernels.sh release "$k")
	raw=$out/raw-$rel.txt
	echo "# bench: kernel $rel"
	testing/vm/run --kernel "$k" --timeout 1500 ${icount:+--icount "$icount"} \
		-- "$top/bench/guest.sh" \
		"${guest_args[@]}" --out "$raw" >"$out/vm-$rel.log" 2>&1 &
	vm=$!
	tail -n +1 -s 0.5 -f --pid=$vm "$out/vm-$rel.log" | sed -u "s/^/[$k] /"
	wait $vm || rc=1
	[ "$(grep -c '^# bench: done at' "$out/vm-$rel.log")" -eq 1 ] || rc=1
	mode=tcg
	grep -q '^# vm: .*, kvm,' "$out/vm-$rel.log" && mode=kvm
	[ -n "$icount" ] && mode="icount shift=$icount"
	base=$top/bench/results/$day-$rel
	[ ${#guest_args[@]} -gt 0 ] || [ $serial = 0 ] && base=$out/result-$rel
	[ -n "$icount" ] && base=$out/result-$rel-icount
	python3 bench/report.py "$raw" --kernel "$rel" --rev "$rev" \
		--date "$day" --reps "$reps" --secs "$secs" --mode "$mode" \
		--json "$base.json" --md "$base.md" >"$out/summary-$rel.txt" || return 1
	echo "# bench: ${base#"$top"/}.json, .md"
	return $rc
}

status=0
pids=()
[ "$(nproc)" -ge ${#kernels[@]} ] || serial=1
for k in "${kernels[@]}"; do
	rm -f "$out/summary-$(scripts/kernels.sh release "$k").txt"
	if [ $serial = 1 ]; then
		bench_kernel "$k" || status=1
	else
		bench_kernel "$k" &
		pids+=($!)
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || status=1
done
summary=()
for k in "${kernels[@]}"; do
	rel=$(scripts/kernels.sh release "$k")
	[ -f "$out/summary-$rel.txt" ] || { status=1; continue; }
	while IFS= read -r line; do
		summary+=("$rel: $line")
	done <"$out/summary-$rel.txt"
done

echo "# make bench: $(($(date +%s) - start))s"
for line in "${summary[@]}"; do
	echo "$line"
done
exit $status
