# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Selftest helpers for the driver and the simulated NIC, sourced by lib.sh
# (a test sources lib.sh only): the module (pl_load), pairs (pl_pair,
# pl_pair_quiet, pl_pair_quiet6, pl_addr), the two ends' counters
# (pair_counters_agree, ethtool -S snapshots and their deltas), ethtool
# features, the driver's debugfs and tracepoints, and traffic: socat
# copies, a paced UDP sender and receiver (udp_paced.py), long-lived
# checked streams for the stress tests (traffic.py).

PL_KO=${PL_KO:-$PL_TOP/build/$PL_KREL/module/pktlife.ko}
# the kernel's YNL CLI and netdev spec, which make check extracts from the
# kernel source (never into the repo)
PL_YNL_CLI=$PL_TOP/build/kernel-scripts/tools/net/ynl/cli.py
PL_YNL_SPEC=$PL_TOP/build/kernel-scripts/Documentation/netlink/specs/netdev.yaml
# The kernel's YNL CLI, and the python3-yaml it needs (make deps): ours to
# provide, so a test that needs them fails without them.
pl_require_ynl()
{
	if [ ! -r "$PL_YNL_CLI" ] || [ ! -r "$PL_YNL_SPEC" ]; then
		fail_all "the kernel's YNL CLI is not in build/kernel-scripts (make ynl)"
	fi
	python3 -c 'import yaml' 2>/dev/null || fail_all "python3-yaml missing (make deps)"
}
# iproute2 finds link_pktlife.so here for "ip link add ... type pktlife peer ..."
export IP_LIB_DIR=${IP_LIB_DIR:-$PL_TOP/build/ip}

# --- the module, pairs, counters -------------------------------------------

pl_module_loaded()
{
	[ -d /sys/module/pktlife ]
}

# For a test that loads the module itself: it is built, and not loaded: a
# module left loaded is state leaked by an earlier test (or a module in
# use), and a test run on it proves nothing.
pl_require_ko()
{
	[ -f "$PL_KO" ] || fail_all "$PL_KO not built (make)"
	pl_module_loaded || return 0
	fail_all "pktlife.ko is already loaded (refcnt $(cat /sys/module/pktlife/refcnt)):" \
		"an earlier test left it, or it is in use"
}

# Load the module built for the running kernel, once per script
# (pl_require_ko first).  Fails the script if it cannot load; unloads it
# at exit, and fails the script if the unload is refused (a reference
# leaked).
pl_load()
{
	pl_require_ko
	insmod "$PL_KO" || fail_all "insmod $PL_KO failed"
	defer_check pl_unload
}

pl_refs_gone()
{
	[ "$(cat /sys/module/pktlife/refcnt 2>/dev/null || echo 0)" = 0 ]
}

pl_unload()
{
	pl_module_loaded || return 0
	# A pktlife killed by a cleanup just before may still hold the module
	# (its BPF programs on the module's tracepoints go with its last file,
	# and a killed tool takes up to 12 s under TCG to let its trampolines
	# go: stress_attach.sh): give references a while to go.  A leaked one
	# stays, and rmmod refuses.
	busywait 60000 pl_refs_gone
	rmmod pktlife
}

# pl_pair A NS_A B NS_B: a pktlife pair with A in NS_A and B in NS_B, both up.
pl_pair()
{
	local a=$1 nsa=$2 b=$3 nsb=$4

	ip link add "$a" netns "$nsa" type pktlife peer name "$b" netns "$nsb" || return 1
	ip -n "$nsa" link set "$a" up && ip -n "$nsb" link set "$b" up
}

# pl_addr NS DEV ADDR/PREFIX...: add addresses without IPv6 DAD delays.
pl_addr()
{
	local ns=$1 dev=$2 a

	shift 2
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$dev" nodad 2>/dev/null ||
			ip -n "$ns" addr add "$a" dev "$dev" || return 1
	done
}

# link_stat NS DEV FIELD: one counter from /sys/class/net/DEV/statistics.
link_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ethtool_stat NS DEV NAME: one counter from ethtool -S.
ethtool_stat()
{
	ip netns exec "$1" ethtool -S "$2" | awk -v n="$3:" '$1 == n { print $2; f = 1 } END { exit !f }'
}

