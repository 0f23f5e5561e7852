#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife count against the kernel's own interface counters.
#
# A veth pair joins two netns, SND and RCV (veth, not a pktlife pair: the
# count mode works on any netdev, and this keeps the tool's test independent
# of the driver). pktlife count runs in RCV, filtered to RCV's end; SND pings
# RCV. The tool's RX/TX packets and bytes for that end must equal the deltas
# of its rx_*/tx_* statistics over the same window: attached before the
# first snapshot, detached after the second, and nothing but the ping (and
# its ARP) on the wire in between.
#
# Both ends get the same ifindex, so the sender's packets would be counted
# too if the tool's netns filter did not work.
#
# Each check runs with tp_btf and with the raw_tp fallback
# (PKTLIFE_FORCE_RAW_TP=1), and with table and --json output.

source "$(dirname "$0")/lib.sh"

NPING=50
ADDR_SND=192.0.2.1
ADDR_RCV=192.0.2.2
IFINDEX=42

require_root
require_cmd ip ping jq
pl_require_tool
modprobe -q veth 2>/dev/null	# built in or a module: either will do

ktap_plan 16

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"

setup_ns SND RCV || exit $KSFT_FAIL

if ! ip -n "$SND" link add veth0 index $IFINDEX type veth \
	peer name veth1 netns "$RCV" index $IFINDEX 2>/dev/null; then
	ip -n "$SND" link add veth0 type veth peer name veth1 netns "$RCV" ||
		exit $KSFT_FAIL
	ktap_info "could not give both ends ifindex $IFINDEX: netns filter less tested"
fi
# No IPv6, so no autoconf, DAD or MLD packets in the counting windows.
# ARP happens once at the start of each window (the neighbours are flushed
# before it), never later: RCV learns SND from its ARP request as STALE and
# its first echo reply turns that into DELAY, which would send a unicast
# probe delay_first_probe_time (5 s) later; on a slow (TCG) VM that lands
# between the last snapshot and the detach.
for end in "$SND/veth0" "$RCV/veth1"; do
	ns=${end%/*} dev=${end#*/}
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.$dev.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv4.neigh.$dev.delay_first_probe_time=3600
done
ip -n "$SND" addr add $ADDR_SND/24 dev veth0
ip -n "$RCV" addr add $ADDR_RCV/24 dev veth1
ip -n "$SND" link set veth0 up
ip -n "$RCV" link set veth1 up

defer pl_tool_stop

# One counting window. ATTACH is tp_btf or raw_tp, FMT table or json.
# Sets RUN_RC (the tool's exit status, or 1 when the window failed) and
# STAT_{RX,TX}_{PACKETS,BYTES} (the deltas of veth1's statistics); the
# tool's output is in $TMPD/out, its stderr in $TMPD/err.
run_window()
{
	local attach=$1 fmt=$2
	local env=() args=(count -i veth1) f
	local -A s0 s1

	[ "$attach" = raw_tp ] && env=(PKTLIFE_FORCE_RAW_TP=1)
	[ "$fmt" = json ] && args+=(--json)
	RUN_RC=1

	# Flushed neighbours: the window starts with one fresh ARP exchange
	# and no neighbour timer of an earlier window can send a probe in it.
	ip -n "$SND" neigh flush dev veth0
	ip -n "$RCV" neigh flush dev veth1

	ip netns exec "$RCV" env "${env[@]}" "$PL_TOOL" "${args[@]}" \
		>"$TMPD/out" 2>"$TMPD/err" &
	TOOL_PID=$!
	if ! busywait 60000 pl_tool_counting "$TMPD/err"; then
		ktap_info "the tool did not start counting:"
		sed 's/^/#   /' "$TMPD/err"
		pl_tool_stop
		return
	fi

	for f in rx_packets rx_bytes tx_packets tx_bytes; do
		s0[$f]=$(link_stat "$RCV" veth1 $f)
	done
	ip netns exec "$SND" ping -q -c $NPING -i 0.01 -W 2 $ADDR_RCV >"$TMPD/ping" ||
		ktap_info "ping lost packets: $(tail -n2 "$TMPD/ping" | head -n1)"
	for f in rx_packets rx_bytes tx_packets tx_bytes; do
		s1[$f]=$(link_stat "$RCV" veth1 $f)
	done

	kill -INT "$TOOL_PID"
	if ! busywait 10000 pl_gone "$TOOL_PID"; then
		ktap_info "the tool did not stop on SIGINT"
		pl_tool_stop
		return
	fi
	wait "$TOOL_PID"
	RUN_RC=$?
	TOOL_PID=

	STAT_RX_PACKETS=$((s1[rx_packets] - s0[rx_packets]))
	STAT_RX_BYTES=$((s1[rx_bytes] - s0[rx_bytes]))
	STAT_TX_PACKETS=$((s1[tx_packets] - s0[tx_packets]))
	STAT_TX_BYTES=$((s1[tx_bytes] - s0[tx_bytes]))
}

