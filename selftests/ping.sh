#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv4 and IPv6 ping between two netns over a pair; the driver's counters
# on the two ends agree with each other and with what ping sent.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ping ethtool
pl_load
ktap_plan 3
setup_ns NSA NSB
pl_pair pla "$NSA" plb "$NSB"
pl_addr "$NSA" pla 10.0.1.1/24 fd00:1::1/64
pl_addr "$NSB" plb 10.0.1.2/24 fd00:1::2/64

RET=0
ip netns exec "$NSA" ping -c 10 -i 0.05 -W 2 -q 10.0.1.2 >/dev/null
check_err $? "IPv4 ping lost packets"
log_test "IPv4 ping across the pair"

RET=0
ip netns exec "$NSA" ping -6 -c 10 -i 0.05 -W 2 -q fd00:1::2 >/dev/null
check_err $? "IPv6 ping lost packets"
log_test "IPv6 ping across the pair"

RET=0
# Nothing was dropped, so what one end sent the other received.  IPv6 may
# still send a router solicitation or an MLD report while the counters are
# read: wait for a moment when none is in flight.
busywait 10000 pair_counters_agree "$NSA" pla "$NSB" plb
check_err $? "counters of the two ends disagree: $PL_COUNTERS_DIFF"
check_eq "$(link_stat "$NSA" pla tx_dropped)" 0 "pla tx_dropped"
check_eq "$(link_stat "$NSB" plb rx_errors)" 0 "plb rx_errors"
# 20 echo requests at least, plus ARP and neighbour discovery
tx=$(ethtool_stat "$NSA" pla tx0_packets)
[ "$tx" -ge 20 ]
check_err $? "pla sent $tx packets, fewer than the 20 pings"
log_test "counters of both ends add up"

ktap_finish
