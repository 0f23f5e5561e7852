#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interrupt moderation (ethtool -C): out-of-range values are refused and
# change nothing; the four parameters read back; and each has its effect
# (Documentation/nic.rst, Moderation):
#   rx-usecs   the NIC holds RX events, so a ping flood raises fewer RX
#              interrupts
#   rx-frames, with rx-usecs and tx-usecs 10000 (far longer than a group of
#   tx-frames  events takes to come): K one-way datagrams pla -> plb raise K
#              TX events on pla's vector (one per frame written back) and
#              K RX events on plb's.  With tx-frames 4 and rx-frames 8 a
#              vector fires once that many have come, never sooner unless
#              its 10 ms ran out: pktlife:pl_hw_irq shows the events of
#              every interrupt, they add up to K, each interrupt covered at
#              least tx-frames (rx-frames) events or held its first 10 ms,
#              so there are at most K/4 TX and K/8 RX interrupts
#              (tx0_irqs, rx0_irqs) besides those.  More events than the
#              limit come in one when they arrive while the vector is
#              masked: the TX engine writes back the frames it caught up
#              on in one run of its timer, faster than a poll unmasks
#   tx-usecs   tx-usecs 2000 alone (tx-frames 0): the same K datagrams'
#              TX events fire pla's vector fewer than K/4 times (a timer
#              holds them), at least once
#   throttle   rx-usecs 500 alone, FLOOD datagrams from two senders at
#              once into a ring with room for all (4096: a late timer must
#              not make the NIC miss frames, whose events would then be
#              missing too): plb's vector fires at most once per 500 us, events
#              latched while a poll kept it masked included -- every gap
#              between two of its RX interrupts (pl_hw_irq, trace clock
#              mono, the NIC's clock) is at least 500 us, and the
#              interrupts covered every datagram
source "$(dirname "$0")/lib.sh"

K=128		# datagrams of the one-way rounds
FLOOD=3000	# datagrams of the throttle round
THR_US=500	# its rx-usecs
TXF=4		# tx-frames
RXF=8		# rx-frames

require_root
require_cmd ethtool ping python3 taskset
pl_load
ktap_plan 6
setup_ns NSA NSB
pl_pair_quiet "$NSA" pla 10.0.5.1 "$NSB" plb 10.0.5.2 || exit $KSFT_FAIL
tmp=$(mktemp -d)
defer rm -rf "$tmp"
# TX completions held back would let BQL stop pla's queue, and the qdisc
# then hand the datagrams waiting over in one batch, one doorbell: with a
# limit_min above what the one-way rounds send (BQL takes it at the next
# completion, in the ping floods), every datagram rings its own
ip netns exec "$NSA" sh -c \
	'echo 100000 >/sys/class/net/pla/queues/tx-0/byte_queue_limits/limit_min' ||
	exit $KSFT_FAIL

