#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build for every supported kernel, then boot each in the VM and
# run every selftest there.  KTAP per kernel, then one line of totals over
# all kernels.  Non-zero on any build warning, test failure or console splat.
#	PL_KERNELS="6.12"  limit the kernels (default: all of kernels.conf)
#	PL_TESTS="selftests/ping.sh ..."  limit the tests
#	PL_PARALLEL=1  every kernel's VM at once, on a host with a CPU for each
#	               (default: one after the other)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$top/build/check
mkdir -p "$log"

kernels=$(echo ${PL_KERNELS:-$(scripts/kernels.sh names)})
read -r -a tests <<<"${PL_TESTS:-}"
start=$(date +%s)
status=0

# Build: warnings are errors here (W=1 and sparse, C=1).
echo "# build: modules for $kernels, BPF, tools"
if ! make -s all >"$log/build.log" 2>&1; then
	cat "$log/build.log"
	echo "# build failed"
	exit 1
fi
for k in $kernels; do
	kdir=$(scripts/kernels.sh kdir "$k")
	rel=$(scripts/kernels.sh release "$k")
	rm -rf "build/$rel/module"/*.o
	if ! make -s module KDIR="$kdir" C=1 >"$log/module-$rel.log" 2>&1 ||
	   grep -E 'warning:|error:' "$log/module-$rel.log"; then
		cat "$log/module-$rel.log"
		echo "# module build for $rel failed or warned"
		exit 1
	fi
	# without tracepoints, for bench/ (selftests/bench_smoke.sh)
	if ! make -s module KDIR="$kdir" PL_NOTRACE=1 >"$log/module-notrace-$rel.log" 2>&1 ||
	   grep -E 'warning:|error:' "$log/module-notrace-$rel.log"; then
		cat "$log/module-notrace-$rel.log"
		echo "# module build without tracepoints for $rel failed or warned"
		exit 1
	fi
done
# The kernel's YNL CLI and netdev spec, for qstats.sh (from the kernel's
# own source, at run time: never copied into the repo).
if ! scripts/kernel-script.sh build/kernel-scripts tools/net/ynl \
	Documentation/netlink/specs/netdev.yaml \
	Documentation/netlink/genetlink.yaml \
	Documentation/netlink/genetlink-legacy.yaml >"$log/ynl.log" 2>&1; then
	cat "$log/ynl.log"
	echo "# cannot extract the kernel's YNL CLI"
	exit 1
fi
if ! make -s lint >"$log/lint.log" 2>&1 || [ -s "$log/lint.log" ]; then
	cat "$log/lint.log"
	echo "# checkpatch --strict is not clean"
	exit 1
fi
# make install and DKMS, into scratch trees (nothing is installed on this host)
if ! tools/check-install.sh >"$log/install.log" 2>&1; then
	cat "$log/install.log"
	echo "# installing (make install, make install-dkms, dkms build) failed"
	exit 1
fi
# make vm-gdb: every journey macro, in batch, on every kernel (about 10 s each)
if ! PL_KERNELS="$kernels" tools/check-gdb.sh >"$log/gdb.log" 2>&1; then
	cat "$log/gdb.log"
	echo "# make vm-gdb's journeys did not all complete"
	exit 1
fi

# One VM per kernel, one after the other; with PL_PARALLEL=1 all at once
# when the host has a CPU for each (a TCG guest runs on one host thread):
# about half the time, but the tests that compare timings then share the
# host's CPUs with another guest. Each VM's output is shown live, the
# kernel's name in front of every line.
# stderr too: the VM runner reports splats and timeouts there, and CI
# shows only this output.
run_kernel() # NAME
{
	echo "# kernel $1: $(scripts/kernels.sh release "$1")"
	tools/vm/run --kernel "$1" --timeout 3000 -- "$top/selftests/run.sh" "${tests[@]}" \
		>"$log/kernel-$1.log" 2>&1 &
	local vm=$!
	tail -n +1 -s 0.5 -f --pid=$vm "$log/kernel-$1.log" | sed -u "s/^/[$1] /"
	wait $vm
	echo $? >"$log/kernel-$1.rc"
}
nk=$(wc -w <<<"$kernels")
serial=1
[ "${PL_PARALLEL:-0}" = 1 ] && [ "$(nproc)" -ge "$nk" ] && serial=0
pids=()
for k in $kernels; do
	rm -f "$log/kernel-$k.rc"
	if [ "$serial" = 1 ]; then
		run_kernel "$k"
	else
		run_kernel "$k" &
		pids+=($!)
	fi
done
for p in "${pids[@]}"; do
	wait "$p"
done

pass=0 fail=0 skip=0
problems=()
for k in $kernels; do
	rc=$(cat "$log/kernel-$k.rc" 2>/dev/null || echo 125)
	totals=$(grep -E '^# Totals: pass:' "$log/kernel-$k.log" | tail -n1)
	if [[ $totals =~ pass:([0-9]+)\ fail:([0-9]+)\ skip:([0-9]+) ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		skip=$((skip + BASH_REMATCH[3]))
	else
		problems+=("# kernel $k: no results (VM exit $rc)")
		fail=$((fail + 1))
	fi
	while IFS= read -r line; do
		problems+=("# kernel $k: $line")
	done < <(grep -E '^not ok ' "$log/kernel-$k.log")
	if [ "$rc" -ne 0 ]; then
		# 3: every test passed but the kernel log has a splat.
		problems+=("# kernel $k: VM run failed (exit $rc)")
		while IFS= read -r line; do
			problems+=("# kernel $k: $line")
		done < <(sed -n '/^# splat on console:/,$p' "$log/kernel-$k.log" | head -n 40)
		status=1
	fi
done

# Repeated last, where a CI log's tail shows it.
echo "# make check: $(($(date +%s) - start))s, logs in build/check/"
for p in "${problems[@]}"; do
	echo "$p"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
