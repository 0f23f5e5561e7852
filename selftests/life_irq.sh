#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat: rx.irq against interrupt moderation (ethtool -C rx-usecs).
#
# rx.irq is the time from a frame's arrival (NIC timestamp) to the
# driver's handler of the interrupt that reports it. With rx-usecs Y the
# NIC's first RX event starts a Y us timer and the vector fires when it
# expires (coalesce.sh, Documentation/nic.rst); without moderation it fires
# at the arrival. The message then takes its way to the CPU the affinity
# names, and the handler runs there.
#
# Two pktlife pairs between SND and RCV, without latency (a frame arrives
# while it is sent), the receiving ports moderated:
#   plb1  rx-usecs 500     rx.irq ~ 500 us
#   plb2  rx-usecs 10000   rx.irq ~ 10000 us (the most the NIC holds)
# SND sends 50 UDP datagrams over each, 25 ms apart, to a reader on RCV:
# each datagram opens its own moderation window and is alone in it. (Not
# ping: RCV's replies would need TX completions, and a frame that arrives
# while such a poll is pending or under way is picked up without an
# interrupt of its own, which is right, but not what is measured here.) One pktlife stat per
# receiving port (-D rx -i plbN) in RCV. Every request must have an irq
# stage.
#
# The moderation timer is a hard hrtimer, but under TCG the guest's only
# clock event device is the emulated LAPIC timer (QEMU's TCG has no TSC
# deadline timer), which fires 60-300 us late whatever the timeout (5000
# us: 100-300 us late), so the interrupt really comes later than rx-usecs.
# The reference is therefore what happened, recorded independently with
# ftrace (mono clock, the clock of the NIC timestamps): for each frame,
# pktlife:pl_hw_rx_write's arrive= to the next irq:irq_handler_entry of the
# port's queue vector (<dev>-rxtx-0). The tool has both times from the
# driver's pl_rx_skb instead. The tool's p50 must be that p50 within its
# histogram's resolution (4 %, a slot; 2 us for the two clocks' reads),
# and the median interrupt must have been held at least rx-usecs and at
# most LATE_US more: the timer's lateness (measured 335 us at 500 and 224
# us at 10000 on 6.12 beside another VM; 1000 us is three times that,
# PKTLIFE_TIME_SCALE times more on a slower kernel). Both are printed, for
# the record.
source "$(dirname "$0")/lib.sh"

NDGRAM=50
PORT=7051
USECS=(0 500 10000)
LATE_US=$((1000 * PL_TIME_SCALE))

require_root
require_cmd ip jq ethtool python3 ss
pl_require_tool
pl_load

ktap_plan 2

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
for i in 1 2; do
	pl_pair_quiet "$SND" pla$i 10.0.5$i.1 "$RCV" plb$i 10.0.5$i.2 || exit $KSFT_FAIL
	ip netns exec "$RCV" ethtool -C plb$i adaptive-rx off rx-usecs "${USECS[i]}" rx-frames 0 ||
		exit $KSFT_FAIL
done

