#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife trace: IPv6 journeys, end to end, on both ends of a pktlife pair.
#
# SND pings RCV once over IPv6 (ICMPv6), then sends RCV one UDP datagram,
# which RCV's reader sends back; pktlife trace --host PEER (an IPv6
# address, so IPv6 only) runs in both netns. The journeys, each with
# exactly the stages its IPv4 counterpart has (life_ping.sh, life_udp.sh):
#   SND tx  the echo request: ping's raw socket, sock (to ip6_output())
#           ... compl, no l4; "completed"
#   SND rx  the echo reply: the clone delivered to ping's raw socket,
#           wire ... sockq, "completed"; the original, which no ICMPv6
#           socket wants: "dropped", reason NO_SOCKET
#   SND tx  the datagram: sock (udpv6_sendmsg() to udp_v6_send_skb()), l4
#           (to ip6_output()) ... compl, "completed"
#   SND rx  the datagram sent back: wire ... sockq, "completed"
#   RCV rx  the echo request: wire ... local, "ended" (the kernel answers
#           it and frees it; 6.1 frees it as a drop: "dropped",
#           NOT_SPECIFIED)
#   RCV tx  the echo reply, from ip6_output() on: ip ... compl, "completed"
#   RCV rx  the datagram: wire ... sockq; RCV tx  the one sent back: sock
#           ... compl; both "completed"
# Each journey's stages are in journey order, its times monotonic and its
# deltas add up to its total. Both wires have a latency (50 ms to RCV, 100
# ms back), so every frame arrives at an idle NAPI and raises an interrupt
# of its own: rx.irq is in every RX journey. One clock serves both ends: a
# frame's departure (tx.nic on one end) is its RX journey's t0 on the
# other, and its arrival (rx.wire) that departure + its time on the wire
# (latency and bits).
#
# tp_btf + fentry on both ends; the raw_tp + kprobe fallback
# (PKTLIFE_FORCE_RAW_TP=1) on SND, whose journeys pass every IPv6 hook.
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.77.1
IP_RCV=10.0.77.2
IP6_SND=fd00:77::1
IP6_RCV=fd00:77::2
PORT=7077
LAT_REQ_US=50000
LAT_REP_US=100000

require_root
require_cmd ip ping jq python3 ss
pl_require_tool
pl_load

ktap_plan 8

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
pl_pair_quiet6 "$SND" pla $IP6_SND "$RCV" plb $IP6_RCV || exit $KSFT_FAIL
DBG=$(pl_dbg_dir "$SND" pla) || exit $KSFT_FAIL
echo $LAT_REQ_US >"$DBG/latency_us"
DBG=$(pl_dbg_dir "$RCV" plb) || exit $KSFT_FAIL
echo $LAT_REP_US >"$DBG/latency_us"
# on the wire: an echo request or reply, 14 + 40 + 8 + 56 bytes; the
# datagram, 14 + 40 + 8 + 7 ("pktlife")
W_REQ=$(pl_wire_time "$SND" pla 118) && W_REP=$(pl_wire_time "$RCV" plb 118) &&
	W_DGRAM=$(pl_wire_time "$SND" pla 69) && W_BACK=$(pl_wire_time "$RCV" plb 69) ||
	exit $KSFT_FAIL

# echo PORT: read one datagram, send it back | send IP PORT: send one, read
# the answer
UDP_PY='
import socket, sys

s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(20)
if sys.argv[1] == "echo":
    s.bind(("::", int(sys.argv[2])))
    data, peer = s.recvfrom(64)
    s.sendto(data, peer)
else:
    s.connect((sys.argv[2], int(sys.argv[3])))
    s.send(b"pktlife")
    print(s.recv(64).decode())
'

# SND: 5 journeys (request, the reply's clone and original, the datagram
# and its answer); RCV: 4
declare -A PS UPS
for attach in tp_btf raw_tp; do
	PL_LIFE_ENV=()
	[ $attach = raw_tp ] && PL_LIFE_ENV=(PKTLIFE_FORCE_RAW_TP=1)
	pl_life_spawn "PS[$attach]" "$SND" "$TMPD/snd.$attach" "$TMPD/snd.err.$attach" \
		trace --host $IP6_RCV -c 5 --json -v
done
PL_LIFE_ENV=()
pl_life_spawn PR "$RCV" "$TMPD/rcv" "$TMPD/rcv.err" trace --host $IP6_SND -c 4 --json
for attach in tp_btf raw_tp; do
	pl_life_started "${PS[$attach]}" "$TMPD/snd.err.$attach"
	UPS[$attach]=$?
done
pl_life_started "$PR" "$TMPD/rcv.err"
UPR=$?

ip netns exec "$SND" ping -6 -c 1 -W 5 $IP6_RCV >"$TMPD/ping"
ping_rc=$?
ip netns exec "$RCV" python3 -c "$UDP_PY" echo $PORT >"$TMPD/echo" 2>&1 &
epid=$!
slowwait 20 pl_udp_bound "$RCV" $PORT
ip netns exec "$SND" python3 -c "$UDP_PY" send $IP6_RCV $PORT >"$TMPD/send" 2>&1
udp_rc=$?
wait $epid
echo_rc=$?
for attach in tp_btf raw_tp; do
	if [ "${UPS[$attach]}" -eq 0 ]; then
		pl_life_wait "${PS[$attach]}" 30
		UPS[$attach]=$?
	fi
