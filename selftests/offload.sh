#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Offloads: sg, tx/rx checksumming, tso, gro and highdma can be toggled on
# either end, and the datapath obeys TSO (sender) and GRO (receiver). For
# each of the four combinations 200 MB cross by TCP between two netns (both
# ends agree on the count and sha256) and the counters prove the path taken:
#   TSO on:  the sender hands TSO skbs to the NIC (tx0_tso_skbs) and its TSO
#            engine cuts them (hw_tx_tso_segs: most of the frames), and
#            hw_tx_frames = tx0_packets - tx0_tso_skbs + hw_tx_tso_segs;
#   TSO off: neither moves, and every skb is one frame on the wire;
#   GRO on:  half as many skbs or fewer go up the receiver's stack (pktlife
#            count at netif_receive_skb) as frames arrived (hw_rx_frames);
#   GRO off: exactly as many.
# Every frame sent arrived: sender hw_tx_frames = receiver hw_rx_frames
# + hw_rx_missed, and hw_rx_frames = rx0_packets + rx0 drops, and the NIC
# refused no frame the driver gave it (hw_tx_desc_err 0). A quiet pair
# (no IPv6, pinned neighbours) keeps other frames out of the counts.
# QinQ: TCP over a VLAN on an 802.1ad VLAN (two tags; the TSO engine looks
# behind one): 4 MB intact, with TSO on, and none of it for the TSO engine
# (tx0_tso_skbs 0: the driver has the stack segment it), none refused.
source "$(dirname "$0")/lib.sh"

# the size of each copy (the debug tier sets less: testing/check-debug.sh)
SIZE_MB=${PKTLIFE_OFFLOAD_MB:-200}

require_root
require_cmd socat ss sha256sum ethtool jq
pl_require_tool
pl_load
ktap_plan 10
setup_ns NSA NSB
IPA=10.0.9.1
IPB=10.0.9.2
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"