# recv IP PORT N | send IP PORT N: N datagrams, 25 ms apart
PACED_PY='
import os, socket, sys, time
op, ip, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if op == "recv":
    s.bind((ip, port))
    s.settimeout(10 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1")))
    for i in range(n):
        s.recv(64)
else:
    for i in range(n):
        s.sendto(b"%d" % i, (ip, port))
        time.sleep(0.025)
print("%s %d" % (op, n))
'

declare -a PID UP
for i in 1 2; do
	pl_life_spawn "PID[$i]" "$RCV" "$TMPD/out$i" "$TMPD/err$i" \
		stat -D rx -i plb$i -I 100 --json
done
for i in 1 2; do
	pl_life_started "${PID[i]}" "$TMPD/err$i"
	UP[i]=$?
done

pl_ftrace_start FTR pl_hw_rx_write irq/irq_handler_entry ||
	fail_all "cannot trace pktlife:pl_hw_rx_write and irq:irq_handler_entry in a tracefs instance"
for i in 1 2; do
	pl_snap "S0_$i" "$RCV" plb$i
	ip netns exec "$RCV" python3 -c "$PACED_PY" recv 10.0.5$i.2 $PORT $NDGRAM \
		>"$TMPD/recv$i" 2>&1 &
	rpid=$!
	slowwait 20 pl_udp_bound "$RCV" $PORT
	ip netns exec "$SND" python3 -c "$PACED_PY" send 10.0.5$i.2 $PORT $NDGRAM \
		>"$TMPD/send$i" 2>&1
	wait $rpid ||
		ktap_info "UDP over pair $i failed: $(cat "$TMPD/send$i" "$TMPD/recv$i")"
	pl_snap "S1_$i" "$RCV" plb$i
done
pl_ftrace_stop "$FTR" "$TMPD/ftrace"

# PORT VECTOR: "FRAMES P50_NS MAX_NS" of arrival -> interrupt handler, from
# the ftrace
truth()
{
	python3 - "$TMPD/ftrace" "$1" "$2" <<'PY'
import re, sys
port, vec = sys.argv[2], sys.argv[3]
ev = re.compile(r"\s(\d+)\.(\d+): (pl_hw_rx_write|irq_handler_entry): (.*)")
pending, d = [], []
for line in open(sys.argv[1]):
    m = ev.search(line)
    if not m:
        continue
    ts = int(m.group(1)) * 10**9 + int(m.group(2).ljust(9, "0"))
    f = dict(kv.split("=", 1) for kv in m.group(4).split())
    if m.group(3) == "pl_hw_rx_write":
        if f["port"] == port:
            pending.append(int(f["arrive"]))
    elif f["name"] == vec:
        d += [ts - a for a in pending]
        pending = []
d.sort()
print(len(d), d[(len(d) - 1) // 2] if d else "none", d[-1] if d else "none")
PY
}

for i in 1 2; do
	[ "${UP[i]}" -eq 0 ] && kill -INT "${PID[i]}"
done
for i in 1 2; do
	if [ "${UP[i]}" -eq 0 ]; then
		pl_life_wait "${PID[i]}" 60
		UP[i]=$?
	fi
done

for i in 1 2; do
	want=$((USECS[i] * 1000))
	RET=0
	check_err "${UP[i]}" "the tool did not start or did not exit cleanly"
	pl_life_load L "$TMPD/out$i"
	check_err $? "no final stat object: $(tail -c 300 "$TMPD/out$i")"
	pl_life_info L rx
	rx=$(pl_delta "S0_$i" "S1_$i" rx0_packets)
	ktap_info "rx-usecs ${USECS[i]}: rx.irq p50 ${L[rx.irq.p50_ns]} p90 ${L[rx.irq.p90_ns]}" \
		"max ${L[rx.irq.max_ns]} ns over ${L[rx.irq.count]} frames, want $want;" \
		"rx0_packets +$rx, rx0_irqs +$(pl_delta "S0_$i" "S1_$i" rx0_irqs)"
	check_num "$rx" eq $NDGRAM "plb$i rx0_packets delta (a quiet pair)"
	check_num "${L[rx.irq.count]}" eq "$rx" "rx.irq count vs. rx0_packets delta"
	read -r n p50 max < <(truth "$(pl_port_id "$RCV" plb$i)" plb$i-rxtx-0)
	ktap_info "rx-usecs ${USECS[i]}: ftrace arrival -> interrupt: p50 $p50 max $max ns" \
		"over $n frames; tool p50 - rx-usecs = $(( ${L[rx.irq.p50_ns]:-0} - want )) ns"
	check_num "$n" eq "$rx" "frames in the ftrace vs. rx0_packets delta"
	check_near "${L[rx.irq.p50_ns]}" "$p50" "rx.irq p50 vs. ftrace p50" 4 2000
	check_num "$p50" ge $want "ftrace p50 vs. rx-usecs (held at least that)"
	check_num "$p50" le $((want + LATE_US * 1000)) \
		"ftrace p50 vs. rx-usecs + ${LATE_US} us (a timer's lateness)"
	log_test "rx.irq, rx-usecs ${USECS[i]}: p50 = arrival -> handler, rx-usecs to rx-usecs + ${LATE_US} us"
done

ktap_finish
