#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver's and the NIC's counters add up, exactly, on a quiet pair (no
# IPv6, neighbours pinned, so nothing else moves):
#   datagrams  N UDP datagrams of one size: every count of them along the
#              way -- the sender's skbs (tx0_packets), its wire frames
#              (hw_tx_frames), the receiver's frames written to the RX
#              ring (hw_rx_frames) and handed to the stack (rx0_packets),
#              the NIC's checksum verdicts (hw_rx_csum_good, rx0_csum_good)
#              and the receiving socket -- is N, and the byte counters
#              agree with the frame size; none dropped, none refused by
#              the NIC (hw_tx_desc_err), no NETDEV_TX_BUSY (tx0_busy), no
#              frame of more than 256 bytes copied (rx0_copybreak)
#   small      with rx off (ethtool -K plb), one round of M datagrams in
#              frames of 256 bytes, M in frames of 257, then S sends of
#              UDP_SEGMENT of G segments each (frames of 142 bytes, cut by
#              the stack and handed to the driver as one xmit_more batch):
#     copybreak  rx0_copybreak = M + S x G: every frame of at most
#                PL_COPYBREAK (256) bytes copied, once; none of 257
#     rx off     the NIC checks nothing (hw_rx_csum_none = all, good 0),
#                every skb goes up CHECKSUM_NONE (rx0_csum_none = all,
#                rx0_csum_good 0)
#     doorbells  tx0_packets = 2M + S x G, tx0_doorbells = 2M + S: one
#                PLHW_TXQ_TAIL write a batch (the queue never stopped;
#                BQL's limit_min is above what is sent, so the qdisc never
#                merges batches)
#     irqs       each end's vector fired for its own direction only: the
#                sender's tx0_irqs 1..skbs sent (one TX event per frame
#                written back), rx0_irqs 0; the receiver's rx0_irqs
#                1..frames, tx0_irqs 0
#   link_down  K datagrams queued while pla's TX engine is stalled
#              (stall_ms), then pla's cable pulled: when the stall ends the
#              engine sends them to a dead link: hw_tx_link_down = K,
#              hw_tx_frames 0, each completed (tx0_completed = K), plb
#              receives nothing
#   drop_down  frames flooding plb, held in its RX ring by rx-usecs 10000,
#              when ethtool -G takes its queue down: those the NIC wrote
#              and no poll took are rx0_drop_down (> 0 within 5 changes),
#              and hw_rx_frames = rx0_packets + rx0_drop_down exactly; every
#              frame pla sent was written or missed (hw_rx_missed)
source "$(dirname "$0")/lib.sh"

N=5000
PAYLOAD=1000			# UDP payload of every datagram
FRAME=$((PAYLOAD + 8 + 20 + 14))	# + UDP + IPv4 + Ethernet headers
M=50				# copybreak: datagrams of each size
S=16 G=4 SEG=100		# doorbells: sends, segments a send, segment payload
K=10				# link_down: datagrams sent into the stall

require_root
require_cmd python3 ethtool ss jq
pl_load
ktap_plan 10
setup_ns NSA NSB
pl_pair_quiet "$NSA" pla 10.0.6.1 "$NSB" plb 10.0.6.2 || exit $KSFT_FAIL
dbg=$(pl_dbg_dir "$NSA" pla) || fail_all "no debugfs directory for pla"

tmp=$(mktemp -d)
defer rm -rf "$tmp"
# BQL could stop the queue after a batch of the doorbell round, and the
# qdisc then hand several batches over as one: with a limit_min above what
# that round sends (BQL takes it at the next completion), it does not
ip netns exec "$NSA" sh -c \
	'echo 100000 >/sys/class/net/pla/queues/tx-0/byte_queue_limits/limit_min' ||
	exit $KSFT_FAIL
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
check_delta B0 B1 hw_rx_csum_good eq $N "receiver (UDP checked by the NIC)"
check_delta B0 B1 rx0_csum_good eq $N "receiver (CHECKSUM_UNNECESSARY)"
log_test "frames: sender tx0_packets = hw_tx_frames = receiver hw_rx_frames = rx0_packets = rx0_csum_good = $N"

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
d=$(pl_delta_sum B0 B1 rx0_drop_runt rx0_drop_oversize rx0_drop_desc_err rx0_drop_nomem rx0_drop_down)
check_num "$d" eq 0 "receiver rx0_drop_* deltas"
check_delta A0 A1 tx0_drop_dma_err eq 0 "sender"
check_delta A0 A1 hw_tx_desc_err eq 0 "sender (frames the NIC refused)"
check_delta A0 A1 tx0_busy eq 0 "sender (NETDEV_TX_BUSY)"
check_delta B0 B1 rx0_copybreak eq 0 "receiver ($FRAME-byte frames are not copied)"
# the stack-level counters of ip -s link are the driver's own
check_eq "$(pl_ip_stat "$NSA" pla tx packets)" "${A1[tx0_packets]}" "pla ip -s link tx packets vs. tx0_packets"
check_eq "$(pl_ip_stat "$NSB" plb rx packets)" "${B1[rx0_packets]}" "plb ip -s link rx packets vs. rx0_packets"
check_eq "$(pl_ip_stat "$NSB" plb rx errors)" 0 "plb ip -s link rx errors"
log_test "nothing dropped, refused or copied, ip -s link agrees"

