#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reconfiguration under full traffic: an unpaced TCP stream and an unpaced
# UDP stream (traffic.py, every byte checked) cross a pair while the
# pair's links go down and up, its MTU changes, ethtool -K flips offloads,
# -L changes the channel count and -G the ring sizes, on both ends: each
# kind of change goes PKTLIFE_STRESS_PASSES times (default 3; a soak run
# sets more) through its whole cycle of values: every value each pass,
# and from the second pass on every step between two of them; every
# offload change is read back.  After every change both streams must deliver again
# within PKTLIFE_STRESS_RESUME_MS (default 1000; 2000 after a link flap,
# see below): no queue may be left stuck.  No byte may arrive changed, and
# no TCP connection may end but by its 1-s TCP_USER_TIMEOUT (no reset).
# Then the pair is deleted under traffic and, where the kernel lists page
# pools (netdev netlink, 6.8), none of its pools may be left with pages in
# flight.  The VM runner fails the run on any splat.
source "$(dirname "$0")/lib.sh"

PASSES=${PKTLIFE_STRESS_PASSES:-3}
[[ $PASSES =~ ^[1-9][0-9]*$ ]] || { echo "PKTLIFE_STRESS_PASSES=$PASSES: a count of 1 or more" >&2; exit 1; }
RESUME_MS=${PKTLIFE_STRESS_RESUME_MS:-1000}
IPA=10.9.3.1
IPB=10.9.3.2

require_root
require_cmd python3 ethtool jq
# page pools are listed over netlink from 6.8 on
maj=$(uname -r | cut -d. -f1) min=$(uname -r | cut -d. -f2)
pools_listed=1
[ "$maj" -eq 6 ] && [ "$min" -lt 8 ] && pools_listed=0
[ $pools_listed -eq 0 ] || pl_require_ynl
pl_load

ktap_plan 7
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair pla "$NSA" plb "$NSB" || exit $KSFT_FAIL
pl_addr "$NSA" pla $IPA/24 || exit $KSFT_FAIL
pl_addr "$NSB" plb $IPB/24 || exit $KSFT_FAIL
pl_traffic_start "$NSA" "$NSB" $IPB $IPB
pl_traffic_wait 30000 || { ktap_info "no traffic across the pair"; exit $KSFT_FAIL; }

# both CMD ARGS...: CMD on the two ends ("@" in ARGS is the device name)
both()
{
	local end ns dev

	for end in "$NSA/pla" "$NSB/plb"; do
		ns=${end%/*} dev=${end#*/}
		ip netns exec "$ns" "${@//@/$dev}" >/dev/null || return 1
	done
}

flap() # I
{
	local ns=$NSA dev=pla

	[ $(($1 % 2)) -eq 0 ] || { ns=$NSB dev=plb; }
	ip -n "$ns" -b - <<-EOB
		link set $dev down
		link set $dev up
	EOB
}
# one end, then the other
flap_cycle=2