# tool_counts FMT DIR: "PACKETS BYTES" of veth1 in direction DIR (RX, TX).
tool_counts()
{
	local fmt=$1 dir=$2

	if [ "$fmt" = json ]; then
		jq -r --arg d "${dir,,}" '.counters[] |
			select(.ifname == "veth1" and .dir == $d) |
			"\(.packets) \(.bytes)"' "$TMPD/out"
	else
		awk -v d="$dir" '$1 == "veth1" && $2 == d { print $3, $4 }' "$TMPD/out"
	fi
}

# check_dir FMT DIR STAT_PACKETS STAT_BYTES
check_dir()
{
	local fmt=$1 dir=$2 want_p=$3 want_b=$4 got

	got=$(tool_counts "$fmt" "$dir")
	check_eq "$got" "$want_p $want_b" "$dir packets and bytes vs. veth1 statistics"
	# not vacuous: the ping itself went through
	[ "${got%% *}" -ge $NPING ] 2>/dev/null
	check_err $? "$dir: fewer than $NPING packets counted: '$got'"
}

for attach in tp_btf raw_tp; do
	for fmt in table json; do
		name="count $attach $fmt"
		run_window $attach $fmt

		check_err $RUN_RC "exit status $RUN_RC"
		if [ "$fmt" = json ]; then
			check_eq "$(jq -r .attach "$TMPD/out" 2>&1)" $attach "attach method"
		else
			# without -v the tool says exactly this one line
			check_eq "$(cat "$TMPD/err")" "pktlife: counting, Ctrl-C to stop" "stderr"
		fi
		log_test "$name: counts and exits cleanly"

		[ $RUN_RC -eq 0 ] && check_dir $fmt RX $STAT_RX_PACKETS $STAT_RX_BYTES
		check_err $RUN_RC "no result"
		log_test "$name: RX = veth1 rx_packets/rx_bytes"

		[ $RUN_RC -eq 0 ] && check_dir $fmt TX $STAT_TX_PACKETS $STAT_TX_BYTES
		check_err $RUN_RC "no result"
		log_test "$name: TX = veth1 tx_packets/tx_bytes"
	done
done

# veth0 exists, but in the other netns: the tool must not find it.
ip netns exec "$RCV" "$PL_TOOL" count -i veth0 -d 1 >/dev/null 2>"$TMPD/err"
check_fail $? "succeeded"
grep -q "unknown interface 'veth0'" "$TMPD/err"
check_err $? "message: $(cat "$TMPD/err")"
log_test "count: unknown interface (of another netns) is an error"

rc=0
for bad in "" "nosuchmode" "count -d 0" "count -d x" "count extra" "count --nosuch"; do
	# shellcheck disable=SC2086 # split on purpose
	"$PL_TOOL" $bad >/dev/null 2>&1
	[ $? -ne 0 ] || { rc=1; ktap_info "'pktlife $bad' succeeded"; }
done
check_err $rc "bad arguments accepted"
log_test "count: bad arguments are errors"

if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PL_TOOL" count -d 1 >/dev/null 2>"$TMPD/err"
	check_fail $? "succeeded without privileges"
	check_eq "$(cat "$TMPD/err")" "pktlife: needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)" "message"
	log_test "count: needs root"
else
	log_test_skip "count: needs root" "setpriv not installed"
fi

"$PL_TOOL" --help >"$TMPD/out" 2>&1
check_err $? "--help failed"
grep -q '^  count ' "$TMPD/out"
check_err $? "--help lists no count mode"
"$PL_TOOL" --version | grep -q '^pktlife '
check_err $? "--version"
log_test "pktlife --help lists the modes, --version"

ktap_finish
