#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pairs are created and deleted through rtnetlink, like veth: both ends go
# together, each end can live in its own netns, and each knows its peer.
source "$(dirname "$0")/lib.sh"

require_root
pl_load
ktap_plan 7
setup_ns NS1 NS2

RET=0
ip link add plp0 type pktlife peer name plp1 address 01:00:5e:00:00:01 2>/dev/null
check_fail $? "a multicast MAC for the peer was accepted"
! ip link show plp0 >/dev/null 2>&1
check_err $? "plp0 exists after the failed add"
! ip link show plp1 >/dev/null 2>&1
check_err $? "plp1 exists after the failed add"
ip link add plp0 mtu 67 type pktlife peer name plp1 2>/dev/null
check_fail $? "MTU 67 was accepted"
ip link add plp0 mtu 9001 type pktlife peer name plp1 2>/dev/null
check_fail $? "MTU 9001 was accepted"
log_test "bad MAC and MTU refused, nothing left behind"

RET=0
for i in $(seq 20); do
	ip link add plp0 type pktlife peer name plp1 || { check_err 1 "add #$i"; break; }
	# delete the two ends in turn: either takes its peer with it
	if [ $((i % 2)) -eq 0 ]; then victim=plp0; else victim=plp1; fi
	ip link del "$victim" || { check_err 1 "del $victim #$i"; break; }
	! ip link show plp0 >/dev/null 2>&1 && ! ip link show plp1 >/dev/null 2>&1
	check_err $? "an end survived deleting $victim (#$i)"
done
log_test "create and delete x20, either end"

RET=0
ip link add plp0 netns "$NS1" type pktlife peer name plp1 netns "$NS2"
check_err $? "add across two netns"
idx0=$(ip netns exec "$NS1" cat /sys/class/net/plp0/ifindex)
idx1=$(ip netns exec "$NS2" cat /sys/class/net/plp1/ifindex)
check_eq "$(ip netns exec "$NS1" cat /sys/class/net/plp0/iflink)" "$idx1" "plp0 iflink"
check_eq "$(ip netns exec "$NS2" cat /sys/class/net/plp1/iflink)" "$idx0" "plp1 iflink"
ip -n "$NS1" -d link show plp0 | grep -q 'pktlife'
check_err $? "ip -d link does not show kind pktlife"
log_test "ends in two netns know each other"

RET=0
check_eq "$(ip netns exec "$NS1" cat /sys/class/net/plp0/carrier 2>/dev/null)" "" "carrier while down"
ip -n "$NS1" link set plp0 up
check_eq "$(ip netns exec "$NS1" cat /sys/class/net/plp0/carrier)" 0 "carrier with the peer down"
ip -n "$NS2" link set plp1 up
check_eq "$(ip netns exec "$NS1" cat /sys/class/net/plp0/carrier)" 1 "plp0 carrier with both up"
check_eq "$(ip netns exec "$NS2" cat /sys/class/net/plp1/carrier)" 1 "plp1 carrier with both up"
ip -n "$NS2" link set plp1 down
check_eq "$(ip netns exec "$NS1" cat /sys/class/net/plp0/carrier)" 0 "plp0 carrier after the peer went down"
log_test "carrier follows both ends"

RET=0
ip -n "$NS2" link set plp1 netns "$NS1"
check_err $? "moving an end to another netns"
ip -n "$NS1" link show plp1 >/dev/null
check_err $? "plp1 not in $NS1 after the move"
ip -n "$NS1" link set plp1 netns "$NS2"
ip -n "$NS1" link del plp0
check_err $? "deleting plp0"
! ip -n "$NS2" link show plp1 >/dev/null 2>&1
check_err $? "plp1 survived deleting its peer in another netns"
log_test "move between netns, delete across netns"

RET=0
# Without the iproute2 plugin ip(8) cannot send "peer": the peer is named
# by the driver.
ip netns exec "$NS1" env IP_LIB_DIR=/nonexistent ip link add plq0 type pktlife
check_err $? "ip link add without the plugin"
peer_idx=$(ip netns exec "$NS1" cat /sys/class/net/plq0/iflink)
peer=$(ip -n "$NS1" -o link show | awk -F': ' -v i="$peer_idx" '$1 == i { sub(/@.*/, "", $2); print $2 }')
[[ $peer == pl[0-9]* ]]
check_err $? "peer of plq0 is '$peer', want pl<N>"
ip -n "$NS1" link del plq0
log_test "a pair without the plugin: peer named pl<N>"

RET=0
setup_ns NS3
ip link add plp0 netns "$NS1" type pktlife peer name plp1 netns "$NS3"
ip netns del "$NS3"
# netns teardown is asynchronous: wait for the peer to go with it
slowwait 10 bash -c "! ip -n $NS1 link show plp0 >/dev/null 2>&1"
check_err $? "plp0 survived the destruction of its peer's netns"
log_test "destroying a netns removes the pair"

ktap_finish