# no moderation to start from: the defaults (adaptive-rx, tx-usecs 16;
# dim.sh) off on both ends
for end in "$NSA pla" "$NSB plb"; do
	ip netns exec ${end% *} ethtool -C ${end#* } adaptive-rx off rx-usecs 0 \
		rx-frames 0 tx-usecs 0 tx-frames 0 || exit $KSFT_FAIL
done


# 2000 pings, 64 in flight: the RX interrupts plb took for them.  ping
# runs on the CPU of plb's interrupt: without moderation each request's
# interrupt comes before the next is sent (on another CPU, NAPI would poll
# many at once and moderation have little left to hold back).
rx_irqs_for_flood()
{
	local before after cpu

	cpu=$(pl_irq_cpu plb) || return 1
	before=$(ethtool_stat "$NSB" plb rx0_irqs)
	ip netns exec "$NSA" taskset -c "$cpu" ping -f -l 64 -c 2000 -q 10.0.5.2 >/dev/null ||
		return 1
	after=$(ethtool_stat "$NSB" plb rx0_irqs)
	echo $((after - before))
}

RET=0
ip netns exec "$NSB" ethtool -C plb rx-usecs 20000 2>/dev/null
check_fail $? "rx-usecs 20000 (above 10000) was accepted"
ip netns exec "$NSB" ethtool -C plb rx-frames 5000 2>/dev/null
check_fail $? "rx-frames 5000 (above 1024) was accepted"
check_eq "$(pl_coal "$NSB" plb rx-usecs)" 0 "rx-usecs after refused changes"
log_test "out-of-range moderation refused"

RET=0
ip netns exec "$NSB" ethtool -C plb rx-usecs 500 rx-frames 64 tx-usecs 100 tx-frames 32
check_err $? "ethtool -C failed"
check_eq "$(pl_coal "$NSB" plb rx-usecs)" 500 "rx-usecs"
check_eq "$(pl_coal "$NSB" plb rx-frames)" 64 "rx-frames"
check_eq "$(pl_coal "$NSB" plb tx-usecs)" 100 "tx-usecs"
check_eq "$(pl_coal "$NSB" plb tx-frames)" 32 "tx-frames"
ip netns exec "$NSB" ethtool -C plb rx-usecs 0 rx-frames 0 tx-usecs 0 tx-frames 0
log_test "ethtool -C settings read back"

RET=0
plain=$(rx_irqs_for_flood)
check_err $? "ping flood failed without moderation"
ip netns exec "$NSB" ethtool -C plb rx-usecs 1000
moderated=$(rx_irqs_for_flood)
check_err $? "ping flood failed with rx-usecs 1000"
ktap_info "RX interrupts for 2000 echo requests: $plain without moderation, $moderated with rx-usecs 1000"
[ "${plain:-0}" -gt 0 ] && [ "${moderated:-99999}" -lt $((plain / 2)) ]
check_err $? "moderation did not cut the interrupts: $plain -> $moderated"
log_test "rx-usecs holds RX interrupts back"

# K 64-byte datagrams pla -> plb as fast as pla sends them, to a socket with
# room for all (so that plb sends nothing back); fails unless all arrive.
# Counters of both ends in A0/A1, B0/B1 once both have settled.
ONEWAY_PY='
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = int(sys.argv[2])
if sys.argv[1] == "recv":
    s.setsockopt(socket.SOL_SOCKET, 33, 1 << 22)	# SO_RCVBUFFORCE
    s.bind(("0.0.0.0", 7500))
    s.settimeout(5 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1")))
    got = 0
    try:
        while got < n:
            s.recv(2048)
            got += 1
    except socket.timeout:
        pass
    print(got)
else:
    for _ in range(n):
        s.sendto(b"m" * 64, ("10.0.5.2", 7500))
'
# oneway [N [SENDERS]]: N datagrams (default K) from SENDERS (1) at once,
# on the CPU of pla's interrupt (and plb's: both queue 0): each vector's
# interrupt is taken, and its poll run, as its events come, so that the
# counts below are the moderation's own (from another CPU, an interrupt on
# its way or a poll still running keeps the vector masked, and events
# pile up unsignalled)
oneway()
{
	local n=${1:-$K} senders=${2:-1} rx rc=0 i pids=() cpu

	pl_snap A0 "$NSA" pla
	pl_snap B0 "$NSB" plb
	ip netns exec "$NSB" python3 -c "$ONEWAY_PY" recv "$n" >"$tmp/recv" &
	rx=$!
	slowwait 20 pl_udp_bound "$NSB" 7500 || rc=1
	cpu=$(pl_irq_cpu pla) || return 1
	for ((i = 0; i < senders; i++)); do
		ip netns exec "$NSA" taskset -c "$cpu" python3 -c "$ONEWAY_PY" send $((n / senders)) &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=1
	done
	wait $rx || rc=1
	[ "$(cat "$tmp/recv")" = "$n" ] || { ktap_info "$(cat "$tmp/recv") of $n datagrams arrived"; rc=1; }
	# the last interrupts wait for their timer
	busywait 5000 pl_settled "$NSA" pla || rc=1
	busywait 5000 pl_settled "$NSB" plb || rc=1
	pl_snap A1 "$NSA" pla
	pl_snap B1 "$NSB" plb
	return $rc
}

# irq_events TRACE PORT rx|tx LIMIT USECS: "interrupts events timed early"
# of the port's queue vector 0 in pktlife:pl_hw_irq events: interrupts
# with events of that direction, their events, those held USECS or more
# (their timer), and those that fired with fewer than LIMIT events sooner
irq_events()
{
	awk -v port="port=$2" -v dir="$3=" -v limit="$4" -v held_min="$(($5 * 1000))" '
		$0 ~ /pl_hw_irq:/ && index($0, " " port " vec=0 ") {
			for (i = 1; i <= NF; i++) {
				if (index($i, dir) == 1) n = substr($i, length(dir) + 1)
				if (index($i, "held=") == 1) held = substr($i, 6)
			}
			if (n > 0) {
				irqs++
				ev += n
				if (held + 0 >= held_min) timed++
				else if (n + 0 < limit) early++
			}
		}
		END { print irqs + 0, ev + 0, timed + 0, early + 0 }' "$1"
}

RET=0
ip netns exec "$NSA" ethtool -C pla tx-usecs 10000 tx-frames $TXF &&
	ip netns exec "$NSB" ethtool -C plb rx-usecs 10000 rx-frames $RXF
check_err $? "ethtool -C"
pl_ftrace_start TRACE pl_hw_irq
check_err $? "no tracefs instance for pktlife:pl_hw_irq"
oneway
check_err $? "$K datagrams pla -> plb"
pl_ftrace_stop "$TRACE" "$tmp/trace"
pl_info_deltas pla A0 A1 '^(tx0_(packets|doorbells|irqs)|rx0_irqs)$'
pl_info_deltas plb B0 B1 '^(rx0_(packets|irqs)|tx0_irqs)$'
check_delta A0 A1 tx0_doorbells eq $K "pla (a TX event each)"
for end in "pla tx $TXF A" "plb rx $RXF B"; do
	read -r dev dir limit snap <<<"$end"
	ns=NS$snap
	read -r irqs events timed early <<<"$(irq_events "$tmp/trace" \
		"$(pl_port_id "${!ns}" "$dev")" "$dir" "$limit" 10000)"
	ktap_info "$dev: $irqs interrupts with $dir events ($timed by the 10 ms timer), $events events, limit $limit"
	check_delta "${snap}0" "${snap}1" "${dir}0_irqs" ge 1 "$dev"
	check_delta "${snap}0" "${snap}1" "${dir}0_irqs" eq "$irqs" "$dev (vs. pl_hw_irq events)"
	check_num "$events" eq $K "$dev $dir events in pl_hw_irq"
	check_num "$early" eq 0 "$dev interrupts with fewer than $limit events, sooner than 10 ms"
	check_num $((irqs - timed)) le $((K / limit)) "$dev interrupts not fired by the timer"
done
log_test "tx-frames $TXF, rx-frames $RXF: an interrupt every $TXF TX, every $RXF RX events"

RET=0
ip netns exec "$NSA" ethtool -C pla tx-usecs 2000 tx-frames 0 &&
	ip netns exec "$NSB" ethtool -C plb rx-usecs 0 rx-frames 0
check_err $? "ethtool -C"
oneway
check_err $? "$K datagrams pla -> plb"
pl_info_deltas pla A0 A1 '^(tx0_(packets|doorbells|irqs)|rx0_irqs)$'
check_delta A0 A1 tx0_doorbells eq $K "pla (a TX event each)"
check_delta A0 A1 tx0_irqs ge 1 pla
check_delta A0 A1 tx0_irqs lt $((K / 4)) "pla ($K TX events held by a 2 ms timer)"
log_test "tx-usecs holds TX interrupts back"

# irq_gaps TRACE PORT: "interrupts events min-gap-ns" of the port's queue
# vector 0 interrupts with RX events, from the trace's timestamps
irq_gaps()
{
	awk -v port="port=$2" '
		$0 ~ /pl_hw_irq:/ && index($0, " " port " vec=0 ") {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[0-9]+\.[0-9]+:$/) t = $i
				if (index($i, "rx=") == 1) n = substr($i, 4)
			}
			if (n == 0)
				next
			split(substr(t, 1, length(t) - 1), p, ".")
			ns = p[1] * 1000000000 + p[2] * 1000
			if (irqs++ && (min == "" || ns - last < min))
				min = ns - last
			last = ns
			ev += n
		}
		END { printf "%d %d %s\n", irqs, ev, min == "" ? -1 : min }' "$1"
}

