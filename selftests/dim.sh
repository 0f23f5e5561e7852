#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interrupt moderation out of the box, and adaptive RX moderation with the
# kernel's DIM library (Documentation/driver.rst, "Interrupt moderation").
#
# Defaults: ethtool -c says adaptive-rx on, rx-usecs 8 rx-frames 32 (the
# static values, for adaptive-rx off), tx-usecs 16 tx-frames 32; each
# queue starts at DIM's default profile, 8 us (ethtool --per-queue, read
# back from the NIC's registers).
# Refused: rx-usecs or rx-frames while adaptive-rx is on (DIM sets them),
# with a message naming adaptive-rx, and nothing changes.
# DIM at work: a UDP flood into plb (sender on the CPU of plb's
# interrupt, $SECS s): DIM chooses profiles (pktlife:pl_dim), each one of
# its table (1, 8, 64, 128, 256 us), and the queue's vector holds what
# the last one chose.
# adaptive-rx off rx-usecs 100: the queue's vector holds 100 us again, and
# a second flood brings no pl_dim event.
source "$(dirname "$0")/lib.sh"

IPA=10.0.65.1
IPB=10.0.65.2
PORT=7065
SECS=3

require_root
require_cmd ip ethtool python3 taskset socat
pl_load

ktap_plan 4

tmp=$(mktemp -d)
defer rm -rf "$tmp"
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

# qcoal FIELD: plb queue 0's value, as the driver reads it from the NIC
qcoal()
{
	ip netns exec "$NSB" ethtool --per-queue plb queue_mask 0x1 --show-coalesce |
		awk -v f="$1:" '$1 == f { print $2; exit }'
}
# flood: SECS s of 64-byte datagrams pla -> plb from the moment the
# sender runs (a slow kernel takes seconds to start python), from the CPU
# of plb's interrupt; what the socket does not read is dropped, which is
# fine
flood()
{
	ip netns exec "$NSA" taskset -c "$(pl_irq_cpu plb)" \
		timeout $((60 * PL_TIME_SCALE)) python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + int(sys.argv[3])
while time.monotonic() < end:
    s.sendto(b"x" * 64, (sys.argv[1], int(sys.argv[2])))
' $IPB $PORT $SECS
	return 0
}

RET=0
check_eq "$(ip netns exec "$NSB" ethtool -c plb | sed -n 's/^Adaptive RX: *\([a-z]*\).*/\1/p')" on \
	"adaptive-rx"
check_eq "$(pl_coal "$NSB" plb rx-usecs) $(pl_coal "$NSB" plb rx-frames)" "8 32" "rx-usecs rx-frames"
check_eq "$(pl_coal "$NSB" plb tx-usecs) $(pl_coal "$NSB" plb tx-frames)" "16 32" "tx-usecs tx-frames"
check_eq "$(qcoal rx-usecs)" 8 "queue 0's rx-usecs (DIM's default profile)"
log_test "defaults: adaptive-rx on from 8 us, tx-usecs 16 tx-frames 32"

RET=0
err=$(ip netns exec "$NSB" ethtool -C plb rx-usecs 100 2>&1)
check_fail $? "rx-usecs 100 with adaptive-rx on was accepted"
[[ "$err" == *adaptive-rx* ]]
check_err $? "the refusal does not name adaptive-rx: $err"
check_eq "$(pl_coal "$NSB" plb rx-usecs)" 8 "rx-usecs after the refusal"
log_test "rx-usecs refused while adaptive-rx is on"

RET=0
ip netns exec "$NSB" socat -u UDP-RECV:$PORT,bind=$IPB OPEN:/dev/null &>/dev/null &
defer kill $!
pl_ftrace_start TRACE pl_dim
check_err $? "no tracefs instance for pl_dim"
before=$(ethtool_stat "$NSB" plb rx0_irqs)
flood
pl_ftrace_stop "$TRACE" "$tmp/dim"
irqs=$(($(ethtool_stat "$NSB" plb rx0_irqs) - before))
ifindex=$(ip netns exec "$NSB" cat /sys/class/net/plb/ifindex)
# plb's choices: "profile usecs frames" each
sed -n "s/.* pl_dim: ifindex=$ifindex queue=0 profile=\([0-9]*\) usecs=\([0-9]*\) frames=\([0-9]*\).*/\1 \2 \3/p" \
	"$tmp/dim" >"$tmp/plb"
n=$(wc -l <"$tmp/plb")
ktap_info "plb: $irqs RX interrupts, $n DIM choices: $(cut -d' ' -f2 "$tmp/plb" | uniq | head -n 12 | paste -sd' ') us"
check_num "$n" ge 1 "DIM choices"
bad=$(awk '{ split("1 8 64 128 256", us); if ($2 != us[$1 + 1]) n++ } END { print n + 0 }' "$tmp/plb")
check_num "$bad" eq 0 "choices whose usecs are not their profile's"
check_eq "$(qcoal rx-usecs)" "$(tail -n 1 "$tmp/plb" | cut -d' ' -f2)" "queue 0's rx-usecs vs. DIM's last choice"
log_test "a flood: DIM steps through its profiles, the NIC holds its choice"

RET=0
ip netns exec "$NSB" ethtool -C plb adaptive-rx off rx-usecs 100
check_err $? "adaptive-rx off rx-usecs 100"
check_eq "$(qcoal rx-usecs)" 100 "queue 0's rx-usecs"
pl_ftrace_start TRACE pl_dim
flood
pl_ftrace_stop "$TRACE" "$tmp/off"
check_eq "$(grep -c " pl_dim: ifindex=$ifindex " "$tmp/off")" 0 "pl_dim events with adaptive-rx off"
log_test "adaptive-rx off: the static rx-usecs, no DIM"

ktap_finish
