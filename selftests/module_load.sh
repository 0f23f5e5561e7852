#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pktlife.ko loads and unloads cleanly, repeatedly, and rmmod with pairs
# present removes them.
source "$(dirname "$0")/lib.sh"

require_root
pl_require_ko
defer_check pl_unload
ktap_plan 4

# A second insmod is refused and leaves the first instance working.
RET=0
insmod "$PL_KO"
check_err $? "insmod failed"
insmod "$PL_KO" 2>/dev/null
check_fail $? "a second insmod succeeded"
ip link add plmod0 type pktlife peer name plmod1
check_err $? "ip link add after the refused insmod"
rmmod pktlife
check_err $? "rmmod failed"
log_test "a second insmod is refused cleanly"

RET=0
for i in $(seq 20); do
	insmod "$PL_KO" || { check_err 1 "insmod #$i failed"; break; }
	grep -q '^pktlife ' /proc/modules
	check_err $? "pktlife not in /proc/modules after insmod #$i"
	rmmod pktlife || { check_err 1 "rmmod #$i failed"; break; }
	! pl_module_loaded
	check_err $? "pktlife still loaded after rmmod #$i"
done
log_test "load and unload x20"

RET=0
insmod "$PL_KO"
check_err $? "insmod failed"
modinfo -F version "$PL_KO" | grep -qx "$(cat /sys/module/pktlife/version)"
check_err $? "modinfo version differs from /sys/module/pktlife/version"
ip link add plmod0 type pktlife peer name plmod1
check_err $? "ip link add failed"
ethtool -i plmod0 | grep -qx 'driver: pktlife'
check_err $? "ethtool -i does not report driver pktlife"
log_test "driver identifies itself"

RET=0
setup_ns NS
ip link add plmod2 type pktlife peer name plmod3 netns "$NS"
check_err $? "ip link add across netns failed"
ip link set plmod0 up && ip link set plmod1 up
check_err $? "link up failed"
rmmod pktlife
check_err $? "rmmod with pairs present failed"
for dev in plmod0 plmod1 plmod2; do
	! ip link show "$dev" >/dev/null 2>&1
	check_err $? "$dev still exists after rmmod"
done
! ip -n "$NS" link show plmod3 >/dev/null 2>&1
check_err $? "plmod3 (in $NS) still exists after rmmod"
log_test "rmmod removes every pair, in every netns"

ktap_finish