# toggle NS DEV: inside DEV's netns, turn each feature off and on again,
# then all on together, printing each feature's state as ethtool -k reads it
# after each step (one netns entry per end, and bash builtins to read
# ethtool -k: every process costs time under TCG)
toggle()
{
	ip netns exec "$1" bash -c '
		dev=$1
		state() # LONG-NAME...
		{
			local f n v

			for f in "$@"; do
				while read -r n v _; do
					[ "$n" = "$f:" ] && echo "$f $v"
				done <<<"$k"
			done
		}
		for f in sg:scatter-gather tx:tx-checksumming rx:rx-checksumming \
			 tso:tcp-segmentation-offload gro:generic-receive-offload highdma:highdma; do
			for v in off on; do
				ethtool -K "$dev" "${f%%:*}" $v >/dev/null 2>&1
				k=$(ethtool -k "$dev")
				echo "${f%%:*} $v: $(state "${f#*:}")"
			done
		done
		ethtool -K "$dev" sg on tx on rx on tso on gro on highdma on >/dev/null 2>&1
		k=$(ethtool -k "$dev")
		state scatter-gather tx-checksumming rx-checksumming tcp-segmentation-offload \
			generic-receive-offload highdma' - "$2"
}

want=$(
	for f in sg:scatter-gather tx:tx-checksumming rx:rx-checksumming \
		 tso:tcp-segmentation-offload gro:generic-receive-offload highdma:highdma; do
		echo "${f%%:*} off: ${f#*:} off"
		echo "${f%%:*} on: ${f#*:} on"
	done
	for f in scatter-gather tx-checksumming rx-checksumming tcp-segmentation-offload \
		generic-receive-offload highdma; do
		echo "$f on"
	done)
RET=0
for end in "$NSA/pla" "$NSB/plb"; do
	got=$(toggle "${end%/*}" "${end#*/}")
	[ "$got" = "$want" ]
	check_err $? "${end#*/}: ethtool -k after ethtool -K (< wanted, > got): $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | xargs)"
done
log_test "sg, tx, rx, tso, gro, highdma toggle on both ends"

size=$((SIZE_MB * 1024 * 1024))
head -c $size /dev/urandom >"$tmp/tx"
tx_sha=$(sha256sum <"$tmp/tx" | cut -d' ' -f1)

defer pl_tool_stop

# qinq NS DEV IP: DEV.100 (802.1ad) and DEV.100.200 (802.1Q) on it, MTU 1496
# so that a frame with both tags is within what the peer takes
qinq()
{
	ip -n "$1" link add link "$2" name "$2.100" type vlan proto 802.1ad id 100 &&
	ip -n "$1" link add link "$2.100" name "$2.100.200" type vlan id 200 &&
	ip -n "$1" link set "$2.100.200" mtu 1496 &&
	ip -n "$1" addr add "$3/24" dev "$2.100.200" &&
	ip -n "$1" link set "$2.100" up && ip -n "$1" link set "$2.100.200" up
}

RET=0
qinq "$NSA" pla 10.0.10.1 && qinq "$NSB" plb 10.0.10.2 &&
	pl_neigh_pin "$NSA" pla.100.200 10.0.10.1 "$NSB" plb.100.200 10.0.10.2
check_err $? "QinQ devices"
check_eq "$(pl_feature "$NSA" pla.100.200 tcp-segmentation-offload)" on "pla.100.200 TSO"
head -c 4M /dev/urandom >"$tmp/qinq"
pl_snap A0 "$NSA" pla
pl_socat_copy "$NSA" "$NSB" 10.0.10.2 7001 "$tmp/qinq" "$tmp/qinq.rx"
check_err $? "TCP copy over QinQ"
pl_snap A1 "$NSA" pla
cmp -s "$tmp/qinq" "$tmp/qinq.rx"
check_err $? "the copy over QinQ arrived changed"
pl_info_deltas pla A0 A1 '^(tx0_(packets|tso_skbs)|hw_tx_(frames|desc_err|tso_segs))$'
check_delta A0 A1 hw_tx_desc_err eq 0 "pla (TSO frames the NIC refused)"
check_delta A0 A1 tx0_tso_skbs eq 0 "pla (QinQ: the stack segments)"
check_delta A0 A1 hw_tx_frames eq "$(pl_delta A0 A1 tx0_packets)" "pla (tx0_packets)"
ip -n "$NSA" link del pla.100 && ip -n "$NSB" link del plb.100
check_err $? "QinQ devices deleted"
rm -f "$tmp/qinq" "$tmp/qinq.rx"
log_test "TCP over QinQ with TSO on: intact, segmented by the stack, no frame refused"

# one_run TSO GRO: two results
one_run()
{
	local tso=$1 gro=$2 name="TSO $1, GRO $2" rc stack rx_frames d

	RET=0
	pl_set_features "$NSA" pla tso "$tso"
	check_err $? "ethtool -K pla tso $tso"
	pl_set_features "$NSB" plb gro "$gro"
	check_err $? "ethtool -K plb gro $gro"

	ip netns exec "$NSB" "$PL_TOOL" count -i plb --json >"$tmp/count.json" 2>"$tmp/count.err" &
	TOOL_PID=$!
	busywait 60000 pl_tool_counting "$tmp/count.err"
	check_err $? "pktlife count did not start: $(cat "$tmp/count.err")"

	pl_snap A0 "$NSA" pla
	pl_snap B0 "$NSB" plb
	pl_socat_copy "$NSA" "$NSB" $IPB 7000 "$tmp/tx" "$tmp/rx"
	check_err $? "socat transfer failed"
	pl_snap A1 "$NSA" pla
	pl_snap B1 "$NSB" plb

	kill -INT "$TOOL_PID"
	busywait 10000 pl_gone "$TOOL_PID"
	check_err $? "pktlife count did not stop"
	wait "$TOOL_PID"
	rc=$?
	TOOL_PID=
	check_err $rc "pktlife count failed: $(cat "$tmp/count.err")"

	check_eq "$(stat -c %s "$tmp/rx")" $size "bytes received"
	check_eq "$(sha256sum <"$tmp/rx" | cut -d' ' -f1)" "$tx_sha" "sha256 of the data received"
	rm -f "$tmp/rx"
	log_test "$name: $SIZE_MB MB over TCP, both ends agree on count and sha256"

	RET=0
	pl_info_deltas "pla (sender)" A0 A1 '^(tx0_|hw_tx_)'
	pl_info_deltas "plb (receiver)" B0 B1 '^(rx0_|hw_rx_)'
	if [ "$tso" = on ]; then
		check_delta A0 A1 tx0_tso_skbs gt 0 "pla"
		# most frames cut by TSO (as life_tso_gro.sh)
		check_num "$((2 * $(pl_delta A0 A1 hw_tx_tso_segs)))" ge "$(pl_delta A0 A1 hw_tx_frames)" \
			"2 x pla hw_tx_tso_segs delta vs. hw_tx_frames delta"
		d=$(pl_delta_sum A0 A1 tx0_packets hw_tx_tso_segs)
		[ "$d" != missing ] && d=$((d - $(pl_delta A0 A1 tx0_tso_skbs)))
		check_delta A0 A1 hw_tx_frames eq "$d" "pla (tx0_packets - tx0_tso_skbs + hw_tx_tso_segs)"
	else
		check_delta A0 A1 tx0_tso_skbs eq 0 "pla"
		check_delta A0 A1 hw_tx_tso_segs eq 0 "pla"
		check_delta A0 A1 hw_tx_frames eq "$(pl_delta A0 A1 tx0_packets)" "pla (tx0_packets)"
	fi

	check_delta A0 A1 hw_tx_desc_err eq 0 "pla (frames the NIC refused)"
	# every frame sent arrived, and every frame arrived went up or was counted
	d=$(pl_delta_sum B0 B1 hw_rx_frames hw_rx_missed)
	check_delta A0 A1 hw_tx_frames eq "$d" "pla (vs. plb hw_rx_frames + hw_rx_missed)"
	d=$(pl_delta_sum B0 B1 rx0_packets rx0_drop_runt rx0_drop_oversize rx0_drop_desc_err rx0_drop_nomem)
	check_delta B0 B1 hw_rx_frames eq "$d" "plb (vs. rx0_packets + rx0_drop_*)"

	stack=$(jq -r '.counters[] | select(.ifname == "plb" and .dir == "rx") | .packets' "$tmp/count.json" 2>/dev/null)
	stack=${stack:-0}	# no line: nothing counted
	rx_frames=$(pl_delta B0 B1 hw_rx_frames)
	ktap_info "plb: $rx_frames frames arrived (hw_rx_frames), $stack skbs up the stack (netif_receive_skb)"
	check_num "$rx_frames" gt 0 "plb hw_rx_frames delta"
	if [ "$gro" = on ]; then
		# two frames an skb at least (5.6-6.2 measured on 6.12, with TSO
		# on or off: the frames of a window arrive in one poll)
		check_num "$((2 * stack))" le "$rx_frames" \
			"2 x plb skbs up the stack with GRO on (vs. hw_rx_frames)"
	else
		check_num "$stack" eq "$rx_frames" "plb skbs up the stack with GRO off (vs. hw_rx_frames)"
	fi
	log_test "$name: the counters prove the path"
}

for tso in on off; do
	for gro in on off; do
		one_run $tso $gro
	done
done

ktap_finish
