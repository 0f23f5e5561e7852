#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat's flow filters on real traffic: --saddr, --daddr, --sport,
# --dport, --host, --port, -4, -6, -A (every netns), and --expire.
#
# SND (pla: A1, A2, A6) sends UDP to RCV (plb: B1, B2, B6), whose reader
# sends every datagram back, but for the last flow, which nobody reads:
#   flow     from      to        datagrams
#   match    A1:S1     B1:P1     16        matches all four of T1's filters
#   saddr    A2:S1     B1:P1      1        misses T1's --saddr only
#   daddr    A1:S1     B2:P1      2        ... --daddr only
#   sport    A1:S2     B1:P1      4        ... --sport only
#   dport    A1:S1     B1:P2      8        ... --dport only
#   v6       A6:S1     B6:P1     32        IPv6
#   unread   A6:S1     B6:P3     64        IPv6, never read
# Each flow's count is a power of two of its own, so a count that is off
# says which flows a filter let through. Four pktlife stat, attached at
# once, each must count exactly its flows, in wire frames:
#   T1 in RCV  -D rx --saddr A1 --daddr B1 --sport S1 --dport P1: match
#       only (16), each of the four filters alone keeping one flow out;
#       started + filtered = every frame plb received
#   T2 in SND  --host B1 --port P1: match, saddr and sport (21) both ways,
#       B1 and P1 the destination going out, the source coming back; not
#       daddr (B2), dport (P2) nor the IPv6 flows; nothing of RCV's own
#       journeys (by default, only the tool's netns); started + filtered =
#       every frame pla sent
#   T3 in OBS, a third netns with no device of the pair  -A -D rx -4
#       --dport P1: RCV's receipt of match, saddr, daddr and sport (23),
#       not dport (P2), v6 nor unread (IPv6), nor SND's receipt of the
#       answers (to S1, S2); started + filtered = every frame both ends
#       received
#   T4 in RCV  -D rx -6 --sport S1 --expire 2 -I 1: v6 and unread (96),
#       none of the IPv4 flows from S1; v6's 32 completed; unread's 64,
#       queued but never read, lost_expired: in flight in a table first
#       (not lost at once), then expired in a table 2 s or more after the
#       last table before they were sent, and less than 10 s (the default
#       --expire) after it.
# T1 loads no program of a transmit-only hook: fewer than T2 by most of
# the 22 of them.
# Every final table's accounting adds up (check_life_acct), nothing left
# in flight.
source "$(dirname "$0")/lib.sh"

