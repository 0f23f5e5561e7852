#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module unload under traffic, over and over: insmod, two pairs between the
# same two namespaces, a TCP stream across one and a UDP stream across the
# other (traffic.py: they start over by themselves), wait until both
# deliver, rmmod while they flow; PKTLIFE_STRESS_LOOPS times (default 20,
# about 2.2 s each under TCG; a soak run sets 100) within
# PKTLIFE_STRESS_LIMIT seconds (default 540; reaching it fails). Every
# rmmod must finish, no byte may arrive changed, and the VM runner fails
# the run on any splat (on the debug kernel a kmemleak scan follows every
# test).
source "$(dirname "$0")/lib.sh"

LOOPS=${PKTLIFE_STRESS_LOOPS:-20}
[[ $LOOPS =~ ^[1-9][0-9]*$ ]] || { echo "PKTLIFE_STRESS_LOOPS=$LOOPS: a count of 1 or more" >&2; exit 1; }
LIMIT=${PKTLIFE_STRESS_LIMIT:-540}

require_root
require_cmd python3
pl_require_ko
defer_check pl_unload

ktap_plan 2
setup_ns NSA NSB || exit $KSFT_FAIL
# paced: the point is traffic in flight at rmmod, not a VM too busy to
# run the loop
pl_traffic_start "$NSA" "$NSB" 10.9.1.2 10.9.2.2 --tcp-rate 20000000 --udp-pps 2000

pairs()
{
	ip link add p1a netns "$NSA" type pktlife peer name p1b netns "$NSB" &&
	ip link add p2a netns "$NSA" type pktlife peer name p2b netns "$NSB" &&
	ip -n "$NSA" -b - <<-EOB &&
		addr add 10.9.1.1/24 dev p1a
		addr add 10.9.2.1/24 dev p2a
		link set p1a up
		link set p2a up
	EOB
	ip -n "$NSB" -b - <<-EOB
		addr add 10.9.1.2/24 dev p1b
		addr add 10.9.2.2/24 dev p2b
		link set p1b up
		link set p2b up
	EOB
}

RET=0
start=$SECONDS
done_loops=0
for ((i = 1; i <= LOOPS; i++)); do
	if [ $((SECONDS - start)) -ge "$LIMIT" ]; then
		ktap_info "time limit of ${LIMIT}s reached"
		break
	fi
	insmod "$PL_KO" || { check_err 1 "cycle $i: insmod failed"; break; }
	pairs || { check_err 1 "cycle $i: pairs"; break; }
	pl_traffic_wait 20000 ||
		{ check_err 1 "cycle $i: no traffic (TCP last $TR_TCP_LAST, UDP last $TR_UDP_LAST)"; break; }
	timeout 60 rmmod pktlife || { check_err 1 "cycle $i: rmmod failed or hung"; break; }
	done_loops=$i
done
ktap_info "$done_loops of $LOOPS cycles in $((SECONDS - start))s"
# The limit only stops a run gone wrong: every cycle planned must run.
[ $RET -ne 0 ] || [ $done_loops -eq "$LOOPS" ]
check_err $? "only $done_loops of $LOOPS cycles within ${LIMIT}s"
log_test "insmod, TCP and UDP across two pairs, rmmod: $done_loops times"

RET=0
pl_traffic_read
ktap_info "delivered: TCP $TR_TCP bytes over $TR_CONNS connections, UDP $TR_UDP datagrams"
check_eq "$TR_BAD" 0 "bytes or datagrams that arrived changed"
for d in p1a p2a; do
	ip -n "$NSA" link show "$d" >/dev/null 2>&1
	check_fail $? "$d outlived the module"
done
log_test "every byte that arrived was the byte sent; no device outlived the module"

ktap_finish
