#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Deleting a pair whose peer is in another netns that is being destroyed at
# the same time. Each round: two new namespaces A and B, a pair pla (in A)
# <-> plb (in B) with addresses, a ping flood across it from the namespace
# that stays, and then, released together through one barrier:
#	round 1, 4, 7...: ip netns del B   and  ip -n A link del pla
#	round 2, 5, 8...: ip netns del A   and  ip -n B link del plb
#	round 3, 6, 9...: ip netns del A   and  ip netns del B (the flood ends
#			  with them), both in one cleanup_net() batch or two
# with a random skew of 0-20 ms between the two, so that either may win.
# The namespace's teardown (default_device_exit_batch(), the driver's
# pernet exit) and the rtnetlink dellink then race for the same pair.
# After every round, within 20 s: no pktlife device is left (the ports'
# platform devices pktlife.N and their debugfs directories are back to
# what there was before, and the end in the namespace that stays is gone),
# the deleted namespaces are gone (neither named in /run/netns nor known by
# an nsid in the initial namespace), and pktlife.ko's reference count is
# back where it was. The link deletion may find the pair gone already, but
# must not fail otherwise. At the end rmmod pktlife works (it waits for
# every namespace cleanup under way, pernet_ops_rwsem); the VM runner fails
# the run on any splat, and on the debug kernel selftests/run.sh fails it
# on any leak kmemleak finds.
#
# PKTLIFE_STRESS_LOOPS rounds (default 30: each of the three kinds ten
# times) within PKTLIFE_STRESS_LIMIT seconds (default 240; reaching it
# fails: every round planned must run). A round takes 2.3-2.6 s under TCG on the
# release kernels (most of it starting processes, and the namespace
# cleanup: up to 1.2 s); a soak run sets PKTLIFE_STRESS_LOOPS=100.
source "$(dirname "$0")/lib.sh"

LOOPS=${PKTLIFE_STRESS_LOOPS:-30}
[[ $LOOPS =~ ^[1-9][0-9]*$ ]] || { echo "PKTLIFE_STRESS_LOOPS=$LOOPS: a count of 1 or more" >&2; exit 1; }
LIMIT=${PKTLIFE_STRESS_LIMIT:-240}
IPA=10.9.6.1
IPB=10.9.6.2
PREFIX=plns-$$-

require_root
require_cmd ping
pl_require_ko
pl_load

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
exec {NAPFD}<> <(:)

# whatever namespace of ours a failed round left
# shellcheck disable=SC2317 # called at exit
cleanup_ns()
{
	local ns

	for ns in /run/netns/"$PREFIX"*; do
		[ -e "$ns" ] && ip netns del "${ns##*/}"
	done
}
defer cleanup_ns

nap() { read -r -t "$1" -u "$NAPFD"; }

