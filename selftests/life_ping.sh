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
# timestamp) on SND is the t0 of its RX journey on RCV, and with no latency
# its arrival (rx.wire) is that same time. The same for the reply, whose
# wire has 100 ms of latency: its rx.wire ends 100 ms after its departure.
#
# Run with tp_btf + fentry, then with the raw_tp + kprobe fallback
# (PKTLIFE_FORCE_RAW_TP=1; -v on SND's trace says which was used).
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.71.1
IP_RCV=10.0.71.2
RX_ALL='["wire","irq","napi","drv","gro","backlog","netif","ip","local","l4","sockq"]'
TX_ALL='["sock","l4","ip","qdisc","drv","nic","compl"]'
# a raw (or ping) socket has no point between its sendmsg() and ip_output():
# its sock stage ends at ip_output(), and there is no tx.l4
TX_RAW='["sock","ip","qdisc","drv","nic","compl"]'
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

# journey FILE SELECT: the one journey (a JSON line) of FILE that the jq
# condition SELECT picks; fails unless there is exactly one.
journey()
{
	local j

	j=$(jq -c "select(.mode == \"trace\" and ($2))" "$1" 2>/dev/null)
	[ -n "$j" ] && [ "$(wc -l <<<"$j")" -eq 1 ] && echo "$j"
}

# check_journey JSON WHO: stages in journey order, times monotonic from t0,
# deltas adding up; prints the stages for the record.
check_journey()
{
	local j=$1 who=$2 dir order

	if [ -z "$j" ]; then
		check_err 1 "$who: no such journey (or more than one)"
		return
	fi
	ktap_info "$who: $(jq -r '"\(.end)\(if .reason then " " + .reason else "" end), clone \(.clone), \(.total_ns) ns:", (.stages[] | "\(.stage)+\(.delta_ns)")' <<<"$j" | tr '\n' ' ')"
	dir=$(jq -r .dir <<<"$j")
	[ "$dir" = rx ] && order=$RX_ALL || order=$TX_ALL
	jq -e --argjson all "$order" '
		[.stages[].stage] as $s
		| [$s[] as $x | $all | index($x)] as $i
		| ($i | all(. != null)) and $i == ($i | sort) and ($i | unique | length) == ($s | length)' <<<"$j" >/dev/null
	check_err $? "$who: stages not in $dir journey order"
	jq -e '.t0_ns as $t0 | [$t0] + [.stages[].t_ns] | . == sort' <<<"$j" >/dev/null
	check_err $? "$who: stage times not monotonic from t0"
	jq -e '.stages as $S | ([.t0_ns] + [$S[].t_ns]) as $t
		| [range(0; $S | length) as $k | $S[$k].delta_ns == $t[$k + 1] - $t[$k]] | all' <<<"$j" >/dev/null
	check_err $? "$who: a delta is not the time since the stage before"
	jq -e '([.stages[].delta_ns] | add) == .total_ns and .total_ns == (.stages[-1].t_ns - .t0_ns)' <<<"$j" >/dev/null
	check_err $? "$who: the deltas do not add up to total_ns"
}

# check_stages JSON WHO STAGES: exactly these stages
check_stages()
{
	[ -n "$1" ] || return
	check_eq "$(jq -c '[.stages[].stage]' <<<"$1")" "$3" "$2: stages"
}

