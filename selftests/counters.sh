#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver's and the NIC's counters add up, exactly: N UDP datagrams of
# one size cross a quiet pair (no IPv6, neighbours pinned, so nothing else
# moves), and every count of them along the way -- the sender's skbs
# (tx0_packets), its wire frames (hw_tx_frames), the receiver's frames
# written to the RX ring (hw_rx_frames) and handed to the stack
# (rx0_packets), and the receiving socket -- is N, and the byte counters
# agree with the frame size.
source "$(dirname "$0")/lib.sh"

N=5000
PAYLOAD=1000			# UDP payload of every datagram
FRAME=$((PAYLOAD + 8 + 20 + 14))	# + UDP + IPv4 + Ethernet headers

require_root
require_cmd python3 ethtool ss jq
pl_load
ktap_plan 4
setup_ns NSA NSB
pl_pair_quiet "$NSA" pla 10.0.6.1 "$NSB" plb 10.0.6.2 || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c $((N * (PAYLOAD - 12))) /dev/urandom >"$tmp/tx"

pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb

RET=0
ip netns exec "$NSB" python3 "$PL_UDP_PY" recv "$tmp/tx" "$tmp/rx" 9000 >"$tmp/recv.out" &
receiver=$!
defer kill "$receiver"
slowwait 20 pl_udp_bound "$NSB" 9000
check_err $? "the receiver did not start"
ip netns exec "$NSA" python3 "$PL_UDP_PY" send "$tmp/tx" 10.0.6.2 9000 fixed:$PAYLOAD >"$tmp/send.out"
check_err $? "the sender failed"
wait "$receiver"
check_err $? "the receiver failed"
check_eq "$(cat "$tmp/send.out")" "sent $N" "the sender"
check_eq "$(cat "$tmp/recv.out")" "received $N" "the receiving socket"
cmp -s "$tmp/tx" "$tmp/rx"
check_err $? "the data received differs from the data sent"
log_test "$N datagrams of $PAYLOAD bytes: the socket got all $N, intact"

pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
pl_info_deltas "pla (sender)" A0 A1 '^(tx0_|hw_tx_)'
pl_info_deltas "plb (receiver)" B0 B1 '^(rx0_|hw_rx_)'

RET=0
check_delta A0 A1 tx0_packets eq $N "sender"
check_delta A0 A1 tx0_completed eq $N "sender"
check_delta A0 A1 hw_tx_frames eq $N "sender"
check_delta B0 B1 hw_rx_frames eq $N "receiver"
check_delta B0 B1 rx0_packets eq $N "receiver"
log_test "frames: sender tx0_packets = hw_tx_frames = receiver hw_rx_frames = rx0_packets = $N"

RET=0
check_delta A0 A1 tx0_bytes eq $((N * FRAME)) "sender"
check_delta B0 B1 rx0_bytes eq $((N * FRAME)) "receiver"
d=$(pl_delta A0 A1 hw_tx_bytes)
check_err $? "sender hw_tx_bytes: no such counter in ethtool -S"
check_delta B0 B1 hw_rx_bytes eq "$d" "receiver (vs. sender hw_tx_bytes)"
check_num "$d" eq $((N * FRAME)) "sender hw_tx_bytes delta (as in memory: no padding, FCS or preamble)"
log_test "bytes: tx0_bytes = rx0_bytes = $N x $FRAME, hw_tx_bytes = hw_rx_bytes"

RET=0
check_delta B0 B1 hw_rx_missed eq 0 "receiver"
d=$(pl_delta_sum B0 B1 rx0_drop_runt rx0_drop_oversize rx0_drop_desc_err rx0_drop_nomem)
check_num "$d" eq 0 "receiver rx0_drop_* deltas"
check_delta A0 A1 tx0_drop_dma_err eq 0 "sender"
# the stack-level counters of ip -s link are the driver's own
check_eq "$(pl_ip_stat "$NSA" pla tx packets)" "${A1[tx0_packets]}" "pla ip -s link tx packets vs. tx0_packets"
check_eq "$(pl_ip_stat "$NSB" plb rx packets)" "${B1[rx0_packets]}" "plb ip -s link rx packets vs. rx0_packets"
check_eq "$(pl_ip_stat "$NSB" plb rx errors)" 0 "plb ip -s link rx errors"
log_test "nothing dropped, ip -s link agrees"

ktap_finish
