#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-upstream, inside the VM: run the kernel's own driver tests
# (tools/testing/selftests/drivers/net and drivers/net/hw) against pktlife
# devices and print KTAP, each test's own output indented, the way the
# kernel's run_kselftest.sh does.
#	upstream-guest.sh KSRC [drivers/net/ping.py ...]
# KSRC is the partial kernel tree testing/check-upstream.sh extracted (the
# tests find their libraries, the YNL library and the netlink specs there).
# Default: every TEST_PROGS of the two Makefiles but netcons_basic.sh,
# which makes its own netdevsim pair and does not take NETIF.
#
# Each test gets a fresh pktlife.ko and topology, removed after it:
#   *.py  NETIF=plup0 in this netns, its peer plup1 in netns plup-remote
#         (REMOTE_TYPE=netns), 192.0.2.1/24 + 2001:db8::1/64 and .2/::2,
#         given in the environment as drivers/net/README.rst says
#   *.sh  net/forwarding/lib.sh tests: NETIFS p1..p6 = three pairs in this
#         netns (p1-p2, p3-p4, p5-p6 cabled), on the command line;
#         NETIF_NO_CABLE a device whose end of the cable is pulled out
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$(cd "$1" && pwd) || exit 1
shift
# A copy check-upstream.sh made of the module it built.
ko=$top/build/upstream/pktlife-$(uname -r).ko
export IP_LIB_DIR=$top/build/ip
kst=$ksrc/tools/testing/selftests
per_test_timeout=${PL_UPSTREAM_TIMEOUT:-900}
# trixie's ethtool, if check-upstream.sh could fetch it
eth=$top/build/upstream/ethtool/usr/sbin
[ -x "$eth/ethtool" ] && export PATH=$eth:$PATH
rns=plup-remote

# TEST_PROGS of a selftests Makefile, one per line.
test_progs()
{
	awk '/^TEST_PROGS/ { on = 1 }
		on { for (i = 1; i <= NF; i++) if ($i ~ /\.(py|sh)$/) print $i }
		on && !/\\$/ { on = 0 }' "$kst/$1/Makefile"
}

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for d in drivers/net drivers/net/hw; do
		for t in $(test_progs "$d"); do
			[ "$t" = netcons_basic.sh ] && continue
			tests+=("$d/$t")
		done
	done
fi

# The python tests' pair, connectivity checked both ways (which also leaves
# the neighbours resolved: ping.py allows its pings 0.5 s, and the first
# ARP and ND exchange may take longer under TCG).  Four combined channels
# on both ends, as a multi-queue NIC has (a pair starts with one): the
# queue and RSS tests need several.
setup_py()
{
	ip netns add $rns &&
	ip link add name plup0 type pktlife peer name plup1 netns $rns &&
	ethtool -L plup0 combined 4 &&
	ip netns exec $rns ethtool -L plup1 combined 4 &&
	ip addr add 192.0.2.1/24 dev plup0 &&
	ip -6 addr add 2001:db8::1/64 dev plup0 nodad &&
	ip link set plup0 up &&
	ip -n $rns addr add 192.0.2.2/24 dev plup1 &&
	ip -n $rns -6 addr add 2001:db8::2/64 dev plup1 nodad &&
	ip -n $rns link set plup1 up || return 1
	ping -q -c 1 -w 30 192.0.2.2 >/dev/null &&
	ping -q -c 1 -w 30 2001:db8::2 >/dev/null &&
	ip netns exec $rns ping -q -c 1 -w 30 192.0.2.1 >/dev/null &&
	ip netns exec $rns ping -q -c 1 -w 30 2001:db8::1 >/dev/null
}

setup_sh()
{
	local i bus

	for i in 1 3 5 7; do
		ip link add name "plfw$i" type pktlife peer name "plfw$((i + 1))" || return 1
	done
	# plfw7 has no cable: its end is pulled out (the NIC's cable knob).
	bus=$(ethtool -i plfw7 | awk '$1 == "bus-info:" { print $2 }')
	echo 0 >"/sys/kernel/debug/pktlife/$bus/cable" || return 1
	ip link set plfw7 up
}

setup()
{
	insmod "$ko" || return 1
	case $1 in
	*.py) setup_py ;;
	*.sh) setup_sh ;;
	esac
}

teardown()
{
	ip netns del $rns 2>/dev/null
	[ -d /sys/module/pktlife ] && rmmod pktlife
	return 0
}

echo "TAP version 13"
echo "1..${#tests[@]}"
echo "# kernel: $(uname -r)"
echo "# ethtool: $(ethtool --version)"
echo "# tests: linux-source-6.12 tools/testing/selftests, in ${ksrc#"$top"/}"
echo "# python: NETIF=plup0 LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2" \
	"LOCAL_V6=2001:db8::1 REMOTE_V6=2001:db8::2 REMOTE_TYPE=netns REMOTE_ARGS=$rns"
echo "# shell: NETIFS p1..p6 = plfw1..plfw6, NETIF_NO_CABLE=plfw7"

pass=0 fail=0 skip=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	dir=${t%/*}
	name=${t##*/}
	echo "# selftests: $dir: $name"
	if ! setup "$name" 2>&1 | sed 's/^/# setup: /'; then
		echo "not ok $n selftests: $dir: $name # setup of the pktlife devices failed"
		fail=$((fail + 1))
		teardown
		continue
	fi
	# python tests through upstream-env.py: 6.12's library lacks the
	# remote_ifname hw/csum.py uses (the test itself runs unchanged)
	case $name in
	*.py) run=(python3 "$top/testing/upstream-env.py" "./$name") ;;
	*.sh) run=("./$name" plfw1 plfw2 plfw3 plfw4 plfw5 plfw6) ;;
	esac
	start=$(date +%s)
	# In the test's directory, as run_kselftest.sh runs it: some source
	# their helpers by a relative path.
	(
		cd "$kst/$dir" &&
		exec env NETIF=plup0 LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2 \
			LOCAL_V6=2001:db8::1 REMOTE_V6=2001:db8::2 \
			REMOTE_TYPE=netns REMOTE_ARGS=$rns \
			NETIF_CREATE=no NETIF_NO_CABLE=plfw7 \
			timeout -k 10 "$per_test_timeout" "${run[@]}"
	) </dev/null 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))
	case $rc in
	0) echo "ok $n selftests: $dir: $name # ${secs}s"; pass=$((pass + 1)) ;;
	4) echo "ok $n selftests: $dir: $name # SKIP"; skip=$((skip + 1)) ;;
	124) echo "not ok $n selftests: $dir: $name # TIMEOUT ${per_test_timeout}s"; fail=$((fail + 1)) ;;
	*) echo "not ok $n selftests: $dir: $name # exit=$rc"; fail=$((fail + 1)) ;;
	esac
	teardown
done

echo "# Totals: pass:$pass fail:$fail skip:$skip"
[ "$fail" -eq 0 ]