# ports: how many NIC ports exist (each end of a pair has one, a platform
# device pktlife.N with a debugfs directory, until its netdev is freed)
ports()
{
	local -a p d

	p=(/sys/bus/platform/devices/pktlife.*)
	[ -e "${p[0]}" ] || p=()
	d=(/sys/kernel/debug/pktlife/*)
	[ -e "${d[0]}" ] || d=()
	echo "${#p[@]} ports, ${#d[@]} in debugfs, refcnt $(<"/sys/module/pktlife/refcnt")"
}

BASE=$(ports)

# gone NS...: every NS is gone: not in /run/netns, no nsid in ours (GONE_WHY)
# shellcheck disable=SC2317 # called through slowwait
gone()
{
	local ns ids

	ids=$(ip netns list-id 2>/dev/null)
	for ns in "$@"; do
		if [ -e "/run/netns/$ns" ]; then
			GONE_WHY="$ns still in /run/netns"
			return 1
		fi
		if [[ $ids == *"name: $ns)"* ]]; then
			GONE_WHY="$ns still has an nsid: $(grep -F "$ns" <<<"$ids")"
			return 1
		fi
	done
}

# shellcheck disable=SC2317 # called through slowwait
no_ports() { [ "$(ports)" = "$BASE" ]; }

# shellcheck disable=SC2317 # called through slowwait
dev_gone() { ! ip -n "$1" link show dev "$2" >/dev/null 2>&1; }

# job NAME CMD...: CMD in the background once the barrier opens; the
# first job of a round (FIRST=0) or the second (FIRST=1) after SKEW ms;
# its pid in JOBS[NAME], its stderr in $TMPD/NAME
declare -A JOBS
job()
{
	local name=$1 skew=0

	[ ${#JOBS[@]} -eq "$FIRST" ] && skew=$SKEW
	shift
	(
		read -r _ <&"$GATE"
		[ "$skew" = 0 ] || nap "$(printf '0.%03d' "$skew")"
		exec "$@" 2>"$TMPD/$name"
	) &
	JOBS[$name]=$!
}

# round I: FAIL says why it failed, VARIANT which it was
round()
{
	local i=$1 a=${PREFIX}a$1 b=${PREFIX}b$1 rc_ns rc_ns2 rc_link
	local flood_ns flood_ip stay="" stay_dev="" del_dev=""
	local -a dead

	FAIL=
	VARIANT=$((i % 3))
	case $VARIANT in
	1) flood_ns=$a flood_ip=$IPB stay=$a stay_dev=pla del_dev=pla dead=("$b") ;;
	2) flood_ns=$b flood_ip=$IPA stay=$b stay_dev=plb del_dev=plb dead=("$a") ;;
	0) flood_ns=$a flood_ip=$IPB dead=("$a" "$b") ;;
	esac

	# (few processes: starting one is what takes time in the VM)
	if ! ip netns add "$a" || ! ip netns add "$b"; then
		FAIL="round $i: ip netns add"
		return
	fi
	# an nsid for each in ours: the kernel drops it when the netns dies
	if ! ip -b - <<-EOB; then
		link add pla netns $a type pktlife peer name plb netns $b
		netns set $a auto
		netns set $b auto
	EOB
		FAIL="round $i: ip link add, ip netns set"
		return
	fi
	if ! ip -n "$a" -b - <<-EOB || ! ip -n "$b" -b - <<-EOB2; then
		addr add $IPA/24 dev pla
		link set pla up
	EOB
		addr add $IPB/24 dev plb
		link set plb up
	EOB2
		FAIL="round $i: addresses"
		return
	fi
	if ! ip netns exec "$flood_ns" ping -q -c 1 -W 10 "$flood_ip" >/dev/null; then
		FAIL="round $i: no ping reply across the pair"
		return
	fi
	ip netns exec "$flood_ns" ping -q -f "$flood_ip" >/dev/null 2>&1 &
	FLOOD=$!
	nap 0.1

	# the barrier: both jobs block reading it until it gets two lines
	rm -f "$TMPD/gate"
	mkfifo "$TMPD/gate"
	exec {GATE}<>"$TMPD/gate"
	# the skew delays one of the two, either
	SKEW=$((RANDOM % 21))
	FIRST=$((RANDOM % 2))
	case $VARIANT in
	1)
		job ns ip netns del "$b"
		job link ip -n "$a" link del pla
		;;
	2)
		job ns ip netns del "$a"
		job link ip -n "$b" link del plb
		;;
	0)
		kill "$FLOOD"
		job ns ip netns del "$a"
		job ns2 ip netns del "$b"
		;;
	esac
	echo -e "go\ngo" >&"$GATE"
	wait "${JOBS[ns]}"
	rc_ns=$?
	if [ $VARIANT = 0 ]; then
		wait "${JOBS[ns2]}"
		rc_ns2=$?
	else
		wait "${JOBS[link]}"
		rc_link=$?
		kill "$FLOOD" 2>/dev/null
	fi
	wait "$FLOOD" 2>/dev/null
	exec {GATE}>&-
	JOBS=()

	if [ "$rc_ns" -ne 0 ] || [ "${rc_ns2:-0}" -ne 0 ]; then
		FAIL="round $i: ip netns del failed: $(cat "$TMPD/ns" "$TMPD/ns2" 2>/dev/null)"
		return
	fi
	if [ -n "$rc_link" ]; then
		if [ "$rc_link" -eq 0 ]; then
			LINK_WON=$((LINK_WON + 1))
		# gone before ip looked it up, or before it asked to delete it
		elif grep -qE 'Cannot find device|No such device' "$TMPD/link"; then
			LINK_LOST=$((LINK_LOST + 1))
		else
			FAIL="round $i: ip link del $del_dev: $(cat "$TMPD/link")"
			return
		fi
	fi

	local t0=${EPOCHREALTIME/./}
	if [ -n "$stay" ] && ! slowwait 20 dev_gone "$stay" "$stay_dev"; then
		FAIL="round $i: $stay_dev still in the netns that stays"
	elif ! slowwait 20 no_ports; then
		FAIL="round $i: pktlife devices left: $(ports), before: $BASE"
	elif ! slowwait 20 gone "${dead[@]}"; then
		FAIL="round $i: $GONE_WHY"
	fi
	[ -n "$FAIL" ] && return
	GONE_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	# the namespace that stays goes too
	[ -n "$stay" ] && ip netns del "$stay"
}

WHAT=([1]="netns B destroyed while A deletes its end"
	[2]="netns A destroyed while B deletes its end"
	[0]="netns A and B destroyed at once")
ktap_plan 4
ktap_info "before: $BASE"
declare -A NR SLOWEST
ERR=([0]="" [1]="" [2]="")
LINK_WON=0 LINK_LOST=0
start=$SECONDS
done_loops=0
for ((i = 1; i <= LOOPS; i++)); do
	if [ $((SECONDS - start)) -ge "$LIMIT" ]; then
		ktap_info "time limit of ${LIMIT}s reached"
		break
	fi
	round "$i"
	if [ -n "$FAIL" ]; then
		ERR[VARIANT]=$FAIL
		ktap_info "FAIL: $FAIL"
		ktap_info "left: $(ip -all netns exec ip -br link 2>&1 | head -n 20 | tr '\n' ';')"
		break
	fi
	NR[$VARIANT]=$((${NR[$VARIANT]:-0} + 1))
	[ "$GONE_MS" -gt "${SLOWEST[$VARIANT]:-0}" ] && SLOWEST[$VARIANT]=$GONE_MS
	done_loops=$i
done
ktap_info "$done_loops of $LOOPS rounds in $((SECONDS - start))s; ip link del found the pair $LINK_WON times, gone already $LINK_LOST times"

for v in 1 2 0; do
	RET=0
	[ -z "${ERR[v]}" ]
	check_err $? "${ERR[v]}"
	# the limit only stops a run gone wrong: every round planned must run
	[ "$RET" -ne 0 ] || [ $done_loops -eq "$LOOPS" ]
	check_err $? "only $done_loops of $LOOPS rounds within ${LIMIT}s"
	ktap_info "${WHAT[v]}: ${NR[$v]:-0} rounds, all gone within ${SLOWEST[$v]:-0} ms at worst"
	log_test "${WHAT[v]}: pair, netns and ports gone"
done

RET=0
timeout 60 rmmod pktlife
check_err $? "rmmod pktlife failed or hung (refcnt $(cat /sys/module/pktlife/refcnt 2>/dev/null))"
log_test "rmmod pktlife after ${done_loops} rounds"

ktap_finish