# pair_counters_agree NS_A A NS_B B [missed]: every frame one end's NIC put
# on the wire the other's NIC received (or its MAC filtered: MLD reports
# to groups nobody joined), and its driver passed up every frame it
# received: frames and bytes (when none was filtered), both ways.  No
# runt, no CRC error, and none missed for want of RX buffers unless
# "missed" is given: traffic at full rate overflows an RX ring, as on real
# hardware, and those frames count as received-or-missed (their bytes are
# then not compared).
# PL_COUNTERS_DIFF says what differed.
pair_counters_agree()
{
	local sa sb

	PL_COUNTERS_DIFF=
	PL_MISSED_OK=${5:+1}
	sa=$(ip netns exec "$1" ethtool -S "$2") || return 1
	sb=$(ip netns exec "$3" ethtool -S "$4") || return 1
	pl_counters_flow "$2" "$sa" "$4" "$sb" && pl_counters_flow "$4" "$sb" "$2" "$sa"
}

pl_stat_of() # "ethtool -S" output, counter name
{
	awk -v n="$2:" '$1 == n { print $2; f = 1 } END { if (!f) print "missing" }' <<<"$1"
}

pl_counters_flow() # A STATS_A B STATS_B: what A sent, B got
{
	local txf txb rxf rxb missed bad filtered pk by

	txf=$(pl_stat_of "$2" hw_tx_frames)
	txb=$(pl_stat_of "$2" hw_tx_bytes)
	rxf=$(pl_stat_of "$4" hw_rx_frames)
	rxb=$(pl_stat_of "$4" hw_rx_bytes)
	missed=$(pl_stat_of "$4" hw_rx_missed)
	# what the receiving MAC dropped: no runt or CRC error on a clean
	# wire; frames for groups it did not join (IPv6's MLD reports) are
	# filtered
	bad=$(($(pl_stat_of "$4" hw_rx_runts) + $(pl_stat_of "$4" hw_rx_crc_errors)))
	filtered=$(pl_stat_of "$4" hw_rx_filtered)
	pk=$(pl_stat_of "$4" rx0_packets)
	by=$(pl_stat_of "$4" rx0_bytes)
	if [[ "$txf$txb$rxf$rxb$missed$pk$by" == *missing* ]]; then
		PL_COUNTERS_DIFF="a counter is missing in ethtool -S"
		return 1
	fi
	if [ "$txf" -ne $((rxf + missed + bad + filtered)) ]; then
		PL_COUNTERS_DIFF="$1 hw_tx_frames=$txf, $3 hw_rx_frames=$rxf + hw_rx_missed=$missed + hw_rx_runts + hw_rx_crc_errors=$bad + hw_rx_filtered=$filtered"
		return 1
	fi
	if [ "$bad" -ne 0 ]; then
		PL_COUNTERS_DIFF="$3 hw_rx_runts + hw_rx_crc_errors=$bad on a clean wire"
		return 1
	fi
	# a frame the NIC found no buffer for is a loss the test did not ask for
	if [ "$missed" -ne 0 ] && [ -z "${PL_MISSED_OK:-}" ]; then
		PL_COUNTERS_DIFF="$3 hw_rx_missed=$missed: frames lost for want of RX buffers"
		return 1
	fi
	if [ $((missed + filtered)) -eq 0 ] && [ "$txb" -ne "$rxb" ]; then
		PL_COUNTERS_DIFF="$1 hw_tx_bytes=$txb, $3 hw_rx_bytes=$rxb"
		return 1
	fi
	if [ "$rxf" -ne "$pk" ] || [ "$rxb" -ne "$by" ]; then
		PL_COUNTERS_DIFF="$3 hw_rx_frames=$rxf/$rxb bytes, rx0_packets=$pk/$by bytes"
		return 1
	fi
}

# --- NIC model (issue 3) ---
#
# Helpers for the tests of the NIC model: a pair that sends nothing of its
# own (so counters can be compared exactly), snapshots of ethtool -S and
# their deltas (a counter the driver does not have fails the check), the
# driver's debugfs knobs, ethtool feature flags, ip -s link statistics,
# /proc/net/snmp, and a paced UDP sender/receiver that never loses a
# datagram unless the datapath does.

