# SPDX-License-Identifier: GPL-2.0
# Shared helpers for pktlife selftests, in the spirit of the kernel's
# tools/testing/selftests/net/lib.sh: KTAP output, ksft exit codes, netns
# with random names, deferred cleanups and wait-for-condition helpers.
#
# A test script:
#	source "$(dirname "$0")/lib.sh"
#	ktap_plan 2
#	setup_ns NS1 NS2
#	...
#	RET=0; cmd; check_err $? "cmd failed"; log_test "cmd works"
#	ktap_finish

# ksft exit codes (tools/testing/selftests/kselftest.h)
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

PL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PL_KREL=$(uname -r)
PL_KO=${PL_KO:-$PL_TOP/build/$PL_KREL/module/pktlife.ko}
PL_TOOL=${PL_TOOL:-$PL_TOP/build/tools/pktlife}
# iproute2 finds link_pktlife.so here for "ip link add ... type pktlife peer ..."
export IP_LIB_DIR=${IP_LIB_DIR:-$PL_TOP/build/ip}

KTAP_NR=0
KTAP_FAILED=0
KTAP_SKIPPED=0
KTAP_PASSED=0
RET=0
RET_MSG=

# --- KTAP -------------------------------------------------------------------

ktap_plan()
{
	echo "TAP version 13"
	echo "1..$1"
}

ktap_info()
{
	echo "# $*"
}

