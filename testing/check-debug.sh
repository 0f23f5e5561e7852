#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: the selftests on a debug build of the newest kernel of
# kernels.conf (7.3 when written; KASAN, kmemleak, lockdep, UBSAN, object
# debugging: testing/debug-kernel.config), the way the kernel's netdev CI
# runs drivers, failing on any splat and on any leak kmemleak finds after
# a test (selftests/run.sh).
#
# The kernel is built once, with the compiler Debian builds it with
# (scripts/toolchain.sh), and cached outside the tree, keyed by its
# source version, compiler and config (testing/debug-kernel.sh); pktlife.ko
# is built against it with the same compiler ("make module" asks
# toolchain.sh kmake, which reads the compiler from the tree's .config).
# Everything runs about ten times slower on it than on a release kernel,
# so by default a set sized for CI runs, the stress tests with fewer
# rounds; PL_TESTS="..." picks others, PL_TESTS=all runs every test.
#	PL_TESTS="selftests/ping.sh ..."
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$top/build/check
mkdir -p "$log"
start=$(date +%s)

# The tests that cover what a debug kernel checks best, sized so that CI
# (its kernel build and these beside the release kernels' VMs) fits in 75
# minutes: module load and unload, malformed frames, rmmod under traffic,
# the stress tests (every kind of round, a few times each), BPF attach and
# detach (pktlife count, both attach methods) and the tracepoints.  Most
# telling first: under a time budget (PL_DEADLINE) the last are the ones
# not started.  Measured there (s): module_load 155, fuzz 153, rmmod_traffic
# 94, stress_modload 128, stress_netns 135, stress_reconfig 511,
# tool_count 279, tracepoints 100: about 28 minutes.  Not
# stress_attach.sh nor life_ping.sh: attaching pktlife stat (fentry) takes
# 160 s there and detaching it 290 s, so one round is 8 minutes.
default_tests="module_load.sh fuzz.sh rmmod_traffic.sh stress_modload.sh
	stress_netns.sh stress_reconfig.sh tool_count.sh tracepoints.sh"
tests=()
case "${PL_TESTS:-}" in
all) ;;
"") for t in $default_tests; do tests+=("selftests/$t"); done ;;
*) read -r -a tests <<<"$PL_TESTS" ;;
esac

echo "# check-debug: the debug kernel (a cached build, or 15 to 30 min to build)"
if ! kdir=$(testing/debug-kernel.sh build 2>"$log/debug-kernel.log" | tail -n1) || [ -z "$kdir" ]; then
	tail -n 40 "$log/debug-kernel.log"
	echo "# check-debug: the debug kernel did not build"
	exit 1
fi
rel=$(cat "$kdir/release")
echo "# check-debug: $rel in $kdir"

# the tools and the module for it (kbuild makes its BTF: the tree has a
# vmlinux); warnings are errors here too
if ! make -s all >"$log/debug-build.log" 2>&1 ||
   ! make -s module KDIR="$kdir/lib/modules/$rel/build" C=1 >>"$log/debug-build.log" 2>&1 ||
   grep -E 'warning:|error:' "$log/debug-build.log"; then
	cat "$log/debug-build.log"
	echo "# check-debug: build failed or warned"
	exit 1
fi

# Rounds for the stress tests and frames for the fuzzer: every path, a few
# times, on a kernel ten times slower (the release kernels take the full
# counts).
export PKTLIFE_STRESS_LOOPS=${PKTLIFE_STRESS_LOOPS:-3}
export PKTLIFE_STRESS_PASSES=${PKTLIFE_STRESS_PASSES:-1}
export PKTLIFE_STRESS_LIMIT=${PKTLIFE_STRESS_LIMIT:-1200}
export PKTLIFE_FUZZ_FRAMES=${PKTLIFE_FUZZ_FRAMES:-2000}
# offload.sh's TCP copy in each of its four feature combinations (200 MB
# on the release kernels: 800 MB did not fit in 20 minutes here)
export PKTLIFE_OFFLOAD_MB=${PKTLIFE_OFFLOAD_MB:-32}
# stress_reconfig's bound on a stream's return after a change, twenty
# times the release kernels' 1 s: here it only has to tell a stuck queue
# (which never returns) from a slow one.  ethtool -L is the slowest
# change there, 30 times its release time where the others take 3 to 10:
# streams back after 3488 ms on average, 5259 at worst (2026-12-05, beside
# another VM), and UDP after 10106 ms once in a CI run, where 10 s was the
# bound (Documentation/testing.rst)
export PKTLIFE_STRESS_RESUME_MS=${PKTLIFE_STRESS_RESUME_MS:-20000}
# a test is ten times slower here too
export PKTLIFE_TEST_TIMEOUT=${PKTLIFE_TEST_TIMEOUT:-1200}
# and every wait for a condition stretches as much
export PKTLIFE_TIME_SCALE=${PKTLIFE_TIME_SCALE:-10}

# PL_DEADLINE (seconds since the epoch, .ci/run): the tests must be done
# by then.  The VM gets what is left, less its boot and shutdown, as its
# budget: a test that would not fit fails, "not started".  With less
# than one test's time left this fails at once.  Without it, the VM is stopped
# once every test could have used its whole timeout, the boot aside.
ntests=${#tests[@]}
[ "$ntests" -eq 0 ] && ntests=$(find selftests -maxdepth 1 -name '*.sh' ! -name 'lib*.sh' ! -name run.sh | wc -l)
vm_timeout=$((600 + ntests * (PKTLIFE_TEST_TIMEOUT + 60)))
if [ -n "${PL_DEADLINE:-}" ]; then
	export PKTLIFE_TEST_EST=${PKTLIFE_TEST_EST:-420}
	export PKTLIFE_BUDGET=$((PL_DEADLINE - $(date +%s) - 120))
	echo "# check-debug: ${PKTLIFE_BUDGET}s left for the tests"
	if [ "$PKTLIFE_BUDGET" -lt "$PKTLIFE_TEST_EST" ]; then
		echo "# check-debug: not enough time left for a single test"
		exit 1
	fi
	vm_timeout=$((PKTLIFE_BUDGET + PKTLIFE_TEST_TIMEOUT))
fi

testing/vm/run --kernel debug --mem 3G --timeout $vm_timeout -- \
	"$top/selftests/run.sh" "${tests[@]}" 2>&1 | tee "$log/kernel-debug.log"
rc=${PIPESTATUS[0]}
echo "# make check-debug: $(($(date +%s) - start))s, log in build/check/kernel-debug.log"
grep -E '^(not ok |# skipped: )' "$log/kernel-debug.log"
totals=$(grep -E '^# Totals: pass:' "$log/kernel-debug.log" | tail -n1)
echo "${totals:-# no results (VM exit $rc)}"
[ "$rc" -eq 0 ] && [ -n "$totals" ]