# pl_pair_quiet NS_A A IP_A NS_B B IP_B: like pl_pair, with IPv4 addresses
# IP_A/24 and IP_B/24, IPv6 disabled from the devices' creation on and each
# end's neighbour pinned (pl_neigh_pin): nothing but the test's own traffic
# crosses the pair.
pl_pair_quiet()
{
	local nsa=$1 a=$2 ipa=$3 nsb=$4 b=$5 ipb=$6 ns

	for ns in "$nsa" "$nsb"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	ip link add "$a" netns "$nsa" type pktlife peer name "$b" netns "$nsb" || return 1
	ip netns exec "$nsa" sysctl -qw "net.ipv6.conf.$a.disable_ipv6=1" || return 1
	ip netns exec "$nsb" sysctl -qw "net.ipv6.conf.$b.disable_ipv6=1" || return 1
	ip -n "$nsa" addr add "$ipa/24" dev "$a" || return 1
	ip -n "$nsb" addr add "$ipb/24" dev "$b" || return 1
	ip -n "$nsa" link set "$a" up && ip -n "$nsb" link set "$b" up || return 1
	pl_neigh_pin "$nsa" "$a" "$ipa" "$nsb" "$b" "$ipb"
}

# pl_neigh_pin NS_A A IP_A NS_B B IP_B: permanent neighbour entries on both
# ends (no ARP); again after anything that took a device down.
pl_neigh_pin()
{
	local nsa=$1 a=$2 ipa=$3 nsb=$4 b=$5 ipb=$6

	ip -n "$nsa" neigh replace "$ipb" lladdr "$(pl_mac "$nsb" "$b")" \
		dev "$a" nud permanent &&
	ip -n "$nsb" neigh replace "$ipa" lladdr "$(pl_mac "$nsa" "$a")" \
		dev "$b" nud permanent
}