A1=10.0.76.1 A2=10.0.76.3 A6=fd00:76::1
B1=10.0.76.2 B2=10.0.76.4 B6=fd00:76::2
S1=4001 S2=4002
P1=5001 P2=5002 P3=5003
EXPIRE=2
EXPIRE_DEFAULT=10
# name,from,sport,to,dport,datagrams
FLOWS=(
	"match,$A1,$S1,$B1,$P1,16"
	"saddr,$A2,$S1,$B1,$P1,1"
	"daddr,$A1,$S1,$B2,$P1,2"
	"sport,$A1,$S2,$B1,$P1,4"
	"dport,$A1,$S1,$B1,$P2,8"
	"v6,$A6,$S1,$B6,$P1,32"
	"unread,$A6,$S1,$B6,$P3,64"
)
declare -A NDG
for f in "${FLOWS[@]}"; do
	NDG[${f%%,*}]=${f##*,}
done

require_root
require_cmd ip jq python3 ss ethtool
pl_require_tool
pl_load

ktap_plan 7

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV OBS || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $A1 "$RCV" plb $B1 || exit $KSFT_FAIL
pl_pair_quiet6 "$SND" pla $A6 "$RCV" plb $B6 || exit $KSFT_FAIL
ip -n "$SND" addr add $A2/24 dev pla || exit $KSFT_FAIL
ip -n "$RCV" addr add $B2/24 dev plb || exit $KSFT_FAIL
pl_neigh_pin "$SND" pla $A2 "$RCV" plb $B2 || exit $KSFT_FAIL

# serve ADDR,PORT... HOLD: send every datagram to an ADDR,PORT back from
# there until killed, and let those to HOLD (ADDR,PORT) wait unread |
# send FLOW...: each
# datagram of a FLOW (name,from,sport,to,dport,n) answered before the next,
# but for the flow "unread"
UDP_PY='
import select, socket, sys

def sock(addr, port):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if ":" in addr:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((addr, int(port)))
    return s

if sys.argv[1] == "serve":
    socks = [sock(*a.split(",")) for a in sys.argv[2:-1]]
    hold = sock(*sys.argv[-1].split(","))
    print("serving", flush=True)
    while True:
        for s in select.select(socks, [], [])[0]:
            data, peer = s.recvfrom(64)
            s.sendto(data, peer)
rc = 0
for flow in sys.argv[2:]:
    name, src, sport, dst, dport, n = flow.split(",")
    s = sock(src, sport)
    s.settimeout(5)
    answered = 0
    for i in range(int(n)):
        s.sendto(b"%s %d" % (name.encode(), i), (dst, int(dport)))
        if name != "unread":
            try:
                s.recv(64)
                answered += 1
            except socket.timeout:
                rc = 1
    s.close()
    print("%s: sent %s, answered %d" % (name, n, answered))
sys.exit(rc)
'

pl_life_spawn TOOL1 "$RCV" "$TMPD/t1" "$TMPD/t1.err" stat --json -I 3600 -D rx \
	--saddr $A1 --daddr $B1 --sport $S1 --dport $P1
pl_life_spawn TOOL2 "$SND" "$TMPD/t2" "$TMPD/t2.err" stat --json -I 3600 --host $B1 --port $P1
pl_life_spawn TOOL3 "$OBS" "$TMPD/t3" "$TMPD/t3.err" stat --json -I 3600 -A -D rx -4 --dport $P1
pl_life_spawn TOOL4 "$RCV" "$TMPD/t4" "$TMPD/t4.err" stat --json -I 1 -D rx -6 --sport $S1 \
	--expire $EXPIRE
declare -a UP
for t in 1 2 3 4; do
	pid=TOOL$t
	pl_life_started "${!pid}" "$TMPD/t$t.err"
	UP[t]=$?
done

# BPF programs each tool has loaded (-D rx loads no transmit-only hook)
nprogs() { grep -l '^prog_type:' /proc/"$1"/fdinfo/* 2>/dev/null | wc -l; }
NPROGS1=$(nprogs "$TOOL1")
NPROGS2=$(nprogs "$TOOL2")

pl_snap SA0 "$SND" pla
pl_snap RB0 "$RCV" plb
ip netns exec "$RCV" python3 -c "$UDP_PY" serve \
	$B1,$P1 $B2,$P1 $B6,$P1 $B1,$P2 $B6,$P3 >"$TMPD/serve" 2>&1 &
spid=$!
defer kill $spid
slowwait 20 grep -q serving "$TMPD/serve"
# unread goes first, once T4 has printed a table without it
slowwait 20 grep -q '"mode":"stat"' "$TMPD/t4"
ip netns exec "$SND" python3 -c "$UDP_PY" send "${FLOWS[6]}" >"$TMPD/send" 2>&1
send_rc=$?
ip netns exec "$SND" python3 -c "$UDP_PY" send "${FLOWS[@]:0:6}" >>"$TMPD/send" 2>&1
send_rc=$((send_rc | $?))
# T4 expires unread's datagrams (not waiting longer than the default would)
slowwait $((EXPIRE_DEFAULT + 5)) grep -q "\"lost_expired\":${NDG[unread]}," "$TMPD/t4"
busywait 10000 pl_settled "$SND" pla
busywait 10000 pl_settled "$RCV" plb
pl_snap SA1 "$SND" pla
pl_snap RB1 "$RCV" plb
kill -INT "$TOOL1" "$TOOL2" "$TOOL3" "$TOOL4" 2>/dev/null
for t in 1 2 3 4; do
	pid=TOOL$t
	if [ "${UP[t]}" -eq 0 ]; then
		pl_life_wait "${!pid}" 60
		UP[t]=$?
	fi
	pl_life_load "T$t" "$TMPD/t$t" || UP[t]=1
done
while IFS= read -r line; do
	ktap_info "$line"
done <"$TMPD/send"

# check_flows WHAT GOT FLOW...: GOT, a count of wire frames, is the sum of
# the FLOWs' datagrams; if not, the difference as a sum of flows' counts
# (each a bit of its own: which flows, or their answers, got through)
check_flows()
{
	local what=$1 got=$2 want=0 f extra leaked=

	shift 2
	for f in "$@"; do
		want=$((want + NDG[$f]))
	done
	if ! [[ $got =~ ^[0-9]+$ ]]; then
		check_err 1 "$what: no count ('$got')"
		return
	fi
	extra=$((got - want))
	[ $extra -eq 0 ] && return
	for f in "${FLOWS[@]}"; do
		f=${f%%,*}
		[ $((extra & NDG[$f])) -ne 0 ] && leaked+=" + ${NDG[$f]} ($f)"
	done
	if [ $extra -gt 0 ]; then
		check_err 1 "$what: $got, want $want ($*); $extra too many:${leaked# +}"
	else
		check_err 1 "$what: $got, want $want ($*): some missing"
	fi
}

# check_final T: tool T exited cleanly, its final table adds up, nothing
# in flight
check_final()
{
	local -n _t=T$1
	local d

	check_err "${UP[$1]}" "T$1 did not start, exit cleanly or print a final table"
	for d in rx tx; do
		check_life_acct "T$1" $d
		check_num "${_t[$d.acct.in_flight]}" eq 0 "T$1 $d in flight"
	done
}

for t in 1 2 3 4; do
	pl_life_info "T$t" rx
done
pl_life_info T2 tx

RET=0
check_err $send_rc "the sender: an answer missing"
check_num "$(pl_delta SA0 SA1 tx0_packets)" eq $(( ${NDG[match]} + ${NDG[saddr]} + ${NDG[daddr]} + \
	${NDG[sport]} + ${NDG[dport]} + ${NDG[v6]} + ${NDG[unread]} )) "pla tx0_packets delta"
log_test "seven UDP flows over IPv4 and IPv6, every datagram answered but unread's"

RET=0
check_final 1
check_flows "T1 rx started" "${T1[rx.acct.started]}" match
check_flows "T1 rx completed" "${T1[rx.acct.completed]}" match
check_num "$(( ${T1[rx.acct.started]:-0} + ${T1[rx.acct.filtered]:-0} ))" eq \
	"$(pl_delta RB0 RB1 rx0_packets)" "T1 started + filtered vs. frames plb received"
log_test "--saddr --daddr --sport --dport: each keeps out the flow that misses it only"

RET=0
check_num "$NPROGS2" gt 0 "T2's BPF programs"
# the transmit path has 20 hooks of its own (sendmsg ... pl_tx_complete)
check_num "$NPROGS1" lt $((NPROGS2 - 15)) "T1's (-D rx) BPF programs vs. T2's ($NPROGS2, both directions)"
log_test "-D rx loads no program of a transmit-only hook"

RET=0
check_final 2
check_flows "T2 tx started" "${T2[tx.acct.started]}" match saddr sport
check_flows "T2 tx completed" "${T2[tx.acct.completed]}" match saddr sport
check_flows "T2 rx started" "${T2[rx.acct.started]}" match saddr sport
check_flows "T2 rx completed" "${T2[rx.acct.completed]}" match saddr sport
check_num "$(( ${T2[tx.acct.started]:-0} + ${T2[tx.acct.filtered]:-0} ))" eq \
	"$(pl_delta SA0 SA1 tx0_packets)" "T2 tx started + filtered vs. frames pla sent"
log_test "--host --port: either address and either port, both ways; only the tool's netns"

RET=0
check_final 3
check_flows "T3 rx started" "${T3[rx.acct.started]}" match saddr daddr sport
check_flows "T3 rx completed" "${T3[rx.acct.completed]}" match saddr daddr sport
check_num "$(( ${T3[rx.acct.started]:-0} + ${T3[rx.acct.filtered]:-0} ))" eq \
	"$(( $(pl_delta RB0 RB1 rx0_packets) + $(pl_delta SA0 SA1 rx0_packets) ))" \
	"T3 started + filtered vs. frames pla and plb received"
log_test "-A -4 --dport from a netns without the devices: both ends', IPv4 only"

RET=0
check_final 4
check_flows "T4 rx started" "${T4[rx.acct.started]}" v6 unread
check_flows "T4 rx completed" "${T4[rx.acct.completed]}" v6
log_test "-6 --sport: IPv6 only"

# T4's tables: the last before unread was sent, one with it in flight, the
# first with it expired
RET=0
check_flows "T4 rx lost_expired" "${T4[rx.acct.lost_expired]}" unread
read -r before inflight expired < <(jq -nr --argjson n "${NDG[unread]}" '
	[inputs | select(.mode == "stat" and .final == false) | .elapsed_s as $e | .rx.acct
	 | {e: $e, started, in_flight, lost_expired}] as $t
	| ([$t[] | select(.started == 0)] | last.e // "none"),
	  ([$t[] | select(.lost_expired == 0 and .in_flight >= $n)] | first.e // "none"),
	  ([$t[] | select(.lost_expired == $n)] | first.e // "none")' "$TMPD/t4" | tr '\n' ' ')
ktap_info "T4 tables: last before unread at ${before} s, unread in flight at ${inflight} s, expired at ${expired} s"
check_err "$(jq -en --arg b "$before" --arg i "$inflight" '$b != "none" and $i != "none" and
	($i | tonumber) > ($b | tonumber)' >/dev/null; echo $?)" "no table with unread in flight"
check_err "$(jq -en --arg b "$before" --arg x "$expired" --argjson lo $EXPIRE --argjson hi $EXPIRE_DEFAULT '
	$b != "none" and $x != "none" and (($x | tonumber) - ($b | tonumber)) as $d
	| $d >= $lo and $d < $hi' >/dev/null; echo $?)" \
	"unread expired $expired s, want $EXPIRE to $EXPIRE_DEFAULT s after $before s"
log_test "--expire $EXPIRE: data nobody reads is lost_expired after $EXPIRE s, not $EXPIRE_DEFAULT"

ktap_finish
