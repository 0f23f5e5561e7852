#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation failures the driver survives, made with its debugfs test knobs
# (module/debugfs.c) on plb, the receiver of a quiet pair:
#   starved  rx_alloc_fail 100000: UDP datagrams from pla (1000 bytes,
#            above copybreak: each takes its page up the stack) use up the
#            buffers plb posted, and none can be posted again: the NIC's
#            packet buffer fills (16 KiB, its rx_pb_bytes knob at the
#            smallest) and it misses what comes (hw_rx_missed), and the
#            driver, which can
#            get no RX interrupt, polls again after 1, 2, 4 ... 128 ms:
#            over T ms (STARVE_S s and more) at most T / 128 + 10 polls
#            (polling without end, as before, made thousands); with the
#            knob at 0 again, buffers are posted within one wait and ping
#            gets through
#   counted  rx_alloc_fail 5 under the same datagrams: the knob runs out
#            by itself (each refill stops at its first failure, the next
#            poll tries again), rx0_alloc_fail grows by exactly 5, and
#            every datagram after is received
#   partial  MTU 9000, plb's RX ring 64 (63 buffers posted), rx_alloc_fail
#            100000: 62 datagrams of one buffer each leave one posted, and
#            a datagram of 8000 bytes (3 buffers) waits in the NIC's packet
#            buffer, which raises no RX event for it; the driver, seeing
#            fewer buffers posted than the longest frame takes, polls again
#            on its retry timer: with the knob back at 0 the refill lets
#            the NIC write the frame, and it arrives (before: the queue
#            stalled for good, every later frame queued behind it)
#   ring     ring_alloc_fail 2 with two queues, all of plb's RX steered to
#            queue 0 (ethtool -X equal 1), under a ping flood: ethtool -G
#            fails ROUNDS times with ENOMEM, each time after staging queue
#            0's rings, whose page_pool belongs to the live queue 0's NAPI,
#            which the driver pauses to free it; the ring size is
#            unchanged, the knob consumed each time; then ping still gets
#            through queue 0 (a vector that fired during the pause is
#            unmasked again), and the module unloads (nothing leaked)
source "$(dirname "$0")/lib.sh"

STARVE_S=3
ROUNDS=30

require_root
require_cmd ethtool ping python3
pl_load
ktap_plan 4
setup_ns NSA NSB
pl_pair_quiet "$NSA" pla 10.0.72.1 "$NSB" plb 10.0.72.2 || exit $KSFT_FAIL
dbg=$(pl_dbg_dir "$NSB" plb) || fail_all "no debugfs directory for plb"
echo 16384 >"$dbg/rx_pb_bytes" || fail_all "rx_pb_bytes 16384"

# send N: N 1000-byte datagrams pla -> plb:9 (nobody reads them)
send()
{
	ip netns exec "$NSA" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[1])):
    s.sendto(b"s" * 1000, ("10.0.72.2", 9))
' "$1"
}

# send_big: one 8000-byte datagram pla -> plb:9
send_big()
{
	ip netns exec "$NSA" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"b" * 8000, ("10.0.72.2", 9))
'
}

# rx_got SNAP N: plb's rx0_packets grew by N or more since pl_snap SNAP
rx_got()
{
	local -n _b=$1

	pl_snap S "$NSB" plb
	[ $((S[rx0_packets] - _b[rx0_packets])) -ge "$2" ]
}

# knob_is NAME VALUE: the debugfs knob reads VALUE
knob_is()
{
	local v

	read -r v <"$dbg/$1" && [ "$v" = "$2" ]
}

# starved: no RX buffer posted on plb's queue 0
starved()
{
	pl_snap S "$NSB" plb
	local before=${S[hw_rx_missed]}

	send 1
	pl_snap S "$NSB" plb
	[ "${S[hw_rx_missed]}" -gt "$before" ]
}

RET=0
echo 100000 >"$dbg/rx_alloc_fail"
check_err $? "rx_alloc_fail 100000"
# 256 buffers posted and 16 datagrams in the packet buffer: a few more
# datagrams than that use them up
send 300
check_err $? "datagrams pla -> plb"
slowwait 10 starved
check_err $? "plb's ring never starved"
t0=$(date +%s%3N)
pl_snap B1 "$NSB" plb
sleep "$STARVE_S"
pl_snap B2 "$NSB" plb
ms=$(($(date +%s%3N) - t0))
polls=$(pl_delta B1 B2 rx0_polls)
ktap_info "plb starved for $ms ms: $polls polls"
check_num "$polls" le $((ms / 128 + 10)) "polls while starved for $ms ms"
check_num "$polls" ge 1 "polls while starved (the retry timer)"
echo 0 >"$dbg/rx_alloc_fail"
ip netns exec "$NSA" ping -c 3 -i 0.2 -W 2 -q 10.0.72.2 >/dev/null
check_err $? "ping after the knob went back to 0"
pl_snap B3 "$NSB" plb
pl_info_deltas plb B1 B3 '^(rx0_(packets|polls|alloc_fail|irqs)|hw_rx_(frames|missed))$'
log_test "rx_alloc_fail: a starved ring waits 1 to 128 ms between refills"