# pl_pair_quiet6 NS_A A IP6_A NS_B B IP6_B: IPv6 on the two ends of a
# pl_pair_quiet pair, with the addresses IP6_A/64 and IP6_B/64 and still
# nothing unasked crossing it but MLD reports (to ff02::16, joining each
# address's solicited-node group): no link-local address (so no DAD nor
# router solicitation), no DAD of the addresses, each end's neighbour
# pinned (no neighbour discovery).
pl_pair_quiet6()
{
	local nsa=$1 a=$2 ipa=$3 nsb=$4 b=$5 ipb=$6 ns dev

	for ns in "$nsa:$a" "$nsb:$b"; do
		dev=${ns#*:}
		ns=${ns%%:*}
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.addr_gen_mode=1" \
			"net.ipv6.conf.$dev.accept_dad=0" \
			"net.ipv6.conf.$dev.router_solicitations=0" \
			"net.ipv6.conf.$dev.disable_ipv6=0" || return 1
	done
	ip -n "$nsa" addr add "$ipa/64" dev "$a" nodad || return 1
	ip -n "$nsb" addr add "$ipb/64" dev "$b" nodad || return 1
	ip -n "$nsa" -6 neigh replace "$ipb" lladdr "$(pl_mac "$nsb" "$b")" \
		dev "$a" nud permanent &&
	ip -n "$nsb" -6 neigh replace "$ipa" lladdr "$(pl_mac "$nsa" "$a")" \
		dev "$b" nud permanent
}

pl_mac() # NS DEV
{
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

# pl_snap VAR NS DEV: the associative array VAR := ethtool -S DEV.
pl_snap()
{
	local name val

	declare -gA "$1"
	local -n _pl_snap=$1
	_pl_snap=()
	while read -r name val; do
		[ -n "$val" ] && [ "${name%:}" != "$name" ] || continue
		_pl_snap[${name%:}]=$val
	done < <(ip netns exec "$2" ethtool -S "$3")
}

# pl_settled NS DEV: the driver has caught up with its NIC: every skb it
# gave a TX ring was completed, and every frame the NIC wrote into an RX
# ring was taken (sent up, or dropped and counted).  Counters read after
# traffic stopped are then final, and so is what a tool saw of it.
pl_settled()
{
	ip netns exec "$1" ethtool -S "$2" | awk '
		$1 ~ /^tx[0-9]+_packets:$/ { tx += $2 }
		$1 ~ /^tx[0-9]+_completed:$/ { txc += $2 }
		$1 ~ /^rx[0-9]+_(packets|drop_[a-z_]+):$/ { rx += $2 }
		$1 == "hw_rx_frames:" { hw = $2 }
		END { exit !(tx == txc && rx == hw) }'
}

# pl_delta S0 S1 NAME: S1[NAME] - S0[NAME] of two pl_snap snapshots;
# prints "missing" and fails when the driver has no counter NAME.
pl_delta()
{
	local -n _pl_d0=$1 _pl_d1=$2

	if [ -z "${_pl_d0[$3]+x}" ] || [ -z "${_pl_d1[$3]+x}" ]; then
		echo missing
		return 1
	fi
	echo $((_pl_d1[$3] - _pl_d0[$3]))
}

# pl_delta_sum S0 S1 NAME...: the sum of the deltas of several counters
# ("missing" if any is).
pl_delta_sum()
{
	local n d sum=0

	for n in "${@:3}"; do
		d=$(pl_delta "$1" "$2" "$n") || { echo missing; return 1; }
		sum=$((sum + d))
	done
	echo $sum
}

# check_delta S0 S1 NAME OP WANT [WHO]: the delta of counter NAME compared
# (pl_cmp OP) with WANT; a missing counter fails.
check_delta()
{
	local d

	d=$(pl_delta "$1" "$2" "$3")
	if [ "$d" = missing ]; then
		check_err 1 "${6:+$6 }$3: no such counter in ethtool -S"
		return 1
	fi
	pl_cmp "$d" "$4" "$5"
	check_err $? "${6:+$6 }$3 grew by $d, want -$4 $5"
}

# pl_info_deltas WHO S0 S1 PATTERN: the non-zero deltas of the counters
# matching the extended regex PATTERN, as one KTAP comment line.
pl_info_deltas()
{
	local -n _pl_i0=$2 _pl_i1=$3
	local n line=

	for n in $(printf '%s\n' "${!_pl_i1[@]}" | sort); do
		[[ $n =~ $4 ]] || continue
		[ $((_pl_i1[$n] - ${_pl_i0[$n]:-0})) -ne 0 ] || continue
		line+=" $n=+$((_pl_i1[$n] - ${_pl_i0[$n]:-0}))"
	done
	ktap_info "$1:${line:- (no change)}"
}

# pl_ip_stat NS DEV DIR FIELD: stats64.DIR.FIELD of ip -s -s -j link show,
# e.g. rx packets, rx length_errors.
pl_ip_stat()
{
	ip -n "$1" -s -s -j link show dev "$2" |
		jq -er --arg d "$3" --arg f "$4" '.[0].stats64[$d][$f]'
}

# pl_snmp NS PROTO FIELD: one counter of /proc/net/snmp in NS (e.g. Udp
# InCsumErrors) or of /proc/net/netstat (e.g. TcpExt TCPSACKRecovery).
pl_snmp()
{
	ip netns exec "$1" awk -v p="$2:" -v f="$3" '
		$1 == p && !h { for (i = 2; i <= NF; i++) if ($i == f) c = i; h = 1; next }
		$1 == p && h && c { print $c; found = 1; exit }
		END { exit !found }' /proc/net/snmp /proc/net/netstat
}

# pl_feature NS DEV NAME: "on" or "off" (ethtool -k)
pl_feature()
{
	ip netns exec "$1" ethtool -k "$2" |
		awk -v n="$3:" '$1 == n { print $2; f = 1 } END { exit !f }'
}

# pl_set_features NS DEV NAME on|off ...: ethtool -K, and check that each
# feature reads back as asked (ethtool -K alone is quiet about some refusals).
pl_set_features()
{
	local ns=$1 dev=$2 i
	local args=("${@:3}")

	ip netns exec "$ns" ethtool -K "$dev" "${args[@]}" >/dev/null 2>&1
	for ((i = 0; i < ${#args[@]}; i += 2)); do
		[ "$(pl_feature "$ns" "$dev" "$(pl_feature_name "${args[i]}")")" = "${args[i + 1]}" ] ||
			return 1
	done
}

# ethtool -K takes short names, ethtool -k prints long ones.
pl_feature_name()
{
	case $1 in
	sg) echo scatter-gather ;;
	tx) echo tx-checksumming ;;
	rx) echo rx-checksumming ;;
	tso) echo tcp-segmentation-offload ;;
	gso) echo generic-segmentation-offload ;;
	gro) echo generic-receive-offload ;;
	*) echo "$1" ;;
	esac
}

