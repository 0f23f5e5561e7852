#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build for every supported kernel, then boot each in the VM and
# run every selftest there.  KTAP per kernel, then one line of totals over
# all kernels.  Non-zero on any build warning, test failure or console splat.
#	PL_KERNELS="6.12"  limit the kernels (default: all of kernels.conf)
#	PL_TESTS="selftests/ping.sh ..."  limit the tests (default: each
#	               kernel's set in kernels.conf)
#	PL_PARALLEL=1  one VM per host CPU at once, the kernels taken in
#	               kernels.conf's order (default: one after the other)
#	PL_DEBUG=1     the debug tier too (testing/check-debug.sh: the debug
#	               kernel built if not cached, then its tests), first in
#	               the queue: its build and tests take one slot while the
#	               release kernels' VMs take the others (CI: .ci/run)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$top/build/check
mkdir -p "$log"

# Every kernel of kernels.conf is built (W=1, sparse); the VM runs the
# tests on those whose check column says vm, or on PL_KERNELS.
all_kernels=$(echo $(scripts/kernels.sh names))
kernels=$(echo ${PL_KERNELS:-$(scripts/kernels.sh vm-kernels)})
read -r -a tests <<<"${PL_TESTS:-}"
# bench_smoke.sh tests bench/ (guest.sh, report.py), not a kernel: it runs
# on one kernel of a make check (3.5 to 7 minutes each), the newest where
# it is among them, else the last whose set has it.  make bench runs
# bench/ itself on every kernel.
bench_kernel=
for k in $kernels; do
	[ "$(scripts/kernels.sh tests "$k")" = all ] && bench_kernel=$k
	[ "$k" = newest ] && break
done
start=$(date +%s)
status=0
# The debug kernel, if not cached, builds from now on under nice -n 19: it
# takes the CPU the steps below and the VMs leave; the debug job (first
# in the queue) waits for it (debug-kernel.sh's lock).
if [ "${PL_DEBUG:-0}" = 1 ]; then
	# its own process group (setsid): a failed step below stops make and
	# the compilers too, not only the script
	PKTLIFE_NICE=1 setsid testing/debug-kernel.sh build >/dev/null \
		2>"$log/debug-kernel-bg.log" &
	debug_build=$!
	trap 'kill -TERM -- -$debug_build 2>/dev/null' EXIT
fi

# Build: warnings are errors here (W=1 and sparse, C=1).
echo "# build: modules for $all_kernels, BPF, tools; tests in the VM on $kernels"
if ! make -s all >"$log/build.log" 2>&1; then
	cat "$log/build.log"
	echo "# build failed"
	exit 1
