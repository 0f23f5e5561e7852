#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: pktlife's benchmarks, one VM boot per kernel (bench/guest.sh
# says what is measured), results in bench/results/ as JSON and markdown,
# and one line per ratio and per target on stdout.
#	bench.sh [--smoke] [--reps N] [--secs S] [--kernel NAME]...
#	PKTLIFE_VM_KVM=1 uses KVM where it works (TCG otherwise)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernels=()
guest_args=()
reps=5 secs=2
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) guest_args+=(--smoke); reps=1 secs=1 ;;
	--reps) guest_args+=(--reps "$2"); reps=$2; shift ;;
	--secs) guest_args+=(--secs "$2"); secs=$2; shift ;;
	--kernel) kernels+=("$2"); shift ;;
	*) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || read -ra kernels < <(tools/kernels.sh names | tr '\n' ' ')

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
	kdir=$(tools/kernels.sh kdir "$k")
	if ! make -s module KDIR="$kdir" >>"$out/build.log" 2>&1 ||
	   ! make -s module KDIR="$kdir" PL_NOTRACE=1 >>"$out/build.log" 2>&1; then
		cat "$out/build.log"
		exit 1
	fi
done

status=0
summary=()
for k in "${kernels[@]}"; do
	rel=$(tools/kernels.sh release "$k")
	raw=$out/raw-$rel.txt
	echo "# bench: kernel $rel"
	tools/vm/run --kernel "$k" --timeout 1500 -- "$top/bench/guest.sh" \
		"${guest_args[@]}" --out "$raw" 2>&1 | tee "$out/vm-$rel.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	mode=tcg
	grep -q '^# vm: .*, kvm,' "$out/vm-$rel.log" && mode=kvm
	base=$top/bench/results/$day-$rel
	[ ${#guest_args[@]} -gt 0 ] && base=$out/result-$rel
	if ! python3 bench/report.py "$raw" --kernel "$rel" --rev "$rev" \
		--date "$day" --reps "$reps" --secs "$secs" --mode "$mode" \
		--json "$base.json" --md "$base.md" >"$out/summary-$rel.txt"; then
		status=1
		continue
	fi
	while IFS= read -r line; do
		summary+=("$rel: $line")
	done <"$out/summary-$rel.txt"
	echo "# bench: ${base#"$top"/}.json, .md"
done

echo "# make bench: $(($(date +%s) - start))s"
for line in "${summary[@]}"; do
	echo "$line"
done
exit $status