# pl_dbg_dir NS DEV: the driver's debugfs directory of DEV
# (/sys/kernel/debug/pktlife/<bus-info>); fails if there is none.
pl_dbg_dir()
{
	local bus

	bus=$(ip netns exec "$1" ethtool -i "$2" | awk '$1 == "bus-info:" { print $2 }')
	[ -n "$bus" ] && [ -d "/sys/kernel/debug/pktlife/$bus" ] || return 1
	echo "/sys/kernel/debug/pktlife/$bus"
}

# pl_coal NS DEV FIELD: one value of DEV's ethtool -c (rx-usecs, ...)
pl_coal()
{
	ip netns exec "$1" ethtool -c "$2" | awk -v f="$3:" '$1 == f { print $2 }'
}

# pl_wire_ns LEN MBIT: the time a frame of LEN bytes (as in memory: no
# FCS) takes on a wire of MBIT Mbit/s, as the model counts it (nic.rst,
# "The wire"): padded to 60 bytes, with FCS, preamble, start delimiter and
# inter-frame gap (24 bytes), in whole ns; 0 for MBIT 0 (no rate).
pl_wire_ns()
{
	local len=$(($1 < 60 ? 60 : $1))

	[ "$2" -eq 0 ] && { echo 0; return; }
	echo $(((len + 24) * 8 * 1000 / $2))
}

# pl_link_mbit NS DEV: DEV's link speed in Mbit/s (ethtool); fails while
# the link is down
pl_link_mbit()
{
	local speed

	speed=$(ip netns exec "$1" ethtool "$2" |
		sed -n 's/^[[:space:]]*Speed: \([0-9]*\)Mb\/s$/\1/p')
	[ -n "$speed" ] && echo "$speed"
}

# pl_link_is NS DEV MBIT: DEV's link is up at MBIT
pl_link_is() { [ "$(pl_link_mbit "$1" "$2")" = "$3" ]; }

# pl_wire_mbit NS DEV: the rate of the wire DEV sends on, Mbit/s: its
# rate_mbit knob, or (0) the link's speed
pl_wire_mbit()
{
	local dbg rate

	dbg=$(pl_dbg_dir "$1" "$2") && rate=$(cat "$dbg/rate_mbit") || return 1
	if [ "$rate" -eq 0 ]; then
		pl_link_mbit "$1" "$2"
	else
		echo "$rate"
	fi
}

# pl_wire_time NS DEV LEN: a frame of LEN bytes' time on the wire DEV sends
# on, departure to arrival, in ns: the knob latency_us plus its bits' time
# at the wire's rate (without jitter and reordering)
pl_wire_time()
{
	local dbg mbit

	dbg=$(pl_dbg_dir "$1" "$2") && mbit=$(pl_wire_mbit "$1" "$2") || return 1
	echo $(($(cat "$dbg/latency_us") * 1000 + $(pl_wire_ns "$3" "$mbit")))
}