# UDP_PY recv PORT N: take N datagrams (a large buffer: the sender does not
# wait), print how many came
# UDP_PY send IP PORT COUNT SIZE GSO [COUNT SIZE GSO]...: COUNT sends of
# SIZE bytes each; GSO not 0: with UDP_SEGMENT, the stack cuts each send
# into datagrams of GSO bytes
UDP_PY='
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if sys.argv[1] == "recv":
    s.setsockopt(socket.SOL_SOCKET, 33, 1 << 22)	# SO_RCVBUFFORCE
    s.bind(("0.0.0.0", int(sys.argv[2])))
    s.settimeout(5 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1")))
    n = 0
    try:
        while n < int(sys.argv[3]):
            s.recv(65536)
            n += 1
    except socket.timeout:
        pass
    print(n)
else:
    args = [int(a) for a in sys.argv[4:]]
    for count, size, gso in zip(args[::3], args[1::3], args[2::3]):
        s.setsockopt(socket.SOL_UDP, 103, gso)	# UDP_SEGMENT
        for _ in range(count):
            s.sendto(b"c" * size, (sys.argv[2], int(sys.argv[3])))
'

RET=0
# copybreak: frames of 256 and 257 bytes (UDP payloads of 214 and 215);
# doorbells: S sends of G segments of SEG bytes (frames of 142)
pl_set_features "$NSB" plb rx off
check_err $? "ethtool -K plb rx off"
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
ip netns exec "$NSB" python3 -c "$UDP_PY" recv 9001 $((2 * M + S * G)) >"$tmp/small" &
receiver=$!
slowwait 20 pl_udp_bound "$NSB" 9001
check_err $? "the receiver did not start"
ip netns exec "$NSA" python3 -c "$UDP_PY" send 10.0.6.2 9001 $M 214 0 $M 215 0 \
	$S $((G * SEG)) $SEG
check_err $? "the sender failed"
wait $receiver
check_eq "$(cat "$tmp/small")" $((2 * M + S * G)) "datagrams received"
busywait 5000 pl_settled "$NSA" pla && busywait 5000 pl_settled "$NSB" plb
check_err $? "the pair did not settle"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
pl_set_features "$NSB" plb rx on
check_err $? "ethtool -K plb rx on"
pl_info_deltas pla A0 A1 '^(tx0_|rx0_irqs)'
pl_info_deltas plb B0 B1 '^(rx0_|hw_rx_|tx0_irqs)'
check_delta B0 B1 rx0_packets eq $((2 * M + S * G)) plb
check_delta B0 B1 rx0_copybreak eq $((M + S * G)) \
	"plb (frames of 256 and 142 bytes, not those of 257)"
log_test "copybreak: every frame of at most 256 bytes copied, once"

RET=0
check_delta B0 B1 hw_rx_csum_none eq $((2 * M + S * G)) "plb (the NIC's RX checksum engine off)"
check_delta B0 B1 hw_rx_csum_good eq 0 plb
check_delta B0 B1 rx0_csum_none eq $((2 * M + S * G)) "plb (CHECKSUM_NONE)"
check_delta B0 B1 rx0_csum_good eq 0 plb
log_test "rx off: nothing checked, every skb up with CHECKSUM_NONE"

RET=0
check_delta A0 A1 tx0_packets eq $((2 * M + S * G)) "pla (datagrams and segments)"
check_delta A0 A1 tx0_stops eq 0 pla
check_delta A0 A1 tx0_doorbells eq $((2 * M + S)) "pla (one a batch: $((2 * M)) of 1, $S of $G)"
log_test "doorbells: one per xmit_more batch"

RET=0
check_delta A0 A1 tx0_irqs ge 1 pla
check_delta A0 A1 tx0_irqs le "$(pl_delta A0 A1 tx0_packets)" "pla (at most one per skb)"
check_delta A0 A1 rx0_irqs eq 0 "pla (received nothing)"
check_delta B0 B1 rx0_irqs ge 1 plb
check_delta B0 B1 rx0_irqs le $((2 * M + S * G)) "plb (at most one per frame)"
check_delta B0 B1 tx0_irqs eq 0 "plb (sent nothing)"
log_test "interrupts: the sender's vector fired for TX only, the receiver's for RX only"

RET=0
pla_carrier()
{
	[ "$(ip netns exec "$NSA" cat /sys/class/net/pla/carrier)" = 1 ]
}
link_down_grew() # BY
{
	[ "$(ethtool_stat "$NSA" pla hw_tx_link_down)" -ge $((${A0[hw_tx_link_down]} + $1)) ]
}
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
# stall pla's TX engine, queue K datagrams, pull pla's cable: all within
# one process, well within the stall (debugfs is not mounted in the netns:
# the knobs are opened here)
ip netns exec "$NSA" python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
os.write(3, b"%d\n" % (500 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1"))))
for _ in range(int(sys.argv[1])):
    s.sendto(b"d" * 100, ("10.0.6.2", 9))
os.write(4, b"0\n")' $K 3>"$dbg/stall_ms" 4>"$dbg/cable"
check_err $? "stall, send, pull the cable"
slowwait 10 link_down_grew $K
check_err $? "hw_tx_link_down did not grow by $K"
busywait 5000 pl_settled "$NSA" pla
check_err $? "pla did not complete the frames"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
echo 1 >"$dbg/cable"
pl_info_deltas pla A0 A1 '^(tx0_(packets|completed)|hw_tx_)'
check_delta A0 A1 hw_tx_link_down eq $K pla
check_delta A0 A1 hw_tx_frames eq 0 "pla (nothing reached the wire)"
check_delta A0 A1 tx0_completed eq $K "pla (written back)"
check_delta B0 B1 hw_rx_frames eq 0 plb
slowwait 10 pla_carrier
check_err $? "no carrier once the cable is back"
log_test "link_down: $K frames sent to a pulled cable, each counted once"

RET=0
# raw frames of an unused EtherType (no reply, nothing but the flood), as
# fast as pla takes them, for at most 60 s
FLOOD_PY='
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("pla", 0))
frame = bytes.fromhex(sys.argv[1].replace(":", "")) + bytes(6) + b"\x88\xb5" + bytes(46)
end = time.monotonic() + 60
while time.monotonic() < end:
    try:
        s.send(frame)
    except OSError:
        pass
'
flood_arrived()
{
	[ "$(ethtool_stat "$NSB" plb rx0_packets)" -gt "${B0[rx0_packets]}" ]
}
drop_down_grew()
{
	[ "$(ethtool_stat "$NSB" plb rx0_drop_down)" -gt "${B0[rx0_drop_down]}" ]
}
ip netns exec "$NSB" ethtool -C plb adaptive-rx off rx-usecs 10000
check_err $? "ethtool -C plb adaptive-rx off rx-usecs 10000"
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
ip netns exec "$NSA" python3 -c "$FLOOD_PY" "$(pl_mac "$NSB" plb)" &
flood=$!
defer kill $flood
# each change takes the queue down while up to 10 ms of the flood waits
# in the ring for its interrupt
slowwait 10 flood_arrived
check_err $? "the flood did not reach plb"
for i in 1 2 3 4 5; do
	ip netns exec "$NSB" ethtool -G plb rx $((i % 2 ? 128 : 256)) ||
		check_err 1 "ethtool -G plb rx (change $i)"
	drop_down_grew && break
done
kill $flood
wait $flood 2>/dev/null
busywait 5000 pl_settled "$NSB" plb
check_err $? "plb did not settle after the flood"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
pl_info_deltas plb B0 B1 '^(rx0_(packets|drop_[a-z]+)|hw_rx_(frames|missed))$'
ktap_info "$i ring change(s)"
check_delta B0 B1 rx0_drop_down gt 0 plb
d=$(pl_delta_sum B0 B1 rx0_packets rx0_drop_down)
check_delta B0 B1 hw_rx_frames eq "$d" "plb (vs. rx0_packets + rx0_drop_down)"
d=$(pl_delta_sum B0 B1 rx0_drop_runt rx0_drop_oversize rx0_drop_desc_err rx0_drop_nomem)
check_num "$d" eq 0 "plb other rx0_drop_* deltas"
d=$(pl_delta_sum B0 B1 hw_rx_frames hw_rx_missed)
check_delta A0 A1 hw_tx_frames eq "$d" "pla (vs. plb hw_rx_frames + hw_rx_missed)"
log_test "drop_down: frames in the ring when the queue went down, each counted once"

ktap_finish
