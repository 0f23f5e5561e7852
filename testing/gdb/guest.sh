#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the VM of make vm-gdb (testing/gdb/vm-gdb.sh): pktlife.ko loaded, a pair
# between netns "left" (pl0, 10.0.0.1) and "right" (pl1, 10.0.0.2), what
# the debugger needs written to DIR (the project tree is shared with the
# host), then traffic whenever DIR/go exists, until DIR/stop does:
#   DIR/release   the kernel release
#   DIR/kallsyms  the kernel's text symbols (nokaslr: link-time addresses)
#   DIR/sections  the module's sections and their addresses
#   DIR/ready     all of the above is there
# Traffic: one ping, then 64 KiB over TCP from left to right, and again.
set -u
dir=$1
top=$(cd "$(dirname "$0")/../.." && pwd)

insmod "$top/build/$(uname -r)/module/pktlife.ko" || exit 1
ip netns add left && ip netns add right || exit 1
IP_LIB_DIR=$top/build/ip ip link add pl0 netns left type pktlife peer name pl1 netns right || exit 1
ip -n left addr add 10.0.0.1/24 dev pl0 && ip -n left link set pl0 up
ip -n right addr add 10.0.0.2/24 dev pl1 && ip -n right link set pl1 up
head -c 65536 /dev/urandom >/tmp/data

uname -r >"$dir/release"
awk '$2 ~ /^[tT]$/ { print $1, $3 }' /proc/kallsyms >"$dir/kallsyms"
for s in /sys/module/pktlife/sections/.*; do
	echo "${s##*/} $(cat "$s")"
done >"$dir/sections"
touch "$dir/ready"

ip netns exec right socat -u TCP-LISTEN:7000,reuseaddr,fork OPEN:/dev/null &
while [ ! -e "$dir/stop" ]; do
	if [ -e "$dir/go" ]; then
		ip netns exec left ping -c 1 -W 2 10.0.0.2 >/dev/null
		ip netns exec left socat -u FILE:/tmp/data TCP:10.0.0.2:7000 2>/dev/null
	fi
	sleep 0.2
done
kill %1 2>/dev/null
exit 0
