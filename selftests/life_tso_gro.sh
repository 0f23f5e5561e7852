#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat: per-frame accounting across TSO and GRO.
#
# SND sends 4 MB to RCV over TCP (socat), TSO on SND's pla, GRO on RCV's
# plb. pktlife stat -D tx (SND) and -D rx (RCV), both filtered to the
# connection's port, count in wire frames:
#   SND  tx.nic and tx.compl count every frame pla's NIC sent
#        (hw_tx_frames delta; hw_tx_tso_segs of them cut by TSO);
#   RCV  rx.wire counts every frame plb received (rx0_packets delta),
#        and GRO, which hands TCP fewer skbs than frames (Tcp InSegs),
#        loses none of them: each started journey is completed (data read)
#        or ended (pure ACKs, SYN, FIN) -- or, for a segment the kernel
#        drops itself, dropped with its reason; the only ones lost are the
#        frames plb's ring had no room for (hw_rx_missed), none in flight.
# Nothing else crosses the quiet pair; the counters are read once the
# connection is closed (SND's socket in TIME-WAIT, RCV's gone: SND's last
# ACK arrived) and both drivers have settled (pl_settled).
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.81.1
IP_RCV=10.0.81.2
PORT=7081

require_root
require_cmd ip jq socat ethtool ss
pl_require_tool
pl_load

ktap_plan 4

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
pl_set_features "$SND" pla sg on tx on tso on || fail_all "pla: TSO refused"
pl_set_features "$RCV" plb rx on gro on || fail_all "plb: GRO refused"
head -c $((4 << 20)) /dev/urandom >"$TMPD/src"

pl_life_spawn PS "$SND" "$TMPD/snd" "$TMPD/snd.err" stat -D tx -p tcp --port $PORT -I 100 --json
pl_life_spawn PR "$RCV" "$TMPD/rcv" "$TMPD/rcv.err" stat -D rx -p tcp --port $PORT -I 100 --json
pl_life_started "$PS" "$TMPD/snd.err"
UPS=$?
pl_life_started "$PR" "$TMPD/rcv.err"
UPR=$?

# SND's end of the connection is closed: nothing more will be sent; and
# RCV's is gone: SND's last ACK arrived; and both drivers have taken every
# frame and completion: the counters are final
snd_closed()
{
	! ip netns exec "$SND" ss -Htn state all "dport = :$PORT" |
		grep -vq '^TIME-WAIT'
}
rcv_closed()
{
	! ip netns exec "$RCV" ss -Htn state all "sport = :$PORT" | grep -q .
}
quiet()
{
	snd_closed && rcv_closed && pl_settled "$SND" pla && pl_settled "$RCV" plb
}

pl_snap S0 "$SND" pla
pl_snap R0 "$RCV" plb
insegs0=$(pl_snmp "$RCV" Tcp InSegs)
pl_socat_copy "$SND" "$RCV" $IP_RCV $PORT "$TMPD/src" "$TMPD/dst"
copy_rc=$?
slowwait 20 quiet
closed_rc=$?
pl_snap S1 "$SND" pla
pl_snap R1 "$RCV" plb
insegs1=$(pl_snmp "$RCV" Tcp InSegs)

kill -INT "$PS" "$PR" 2>/dev/null
[ $UPS -eq 0 ] && { pl_life_wait "$PS" 60; UPS=$?; }
[ $UPR -eq 0 ] && { pl_life_wait "$PR" 60; UPR=$?; }

txf=$(pl_delta S0 S1 hw_tx_frames)
tso=$(pl_delta S0 S1 hw_tx_tso_segs)
rxf=$(pl_delta R0 R1 rx0_packets)
ktap_info "pla: hw_tx_frames +$txf, hw_tx_tso_segs +$tso, tx0_packets +$(pl_delta S0 S1 tx0_packets);" \
	"plb: rx0_packets +$rxf, hw_rx_missed +$(pl_delta R0 R1 hw_rx_missed); RCV Tcp InSegs +$((insegs1 - insegs0))"

