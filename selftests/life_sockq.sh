#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat and hist: rx.sockq against a reader that is late on purpose.
#
# rx.sockq is the time a datagram waits on its socket: from being queued to
# its first byte being copied to the reader. The reader here waits until
# its socket is readable (select), sleeps Z ms, then reads; the sender
# sends the next message only when the reader has acknowledged the last
# one, so each message waits alone, for Z plus the reader's wake-up.
#
#   UDP port 7001, Z = 20 ms: pktlife stat -D rx -p udp --dport 7001
#   TCP port 7002, Z = 5 ms:  pktlife hist rx.sockq -p tcp --dport 7002
#
# Both run in RCV. Every message read (a datagram, or a TCP segment: each
# message is sent alone and is small) must be one journey completed with
# an rx.sockq time (stat: counts = messages read; hist: count and the sum
# of its buckets = messages read).
#
# The time itself: the reader measures, per message, a lower bound (from
# select() returning to recvfrom() returning: it misses the wake-up) and an
# upper bound (from the sender's send() call, whose CLOCK_MONOTONIC time is
# the message, to recvfrom() returning: it covers the whole path). The tool's p50 must lie between the
# p50s of the two bounds (give or take the 1/32 of a histogram slot), and
# the lower bound be at least Z. On a fast machine all three are Z within a
# few %; on a slow (TCG) guest sleep() overshoots by a millisecond or so,
# which is real waiting time: the values are printed with Z.
source "$(dirname "$0")/lib.sh"

NMSG=30
IP_SND=10.0.61.1
IP_RCV=10.0.61.2
PROTO=(- udp tcp)
PORT=(0 7001 7002)
Z_MS=(0 20 5)

require_root
require_cmd ip jq python3 ss
pl_require_tool
pl_load

ktap_plan 4

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL

# recv udp|tcp PORT Z_MS N | send udp|tcp IP PORT N
LATE_PY='
import os, select, socket, statistics, sys, time

def recv(proto, port, z_ms, n):
    tcp = proto == "tcp"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    if tcp:
        s.listen(1)
        s, peer = s.accept()
    lower, upper = [], []
    for i in range(int(n)):
        if not select.select([s], [], [], 10)[0]:
            sys.exit("late reader: message %d never came" % i)
        t_sel = time.monotonic_ns()
        time.sleep(int(z_ms) / 1000)
        data, addr = s.recvfrom(64)
        now = time.monotonic_ns()
        if len(data) != 20:
            sys.exit("late reader: message %d is %d bytes" % (i, len(data)))
        lower.append(now - t_sel)
        upper.append(now - int(data))
        if tcp:
            s.send(b"ack")
        else:
            s.sendto(b"ack", addr)
    print("received %s lower_p50_ns %d upper_p50_ns %d"
          % (n, statistics.median_low(lower), statistics.median_high(upper)))

