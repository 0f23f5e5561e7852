# SPDX-License-Identifier: GPL-2.0
# Shared helpers for pktlife selftests, in the spirit of the kernel's
# tools/testing/selftests/net/lib.sh.  This file holds the generic ones:
# KTAP output and ksft exit codes, check_* assertions, deferred cleanups,
# wait-for-condition helpers, require_* and netns with random names.  It
# sources the others, so that a test sources this file only:
#	lib_nic.sh	the module, pairs, counters, features, the driver's
#			debugfs and tracepoints, checked traffic
#	lib_tool.sh	the pktlife command: start it, stop it, read its JSON
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

KTAP_PLAN=
KTAP_NR=0
KTAP_FAILED=0
KTAP_SKIPPED=0
KTAP_PASSED=0
RET=0
RET_MSG=

# --- KTAP -------------------------------------------------------------------

ktap_plan()
{
	KTAP_PLAN=$1
	echo "TAP version 13"
	echo "1..$1"
}

ktap_info()
{
	echo "# $*"
}

# Skip the whole script: the kernel or the host lacks something the test
# needs that is not ours to provide.  Before the plan, the script is one
# skip; after it, every result not yet logged is a skip (a test should
# know what it can run before it plans).
skip_all()
{
	if [ -z "$KTAP_PLAN" ]; then
		echo "TAP version 13"
		echo "1..0 # SKIP $*"
		exit $KSFT_SKIP
	fi
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		log_test_skip "result $((KTAP_NR + 1)) of $KTAP_PLAN" "$*"
	done
	ktap_finish
}