# stage_t JSON STAGE: t_ns of one stage, "none" if absent
stage_t()
{
	jq -r --arg s "$2" '([.stages[] | select(.stage == $s)][0].t_ns) // "none"' <<<"$1"
}

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
	snd_tx=$(journey "$TMPD/snd" ".dir == \"tx\" and $req")
	snd_rx=$(journey "$TMPD/snd" ".dir == \"rx\" and $rep and .clone")
	snd_rx0=$(journey "$TMPD/snd" ".dir == \"rx\" and $rep and (.clone | not)")
	rcv_rx=$(journey "$TMPD/rcv" ".dir == \"rx\" and $req")
	rcv_tx=$(journey "$TMPD/rcv" ".dir == \"tx\" and $rep")

	RET=0
	check_err $ping_rc "ping failed"
	check_err $ups "trace on SND: did not start, or did not stop after 3 journeys"
	check_err $upr "trace on RCV: did not start, or did not stop after 2 journeys"
	grep -q "^pktlife: attached via $attach and " "$TMPD/snd.err"
	check_err $? "SND trace -v: $(grep '^pktlife: attached' "$TMPD/snd.err")"
	[ "$(jq -c 'select(.mode == "trace")' "$TMPD/snd" | wc -l)" -eq 3 ]
	check_err $? "SND: not 3 journeys: $(jq -c '[.dir, .flow, .end]' "$TMPD/snd" | tr '\n' ' ')"
	[ "$(jq -c 'select(.mode == "trace")' "$TMPD/rcv" | wc -l)" -eq 2 ]
	check_err $? "RCV: not 2 journeys: $(jq -c '[.dir, .flow, .end]' "$TMPD/rcv" | tr '\n' ' ')"
	log_test "$attach: trace -c stops after the ping's journeys"

	RET=0
	check_journey "$snd_tx" "SND tx request"
	check_eq "$(jq -r .end <<<"$snd_tx")" completed "SND tx request: end"
	check_stages "$snd_tx" "SND tx request" "$TX_RAW"
	log_test "$attach: the echo request's TX journey, every stage"

	RET=0
	check_journey "$snd_rx" "SND rx reply (clone)"
	check_eq "$(jq -r .end <<<"$snd_rx")" completed "SND rx reply (clone): end"
	check_stages "$snd_rx" "SND rx reply (clone)" "$RX_ALL"
	check_journey "$snd_rx0" "SND rx reply (original)"
	check_eq "$(jq -r '"\(.end) \(.reason)"' <<<"$snd_rx0")" "dropped NO_SOCKET" \
		"SND rx reply (original): end"
	log_test "$attach: the echo reply's RX journey, every stage"

	RET=0
	check_journey "$rcv_rx" "RCV rx request"
	check_eq "$(jq -r .end <<<"$rcv_rx")" ended "RCV rx request: end"
	check_journey "$rcv_tx" "RCV tx reply"
	check_eq "$(jq -r .end <<<"$rcv_tx")" completed "RCV tx reply: end"
	log_test "$attach: the echo request's RX and the reply's TX journeys on RCV"

	RET=0
	ktap_info "request: SND tx.nic $(stage_t "$snd_tx" nic), RCV rx t0 $(jq -r .t0_ns <<<"$rcv_rx")" \
		"rx.wire $(stage_t "$rcv_rx" wire); reply: RCV tx.nic $(stage_t "$rcv_tx" nic)," \
		"SND rx t0 $(jq -r .t0_ns <<<"$snd_rx") rx.wire $(stage_t "$snd_rx" wire)"
	check_eq "$(jq -r .t0_ns <<<"$rcv_rx")" "$(stage_t "$snd_tx" nic)" \
		"request: RCV rx t0 vs. SND tx.nic (departure)"
	check_eq "$(stage_t "$rcv_rx" wire)" "$(stage_t "$snd_tx" nic)" \
		"request: RCV rx.wire (arrival, no latency) vs. SND tx.nic"
	check_eq "$(jq -r .t0_ns <<<"$snd_rx")" "$(stage_t "$rcv_tx" nic)" \
		"reply: SND rx t0 vs. RCV tx.nic (departure)"
	t=$(stage_t "$rcv_tx" nic)
	[[ $t =~ ^[0-9]+$ ]] && t=$((t + LAT_REPLY_US * 1000))
	check_eq "$(stage_t "$snd_rx" wire)" "$t" \
		"reply: SND rx.wire (arrival) vs. RCV tx.nic + latency"
	check_eq "$(jq -r .t0_ns <<<"$snd_rx0")" "$(stage_t "$rcv_tx" nic)" \
		"reply (original): SND rx t0 vs. RCV tx.nic (departure)"
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