def send(proto, ip, port, n):
    tcp = proto == "tcp"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.settimeout(10 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1")))
    s.connect((ip, int(port)))
    for i in range(int(n)):
        s.send(b"%020d" % time.monotonic_ns())	# CLOCK_MONOTONIC: one per machine
        s.recv(16)
        time.sleep(0.005)
    print("sent %s" % n)

{"recv": recv, "send": send}[sys.argv[1]](*sys.argv[2:])
'

pl_life_spawn PID1 "$RCV" "$TMPD/out1" "$TMPD/err1" \
	stat -D rx -p udp --dport ${PORT[1]} -I 100 --json
pl_life_spawn PID2 "$RCV" "$TMPD/out2" "$TMPD/err2" \
	hist rx.sockq -p tcp --dport ${PORT[2]} -I 100 --json
pl_life_started "$PID1" "$TMPD/err1"
UP1=$?
pl_life_started "$PID2" "$TMPD/err2"
UP2=$?

for i in 1 2; do
	ip netns exec "$RCV" python3 -c "$LATE_PY" recv ${PROTO[i]} ${PORT[i]} ${Z_MS[i]} $NMSG \
		>"$TMPD/recv$i" 2>&1 &
	rpid=$!
	if [ ${PROTO[i]} = udp ]; then
		slowwait 20 pl_udp_bound "$RCV" ${PORT[i]}
	else
		slowwait 20 pl_tcp_listening "$RCV" ${PORT[i]}
	fi
	ip netns exec "$SND" python3 -c "$LATE_PY" send ${PROTO[i]} $IP_RCV ${PORT[i]} $NMSG \
		>"$TMPD/send$i" 2>&1
	wait $rpid
	ktap_info "${PROTO[i]} port ${PORT[i]}, Z ${Z_MS[i]} ms: $(cat "$TMPD/send$i"); $(cat "$TMPD/recv$i")"
done

[ $UP1 -eq 0 ] && kill -INT "$PID1"
[ $UP2 -eq 0 ] && kill -INT "$PID2"
[ $UP1 -eq 0 ] && { pl_life_wait "$PID1" 60; UP1=$?; }
[ $UP2 -eq 0 ] && { pl_life_wait "$PID2" 60; UP2=$?; }

read -r got1 lo1 hi1 < <(awk '$1 == "received" { print $2, $4, $6 }' "$TMPD/recv1")
read -r got2 lo2 hi2 < <(awk '$1 == "received" { print $2, $4, $6 }' "$TMPD/recv2")
want1=$((Z_MS[1] * 1000000))
want2=$((Z_MS[2] * 1000000))

# check_sockq P50 LOWER UPPER Z: LOWER - 1/32 <= P50 <= UPPER + 1/32, Z <= LOWER
check_sockq()
{
	check_num "$1" ge "$(( ${2:-0} - ${2:-0} / 32 ))" "rx.sockq p50 vs. the reader's lower bound $2"
	check_num "$1" le "$(( ${3:-0} + ${3:-0} / 32 ))" "rx.sockq p50 vs. the reader's upper bound $3"
	check_num "$2" ge "$4" "the reader's lower bound vs. Z"
}

RET=0
check_err $UP1 "pktlife stat did not start or did not exit cleanly"
check_num "$got1" eq $NMSG "messages read on port ${PORT[1]}"
pl_life_load L "$TMPD/out1"
check_err $? "no final stat object: $(tail -c 300 "$TMPD/out1")"
pl_life_info L rx
check_num "${L[rx.sockq.count]}" eq "$got1" "rx.sockq count vs. messages read"
check_num "${L[rx.acct.completed]}" eq "$got1" "rx completed vs. messages read"
check_num "${L[rx.acct.started]}" eq "$got1" "rx started vs. messages read"
check_life_acct L rx
log_test "stat rx.sockq (UDP): one per datagram read"

RET=0
ktap_info "stat rx.sockq p50 ${L[rx.sockq.p50_ns]} p90 ${L[rx.sockq.p90_ns]}" \
	"max ${L[rx.sockq.max_ns]} ns; reader: p50 $lo1 .. $hi1 ns; Z $want1 ns"
check_sockq "${L[rx.sockq.p50_ns]}" "$lo1" "$hi1" $want1
log_test "stat rx.sockq (UDP): p50 = the reader's delay (${Z_MS[1]} ms)"

RET=0
check_err $UP2 "pktlife hist did not start or did not exit cleanly"
check_num "$got2" eq $NMSG "messages read on port ${PORT[2]}"
H=$(jq -c 'select(.mode == "hist")' "$TMPD/out2" 2>/dev/null | tail -n 1)
read -r hstage hcount hsum hp50 hp90 hmax < <(jq -r \
	'"\(.stage) \(.count) \([.buckets[].count] | add) \(.p50_ns) \(.p90_ns) \(.max_ns)"' <<<"$H")
check_eq "$hstage" rx.sockq "hist stage"
check_num "$hcount" eq "$got2" "hist count vs. messages read"
check_num "$hsum" eq "$hcount" "sum of the hist buckets vs. its count"
log_test "hist rx.sockq (TCP): one per segment read"

RET=0
ktap_info "hist rx.sockq p50 $hp50 p90 $hp90 max $hmax ns;" \
	"reader: p50 $lo2 .. $hi2 ns; Z $want2 ns"
check_sockq "$hp50" "$lo2" "$hi2" $want2
log_test "hist rx.sockq (TCP): p50 = the reader's delay (${Z_MS[2]} ms)"

ktap_finish