# Skip the whole script (before any result was printed).
skip_all()
{
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

ktap_result() # ok|not ok, name, [directive]
{
	KTAP_NR=$((KTAP_NR + 1))
	echo "$1 $KTAP_NR $2${3:+ # $3}"
}

# Record the outcome of the checks since the last log_test.
log_test()
{
	local name=$1

	if [ "$RET" -ne 0 ]; then
		[ -n "$RET_MSG" ] && ktap_info "FAIL: $RET_MSG"
		ktap_result "not ok" "$name"
		KTAP_FAILED=$((KTAP_FAILED + 1))
	else
		ktap_result "ok" "$name"
		KTAP_PASSED=$((KTAP_PASSED + 1))
	fi
	RET=0
	RET_MSG=
}

log_test_skip()
{
	ktap_result "ok" "$1" "SKIP ${2:-}"
	KTAP_SKIPPED=$((KTAP_SKIPPED + 1))
	RET=0
	RET_MSG=
}

# check_err STATUS MSG: fail the current test when STATUS is non-zero.
check_err()
{
	if [ "$RET" -eq 0 ] && [ "$1" -ne 0 ]; then
		RET=$1
		RET_MSG=$2
	fi
}

# check_fail STATUS MSG: fail the current test when STATUS is zero.
check_fail()
{
	if [ "$RET" -eq 0 ] && [ "$1" -eq 0 ]; then
		RET=1
		RET_MSG=$2
	fi
}

# check_eq GOT WANT MSG
check_eq()
{
	[ "$1" = "$2" ]
	check_err $? "$3: got '$1', want '$2'"
}

# The script's exit status: fail if any test failed, skip if all skipped.
ktap_finish()
{
	ktap_info "Totals: pass:$KTAP_PASSED fail:$KTAP_FAILED skip:$KTAP_SKIPPED"
	if [ "$KTAP_FAILED" -ne 0 ]; then
		exit $KSFT_FAIL
	elif [ "$KTAP_PASSED" -eq 0 ] && [ "$KTAP_SKIPPED" -ne 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# --- deferred cleanup ---------------------------------------------------------

PL_DEFER=()

# defer CMD ARGS...: run CMD at exit, after everything deferred later.
defer()
{
	local cmd

	printf -v cmd '%q ' "$@"
	PL_DEFER+=("$cmd")
}

defer_run_all()
{
	local i

	for ((i = ${#PL_DEFER[@]} - 1; i >= 0; i--)); do
		eval "${PL_DEFER[i]}" >/dev/null 2>&1 || true
	done
	PL_DEFER=()
}
trap defer_run_all EXIT

# --- waiting ----------------------------------------------------------------

# busywait TIMEOUT_MS CMD ARGS...: poll CMD until it succeeds.
busywait()
{
	local timeout_ms=$1
	local start now

	shift
	start=$(date +%s%3N)
	while true; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return 1
		sleep 0.02
	done
}

# slowwait TIMEOUT_S CMD ARGS...: the same, for slow conditions.
slowwait()
{
	local timeout_s=$1

	shift
	busywait $((timeout_s * 1000)) "$@"
}

# --- environment -----------------------------------------------------------

require_root()
{
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

require_cmd()
{
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "'$c' not installed"
	done
}

# setup_ns VAR...: create one netns per VAR with a random name, set VAR to it.
setup_ns()
{
	local var name

	for var in "$@"; do
		name="$var-$(mktemp -u XXXXXX)"
		ip netns add "$name" || return 1
		defer ip netns del "$name"
		ip -n "$name" link set lo up
		eval "$var=$name"
	done
}

# --- pktlife ------------------------------------------------------------------

pl_module_loaded()
{
	[ -d /sys/module/pktlife ]
}

# Load the module built for the running kernel (once per script).
pl_load()
{
	pl_module_loaded && return 0
	[ -f "$PL_KO" ] || skip_all "$PL_KO not built (make)"
	insmod "$PL_KO" || return 1
	defer pl_unload
}

pl_unload()
{
	pl_module_loaded || return 0
	rmmod pktlife
}

# pl_pair A NS_A B NS_B: a pktlife pair with A in NS_A and B in NS_B, both up.
pl_pair()
{
	local a=$1 nsa=$2 b=$3 nsb=$4

	ip link add "$a" netns "$nsa" type pktlife peer name "$b" netns "$nsb" || return 1
	ip -n "$nsa" link set "$a" up && ip -n "$nsb" link set "$b" up
}

# pl_addr NS DEV ADDR/PREFIX...: add addresses without IPv6 DAD delays.
pl_addr()
{
	local ns=$1 dev=$2 a

	shift 2
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$dev" nodad 2>/dev/null ||
			ip -n "$ns" addr add "$a" dev "$dev" || return 1
	done
}

# link_stat NS DEV FIELD: one counter from /sys/class/net/DEV/statistics.
link_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ethtool_stat NS DEV NAME: one counter from ethtool -S.
ethtool_stat()
{
	ip netns exec "$1" ethtool -S "$2" | awk -v n="$3:" '$1 == n { print $2; f = 1 } END { exit !f }'
}

# pair_counters_agree NS_A A NS_B B: what each end sent, the other received
# (packets and bytes of the driver's per-queue counters).
# PL_COUNTERS_DIFF says what differed.
pair_counters_agree()
{
	local nsa=$1 a=$2 nsb=$3 b=$4
	local sa sb

	PL_COUNTERS_DIFF=
	sa=$(ip netns exec "$nsa" ethtool -S "$a")
	sb=$(ip netns exec "$nsb" ethtool -S "$b")
	pl_counters_cross "$a" "$sa" "$b" "$sb" tx0_packets rx0_packets &&
	pl_counters_cross "$a" "$sa" "$b" "$sb" tx0_bytes rx0_bytes &&
	pl_counters_cross "$b" "$sb" "$a" "$sa" tx0_packets rx0_packets &&
	pl_counters_cross "$b" "$sb" "$a" "$sa" tx0_bytes rx0_bytes
}

pl_counters_cross() # A STATS_A B STATS_B COUNTER_A COUNTER_B
{
	local va vb

	va=$(awk -v n="$5:" '$1 == n { print $2 }' <<<"$2")
	vb=$(awk -v n="$6:" '$1 == n { print $2 }' <<<"$4")
	[ -n "$va" ] && [ "$va" = "$vb" ] && return 0
	PL_COUNTERS_DIFF="$1 $5=$va, $3 $6=$vb"
	return 1
}