MTUS=(9000 1280 4000 1500)
mtu() { both ip link set dev @ mtu "${MTUS[$1 % ${#MTUS[@]}]}"; }
mtu_cycle=${#MTUS[@]}

# one offload off, the next change turns it back on and the next one off;
# each read back (ethtool -k) on both ends once the streams are back: the
# change took
FEATURES=(tx sg tso gso gro rxhash rx)
declare -A FEATURE_NAME=([tx]=tx-checksumming [sg]=scatter-gather
	[tso]=tcp-segmentation-offload [gso]=generic-segmentation-offload
	[gro]=generic-receive-offload [rxhash]=receive-hashing [rx]=rx-checksumming)
feature_of() # I: "FEATURE on|off" of change I
{
	local v=off

	[ $(($1 % 2)) -eq 0 ] || v=on
	echo "${FEATURES[$(($1 / 2 % ${#FEATURES[@]}))]} $v"
}
features()
{
	local f v

	read -r f v <<<"$(feature_of "$1")"
	both ethtool -K @ "$f" "$v"
}
features_verify()
{
	local f v end now

	read -r f v <<<"$(feature_of "$1")"
	for end in "$NSA/pla" "$NSB/plb"; do
		now=$(ip netns exec "${end%/*}" ethtool -k "${end#*/}" |
			awk -F': ' -v n="${FEATURE_NAME[$f]}" '$1 == n { print $2 }')
		[ "${now%% *}" = "$v" ] || {
			ktap_info "ethtool -K ${end#*/} $f $v: ethtool -k says ${FEATURE_NAME[$f]}: $now"
			return 1
		}
	done
}
features_cycle=$((2 * ${#FEATURES[@]}))

CHANNELS=(4 8 1 2 3)
channels() { both ethtool -L @ combined "${CHANNELS[$1 % ${#CHANNELS[@]}]}"; }
channels_cycle=${#CHANNELS[@]}

RINGS=(4096 64 1024 128 256)
rings()
{
	local n=${RINGS[$1 % ${#RINGS[@]}]}

	both ethtool -G @ rx "$n" tx "$n"
}
rings_cycle=${#RINGS[@]}

# What a stall leaves to read: both ends' non-zero counters (tx_timeouts,
# stops and wakes, interrupts, misses) and the kernel log's tail.
stall_report()
{
	local end

	for end in "$NSA/pla" "$NSB/plb"; do
		ktap_info "${end#*/}: $(ip netns exec "${end%/*}" ethtool -S "${end#*/}" |
			awk '$2 ~ /^[0-9]+$/ && $2 != 0 { printf "%s%s", sep, $1 $2; sep = " " }')"
	done
	dmesg | tail -20 | while IFS= read -r line; do ktap_info "dmesg: $line"; done
}

# churn NAME WHAT FN [MS]: FN 0, FN 1, ... (PASSES times FN's cycle,
# NAME_cycle changes), each followed by the wait (MS, default RESUME_MS)
# for both streams, then by NAME_verify I where there is one
churn()
{
	local name=$1 what=$2 fn=$3 bound=${4:-$RESUME_MS}
	local cycle=${name}_cycle
	local t0
	local n=0 worst=0 sum=0 changes=$((PASSES * ${!cycle})) began=$SECONDS

	RET=0
	while [ $n -lt $changes ]; do
		if ! $fn $n; then
			check_err 1 "$name: change $n failed"
			break
		fi
		t0=${EPOCHREALTIME/./}
		if ! pl_traffic_back "$bound" "$t0"; then
			pl_traffic_wait 10000 "$t0"
			check_err 1 "$name: change $n: a stream stalled for more than $bound ms (back after: TCP $PL_TCP_MS ms, UDP $PL_UDP_MS ms)"
			stall_report
			break
		fi
		if declare -F "${name}_verify" >/dev/null && ! "${name}_verify" $n; then
			check_err 1 "$name: change $n did not take"
			break
		fi
		[ "$PL_TRAFFIC_MS" -gt "$worst" ] && worst=$PL_TRAFFIC_MS
		sum=$((sum + PL_TRAFFIC_MS))
		n=$((n + 1))
	done
	[ $n -gt 0 ] || check_err 1 "$name: no change made"
	ktap_info "$name: $n changes in $((SECONDS - began))s, traffic back after $((sum / (n ? n : 1))) ms on average, $worst ms at worst"
	log_test "$what under traffic, streams back within $bound ms each time"
}

# A carrier change reaches the stack through linkwatch, which runs at most
# once a second for events it does not deem urgent: after a flap the
# kernel itself may hold traffic for up to a second more, whatever the
# driver (a veth pair measured 1014 ms at worst in the same churn).
churn flap "link down/up" flap $((RESUME_MS + 1000))
churn mtu "MTU 9000/1280/4000/1500" mtu
churn features "ethtool -K offloads off and on" features
both ethtool -K @ tx on sg on tso on gso on gro on rxhash on rx on
churn channels "ethtool -L combined 1-8" channels
churn rings "ethtool -G rx/tx 64-4096" rings

# A connection may end only because the pair held its data for longer
# than the sender's TCP_USER_TIMEOUT (1 s) during a change, never by a
# reset or an error; each one made was accepted.
# (both status files are rewritten ten times a second: a reconnect may be
# in one and not yet in the other)
conns_agree()
{
	pl_traffic_read && pl_traffic_read_sender &&
		[ "$TR_CONNS" = "$TS_CONNECTED" ] &&
		[ "$TS_CONNECTED" = $((1 + TS_TIMED_OUT + TS_FAILED)) ]
}
RET=0
busywait 2000 conns_agree
pl_traffic_read && pl_traffic_read_sender
check_err $? "the traffic's status files"
ktap_info "delivered: TCP $TR_TCP bytes over $TR_CONNS connections, UDP $TR_UDP datagrams"
ktap_info "sender: $TS_CONNECTED connections made, $TS_TIMED_OUT timed out, $TS_FAILED failed, $TS_CONNECT_FAILED connects failed (last error $TS_LAST_ERROR)"
check_eq "$TR_BAD" 0 "bytes or datagrams that arrived changed"
check_eq "$TS_FAILED" 0 "TCP connections ended by a reset or an error (last $TS_LAST_ERROR)"
check_eq "$TS_CONNECTED" "$((1 + TS_TIMED_OUT + TS_FAILED))" \
	"connections made vs. the one open + those ended"
check_eq "$TR_CONNS" "$TS_CONNECTED" "connections accepted vs. made"
log_test "every byte that arrived was the byte sent; no TCP connection reset"

# pools: how many page pools the kernel lists in the pair's namespaces (a
# deleted device's pools that still have pages out move to the namespace's
# lo, and stay listed until the last page is back)
pools()
{
	local ns n=0

	for ns in "$NSA" "$NSB"; do
		n=$((n + $(ip netns exec "$ns" python3 "$PL_YNL_CLI" --spec "$PL_YNL_SPEC" \
			--no-schema --dump page-pool-get --output-json | jq length))) || return 1
	done
	echo $n
}
no_pools() { [ "$(pools)" = 0 ]; }

RET=0
n_pools=$(pools 2>/dev/null)
ip -n "$NSA" link del pla
check_err $? "deleting the pair under traffic"
# the receiver's sockets hold pages of the pools until they are closed
pl_traffic_stop
if [ $pools_listed -eq 0 ]; then
	log_test_skip "no page pool left with pages in flight" \
		"kernel $(uname -r) lists no page pools (netdev netlink, 6.8)"
else
	# (the dump of the pools lives on: the pair's own were listed)
	check_num "$n_pools" gt 0 "page pools listed while the pair was up"
	slowwait 20 no_pools
	check_err $? "page pools left with pages in flight: $(pools)"
	log_test "pair deleted under traffic: every page back in its pool, every pool freed"
fi

ktap_finish