# fail_all MSG: something the rest of the script needs failed, and that is
# a fault of ours (the module does not load, TSO is refused): every result
# not yet logged fails, with MSG.
fail_all()
{
	[ -n "$KTAP_PLAN" ] || ktap_plan 1
	ktap_info "FAIL: $*"
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		ktap_result "not ok" "result $((KTAP_NR + 1)) of $KTAP_PLAN (not run)"
		KTAP_FAILED=$((KTAP_FAILED + 1))
	done
	ktap_finish
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

# The script's exit status: fail if any test failed or the results are not
# the plan's, skip if all skipped.
ktap_finish()
{
	ktap_info "Totals: pass:$KTAP_PASSED fail:$KTAP_FAILED skip:$KTAP_SKIPPED"
	PL_FINISHED=1
	if [ -n "$KTAP_PLAN" ] && [ "$KTAP_NR" -ne "$KTAP_PLAN" ]; then
		ktap_info "FAIL: $KTAP_NR results logged, $KTAP_PLAN planned"
		exit $KSFT_FAIL
	fi
	if [ "$KTAP_FAILED" -ne 0 ]; then
		exit $KSFT_FAIL
	elif [ "$KTAP_PASSED" -eq 0 ] && [ "$KTAP_SKIPPED" -ne 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# --- deferred cleanup ---------------------------------------------------------

PL_DEFER=()
PL_FINISHED=

# defer CMD ARGS...: run CMD at exit, after everything deferred later.  Its
# failure is ignored: a process that is already gone, a file the test
# removed itself.
defer()
{
	local cmd

	printf -v cmd '%q ' "$@"
	PL_DEFER+=("$cmd")
}

# defer_check CMD ARGS...: the same, but a cleanup that must succeed: its
# failure fails the script (an rmmod refused is a reference leaked).
defer_check()
{
	defer "$@"
	PL_DEFER[-1]="!${PL_DEFER[-1]}"
}

# Run the cleanups, last deferred first.  Returns 1 if one that must
# succeed failed, having said which and what it printed.
defer_run_all()
{
	local i cmd out ret=0

	for ((i = ${#PL_DEFER[@]} - 1; i >= 0; i--)); do
		cmd=${PL_DEFER[i]}
		if [ "${cmd:0:1}" = "!" ]; then
			out=$(eval "${cmd:1}" 2>&1) && continue
			ktap_info "FAIL: cleanup '${cmd:1}' failed: $out"
			ret=1
		else
			eval "$cmd" >/dev/null 2>&1
		fi
	done
	PL_DEFER=()
	return $ret
}

# At exit: the cleanups, and the verdict they and the plan leave.  A script
# that passed fails if a cleanup that must succeed failed, or if it planned
# results and exited without ktap_finish.
pl_exit()
{
	local rc=$?

	if [ "$rc" -ne "$KSFT_FAIL" ] && [ -n "$KTAP_PLAN" ] && [ -z "$PL_FINISHED" ]; then
		ktap_info "FAIL: exit $rc after $KTAP_NR of $KTAP_PLAN results, without ktap_finish"
		rc=$KSFT_FAIL
	fi
	defer_run_all || rc=$KSFT_FAIL
	exit "$rc"
}
trap pl_exit EXIT

# --- waiting ----------------------------------------------------------------

# PKTLIFE_TIME_SCALE: how many times slower than a release kernel this one
# is (make check-debug sets it); it stretches every wait for a condition,
# never a limit a test asserts.
PL_TIME_SCALE=${PKTLIFE_TIME_SCALE:-1}

# busywait TIMEOUT_MS CMD ARGS...: poll CMD until it succeeds.
busywait()
{
	local timeout_ms=$(($1 * PL_TIME_SCALE))
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

# pl_gone PID: the process has exited.
pl_gone()
{
	! kill -0 "$1" 2>/dev/null
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

# pl_ns_empty NS: no process is left in netns NS.
pl_ns_empty()
{
	[ -z "$(ip netns pids "$1" 2>/dev/null)" ]
}

# pl_ns_del NS: delete a test's netns so that nothing of it outlives the
# test: its processes are killed and waited for, then its TCP sockets are
# aborted.  A process's exit does not free everything its TCP sockets
# hold: a socket whose FIN is not yet acknowledged (the peer's device is
# gone, say) lives on as an orphan, retrying for up to ~100 s, with its
# out-of-order queue.  That queue's skbs hold pages of the receiving
# device's page pool, so a pool destroyed meanwhile (rmmod, link del)
# cannot finish, and after 60 s the kernel reports a stalled pool shutdown
# -- the line by which the VM runner catches a driver that leaks RX
# buffers.  Aborting the sockets (ss -K, CONFIG_INET_DIAG_DESTROY) frees
# the queue at once, so that line can only mean a leak.
pl_ns_del()
{
	local ns=$1 pids

	pids=$(ip netns pids "$ns" 2>/dev/null)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086 # one PID per word
		kill $pids 2>/dev/null
		if ! busywait 5000 pl_ns_empty "$ns"; then
			# shellcheck disable=SC2046
			kill -KILL $(ip netns pids "$ns") 2>/dev/null
			busywait 5000 pl_ns_empty "$ns"
		fi
	fi
	ip netns exec "$ns" ss -K -t -a >/dev/null 2>&1
	ip netns del "$ns"
}

# setup_ns VAR...: create one netns per VAR with a random name, set VAR to
# it; pl_ns_del deletes it when the test ends.
setup_ns()
{
	local var name

	for var in "$@"; do
		name="$var-$(mktemp -u XXXXXX)"
		ip netns add "$name" || return 1
		defer pl_ns_del "$name"
		ip -n "$name" link set lo up
		eval "$var=$name"
	done
}

# --- numeric assertions -------------------------------------------------------

# pl_cmp A OP B: integers A and B compared by OP (eq ne lt le gt ge, as in
# test(1)); status 2 if either is not an integer.
pl_cmp()
{
	[[ $1 =~ ^-?[0-9]+$ && $3 =~ ^-?[0-9]+$ ]] || return 2
	case $2 in
	eq) (($1 == $3)) ;;
	ne) (($1 != $3)) ;;
	lt) (($1 < $3)) ;;
	le) (($1 <= $3)) ;;
	gt) (($1 > $3)) ;;
	ge) (($1 >= $3)) ;;
	*) return 2 ;;
	esac
}

# check_num GOT OP WANT MSG: a numeric comparison; a non-number fails.
check_num()
{
	pl_cmp "$1" "$2" "$3"
	check_err $? "$4: got '$1', want -$2 '$3'"
}

# pl_near GOT WANT PCT ABS: |GOT - WANT| <= max(WANT * PCT %, ABS).  A test
# chooses both from what the model guarantees (a histogram's slot, a
# timer's lateness): there is no default.
pl_near()
{
	local got=$1 want=$2 pct=$3 abs=$4 tol d

	[[ $got =~ ^[0-9]+$ && $want =~ ^[0-9]+$ && $pct =~ ^[0-9]+$ && $abs =~ ^[0-9]+$ ]] ||
		return 2
	tol=$((want * pct / 100))
	[ "$tol" -lt "$abs" ] && tol=$abs
	d=$((got - want))
	[ "${d#-}" -le "$tol" ]
}

# check_near GOT WANT MSG PCT ABS
check_near()
{
	pl_near "$1" "$2" "$4" "$5"
	check_err $? "$3: got '$1' ns, want $2 ns +-max($4 %, $5 ns)"
}

# shellcheck source=selftests/lib_nic.sh
source "$PL_TOP/selftests/lib_nic.sh"
# shellcheck source=selftests/lib_tool.sh
source "$PL_TOP/selftests/lib_tool.sh"
