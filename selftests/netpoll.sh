#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A pktlife port refuses netpoll (IFF_DISABLE_NETPOLL): netpoll transmits
# with interrupts off, and the doorbell runs the NIC model's engines under
# spin_lock_bh(), whose unlock must not run with them off.  A netconsole
# target (configfs, CONFIG_NETCONSOLE_DYNAMIC) is enabled on a dummy device
# in the same way first: there it works, so the refusal is pktlife's (veth
# refuses netpoll too).  netconsole binds devices of the initial netns
# only: both devices are there, the pktlife port's peer in a test netns,
# and all are deleted at the end.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip modprobe dmesg
pl_load
ktap_plan 2

PL_NC=/sys/kernel/config/netconsole
PLDEV=plnp$$
DUDEV=dunp$$
setup_ns PEER || exit $KSFT_FAIL

if [ ! -d "$PL_NC" ]; then
	lsmod | grep -q '^netconsole ' ||
		{ modprobe netconsole 2>/dev/null && defer modprobe -r netconsole; }
	mountpoint -q /sys/kernel/config ||
		{ mount -t configfs configfs /sys/kernel/config 2>/dev/null &&
		  defer umount /sys/kernel/config; }
fi
[ -d "$PL_NC" ] || skip_all "this kernel has no dynamic netconsole (CONFIG_NETCONSOLE_DYNAMIC)"

# target NAME DEV IP PEER_IP: a netconsole target on DEV, not enabled yet
target()
{
	mkdir "$PL_NC/$1" || return 1
	defer rmdir "$PL_NC/$1"
	echo "$2" >"$PL_NC/$1/dev_name" &&
		echo "$3" >"$PL_NC/$1/local_ip" &&
		echo "$4" >"$PL_NC/$1/remote_ip"
}

# enable NAME: enable target NAME; its error, if any, in $NC_ERR
enable()
{
	NC_ERR=$( (echo 1 >"$PL_NC/$1/enabled") 2>&1) || return 1
	defer sh -c "echo 0 >$PL_NC/$1/enabled"
}

# device_target NAME DEV IP PEER_IP: DEV (created by the caller), IP on it,
# up, and netconsole target NAME on it, not enabled yet; checked
device_target()
{
	defer ip link del "$2"
	ip addr add "$3/24" dev "$2" && ip link set "$2" up
	check_err $? "$2 up with $3"
	target "$1" "$2" "$3" "$4"
	check_err $? "netconsole target on $2"
}

RET=0
# loaded here without its default dummy0, and unloaded at the end
lsmod | grep -q '^dummy ' ||
	{ modprobe dummy numdummies=0 && defer modprobe -r dummy; }
ip link add "$DUDEV" type dummy
check_err $? "dummy $DUDEV"
device_target du$$ "$DUDEV" 10.0.71.1 10.0.71.2
enable du$$
check_err $? "enabling netconsole on $DUDEV: $NC_ERR"
check_eq "$(cat "$PL_NC/du$$/enabled")" 1 "$DUDEV target enabled"
log_test "netconsole: a dummy device in the same place takes a target"

RET=0
ip link add "$PLDEV" type pktlife peer name "$PLDEV"b netns "$PEER"
check_err $? "pktlife $PLDEV"
device_target pl$$ "$PLDEV" 10.0.70.1 10.0.70.2
enable pl$$
check_fail $? "netconsole enabled on $PLDEV"
ktap_info "enabling on $PLDEV: ${NC_ERR:-no error}"
check_eq "$(cat "$PL_NC/pl$$/enabled")" 0 "$PLDEV target enabled"
dmesg | grep -q "$PLDEV doesn't support polling"
check_err $? "no \"$PLDEV doesn't support polling\" in the kernel log"
log_test "netconsole: a pktlife port refuses netpoll"

ktap_finish
