#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hardware timestamps (ethtool -T, SIOCSHWTSTAMP, SO_TIMESTAMPING).
#
# ethtool -T lists hardware TX/RX stamps with the raw clock, TX modes
# off/on and RX filters none/all, no PTP clock. SIOCSHWTSTAMP turns them
# on (a PTP-only RX filter is served as "all", and the driver says so) and
# SIOCGHWTSTAMP reads back what is set. With stamps on and a wire of
# $LAT_US us latency, N UDP datagrams from pla to plb (hwtstamp_test.c):
# each TX stamp (error queue, on completion) lies between the CLOCK_MONOTONIC
# readings before its send and after its completion (the NIC's clock is
# the host's); each RX stamp is exactly its TX stamp + the wire latency +
# its bits' time at the link's speed (the model's ground truth);
# both rise from datagram to datagram. With stamps off, no hardware stamp
# arrives, the software one still does.
#
# The wire's rate (rate_mbit $RATE) in the NIC's timestamps, from the
# pktlife:pl_hw_wire_tx and pl_tx_complete events of a TCP copy with TSO:
# a frame of L bytes takes pl_wire_ns L $RATE on the wire, and its first
# bit departs when the wire is free, so no frame departs sooner than that
# after the one before it; a TSO frame's segments go back to back, so
# each departs exactly its predecessor's time after it (the engine stamps
# what was due even when its timer ran late); and the TX writeback's stamp
# is the departure of the frame's last segment.
source "$(dirname "$0")/lib.sh"

IPA=10.0.63.1
IPB=10.0.63.2
PORT=7300
N=20
LAT_US=300
RATE=20		# Mbit/s: 615 us for a 1514-byte frame

require_root
require_cmd ip ethtool cc socat python3
pl_load

ktap_plan 7

tmp=$(mktemp -d)
defer rm -rf "$tmp"
cc -O2 -Wall -Werror -o "$tmp/hwtstamp_test" "$PL_TOP/selftests/hwtstamp_test.c" ||
	exit $KSFT_FAIL
hwt=$tmp/hwtstamp_test
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

RET=0
ip netns exec "$NSB" ethtool -T plb >"$tmp/T"
check_err $? "ethtool -T plb"
for cap in hardware-transmit hardware-receive hardware-raw-clock \
	software-transmit software-receive; do
	grep -q "$cap" "$tmp/T"
	check_err $? "ethtool -T lists $cap"
done
grep -qiE 'PTP Hardware Clock: none' "$tmp/T"
check_err $? "ethtool -T: no PTP hardware clock"
tr -s ' \t\n' ' ' <"$tmp/T" | grep -qE 'Hardware Transmit Timestamp Modes: off on '
check_err $? "TX modes off on"
tr -s ' \t\n' ' ' <"$tmp/T" | grep -qE 'Hardware Receive Filter Modes: none all( |$)'
check_err $? "RX filters none all"
log_test "ethtool -T: hardware TX/RX stamps, raw clock, modes off/on, filters none/all"

RET=0
check_eq "$(ip netns exec "$NSB" "$hwt" get plb)" "tx_type 0 rx_filter 0" "SIOCGHWTSTAMP before"
check_eq "$(ip netns exec "$NSB" "$hwt" set plb ptp)" "tx_type 1 rx_filter 1" "SIOCSHWTSTAMP ptp: RX served as all"
check_eq "$(ip netns exec "$NSB" "$hwt" get plb)" "tx_type 1 rx_filter 1" "SIOCGHWTSTAMP after"
check_eq "$(ip netns exec "$NSA" "$hwt" set pla on)" "tx_type 1 rx_filter 1" "SIOCSHWTSTAMP on"
log_test "SIOCSHWTSTAMP/SIOCGHWTSTAMP: set and read back, PTP filter widened to all"

dbg=$(pl_dbg_dir "$NSA" pla) || { echo "# no debugfs for pla"; exit $KSFT_FAIL; }
echo $LAT_US >"$dbg/latency_us"
# a datagram of 64 bytes: 14 + 20 + 8 + 64 on the wire
WIRE_NS=$(pl_wire_time "$NSA" pla 106) || exit $KSFT_FAIL

# round NAME: N datagrams pla -> plb, stamps in $tmp/NAME.tx and .rx
round()
{
	local rx rc=0

	ip netns exec "$NSB" "$hwt" recv $PORT $N >"$tmp/$1.rx" &
	rx=$!
	slowwait 10 pl_udp_bound "$NSB" $PORT || rc=1
	ip netns exec "$NSA" "$hwt" send $IPB $PORT $N >"$tmp/$1.tx" || rc=1
	wait "$rx" || rc=1
	return $rc
}

RET=0
round on
check_err $? "datagrams with their stamps"
# tx SEQ BEFORE HW AFTER / rx SEQ HW SW, joined on SEQ
join -j 2 <(sort -k2,2 "$tmp/on.tx") <(sort -k2,2 "$tmp/on.rx") | sort -n >"$tmp/on"
check_eq "$(wc -l <"$tmp/on")" $N "datagrams with both stamps"
read -r bad_tx bad_lat zero <<<"$(awk -v lat="$WIRE_NS" '
	# SEQ tx BEFORE HW AFTER rx RXHW RXSW
	{
		if ($4 == 0 || $7 == 0) z++
		if ($4 < $3 || $4 > $5) t++
		if ($7 - $4 != lat) l++
	}
	END { print t + 0, l + 0, z + 0 }' "$tmp/on")"
