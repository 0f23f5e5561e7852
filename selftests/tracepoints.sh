#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every driver and NIC stage has a pktlife:* tracepoint, and the frame id
# joins one frame's events from the sender's TX to the receiver's RX.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ping
pl_load
tracing=/sys/kernel/tracing
[ -d "$tracing/events" ] || skip_all "no tracefs at $tracing"
[ -d "$tracing/events/pktlife" ] || fail_all "pktlife.ko has no events in $tracing/events"
ktap_plan 4
setup_ns NSA NSB
pl_pair pla "$NSA" plb "$NSB"
pl_addr "$NSA" pla 10.0.4.1/24
pl_addr "$NSB" plb 10.0.4.2/24
# one echo request, one reply: no ARP in the trace
ip -n "$NSA" neigh replace 10.0.4.2 lladdr "$(ip netns exec "$NSB" cat /sys/class/net/plb/address)" dev pla nud permanent
ip -n "$NSB" neigh replace 10.0.4.1 lladdr "$(ip netns exec "$NSA" cat /sys/class/net/pla/address)" dev plb nud permanent
for dev in pla plb; do
	ns=$NSA; [ $dev = plb ] && ns=$NSB
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.$dev.disable_ipv6=1
done

events="pl_xmit pl_tx_posted pl_tx_doorbell pl_tx_complete pl_poll_begin pl_poll_end pl_rx_skb pl_rx_gro pl_hw_tx_fetch pl_hw_wire_tx pl_hw_rx_write pl_hw_irq"
# and those a ping does not fire: adaptive moderation (dim.sh), the MAC's
# drops (mac.sh), frames the NIC missed (life_udp.sh)
rare="pl_dim pl_hw_mac_drop pl_hw_rx_missed"

RET=0
for e in $events $rare; do
	[ -d "$tracing/events/pktlife/$e" ]
	check_err $? "pktlife:$e does not exist"
done
log_test "every stage has its tracepoint"

RET=0
# tp_btf programs need the module's BTF, encoded against the kernel's
[ -r /sys/kernel/btf/pktlife ]
check_err $? "no /sys/kernel/btf/pktlife"
if command -v bpftool >/dev/null; then
	bpftool btf dump file /sys/kernel/btf/pktlife | grep -q "'btf_trace_pl_rx_skb'"
	check_err $? "module BTF lacks btf_trace_pl_rx_skb"
fi
log_test "the module has BTF for its tracepoints"

trace=$(mktemp)
defer rm -f "$trace"
defer sh -c "echo 0 > $tracing/events/pktlife/enable"
echo > "$tracing/trace"
echo 1 > "$tracing/events/pktlife/enable"
ip netns exec "$NSA" ping -c 1 -W 2 10.0.4.2 >/dev/null
ping_rc=$?
# the sender's completion may come in a later poll
idx_a=$(ip netns exec "$NSA" cat /sys/class/net/pla/ifindex)
trace_has_completion() { grep -q "pl_tx_complete: .*ifindex=$idx_a .*nsegs=1" "$tracing/trace"; }
slowwait 5 trace_has_completion
echo 0 > "$tracing/events/pktlife/enable"
grep -v '^#' "$tracing/trace" >"$trace"

RET=0
check_err $ping_rc "ping failed"
for e in $events; do
	grep -q " $e: " "$trace"
	check_err $? "no pktlife:$e event for one ping"
done
log_test "one ping fires every event"

field() # EVENT FIELD [N]: the Nth (default 1st) value of FIELD in EVENT lines
{
	grep " $1: " "$trace" | sed -n "s/.* $2=\([^ ]*\).*/\1/p" | sed -n "${3:-1}p"
}

RET=0
# the echo request: wire TX on one port, RX write on the other, skb built
req=$(field pl_hw_wire_tx frame 1)
[ -n "$req" ]
check_err $? "no frame id in pl_hw_wire_tx"
grep -q "pl_hw_rx_write: .*frame=$req " "$trace"
check_err $? "frame $req left but no pl_hw_rx_write carries it"
grep -q "pl_rx_skb: .*frame=$req " "$trace"
check_err $? "frame $req was written but no pl_rx_skb carries it"
grep -q "pl_tx_complete: .*frame=$req nsegs=1 " "$trace"
check_err $? "no pl_tx_complete for frame $req"
# the skb the sender's xmit took is the one its completion freed
xmit_skb=$(field pl_xmit skbaddr 1)
grep -q "pl_tx_complete: skbaddr=$xmit_skb .*frame=$req " "$trace"
check_err $? "pl_xmit skb $xmit_skb is not the skb completed for frame $req"
grep -q "pl_tx_posted: skbaddr=$xmit_skb .*doorbell=1" "$trace"
check_err $? "pl_xmit skb $xmit_skb was not posted with its doorbell"
# the arrival time the NIC wrote is the one the driver reports
arr_hw=$(grep "pl_hw_rx_write: .*frame=$req " "$trace" | sed 's/.* arrive=\([0-9]*\).*/\1/')
arr_drv=$(grep "pl_rx_skb: .*frame=$req " "$trace" | sed 's/.* arrive=\([0-9]*\).*/\1/')
check_eq "$arr_drv" "$arr_hw" "arrival time of frame $req"
# so are the departure the sender's wire reported (the wire's sideband in
# the RX descriptor), and the interrupt and poll that led to the skb
dep_wire=$(grep "pl_hw_wire_tx: .*frame=$req " "$trace" | sed 's/.* depart=\([0-9]*\).*/\1/')
dep_drv=$(grep "pl_rx_skb: .*frame=$req " "$trace" | sed 's/.* depart=\([0-9]*\).*/\1/')
check_eq "$dep_drv" "$dep_wire" "departure time of frame $req"
irq=$(grep "pl_rx_skb: .*frame=$req " "$trace" | sed 's/.* irq=\([0-9]*\) .* poll=\([0-9]*\) .*/\1 \2/')
read -r irq poll <<<"$irq"
[ "${irq:-0}" -ge "${arr_hw:-1}" ] && [ "${poll:-0}" -ge "${irq:-1}" ]
check_err $? "frame $req: arrival $arr_hw, interrupt $irq, poll $poll: not in order"
# the reply comes from the other port: another top byte
rep=$(field pl_hw_wire_tx frame 2)
[ -n "$rep" ] && [ $((rep >> 24)) -ne $((req >> 24)) ]
check_err $? "reply frame id $rep does not name the other port (request $req)"
log_test "frame ids and skb addresses join the events of one ping"

ktap_finish
