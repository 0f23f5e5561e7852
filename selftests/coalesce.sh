#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interrupt moderation (ethtool -C): the NIC holds RX events for rx-usecs,
# so the same traffic raises fewer interrupts; out-of-range values are
# refused and change nothing.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ethtool ping
pl_load
ktap_plan 3
setup_ns NSA NSB
pl_pair pla "$NSA" plb "$NSB"
pl_addr "$NSA" pla 10.0.5.1/24
pl_addr "$NSB" plb 10.0.5.2/24

coal() # NS DEV FIELD: one value of ethtool -c
{
	ip netns exec "$1" ethtool -c "$2" | awk -v f="$3:" '$1 == f { print $2 }'
}

# 2000 pings, 64 in flight: the RX interrupts plb took for them.
rx_irqs_for_flood()
{
	local before after

	before=$(ethtool_stat "$NSB" plb rx0_irqs)
	ip netns exec "$NSA" ping -f -l 64 -c 2000 -q 10.0.5.2 >/dev/null || return 1
	after=$(ethtool_stat "$NSB" plb rx0_irqs)
	echo $((after - before))
}

RET=0
ip netns exec "$NSB" ethtool -C plb rx-usecs 20000 2>/dev/null
check_fail $? "rx-usecs 20000 (above 10000) was accepted"
ip netns exec "$NSB" ethtool -C plb rx-frames 5000 2>/dev/null
check_fail $? "rx-frames 5000 (above 1024) was accepted"
check_eq "$(coal "$NSB" plb rx-usecs)" 0 "rx-usecs after refused changes"
log_test "out-of-range moderation refused"

RET=0
ip netns exec "$NSB" ethtool -C plb rx-usecs 500 rx-frames 64 tx-usecs 100 tx-frames 32
check_err $? "ethtool -C failed"
check_eq "$(coal "$NSB" plb rx-usecs)" 500 "rx-usecs"
check_eq "$(coal "$NSB" plb rx-frames)" 64 "rx-frames"
check_eq "$(coal "$NSB" plb tx-usecs)" 100 "tx-usecs"
check_eq "$(coal "$NSB" plb tx-frames)" 32 "tx-frames"
ip netns exec "$NSB" ethtool -C plb rx-usecs 0 rx-frames 0 tx-usecs 0 tx-frames 0
log_test "ethtool -C settings read back"

RET=0
plain=$(rx_irqs_for_flood)
check_err $? "ping flood failed without moderation"
ip netns exec "$NSB" ethtool -C plb rx-usecs 1000
moderated=$(rx_irqs_for_flood)
check_err $? "ping flood failed with rx-usecs 1000"
ktap_info "RX interrupts for 2000 echo requests: $plain without moderation, $moderated with rx-usecs 1000"
[ "${plain:-0}" -gt 0 ] && [ "${moderated:-99999}" -lt $((plain / 2)) ]
check_err $? "moderation did not cut the interrupts: $plain -> $moderated"
log_test "rx-usecs holds RX interrupts back"

ktap_finish