RET=0
ip netns exec "$NSA" ethtool -C pla tx-usecs 0 tx-frames 0 &&
	ip netns exec "$NSB" ethtool -C plb rx-usecs $THR_US rx-frames 0 tx-usecs $THR_US tx-frames 0 &&
	ip netns exec "$NSB" ethtool -G plb rx 4096
check_err $? "ethtool -C, -G"
pl_ftrace_start TRACE pl_hw_irq
check_err $? "no tracefs instance for pktlife:pl_hw_irq"
oneway $FLOOD 2
check_err $? "$FLOOD datagrams pla -> plb from two senders"
port_b=$(pl_port_id "$NSB" plb)
# events the last poll took wait for their interrupt, up to rx-usecs more
all_reported() { [ "$(irq_gaps "$TRACE/trace" "$port_b" | cut -d' ' -f2)" -ge $FLOOD ]; }
busywait 5000 all_reported
pl_ftrace_stop "$TRACE" "$tmp/throttle"
read -r irqs events gap <<<"$(irq_gaps "$tmp/throttle" "$port_b")"
ktap_info "plb: $irqs RX interrupts for $events events, the shortest gap ${gap} ns (rx-usecs $THR_US)"
check_num "$events" eq $FLOOD "RX events in pl_hw_irq"
check_num "$irqs" ge 2 "RX interrupts"
# The trace's timestamp is taken a few ns after the NIC's clock: 1 us slack.
check_num "$gap" ge $((THR_US * 1000 - 1000)) "shortest gap between two RX interrupts, ns"
log_test "rx-usecs $THR_US throttles: at most one RX interrupt per $THR_US us under a flood"

ktap_finish
