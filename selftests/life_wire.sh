#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat: rx.wire against the NIC model's wire.
#
# rx.wire is the time from the sending NIC's departure timestamp (its
# first bit on the wire) to the receiving NIC's arrival timestamp (its last
# bit in the peer's MAC). The model's wire makes that exactly the sending
# port's latency_us (debugfs) plus the frame's time on the wire at its
# rate (the link's speed, or rate_mbit; pl_wire_time), whatever the host's
# timers do: the arrival timestamp is the scheduled one
# (Documentation/nic.rst, "The wire").
#
# Three pktlife pairs between SND and RCV, each sending with its own wire:
#   pla1 -> plb1  the default latency (1 us), the link forced to 1 Gbit/s,
#                 1514-byte frames: 1 + 12.304 us
#   pla2 -> plb2  latency_us 2000, the default link (100 Gbit/s)
#   pla3 -> plb3  latency_us 300, rate_mbit 10, 1042-byte frames
# SND pings RCV over each (50 echo requests, sparse); one pktlife stat per
# receiving port runs in RCV (-D rx -i plbN; the three load in parallel, as
# loading takes seconds under TCG). Every request must be measured (rx.wire
# count = plbN's rx0_packets delta: nothing else crosses a quiet pair) and
# its wire time be exactly that: max = wire time, sum = count x wire time,
# and p50 and p99, read from the histogram, within its resolution (a value
# is within 1/32 of its slot's middle: 4 %).
source "$(dirname "$0")/lib.sh"

NPING=50
LAT=(0 1 2000 300)
RATE=(0 0 0 10)
SIZE=(0 1472 56 1000)

require_root
require_cmd ip ping jq ethtool
pl_require_tool
pl_load

ktap_plan 6

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
for i in 1 2 3; do
	pl_pair_quiet "$SND" pla$i 10.0.4$i.1 "$RCV" plb$i 10.0.4$i.2 || exit $KSFT_FAIL
	dbg=$(pl_dbg_dir "$SND" pla$i) || exit $KSFT_FAIL
	echo "${LAT[i]}" >"$dbg/latency_us"
	echo "${RATE[i]}" >"$dbg/rate_mbit"
done
# plb1 negotiates, pla1 forced: parallel detection, the link at 1000
ip netns exec "$SND" ethtool -s pla1 speed 1000 autoneg off &&
	slowwait 10 pl_link_is "$SND" pla1 1000 && slowwait 10 pl_link_is "$RCV" plb1 1000 ||
	exit $KSFT_FAIL

declare -a PID UP
for i in 1 2 3; do
	pl_life_spawn "PID[$i]" "$RCV" "$TMPD/out$i" "$TMPD/err$i" \
		stat -D rx -i plb$i -I 100 --json
done
for i in 1 2 3; do
	pl_life_started "${PID[i]}" "$TMPD/err$i"
	UP[i]=$?
done

for i in 1 2 3; do
	pl_snap "S0_$i" "$RCV" plb$i
	ip netns exec "$SND" ping -q -c $NPING -i 0.01 -s "${SIZE[i]}" -W 5 \
		10.0.4$i.2 >"$TMPD/ping$i" ||
		ktap_info "ping over pair $i failed: $(tail -n 2 "$TMPD/ping$i" | head -n 1)"
	pl_snap "S1_$i" "$RCV" plb$i
done

for i in 1 2 3; do
	[ "${UP[i]}" -eq 0 ] && kill -INT "${PID[i]}"
done
for i in 1 2 3; do
	if [ "${UP[i]}" -eq 0 ]; then
		pl_life_wait "${PID[i]}" 60
		UP[i]=$?
	fi
done

for i in 1 2 3; do
	# an echo request of SIZE bytes: 14 + 20 + 8 + SIZE on the wire
	want=$(pl_wire_time "$SND" pla$i $((42 + SIZE[i])))
	name="rx.wire, latency_us ${LAT[i]}, $(pl_wire_mbit "$SND" pla$i) Mbit/s"
	name+=", $((42 + SIZE[i]))-byte frames"

	RET=0
	check_err "${UP[i]}" "the tool did not start or did not exit cleanly"
	pl_life_load L "$TMPD/out$i"
	check_err $? "no final stat object: $(tail -c 300 "$TMPD/out$i")"
	pl_life_info L rx
	ktap_info "rx.wire p50 ${L[rx.wire.p50_ns]} p99 ${L[rx.wire.p99_ns]}" \
		"max ${L[rx.wire.max_ns]} ns, want $want"
	check_num "${L[rx.wire.max_ns]}" eq $want "rx.wire max"
	check_num "${L[rx.wire.sum_ns]}" eq $((want * ${L[rx.wire.count]:-0})) \
		"rx.wire sum vs. count (${L[rx.wire.count]}) x wire time"
	check_near "${L[rx.wire.p50_ns]}" $want "rx.wire p50" 4 0
	check_near "${L[rx.wire.p99_ns]}" $want "rx.wire p99" 4 0
	log_test "$name: every frame's wire time = latency + its bits' time"

	rx=$(pl_delta "S0_$i" "S1_$i" rx0_packets)
	check_num "$rx" eq $NPING "plb$i rx0_packets delta (a quiet pair)"
	check_num "${L[rx.wire.count]}" eq "$rx" "rx.wire count vs. rx0_packets delta"
	check_num "${L[rx.acct.started]}" eq "$rx" "rx started vs. rx0_packets delta"
	check_num "${L[rx.acct.no_depart]}" eq 0 "rx no_depart"
	check_life_acct L rx
	log_test "$name: every frame received is measured"
done

ktap_finish
