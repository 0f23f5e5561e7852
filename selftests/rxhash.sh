#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The RSS engine's hash reaches the stack: skb_set_hash() with its type.
#
# SND sends to RCV over a quiet pktlife pair: 5 UDP datagrams on each of
# two flows (source ports 4001 and 4002) and 5 pings. pktlife:pl_rx_skb
# (ftrace) shows each skb's hash as the driver set it:
#   every datagram of a flow has the same L4 hash, the two flows differ;
#   every ping has the same L3 hash (no ports), not an L4 one;
#   with ethtool -K rxhash off, no hash at all.
# The hash function itself is checked against the RSS specification's
# vectors by toeplitz.sh.
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.61.1
IP_RCV=10.0.61.2
N=5

require_root
require_cmd ip ping ethtool python3
pl_load || exit $KSFT_FAIL

ktap_plan 4

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
port_a=$(pl_port_id "$SND" pla)

# send: N datagrams from each source port to port 9 (discard: no reader)
SEND_PY='
import socket, sys
ip, n = sys.argv[1], int(sys.argv[2])
for sport in (4001, 4002):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport))
    for i in range(n):
        s.sendto(b"x" * 32, (ip, 9))
    s.close()
'

# one round of traffic, its pl_rx_skb events on plb to $TMPD/$1
round()
{
	local ftr

	pl_ftrace_start ftr pl_rx_skb || return 1
	ip netns exec "$SND" python3 -c "$SEND_PY" $IP_RCV $N || return 1
	ip netns exec "$SND" ping -q -c $N -i 0.05 $IP_RCV >/dev/null || return 1
	pl_ftrace_stop "$ftr" "$TMPD/$1.all"
	# plb's skbs: frames pla sent (its port in their id's top byte; the
	# ifindex alone could be pla's too, in the other netns)
	: >"$TMPD/$1"
	while read -r line; do
		f=${line#* frame=}
		f=${f%% *}
		[ $((f >> 24)) -eq "$port_a" ] && echo "$line" >>"$TMPD/$1"
	done < <(grep "pl_rx_skb: " "$TMPD/$1.all")
	return 0
}

# hashes LEN L4 FILE: the distinct "hash l4_hash" of the skbs of length LEN
hashes()
{
	awk -v len="len=$1" '$0 ~ " " len " " {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^hash=/) h = substr($i, 6)
			if ($i ~ /^l4_hash=/) l = substr($i, 9)
		}
		print h, l
	}' "$2" | sort | uniq -c
}

round on || { ktap_info "traffic or ftrace failed"; exit $KSFT_FAIL; }
# after eth_type_trans: UDP 20 + 8 + 32 = 60, ICMP echo 20 + 8 + 56 = 84
udp=$(hashes 60 "$TMPD/on")
icmp=$(hashes 84 "$TMPD/on")
ktap_info "UDP (count hash l4):" $udp
ktap_info "ICMP (count hash l4):" $icmp

RET=0
check_num "$(echo "$udp" | grep -c .)" eq 2 "distinct UDP hashes (one per flow)"
check_num "$(echo "$udp" | awk '$1 == '$N' && $3 == 1' | grep -c .)" eq 2 \
	"flows with all $N datagrams on one L4 hash"
log_test "UDP: one L4 hash per flow, the flows' differ"

RET=0
check_num "$(echo "$icmp" | grep -c .)" eq 1 "distinct ICMP hashes"
check_num "$(echo "$icmp" | awk '$1 == '$N' && $3 == 0 && $2 != "0x0"' | grep -c .)" eq 1 \
	"pings on one non-zero L3 hash"
log_test "ICMP: one L3 hash"

RET=0
ip netns exec "$RCV" ethtool -K plb rxhash off || check_err 1 "rxhash off"
pl_neigh_pin "$SND" pla $IP_SND "$RCV" plb $IP_RCV
round off || check_err 1 "traffic or ftrace failed"
n0=$(awk '/ hash=0x0 l4_hash=0/' "$TMPD/off" | grep -c .)
check_num "$n0" eq "$(grep -c . "$TMPD/off")" "skbs without a hash"
check_num "$n0" ge $((3 * N)) "skbs seen"
log_test "rxhash off: no hash"

RET=0
ip netns exec "$RCV" ethtool -K plb rxhash on || check_err 1 "rxhash on"
round again || check_err 1 "traffic or ftrace failed"
check_eq "$(hashes 60 "$TMPD/again")" "$udp" "UDP hashes after rxhash off/on"
log_test "rxhash on again: the same hashes"

ktap_finish