check_eq "$zero" 0 "datagrams missing a hardware stamp"
check_eq "$bad_tx" 0 "TX stamps before the send or after the completion"
log_test "TX stamps: one per datagram, between its send and its completion (CLOCK_MONOTONIC)"

RET=0
check_eq "$bad_lat" 0 "RX stamps not exactly TX stamp + $WIRE_NS ns"
ktap_info "first datagram: tx $(awk 'NR == 1 { print $4 }' "$tmp/on") rx $(awk 'NR == 1 { print $7 }' "$tmp/on")"
log_test "RX stamp = TX stamp + wire time (latency $LAT_US us + bits), exactly"

RET=0
awk 'NR > 1 && ($4 <= tx || $7 <= rx) { bad++ } { tx = $4; rx = $7 }
	END { exit bad > 0 }' "$tmp/on"
check_err $? "stamps do not rise from datagram to datagram"
log_test "TX and RX stamps rise monotonically"

RET=0
check_eq "$(ip netns exec "$NSA" "$hwt" set pla off)" "tx_type 0 rx_filter 0" "SIOCSHWTSTAMP off (pla)"
check_eq "$(ip netns exec "$NSB" "$hwt" set plb off)" "tx_type 0 rx_filter 0" "SIOCSHWTSTAMP off (plb)"
ip netns exec "$NSB" "$hwt" recv $PORT 3 >"$tmp/off.rx" &
rx=$!
slowwait 10 pl_udp_bound "$NSB" $PORT
# the sender waits for TX stamps that must not come: send with plain UDP
ip netns exec "$NSA" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(str(i).encode().ljust(64, b"\0"), (sys.argv[1], int(sys.argv[2])))
' $IPB $PORT
wait "$rx"
check_err $? "datagrams with stamps off"
check_eq "$(awk '$3 != 0' "$tmp/off.rx" | wc -l)" 0 "datagrams with a hardware RX stamp"
check_eq "$(awk '$4 == 0' "$tmp/off.rx" | wc -l)" 0 "datagrams without a software RX stamp"
log_test "stamps off: no hardware stamps, software ones still"

# RATE_PY TRACE PORT RATE: the departures of PORT's wire frames in TRACE,
# against the rate: "frames tso-frames gaps exact short stamps" -- wire
# frames, TSO frames (pl_tx_complete with more than one segment), gaps
# between their segments and how many of those are exactly the earlier
# segment's time on the wire, frames departing sooner than the one before
# them has left, writebacks whose stamp is not the
# departure of their last segment
RATE_PY='
import sys
trace, port, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
depart, length, done = {}, {}, []
for line in open(trace):
    f = dict(w.split("=", 1) for w in line.split() if "=" in w)
    if " pl_hw_wire_tx:" in line or " pl_tx_complete:" in line:
        fid = int(f["frame"], 16)
        if fid >> 24 != port:
            continue
        if " pl_hw_wire_tx:" in line:
            depart[fid], length[fid] = int(f["depart"]), int(f["len"])
        elif int(f["nsegs"]):
            done.append((fid, int(f["nsegs"]), int(f["depart"])))
def wire_ns(fid):
    return (max(length[fid], 60) + 24) * 8 * 1000 // rate
def seg(fid, i):
    return (fid & ~0xffffff) | ((fid + i) & 0xffffff)
tso = gaps = exact = stamps = 0
for fid, n, stamp in done:
    stamps += depart.get(seg(fid, n - 1)) != stamp
    tso += n > 1
    for i in range(1, n):
        a, b = seg(fid, i - 1), seg(fid, i)
        gaps += 1
        exact += a in depart and b in depart and depart[b] - depart[a] == wire_ns(a)
order = sorted(depart, key=depart.get)
short = sum(depart[b] - depart[a] < wire_ns(a) for a, b in zip(order, order[1:]))
print(len(depart), tso, gaps, exact, short, stamps)
'

RET=0
echo $RATE >"$dbg/rate_mbit"
head -c 256K /dev/urandom >"$tmp/src"
pl_ftrace_start TRACE pl_hw_wire_tx pl_tx_complete
check_err $? "no tracefs instance for pktlife:pl_hw_wire_tx, pl_tx_complete"
pl_socat_copy "$NSA" "$NSB" $IPB 7301 "$tmp/src" "$tmp/dst"
check_err $? "TCP copy over the $RATE Mbit/s wire"
pl_ftrace_stop "$TRACE" "$tmp/wire"
echo 0 >"$dbg/rate_mbit"
cmp -s "$tmp/src" "$tmp/dst"
check_err $? "the copy arrived changed"
read -r frames tso gaps exact short stamps <<<"$(python3 -c "$RATE_PY" "$tmp/wire" \
	"$(pl_port_id "$NSA" pla)" $RATE)"
ktap_info "pla: $frames wire frames, $tso TSO frames, $exact of $gaps segment gaps exact"
check_num "$tso" ge 10 "TSO frames of more than one segment"
check_num "$short" eq 0 "frames departing before the one before them has left"
check_num "$exact" eq "$gaps" "TSO segment gaps of exactly their predecessor's time on the wire"
check_num "$stamps" eq 0 "TX stamps not the departure of the last segment"
log_test "rate_mbit $RATE: every frame takes its bits' time on the wire, TSO segments back to back"

ktap_finish