# pl_tcp_listening NS PORT / pl_udp_bound NS PORT
pl_tcp_listening()
{
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

pl_udp_bound()
{
	ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q .
}

# pl_socat_copy NS_TX NS_RX IP PORT SRC DST: SRC crosses by TCP (socat, as
# in tcp.sh) from NS_TX to NS_RX and lands in DST. Fails if either socat
# does; the caller compares size and sha256.
pl_socat_copy()
{
	local nstx=$1 nsrx=$2 ip=$3 port=$4 src=$5 dst=$6 rx rc=0

	ip netns exec "$nsrx" socat -u TCP-LISTEN:"$port",reuseaddr CREATE:"$dst" &
	rx=$!
	if ! slowwait 20 pl_tcp_listening "$nsrx" "$port"; then
		kill "$rx" 2>/dev/null
		wait "$rx"
		return 1
	fi
	ip netns exec "$nstx" timeout $((300 * PL_TIME_SCALE)) socat -u FILE:"$src" TCP:"$ip:$port" || rc=1
	# a sender that never connected leaves the receiver listening
	[ $rc -eq 0 ] || kill "$rx" 2>/dev/null
	wait "$rx" || rc=1
	return $rc
}

# pl_udp send SRC IP PORT SIZES | pl_udp recv REF DST PORT
#
# SRC crosses by UDP, cut in datagrams of SIZES ("fixed:N" bytes each, or
# "vary": every payload size from 1 to 1472 bytes first, then sizes at
# random), each with a 12-byte header (sequence number, count, offset).
# The sender sends windows of 32 datagrams and waits for the receiver to
# have all of one before it sends the next, so no socket, queue or ring can
# overflow: a datagram missing after 5 s is lost and fails both ends. The
# receiver checks every datagram against REF (the same file), writes what
# it got to DST, and says "received N"; the sender says "sent N".
# PL_UDP_PY is the script, for: ip netns exec NS python3 "$PL_UDP_PY" ...
PL_UDP_PY=$PL_TOP/selftests/udp_paced.py

pl_udp()
{
	python3 "$PL_UDP_PY" "$@"
}

# --- the driver's tracepoints -----------------------------------------------

# pl_ftrace_start VAR EVENT...: a tracefs instance of its own (removed at
# exit) recording the pktlife:EVENTs (SYSTEM/EVENT: another system's) with
# the "mono" clock, the clock of bpf_ktime_get_ns() and of the NIC's
# timestamps; VAR := its directory.
# Fails if tracefs or the clock is not there.
pl_ftrace_start()
{
	local tr=/sys/kernel/tracing _pl_dir e

	[ -d $tr/instances ] || tr=/sys/kernel/debug/tracing
	[ -d $tr/instances ] || return 1
	_pl_dir=$tr/instances/pktlife-$$-$RANDOM
	mkdir "$_pl_dir" || return 1
	defer rmdir "$_pl_dir"
	defer sh -c "echo 0 > '$_pl_dir/events/enable'"
	echo mono >"$_pl_dir/trace_clock" || return 1
	for e in "${@:2}"; do
		case $e in
		*/*) ;;			# another system's: irq/irq_handler_entry
		*) e=pktlife/$e ;;
		esac
		echo 1 >"$_pl_dir/events/$e/enable" || return 1
	done
	printf -v "$1" %s "$_pl_dir"
}

# pl_ftrace_stop DIR OUT: stop recording, the events (no comments) to OUT.
pl_ftrace_stop()
{
	echo 0 >"$1/events/enable"
	grep -v '^#' "$1/trace" >"$2"
}

# pl_irq_cpu DEV [QUEUE]: the CPU on which DEV's queue QUEUE (default 0)
# takes its interrupts: the effective affinity of its IRQ, named
# <DEV>-rxtx-<QUEUE> in /proc/interrupts.  A sender pinned there has each
# interrupt its frames raise taken (and the NAPI poll run) before it sends
# the next batch, as on one CPU of a real host.
pl_irq_cpu()
{
	local irq

	irq=$(pl_irq_of "$1-rxtx-${2:-0}")
	[ -n "$irq" ] && cat "/proc/irq/$irq/effective_affinity_list"
}

# pl_irq_of NAME: the number of the IRQ named NAME in /proc/interrupts
# (<dev>-rxtx-<q>, <dev>-link)
pl_irq_of()
{
	awk -v n="$1" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts
}

# pl_port_id NS DEV: the NIC port number of DEV, the "port=" of the
# pktlife:pl_hw_* events (bus-info pktlife.N).
pl_port_id()
{
	ip netns exec "$1" ethtool -i "$2" | awk '$1 == "bus-info:" { sub(/^pktlife\./, "", $2); print $2 }'
}

# --- long-lived, checked traffic (traffic.py) ----------------------------------
#
# For the stress tests: a TCP and a UDP stream that outlive whatever happens
# to the devices under them, every byte checked at the receiver, whose
# status file the shell reads without starting a process (starting one is
# slow in a VM kept busy by the traffic itself).

# pl_traffic_start NS_SEND NS_RECV TCP_DST UDP_DST [traffic.py send options]:
# receiver in NS_RECV, sender in NS_SEND; PL_TRAFFIC is the receiver's
# status file, PL_TRAFFIC.send the sender's.
pl_traffic_start()
{
	local dir

	dir=$(mktemp -d)
	defer rm -rf "$dir"
	PL_TRAFFIC=$dir/status
	# niced: what the test itself runs comes first, the traffic takes
	# whatever CPU is left (all of it, unless paced)
	ip netns exec "$2" nice -n 19 python3 "$PL_TOP/selftests/traffic.py" recv "$PL_TRAFFIC" &
	PL_TRAFFIC_PIDS=($!)
	ip netns exec "$1" nice -n 19 python3 "$PL_TOP/selftests/traffic.py" send \
		--status "$PL_TRAFFIC.send" "${@:3}" &
	PL_TRAFFIC_PIDS+=($!)
	defer pl_traffic_stop
	exec {PL_NAPFD}<> <(:)
}

# pl_traffic_stop: end both (their sockets with them)
pl_traffic_stop()
{
	[ ${#PL_TRAFFIC_PIDS[@]} -gt 0 ] || return 0
	kill "${PL_TRAFFIC_PIDS[@]}" 2>/dev/null
	wait "${PL_TRAFFIC_PIDS[@]}" 2>/dev/null
	PL_TRAFFIC_PIDS=()
}

# pl_nap SECONDS: sleep without starting a process
pl_nap()
{
	read -r -t "$1" -u "$PL_NAPFD"
}

# pl_traffic_read: TR_TCP (bytes), TR_UDP (datagrams), TR_TCP_LAST and
# TR_UDP_LAST (us of the last good data), TR_BAD, TR_CONNS (accepted)
pl_traffic_read()
{
	[ -r "$PL_TRAFFIC" ] || return 1
	read -r TR_TCP TR_UDP TR_TCP_LAST TR_UDP_LAST TR_BAD TR_CONNS <"$PL_TRAFFIC"
}

# pl_traffic_read_sender: how the sender's TCP connections went:
# TS_CONNECTED, TS_TIMED_OUT (TCP_USER_TIMEOUT), TS_FAILED (a reset or a
# send error), TS_CONNECT_FAILED, TS_LAST_ERROR (traffic.py)
pl_traffic_read_sender()
{
	[ -r "$PL_TRAFFIC.send" ] || return 1
	read -r TS_CONNECTED TS_TIMED_OUT TS_FAILED TS_CONNECT_FAILED TS_LAST_ERROR \
		<"$PL_TRAFFIC.send"
}

# pl_traffic_wait MS [SINCE_US]: wait up to MS ms (stretched by
# PL_TIME_SCALE, like busywait) for both streams to deliver good data
# after SINCE_US (default: now; microseconds as in ${EPOCHREALTIME/./}).
# PL_TRAFFIC_MS is how long it took; PL_TCP_MS and PL_UDP_MS when each
# stream was back ("-": not yet).
pl_traffic_wait()
{
	pl_traffic_back $(($1 * PL_TIME_SCALE)) "${@:2}"
}

# pl_traffic_back MS [SINCE_US]: the same, MS not stretched: a bound the
# test asserts (stress_reconfig's resume time)
pl_traffic_back()
{
	local since=${2:-${EPOCHREALTIME/./}} deadline now

	deadline=$((since + $1 * 1000))
	PL_TCP_MS=- PL_UDP_MS=-
	while :; do
		now=${EPOCHREALTIME/./}
		if pl_traffic_read; then
			[ "$PL_TCP_MS" = - ] && [ "$TR_TCP_LAST" -gt "$since" ] &&
				PL_TCP_MS=$(((now - since) / 1000))
			[ "$PL_UDP_MS" = - ] && [ "$TR_UDP_LAST" -gt "$since" ] &&
				PL_UDP_MS=$(((now - since) / 1000))
			if [ "$PL_TCP_MS" != - ] && [ "$PL_UDP_MS" != - ]; then
				PL_TRAFFIC_MS=$(((now - since) / 1000))
				return 0
			fi
		fi
		[ "$now" -lt "$deadline" ] || return 1
		pl_nap 0.02
	done
}
