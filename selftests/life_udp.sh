#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat: matched + counted-lost = sent, exactly, for 100 000 UDP
# datagrams.
#
# SND sends 100 000 one-frame datagrams to RCV:PORT as fast as python
# goes; a reader on RCV counts what it reads (N): it may read fewer than
# were sent, if its socket's queue overflows. pktlife stat on SND (-D tx -p
# udp --dport PORT) and on RCV (-D rx -p udp --dport PORT):
#   SND  started = 100 000 = completed + dropped + lost + in_flight
#   RCV  completed = N: every datagram read is one completed journey
#        started = completed + dropped + lost + in_flight: a datagram the
#        reader did not get was dropped (the socket's queue was full) and
#        counted so, with its reason
#   SND completed = RCV started + the frames lost on the wire
#        (hw_wire_dropped: 0 expected)
# and RCV started is also plb's rx0_packets + hw_rx_missed delta (a quiet
# pair; a frame its ring had no room for is a journey lost_ring at once,
# and plb's poll runs on the CPU of its interrupt, not the sender's).
#
# Then SND sends NDROP more to a reader whose receive buffer is tiny and
# who only reads once the sender is done: most are dropped by the socket
# (SOCKET_RCVBUFF). Over both rounds (one tool run each side), the same
# identities hold, RCV completed is what both readers read, and RCV counts
# every datagram they did not read as dropped with that reason.
source "$(dirname "$0")/lib.sh"

NDGRAM=100000
NDROP=20000
IP_SND=10.0.91.1
IP_RCV=10.0.91.2
PORT=7091

require_root
require_cmd ip jq python3 ss ethtool
pl_require_tool
pl_load

ktap_plan 5

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL

# recv PORT | send IP PORT N
UDP_PY='
import socket, sys