fi
for k in $all_kernels; do
	kdir=$(scripts/kernels.sh kdir "$k")
	rel=$(scripts/kernels.sh release "$k")
	rm -rf "build/$rel/module"/*.o
	if ! make -s module KDIR="$kdir" C=1 >"$log/module-$rel.log" 2>&1 ||
	   grep -E 'warning:|error:' "$log/module-$rel.log"; then
		cat "$log/module-$rel.log"
		echo "# module build for $rel failed or warned"
		exit 1
	fi
	# without tracepoints, for bench/ (selftests/bench_smoke.sh): on the
	# kernel that runs it, or on any when PL_TESTS picks the tests
	if [ -z "${PL_TESTS:-}" ]; then
		[ "$k" = "$bench_kernel" ] || continue
	else
		[[ " $kernels " == *" $k "* ]] || continue
	fi
	if ! make -s module KDIR="$kdir" PL_NOTRACE=1 >"$log/module-notrace-$rel.log" 2>&1 ||
	   grep -E 'warning:|error:' "$log/module-notrace-$rel.log"; then
		cat "$log/module-notrace-$rel.log"
		echo "# module build without tracepoints for $rel failed or warned"
		exit 1
	fi
done
# The kernel's YNL CLI and netdev spec, for qstats.sh and stress_reconfig.sh
# (from the kernel's own source, at run time: never copied into the repo).
if ! make -s ynl >"$log/ynl.log" 2>&1; then
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
if ! testing/check-install.sh >"$log/install.log" 2>&1; then
	cat "$log/install.log"
	echo "# installing (make install, make install-dkms, dkms build) failed"
	exit 1
fi
# make vm-gdb: every journey macro, in batch, on every kernel (about 10 s each)
if ! PL_KERNELS="$kernels" testing/check-gdb.sh >"$log/gdb.log" 2>&1; then
	cat "$log/gdb.log"
	echo "# make vm-gdb's journeys did not all complete"
	exit 1
fi

# One VM per kernel, one after the other; with PL_PARALLEL=1 as many at
# once as the host has CPUs (a TCG guest runs on one host thread): the
# tests that compare timings then share the host with another guest. Each
# VM's output is shown live, the kernel's name in front of every line;
# stderr too: the VM runner reports splats and timeouts there, and CI
# shows only this output.
run_kernel() # NAME
{
	local t0=$SECONDS set args=("${tests[@]}")

	if [ "$1" = debug ]; then
		# check-debug.sh writes the VM's KTAP to kernel-debug.log itself
		echo "# kernel debug: the debug tier (testing/check-debug.sh)"
		# niced too if it has to build the kernel itself (the background
		# build failed): a release kernel's VM runs beside it
		PKTLIFE_NICE=1 testing/check-debug.sh >"$log/check-debug.out" 2>&1 &
		local job=$!
		tail -n +1 -s 0.5 -f --pid=$job "$log/check-debug.out" | sed -u "s/^/[debug] /"
		wait $job
		echo $? >"$log/kernel-debug.rc"
		echo $((SECONDS - t0)) >"$log/kernel-debug.secs"
		return
	fi
	set=$(scripts/kernels.sh tests "$1")
	if [ ${#args[@]} -eq 0 ]; then
		args=(--set "$set")
		[ "$set" = all ] && [ "$1" != "$bench_kernel" ] && args+=(--skip bench_smoke.sh)
	fi
	echo "# kernel $1: $(scripts/kernels.sh release "$1"), tests: ${PL_TESTS:-$set}"
	testing/vm/run --kernel "$1" --timeout 3600 -- "$top/selftests/run.sh" "${args[@]}" \
		>"$log/kernel-$1.log" 2>&1 &
	local vm=$!
	tail -n +1 -s 0.5 -f --pid=$vm "$log/kernel-$1.log" | sed -u "s/^/[$1] /"
	wait $vm
	echo $? >"$log/kernel-$1.rc"
	echo $((SECONDS - t0)) >"$log/kernel-$1.secs"
}
slots=1
[ "${PL_PARALLEL:-0}" = 1 ] && slots=$(nproc)
running=()
# Longest first, so that the last to end are short: the debug tier (its
# kernel build, then tests ten times slower), then the kernel that runs
# bench_smoke.sh, then the others in kernels.conf's order.
jobs=$kernels
if [ -n "$bench_kernel" ]; then
	jobs="$bench_kernel $(tr ' ' '\n' <<<"$kernels" | grep -vxF "$bench_kernel" | tr '\n' ' ')"
fi
if [ "${PL_DEBUG:-0}" = 1 ]; then
	jobs="debug $jobs"
	rm -f "$log/kernel-debug.log"
fi
jobs=$(echo $jobs)
for k in $jobs; do
	rm -f "$log/kernel-$k.rc" "$log/kernel-$k.secs"
	# wait for a free slot: one of the running VMs to end
	while [ ${#running[@]} -ge "$slots" ]; do
		wait -n "${running[@]}" 2>/dev/null || true
		alive=()
		for p in "${running[@]}"; do
			kill -0 "$p" 2>/dev/null && alive+=("$p")
		done
		running=("${alive[@]}")
	done
	run_kernel "$k" &
	running+=($!)
done
wait
trap - EXIT

pass=0 fail=0 skip=0
problems=() skipped=()
for k in $jobs; do
	rc=$(cat "$log/kernel-$k.rc" 2>/dev/null || echo 125)
	totals=$(grep -E '^# Totals: pass:' "$log/kernel-$k.log" 2>/dev/null | tail -n1)
	if [[ $totals =~ pass:([0-9]+)\ fail:([0-9]+)\ skip:([0-9]+) ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		skip=$((skip + BASH_REMATCH[3]))
	else
		problems+=("# kernel $k: no results (VM exit $rc)")
		fail=$((fail + 1))
	fi
	while IFS= read -r line; do
		skipped+=("# kernel $k: ${line#\# }")
	done < <(grep -E '^# skipped: ' "$log/kernel-$k.log" 2>/dev/null)
	# each failed script, with the results that failed in it and why: a
	# CI log shows only its tail
	while IFS= read -r line; do
		problems+=("# kernel $k: $line")
	done < <(awk '/^# selftests: pktlife: / { n = 0 }
		/^# ((# )?FAIL|not ok )/ && n < 6 { buf[n++] = substr($0, 1, 300) }
		/^not ok / { for (i = 0; i < n; i++) print "  " buf[i]; print; n = 0 }' \
		"$log/kernel-$k.log" 2>/dev/null)
	if [ "$rc" -ne 0 ]; then
		# 3: every test passed but the kernel log has a splat.
		problems+=("# kernel $k: VM run failed (exit $rc)")
		while IFS= read -r line; do
			problems+=("# kernel $k: $line")
		done < <(sed -n '/^# splat on console:/,$p' "$log/kernel-$k.log" 2>/dev/null | head -n 40)
		status=1
	fi
done

# Repeated last, where a CI log's tail shows it.
echo "# make check: $(($(date +%s) - start))s, logs in build/check/"
for k in $jobs; do
	echo "# kernel $k: $(cat "$log/kernel-$k.secs" 2>/dev/null || echo '?') s in its VM"
done
for s in "${skipped[@]}"; do
	echo "$s"
done
for p in "${problems[@]}"; do
	echo "$p"
done
echo "$pass passed, $fail failed, $skip skipped; ${#skipped[@]} skipped results (listed above)"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
