#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife trace: one ping, end to end, on both ends of a pktlife pair.
#
# SND pings RCV once; pktlife trace -p icmp runs in both netns. Journeys:
#   SND tx  the echo request: sendmsg ... completion, ends "completed"
#   RCV rx  the echo request: wire ... ICMP, ends "ended" (the kernel
#           answers it and frees it)
#   RCV tx  the echo reply, "completed"
#   SND rx  the echo reply, twice: the clone delivered to ping's raw socket
#           (clone, "completed", wire ... sockq), and the original, which
#           no ICMP socket wants: "dropped", reason NO_SOCKET.
# Every journey's stages are in journey order and their times monotonic;
# each delta is the time since the stage before (the first: since t0), so
# the deltas add up to total_ns. The reply's RX journey to ping's socket
# has every RX stage; the request's TX journey every TX stage but tx.l4,
# which a raw socket does not have (its sock stage ends at ip_output()).
#
# One clock serves both ends: the request's tx.nic time (its departure
# timestamp) on SND is the t0 of its RX journey on RCV, and its arrival
# (rx.wire) is its time on the wire later (the default 1 us latency and
# its 98 bytes at the link's speed: pl_wire_time). The same for the reply,
# whose wire has 100 ms of latency.
#
# Run with tp_btf + fentry, then with the raw_tp + kprobe fallback
# (PKTLIFE_FORCE_RAW_TP=1; -v on SND's trace says which was used).
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.71.1
IP_RCV=10.0.71.2
# 100 ms on the reply's wire: it arrives when SND's NAPI is idle again, so
# it raises an interrupt of its own (a frame found by a poll already under
# way has no rx.irq), and its arrival must be its departure + 100 ms
LAT_REPLY_US=100000

require_root
require_cmd ip ping jq
pl_require_tool
pl_load

ktap_plan 10

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
DBG=$(pl_dbg_dir "$RCV" plb) || exit $KSFT_FAIL
echo $LAT_REPLY_US >"$DBG/latency_us"
# an echo request or reply: 14 + 20 + 8 + 56 bytes
WIRE_REQ=$(pl_wire_time "$SND" pla 98) && WIRE_REPLY=$(pl_wire_time "$RCV" plb 98) ||
	exit $KSFT_FAIL

# Both attach methods at once, each with its own pair of tools: loading
# takes long under TCG, and one ping serves all four.
declare -A PS PR UPS UPR
for attach in tp_btf raw_tp; do
	PL_LIFE_ENV=()
	[ $attach = raw_tp ] && PL_LIFE_ENV=(PKTLIFE_FORCE_RAW_TP=1)
	# SND: request tx, reply rx (clone and original); RCV: request rx, reply tx
	pl_life_spawn "PS[$attach]" "$SND" "$TMPD/snd.$attach" "$TMPD/snd.err.$attach" \
		trace -p icmp -c 3 --json -v
	pl_life_spawn "PR[$attach]" "$RCV" "$TMPD/rcv.$attach" "$TMPD/rcv.err.$attach" \
		trace -p icmp -c 2 --json -v
done
PL_LIFE_ENV=()
for attach in tp_btf raw_tp; do
	pl_life_started "${PS[$attach]}" "$TMPD/snd.err.$attach"
	UPS[$attach]=$?
	pl_life_started "${PR[$attach]}" "$TMPD/rcv.err.$attach"
	UPR[$attach]=$?
done

ip netns exec "$SND" ping -c 1 -W 5 $IP_RCV >"$TMPD/ping"
ping_rc=$?
for attach in tp_btf raw_tp; do
	if [ "${UPS[$attach]}" -eq 0 ]; then
		pl_life_wait "${PS[$attach]}" 30
		UPS[$attach]=$?
	fi
	if [ "${UPR[$attach]}" -eq 0 ]; then
		pl_life_wait "${PR[$attach]}" 30
		UPR[$attach]=$?
	fi
done

for attach in tp_btf raw_tp; do
	failed=$KTAP_FAILED
	ups=${UPS[$attach]} upr=${UPR[$attach]}
	cp "$TMPD/snd.$attach" "$TMPD/snd"
	cp "$TMPD/rcv.$attach" "$TMPD/rcv"
	cp "$TMPD/snd.err.$attach" "$TMPD/snd.err"

	req=".proto == 1 and .flow == \"ICMP $IP_SND -> $IP_RCV\""
	rep=".proto == 1 and .flow == \"ICMP $IP_RCV -> $IP_SND\""
	pl_journeys "$TMPD/snd" S tx ".dir == \"tx\" and $req" \
		rx ".dir == \"rx\" and $rep and .clone" rx0 ".dir == \"rx\" and $rep and (.clone | not)"
	pl_journeys "$TMPD/rcv" R rx ".dir == \"rx\" and $req" tx ".dir == \"tx\" and $rep"

	RET=0
	check_err $ping_rc "ping failed"
	check_err $ups "trace on SND: did not start, or did not stop after 3 journeys"
	check_err $upr "trace on RCV: did not start, or did not stop after 2 journeys"
	grep -q "^pktlife: attached via $attach and " "$TMPD/snd.err"
	check_err $? "SND trace -v: $(grep '^pktlife: attached' "$TMPD/snd.err")"
	[ "$(grep -c '^{"mode":"trace"' "$TMPD/snd")" -eq 3 ]
	check_err $? "SND: not 3 journeys: $(jq -c '[.dir, .flow, .end]' "$TMPD/snd" | tr '\n' ' ')"
	[ "$(grep -c '^{"mode":"trace"' "$TMPD/rcv")" -eq 2 ]
	check_err $? "RCV: not 2 journeys: $(jq -c '[.dir, .flow, .end]' "$TMPD/rcv" | tr '\n' ' ')"
	log_test "$attach: trace -c stops after the ping's journeys"

	RET=0
	check_journey "${S[tx]}" "SND tx request" completed "$PL_LIFE_TX_RAW"
	log_test "$attach: the echo request's TX journey, every stage"

	RET=0
	check_journey "${S[rx]}" "SND rx reply (clone)" completed "$PL_LIFE_RX_ALL"
	check_journey "${S[rx0]}" "SND rx reply (original)" "dropped NO_SOCKET"
	log_test "$attach: the echo reply's RX journey, every stage"

	RET=0
	check_journey "${R[rx]}" "RCV rx request" ended
	check_journey "${R[tx]}" "RCV tx reply" completed
	log_test "$attach: the echo request's RX and the reply's TX journeys on RCV"

	RET=0
	check_life_hop request "${S[tx]}" "${R[rx]}" "$WIRE_REQ"
	check_life_hop reply "${R[tx]}" "${S[rx]}" "$WIRE_REPLY"
	check_life_hop "reply (original)" "${R[tx]}" "${S[rx0]}" "$WIRE_REPLY"
	log_test "$attach: departure on one end = start of the journey on the other"
	# a journey not what it should be: what the tools counted (trace -v)
	if [ "$KTAP_FAILED" -gt "$failed" ]; then
		grep -h '^pktlife: [rt]x started' "$TMPD/snd.err" |
			sed 's/^pktlife:/SND/' | while read -r l; do ktap_info "$l"; done
		grep -h '^pktlife: [rt]x started' "$TMPD/rcv.err.$attach" |
			sed 's/^pktlife:/RCV/' | while read -r l; do ktap_info "$l"; done
	fi
done

ktap_finish
