#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod while TCP and UDP traffic flows across a pair completes, removes the
# pair, and leaves the console clean (the VM runner fails on any splat).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd iperf3 ss
pl_load
ktap_plan 1
setup_ns NSA NSB
pl_pair pla "$NSA" plb "$NSB"
pl_addr "$NSA" pla 10.0.3.1/24
pl_addr "$NSB" plb 10.0.3.2/24

server_listening()
{
	ip netns exec "$NSB" ss -Hltn "sport = :$1" | grep -q .
}

rx_moving() # the receiver's counter grows: traffic is flowing
{
	local a b

	a=$(link_stat "$NSB" plb rx_packets)
	sleep 0.2
	b=$(link_stat "$NSB" plb rx_packets)
	[ "$b" -gt "$a" ]
}

RET=0
for port in 5201 5202; do
	ip netns exec "$NSB" iperf3 -s -p $port >/dev/null 2>&1 &
	defer kill $!
	slowwait 10 server_listening $port
	check_err $? "iperf3 server on port $port did not start"
done
ip netns exec "$NSA" iperf3 -c 10.0.3.2 -p 5201 -t 60 >/dev/null 2>&1 &
defer kill $!
ip netns exec "$NSA" iperf3 -c 10.0.3.2 -p 5202 -u -b 200M -t 60 >/dev/null 2>&1 &
defer kill $!
slowwait 10 rx_moving
check_err $? "traffic did not start"

timeout 30 rmmod pktlife
check_err $? "rmmod under traffic failed or hung"
! ip -n "$NSA" link show pla >/dev/null 2>&1 && ! ip -n "$NSB" link show plb >/dev/null 2>&1
check_err $? "the pair survived rmmod"
log_test "rmmod under TCP and UDP traffic"

ktap_finish