done
if [ $UPR -eq 0 ]; then
	pl_life_wait "$PR" 30
	UPR=$?
fi

req=".proto == 58 and .flow == \"ICMPv6 $IP6_SND -> $IP6_RCV\""
rep=".proto == 58 and .flow == \"ICMPv6 $IP6_RCV -> $IP6_SND\""
dgram=".proto == 17 and .dport == $PORT"
back=".proto == 17 and .sport == $PORT"
pl_journeys "$TMPD/rcv" R \
	req_rx ".dir == \"rx\" and $req" rep_tx ".dir == \"tx\" and $rep" \
	dgram_rx ".dir == \"rx\" and $dgram" back_tx ".dir == \"tx\" and $back"

for attach in tp_btf raw_tp; do
	snd=$TMPD/snd.$attach
	pl_journeys "$snd" S \
		req_tx ".dir == \"tx\" and $req" rep_rx ".dir == \"rx\" and $rep and .clone" \
		rep_rx0 ".dir == \"rx\" and $rep and (.clone | not)" \
		dgram_tx ".dir == \"tx\" and $dgram" back_rx ".dir == \"rx\" and $back"

	RET=0
	check_err $ping_rc "ping -6 failed"
	check_err $udp_rc "the UDP sender failed: $(cat "$TMPD/send")"
	check_err $echo_rc "the UDP reader failed: $(cat "$TMPD/echo")"
	check_err "${UPS[$attach]}" "trace on SND: did not start, or did not stop after 5 journeys"
	grep -q "^pktlife: attached via $attach and " "$TMPD/snd.err.$attach"
	check_err $? "SND trace -v: $(grep '^pktlife: attached' "$TMPD/snd.err.$attach")"
	check_num "$(grep -c '^{"mode":"trace"' "$snd")" eq 5 "SND journeys"
	if [ $attach = tp_btf ]; then
		check_err $UPR "trace on RCV: did not start, or did not stop after 4 journeys"
		check_num "$(grep -c '^{"mode":"trace"' "$TMPD/rcv")" eq 4 "RCV journeys"
	fi
	[ $RET -eq 0 ] || ktap_info "journeys: $(jq -c '[.dir, .flow, .end]' "$snd" "$TMPD/rcv" | tr '\n' ' ')"
	log_test "$attach: trace --host (IPv6) -c stops after the IPv6 journeys"

	RET=0
	check_journey "${S[req_tx]}" "SND tx echo request" completed "$PL_LIFE_TX_RAW"
	check_journey "${S[rep_rx]}" "SND rx echo reply (clone)" completed "$PL_LIFE_RX_ALL"
	check_journey "${S[rep_rx0]}" "SND rx echo reply (original)" "dropped NO_SOCKET"
	log_test "$attach: ICMPv6 echo request and reply on SND, every stage"

	RET=0
	check_journey "${S[dgram_tx]}" "SND tx datagram" completed "$PL_LIFE_TX_ALL"
	check_journey "${S[back_rx]}" "SND rx datagram back" completed "$PL_LIFE_RX_ALL"
	log_test "$attach: a UDP datagram over IPv6 and its answer on SND, every stage"

	[ $attach = tp_btf ] || continue

	RET=0
	# 6.1's icmpv6_rcv() frees the request it answered with kfree_skb(),
	# a drop without a reason; later kernels consume it, as IPv4 does
	end=$(jq -r .end <<<"${R[req_rx]:-{\}}")
	[ "$end" = dropped ] && end="dropped NOT_SPECIFIED" || end=ended
	check_journey "${R[req_rx]}" "RCV rx echo request" "$end" \
		'["wire","irq","napi","drv","gro","backlog",'"$PL_LIFE_RX_IP"']'
	check_journey "${R[rep_tx]}" "RCV tx echo reply" completed '["ip","qdisc","drv","nic","compl"]'
	check_journey "${R[dgram_rx]}" "RCV rx datagram" completed "$PL_LIFE_RX_ALL"
	check_journey "${R[back_tx]}" "RCV tx datagram back" completed "$PL_LIFE_TX_ALL"
	log_test "$attach: the same four journeys on RCV, every stage"

	RET=0
	check_life_hop "echo request" "${S[req_tx]}" "${R[req_rx]}" "$W_REQ"
	check_life_hop "echo reply" "${R[rep_tx]}" "${S[rep_rx]}" "$W_REP"
	check_life_hop datagram "${S[dgram_tx]}" "${R[dgram_rx]}" "$W_DGRAM"
	check_life_hop "datagram back" "${R[back_tx]}" "${S[back_rx]}" "$W_BACK"
	log_test "$attach: departure on one end = start on the other, arrival = departure + wire time"
done

ktap_finish