def recv(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(30)
    n = 0
    try:
        s.recv(64)
        n = 1
        s.settimeout(3)		# the sender is done when nothing comes for 3 s
        while True:
            s.recv(64)
            n += 1
    except socket.timeout:
        pass
    print("received %d" % n)

def slowrecv(port, done):
    import os, select
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(("0.0.0.0", int(port)))
    print("bound", flush=True)
    while not os.path.exists(done):	# read nothing while they come
        select.select([], [], [], 0.1)
    s.setblocking(False)
    n = 0
    try:
        while True:
            s.recv(64)
            n += 1
    except BlockingIOError:
        pass
    print("received %d" % n)

def send(ip, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((ip, int(port)))
    for i in range(int(n)):
        s.send(b"%016d" % i)
    print("sent %s" % n)

{"recv": recv, "slowrecv": slowrecv, "send": send}[sys.argv[1]](*sys.argv[2:])
'

pl_life_spawn PS "$SND" "$TMPD/snd" "$TMPD/snd.err" stat -D tx -p udp --dport $PORT -I 100 --json
pl_life_spawn PR "$RCV" "$TMPD/rcv" "$TMPD/rcv.err" stat -D rx -p udp --dport $PORT -I 100 --json
pl_life_started "$PS" "$TMPD/snd.err"
UPS=$?
pl_life_started "$PR" "$TMPD/rcv.err"
UPR=$?

pl_snap S0 "$SND" pla
pl_snap R0 "$RCV" plb
ip netns exec "$RCV" python3 -c "$UDP_PY" recv $PORT >"$TMPD/recv" 2>&1 &
rpid=$!
slowwait 20 pl_udp_bound "$RCV" $PORT
t0=$(date +%s)
ip netns exec "$SND" python3 -c "$UDP_PY" send $IP_RCV $PORT $NDGRAM >"$TMPD/send" 2>&1
send_rc=$?
wait $rpid
recv_rc=$?
ktap_info "$(cat "$TMPD/send"), $(cat "$TMPD/recv") in $(( $(date +%s) - t0 )) s (3 s of them waiting)"
N1=$(awk '$1 == "received" { print $2 }' "$TMPD/recv")

# round 2: a reader that lets its tiny queue overflow
ip netns exec "$RCV" python3 -c "$UDP_PY" slowrecv $PORT "$TMPD/done" >"$TMPD/recv2" 2>&1 &
rpid=$!
slowwait 20 pl_udp_bound "$RCV" $PORT
ip netns exec "$SND" python3 -c "$UDP_PY" send $IP_RCV $PORT $NDROP >"$TMPD/send2" 2>&1
send2_rc=$?
touch "$TMPD/done"
wait $rpid
recv2_rc=$?
N2=$(awk '$1 == "received" { print $2 }' "$TMPD/recv2")
ktap_info "round 2: $(tail -n1 "$TMPD/send2"), $(tail -n1 "$TMPD/recv2")"
pl_snap S1 "$SND" pla
pl_snap R1 "$RCV" plb

kill -INT "$PS" "$PR" 2>/dev/null
[ $UPS -eq 0 ] && { pl_life_wait "$PS" 60; UPS=$?; }
[ $UPR -eq 0 ] && { pl_life_wait "$PR" 60; UPR=$?; }

N=$(( ${N1:-0} + ${N2:-0} ))
SENT=$((NDGRAM + NDROP))
txf=$(pl_delta S0 S1 hw_tx_frames)
rxf=$(pl_delta R0 R1 rx0_packets)
wire_lost=$(pl_delta S0 S1 hw_wire_dropped)
ring_lost=$(pl_delta R0 R1 hw_rx_missed)
ktap_info "pla hw_tx_frames +$txf; plb rx0_packets +$rxf; lost on the wire: $wire_lost; missed by plb (ring full): $ring_lost"

pl_life_load T "$TMPD/snd"
pl_life_info T tx
pl_life_load R "$TMPD/rcv"
pl_life_info R rx
ktap_info "RCV drops: $(for k in "${!R[@]}"; do [[ $k == rx.drops.* ]] && echo -n "${k#rx.drops.}=${R[$k]} "; done)"

RET=0
check_err $send_rc "the sender failed"
check_err $recv_rc "the reader failed"
check_err ${send2_rc:-1} "the second sender failed"
check_err ${recv2_rc:-1} "the second reader failed"
check_num "${N1:-0}" gt 0 "datagrams read in round 1"
check_num "$txf" eq $SENT "pla hw_tx_frames delta"
log_test "$SENT datagrams sent, $N read ($N1 + $N2)"

RET=0
check_err $UPS "pktlife on SND did not start or did not exit cleanly"
check_num "${T[tx.acct.started]}" eq $SENT "SND tx started"
check_num "$(( ${T[tx.acct.completed]:-0} + ${T[tx.acct.dropped]:-0} + ${T[tx.acct.lost]:-0} + ${T[tx.acct.in_flight]:-0} ))" \
	eq $SENT "SND tx completed + dropped + lost + in_flight"
check_life_acct T tx
log_test "SND: started = $SENT = completed + dropped + lost + in flight"

RET=0
check_err $UPR "pktlife on RCV did not start or did not exit cleanly"
check_num "${R[rx.acct.completed]}" eq "$N" "RCV rx completed vs. datagrams read"
check_num "$(( ${R[rx.acct.completed]:-0} + ${R[rx.acct.dropped]:-0} + ${R[rx.acct.lost]:-0} + ${R[rx.acct.in_flight]:-0} ))" \
	eq "${R[rx.acct.started]:-none}" "RCV rx completed + dropped + lost + in_flight vs. started"
check_life_acct R rx
log_test "RCV: completed = datagrams read, started = completed + dropped + lost + in flight"

RET=0
# a frame plb's ring had no room for (its poll runs on the CPU of its
# interrupt, the sender on any) starts a journey lost at once (lost_ring)
check_num "${R[rx.acct.started]}" eq "$((rxf + ring_lost))" "RCV rx started vs. plb rx0_packets + hw_rx_missed delta"
check_num "${R[rx.acct.lost_ring]:-0}" eq "$ring_lost" "RCV rx lost_ring vs. plb hw_rx_missed delta"
check_num "${T[tx.acct.completed]}" eq "$(( ${R[rx.acct.started]:-0} + wire_lost ))" \
	"SND tx completed vs. RCV rx started + lost on the wire"
log_test "SND completed = RCV started + lost on the wire"

# the datagrams round 2's reader missed: dropped by its socket, said so
RET=0
missed=$(( SENT - N - wire_lost - ring_lost ))
check_num "$missed" gt 0 "datagrams the readers did not get, not lost before a socket (round 2 must overflow)"
check_num "${R[rx.acct.dropped]}" eq "$missed" "RCV rx dropped vs. sent - read - lost on the wire"
check_num "${R[rx.drops.SOCKET_RCVBUFF]:-0}" eq "$missed" "RCV drops with reason SOCKET_RCVBUFF"
log_test "every datagram not read is counted dropped, reason SOCKET_RCVBUFF"

ktap_finish
