#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every pktlife selftest on the running kernel (normally inside the VM:
# testing/vm/run -- selftests/run.sh) and print KTAP, the way the kernel's
# kselftest runner does: each script is one test, its own KTAP indented.
#	run.sh [--set SET] [--skip TEST.sh]... [TEST.sh ...]
# (default: every test script here).  SET is a kernel's test set, the last
# column of kernels.conf: "all", or "driver": the tests of the driver and
# the NIC model, every test but those of the pktlife tool (life_*, tool_*,
# stress_attach.sh, bench_smoke.sh), for a kernel where what changes is how
# the driver's locks and interrupts run (PREEMPT_RT).  --skip leaves a
# test of the set out, and says so (make check runs bench_smoke.sh, which
# tests bench/ rather than a kernel, on one kernel only).
set -u

set=all
skipped=()
while [ $# -gt 0 ]; do
	case $1 in
	--set) set=${2:?--set needs all or driver}; shift 2 ;;
	--skip) skipped+=("${2:?--skip needs a test}"); shift 2 ;;
	*) break ;;
	esac
done
case $set in
all | driver) ;;
*) echo "run.sh: unknown test set '$set' (all, driver)" >&2; exit 2 ;;
esac

dir=$(cd "$(dirname "$0")" && pwd)
for t in "${skipped[@]}"; do
	[ -f "$dir/$t" ] || { echo "run.sh: --skip $t: no such test in $dir" >&2; exit 2; }
done
per_test_timeout=${PKTLIFE_TEST_TIMEOUT:-600}
# PKTLIFE_BUDGET: seconds the whole run may take (0: no limit), e.g. what
# is left of CI's time.  A test starts only if PKTLIFE_TEST_EST seconds
# (what a test takes at most, typically; default 300) still fit; the
# others fail, "not started": a set that no longer fits its time is a
# problem to solve, not a smaller set.
budget=${PKTLIFE_BUDGET:-0}
test_est=${PKTLIFE_TEST_EST:-300}
run_start=$(date +%s)

without=
if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		[ -f "$t" ] || [ ! -f "$dir/$t" ] || t=$dir/$t
		[ -f "$t" ] || { echo "run.sh: $t: no such test" >&2; exit 2; }
		tests+=("$t")
	done
else
	without=${skipped[*]:+, without ${skipped[*]}}
	tests=()
	for t in "$dir"/*.sh; do
		case ${t##*/} in lib*.sh | run.sh) continue ;; esac
		if [ "$set" = driver ]; then
			case ${t##*/} in life_* | tool_* | stress_attach.sh | bench_smoke.sh) continue ;; esac
		fi
		[[ " ${skipped[*]} " == *" ${t##*/} "* ]] && continue
		tests+=("$t")
	done
fi

echo "TAP version 13"
echo "1..${#tests[@]}"
echo "# kernel: $(uname -r), test set: $set$without"

# Kernel options the tests need (selftests/config) that this kernel lacks
# (a kernel not installed from a package has its config in /proc).
kconfig=/boot/config-$(uname -r)
[ -r "$kconfig" ] || kconfig=/proc/config.gz
if [ -r "$kconfig" ]; then
	kopts=$(zcat -f "$kconfig")
	grep -E '^CONFIG_' "$dir/config" | while IFS= read -r opt; do
		name=${opt%%=*}
		grep -qE "^$name=(y|m)" <<<"$kopts" || echo "# config: $name is not set in $kconfig"
	done
fi

# On a kernel with kmemleak (the debug build), memory leaked by a test
# fails it: the leak detector scans after each test, and what it reports
# unreferenced is printed with the test. It only reports objects older
# than 5 s, so the scan waits that long after the test. What the boot
# left unreferenced (not ours: the module is not loaded yet) is shown once
# and set aside.
kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] || kmemleak=
# leaks: scan; print and forget what was found; fail if anything was
leaks()
{
	local report

	echo scan >"$kmemleak" || return 0
	report=$(cat "$kmemleak")
	echo clear >"$kmemleak"
	[ -n "$report" ] || return 0
	sed 's/^/# kmemleak: /' <<<"$report" | head -n 200
	return 1
}
if [ -n "$kmemleak" ]; then
	echo "# kmemleak: a scan after each test"
	leaks >/dev/null || echo "# kmemleak: unreferenced objects from boot set aside"
fi

# The stack frees a received skb on the CPU that allocated it (TCP's
# skb_attempt_defer_free()): the consuming CPU parks it on that CPU's list,
# and only the 32nd parked skb kicks a flush there.  Fewer stay parked until
# that CPU next runs NET_RX, and their page_pool pages with them: a test
# deleting its pair then leaves a pool waiting for them, and after 60 s the
# kernel warns "stalled pool shutdown", a splat, though nothing leaked.
# Free skbs where they are consumed.
if [ -w /proc/sys/net/core/skb_defer_max ]; then
	echo 0 >/proc/sys/net/core/skb_defer_max
	echo "# net.core.skb_defer_max=0: skbs are freed where consumed"
fi

# Every skip is listed at the end with its reason: a script skipped whole,
# and each result a passing script skipped (KTAP's "ok N ... # SKIP").
# A skip may only mean that the kernel or the host lacks something that is
# not ours to provide (Documentation/testing.rst, "Skips").
out=$(mktemp)
trap 'rm -f "$out"' EXIT
skips=()
pass=0 fail=0 skip=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=${t##*/}
	echo "# selftests: pktlife: $name"
	start=$(date +%s)
	if [ "$budget" -gt 0 ] && [ $((start - run_start + test_est)) -gt "$budget" ]; then
		echo "not ok $n selftests: pktlife: $name # not started: $((start - run_start)) s of the ${budget}-s budget gone"
		fail=$((fail + 1))
		continue
	fi
	timeout -k 10 "$per_test_timeout" bash "$t" 2>&1 | tee "$out" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))
	# A test must leave no pktlife state behind for the next one: a module
	# left loaded fails it (and if it cannot be unloaded, every later test
	# that loads it fails too).
	if [ -d /sys/module/pktlife ]; then
		echo "# FAIL: $name left pktlife.ko loaded (refcnt $(cat /sys/module/pktlife/refcnt))"
		rmmod pktlife
		case $rc in 0 | 4) rc=1 ;; esac
	fi
	while IFS= read -r line; do
		skips+=("$name: $line")
	done < <(sed -nE 's/^1\.\.0 # SKIP (.*)/\1/p; s/^ok [0-9]+ (.*) # SKIP ?(.*)/\1: \2/p' "$out")
	if [ -n "$kmemleak" ]; then
		sleep 5
		if ! leaks; then
			echo "# kmemleak: $name leaked memory"
			case $rc in 0 | 4) rc=1 ;; esac
		fi
	fi
	case $rc in
	0) echo "ok $n selftests: pktlife: $name # ${secs}s"; pass=$((pass + 1)) ;;
	4) echo "ok $n selftests: pktlife: $name # SKIP"; skip=$((skip + 1)) ;;
	# 137: the test did not end within timeout's 10 s after SIGTERM
	124 | 137) echo "not ok $n selftests: pktlife: $name # TIMEOUT ${per_test_timeout}s"; fail=$((fail + 1)) ;;
	*) echo "not ok $n selftests: pktlife: $name # exit=$rc"; fail=$((fail + 1)) ;;
	esac
done

for s in "${skips[@]}"; do
	echo "# skipped: $s"
done
echo "# Totals: pass:$pass fail:$fail skip:$skip skipped-results:${#skips[@]}"
[ "$fail" -eq 0 ]