RET=0
pl_snap C0 "$NSB" plb
echo 5 >"$dbg/rx_alloc_fail"
send 400
check_err $? "datagrams pla -> plb"
slowwait 10 knob_is rx_alloc_fail 0
check_err $? "rx_alloc_fail did not run out"
busywait 5000 pl_settled "$NSB" plb
pl_snap C1 "$NSB" plb
check_delta C0 C1 rx0_alloc_fail eq 5 plb
pl_snap C2 "$NSB" plb
send 100
busywait 5000 pl_settled "$NSB" plb
pl_snap C3 "$NSB" plb
check_delta C2 C3 rx0_packets eq 100 "plb (after the failures)"
check_delta C2 C3 hw_rx_missed eq 0 "plb (after the failures)"
pl_info_deltas plb C0 C3 '^(rx0_(packets|polls|alloc_fail)|hw_rx_(frames|missed))$'
log_test "rx_alloc_fail 5: exactly 5 failures counted, the ring refilled by itself"

RET=0
ip -n "$NSA" link set pla mtu 9000 && ip -n "$NSB" link set plb mtu 9000 &&
	ip netns exec "$NSB" ethtool -G plb rx 64 &&
	pl_neigh_pin "$NSA" pla 10.0.72.1 "$NSB" plb 10.0.72.2
check_err $? "MTU 9000 on both ends, plb's RX ring 64"
pl_snap P0 "$NSB" plb
echo 100000 >"$dbg/rx_alloc_fail"
send 62
check_err $? "datagrams pla -> plb"
busywait 5000 rx_got P0 62
check_err $? "62 datagrams into 63 posted buffers"
send_big
check_err $? "an 8000-byte datagram pla -> plb"
echo 0 >"$dbg/rx_alloc_fail"
busywait 3000 rx_got P0 63
check_err $? "the 8000-byte datagram never arrived: plb's queue 0 stalled"
pl_snap P1 "$NSB" plb
check_delta P0 P1 rx0_packets eq 63 plb
check_delta P0 P1 hw_rx_missed eq 0 plb
ip netns exec "$NSA" ping -c 3 -i 0.2 -W 2 -q 10.0.72.2 >/dev/null
check_err $? "ping after the 8000-byte datagram"
pl_info_deltas plb P0 P1 '^(rx0_(packets|polls|alloc_fail)|hw_rx_(frames|missed))$'
ip -n "$NSA" link set pla mtu 1500 && ip -n "$NSB" link set plb mtu 1500 &&
	ip netns exec "$NSB" ethtool -G plb rx 256 &&
	pl_neigh_pin "$NSA" pla 10.0.72.1 "$NSB" plb 10.0.72.2
check_err $? "MTU 1500 and RX ring 256 again"
log_test "a jumbo frame short of posted buffers: the driver posts more unasked"

RET=0
ip netns exec "$NSB" ethtool -L plb combined 2 &&
	ip netns exec "$NSB" ethtool -X plb equal 1
check_err $? "two queues, RX on queue 0"
ip netns exec "$NSA" ping -f -q -w $((60 * PL_TIME_SCALE)) 10.0.72.2 >/dev/null 2>&1 &
flood=$!
defer kill "$flood"
failed=0
for ((r = 0; r < ROUNDS; r++)); do
	echo 2 >"$dbg/ring_alloc_fail" || break
	out=$(ip netns exec "$NSB" ethtool -G plb rx 512 2>&1) ||
		{ [[ $out == *"annot allocate memory"* ]] && failed=$((failed + 1)); }
	[ "$(cat "$dbg/ring_alloc_fail")" = 0 ] || break
done
kill "$flood" 2>/dev/null
wait "$flood" 2>/dev/null
check_num "$failed" eq $ROUNDS "ethtool -G failing with ENOMEM"
rx=$(ip netns exec "$NSB" ethtool -g plb | awk '/^Current/ { c = 1 } c && $1 == "RX:" { print $2; exit }')
check_eq "$rx" 256 "plb's RX ring size after the failed changes"
ip netns exec "$NSA" ping -c 5 -i 0.2 -W 2 -q 10.0.72.2 >/dev/null
check_err $? "ping through queue 0 after the failed changes"
log_test "ring_alloc_fail: ethtool -G fails $ROUNDS times under a flood, changes nothing, queue 0 keeps receiving"

ktap_finish