RET=0
check_err $copy_rc "the copy failed"
cmp -s "$TMPD/src" "$TMPD/dst"
check_err $? "the copy differs"
check_err $closed_rc "the connection did not close, or the drivers did not settle"
# TSO cut most frames (4 MB in 64 KB skbs: 93-99 % of them in 16 runs on
# 6.1 and 6.12), and GRO merged them again (4.3-17 frames per TCP segment;
# with GRO off it is one, offload.sh): half the frames cut and two frames
# a segment prove both at work
check_num "$((2 * tso))" ge "$txf" "2 x hw_tx_tso_segs delta vs. hw_tx_frames delta (TSO cut most frames)"
check_num "$((2 * (insegs1 - insegs0)))" le "$rxf" \
	"2 x RCV Tcp InSegs delta vs. frames (GRO merged two or more frames a segment)"
log_test "4 MB over TCP with TSO and GRO"

RET=0
check_err $UPS "pktlife on SND did not start or did not exit cleanly"
pl_life_load T "$TMPD/snd"
check_err $? "SND: no final stat object: $(tail -c 300 "$TMPD/snd")"
pl_life_info T tx
check_num "${T[tx.nic.count]}" eq "$txf" "SND tx.nic count vs. hw_tx_frames delta"
check_num "${T[tx.compl.count]}" eq "$txf" "SND tx.compl count vs. hw_tx_frames delta"
check_life_acct T tx
log_test "TSO: tx.nic and tx.compl count every wire frame"

RET=0
check_err $UPR "pktlife on RCV did not start or did not exit cleanly"
pl_life_load R "$TMPD/rcv"
check_err $? "RCV: no final stat object: $(tail -c 300 "$TMPD/rcv")"
pl_life_info R rx
check_num "${R[rx.wire.count]}" eq "$rxf" "RCV rx.wire count vs. rx0_packets delta"
# a frame plb's ring had no room for (its poll runs on the CPU of its
# interrupt, the sender on any) starts a journey lost at once (lost_ring)
missed=$(pl_delta R0 R1 hw_rx_missed)
check_num "${R[rx.acct.started]}" eq "$((rxf + missed))" "RCV rx started vs. rx0_packets + hw_rx_missed delta"
check_num "${R[rx.acct.lost_ring]:-0}" eq "$missed" "RCV rx lost_ring vs. hw_rx_missed delta"
log_test "GRO: rx.wire counts every wire frame"

# A segment the kernel itself drops (say, one that crosses the teardown of
# the connection) is counted dropped with its reason: allowed, but each must
# have its reason and the count stay that of a teardown.
RET=0
check_life_acct R rx
reasons=0
for k in "${!R[@]}"; do
	[[ $k == rx.drops.* ]] && reasons=$((reasons + R[$k])) &&
		ktap_info "RCV dropped ${R[$k]} frame(s): ${k#rx.drops.}"
done
# the frames the ring missed (checked above against hw_rx_missed) are the
# only ones lost
check_num "$(( ${R[rx.acct.completed]:-0} + ${R[rx.acct.ended]:-0} + ${R[rx.acct.dropped]:-0} + ${R[rx.acct.lost_ring]:-0} ))" \
	eq "${R[rx.acct.started]:-none}" "RCV rx completed + ended + dropped + lost_ring vs. started"
check_num "${R[rx.acct.lost]:-0}" eq "${R[rx.acct.lost_ring]:-0}" "RCV rx lost vs. lost_ring"
check_num "${R[rx.acct.in_flight]:-0}" eq 0 "RCV rx in flight"
check_num "$reasons" eq "${R[rx.acct.dropped]:-0}" "RCV drops with a reason vs. dropped"
check_num "${R[rx.acct.dropped]:-0}" le 2 "RCV rx dropped (a teardown's worth)"
check_num "${R[rx.sockq.count]}" eq "${R[rx.acct.completed]:-none}" "RCV rx.sockq count vs. completed"
check_num "${R[rx.acct.completed]}" gt 0 "RCV rx completed"
log_test "GRO: every frame's journey ends (completed, ended, dropped with a reason or missed by the ring)"

ktap_finish
