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
# Then ethtool -X sets the RSS specification's verification key (ethtool
# -x reads it back, with the 128-entry indirection table) and SND sends
# from and to the specification's IPv4 addresses and ports: each frame's
# hash, as the driver hands it to the stack, is the specification's, for
# UDP (4-tuple, L4 hash) and ping (2-tuple, L3 hash), and stays so for two
# of them sent over an 802.1Q VLAN and over QinQ (802.1ad, then 802.1Q):
# the RSS engine looks behind both tags. The hash function alone is
# checked against all vectors, IPv6 too, by toeplitz.sh.
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.61.1
IP_RCV=10.0.61.2
N=5

require_root
require_cmd ip ping ethtool python3
pl_load

ktap_plan 7

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

# plb_skbs NAME: the pl_rx_skb events of $TMPD/NAME.all on plb to
# $TMPD/NAME: frames pla sent (its port in their id's top byte; the
# ifindex alone could be pla's too, in the other netns)
plb_skbs()
{
	local line f

	: >"$TMPD/$1"
	while read -r line; do
		f=${line#* frame=}
		f=${f%% *}
		[ $((f >> 24)) -eq "$port_a" ] && echo "$line" >>"$TMPD/$1"
	done < <(grep "pl_rx_skb: " "$TMPD/$1.all")
	return 0
}

# one round of traffic, its pl_rx_skb events on plb to $TMPD/$1
round()
{
	local ftr

	pl_ftrace_start ftr pl_rx_skb || return 1
	ip netns exec "$SND" python3 -c "$SEND_PY" $IP_RCV $N || return 1
	ip netns exec "$SND" ping -q -c $N -i 0.05 $IP_RCV >/dev/null || return 1
	pl_ftrace_stop "$ftr" "$TMPD/$1.all"
	plb_skbs "$1"
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

MSKEY=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
# dst src dport sport l3-hash l4-hash, from "Verifying the RSS Hash Calculation"
VECTORS=(
	"161.142.100.80 66.9.149.187 1766 2794 0x323e8fc2 0x51ccc178"
	"65.69.140.83 199.92.111.2 4739 14230 0xd718262a 0xc626b0ea"
	"12.22.207.184 24.19.198.95 38024 12898 0xd2d0a5de 0x5c2b394a"
	"209.142.163.6 38.27.205.30 2217 48228 0x82989176 0xafc7327f"
	"202.188.127.2 153.39.163.191 1303 44251 0x5d1809c5 0x10e828a2"
)

RET=0
ip netns exec "$RCV" ethtool -X plb hkey $MSKEY
check_err $? "ethtool -X plb hkey"
ip netns exec "$RCV" ethtool -x plb >"$TMPD/x"
check_err $? "ethtool -x plb"
key=$(awk '/RSS hash key:/ { getline; print; exit }' "$TMPD/x")
check_eq "$key" "$MSKEY" "key read back"
check_num "$(grep -cE '^ *[0-9]+: +0( +0){7}$' "$TMPD/x")" eq 16 \
	"indirection table rows (128 entries, all queue 0)"
grep -q "toeplitz: on" "$TMPD/x"
check_err $? "hash function toeplitz on"
log_test "ethtool -X hkey, -x reads key, table and function back"

SEND1_PY='
import socket, sys
src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, sport))
s.sendto(b"x" * 32, (dst, dport))
'
mac_b=$(pl_mac "$RCV" plb)
mac_a=$(pl_mac "$SND" pla)
RET=0
for v in "${VECTORS[@]}"; do
	read -r dst src dport sport l3 l4 <<<"$v"
	ip -n "$SND" addr add "$src/32" dev pla
	ip -n "$RCV" addr add "$dst/32" dev plb
	ip -n "$SND" route add "$dst/32" dev pla src "$src"
	ip -n "$RCV" route add "$src/32" dev plb src "$dst"
	ip -n "$SND" neigh replace "$dst" lladdr "$mac_b" dev pla nud permanent
	ip -n "$RCV" neigh replace "$src" lladdr "$mac_a" dev plb nud permanent
done
# vectors NAME TAGS VECTOR...: each vector's UDP datagram and ping, their
# skbs on plb as pl_rx_skb shows them, checked against the specification
# (TAGS VLAN tags of 4 bytes each stay in front of the IP header)
vectors()
{
	local name=$1 tags=$2 v dst src dport sport l3 l4 ftr=
	shift 2

	pl_ftrace_start ftr pl_rx_skb || { check_err 1 "ftrace"; return; }
	for v in "$@"; do
		read -r dst src dport sport l3 l4 <<<"$v"
		ip netns exec "$SND" python3 -c "$SEND1_PY" "$src" "$sport" "$dst" "$dport" ||
			check_err 1 "UDP $src:$sport -> $dst:$dport"
		ip netns exec "$SND" ping -q -c 1 -I "$src" "$dst" >/dev/null ||
			check_err 1 "ping $src -> $dst"
	done
	pl_ftrace_stop "$ftr" "$TMPD/$name.all"
	plb_skbs "$name"
	for v in "$@"; do
		read -r dst src dport sport l3 l4 <<<"$v"
		grep -q " len=$((60 + 4 * tags)) .* hash=$l4 l4_hash=1" "$TMPD/$name"
		check_err $? "$name: no UDP frame $src:$sport -> $dst:$dport with hash $l4"
		grep -q " len=$((84 + 4 * tags)) .* hash=$l3 l4_hash=0" "$TMPD/$name"
		check_err $? "$name: no ping $src -> $dst with hash $l3"
	done
	[ $RET -ne 0 ] && ktap_info "$name: hashes seen:" $(grep -o 'len=[0-9]* .*hash=0x[0-9a-f]* l4_hash=[01]' "$TMPD/$name" | sed 's/ .* hash=/:/')
}

vectors vec 0 "${VECTORS[@]}"
log_test "the RSS specification's IPv4 vectors, end to end (4-tuple and 2-tuple)"

# vlan NS DEV NAME PROTO ID: a VLAN NAME on DEV, up
vlan()
{
	ip -n "$1" link add link "$2" name "$3" type vlan proto "$4" id "$5" &&
		ip -n "$1" link set "$3" up
}

# via_vlan VECTOR SNDDEV RCVDEV: the vector's flow, both ways, over the VLANs
via_vlan()
{
	local dst src rest

	read -r dst src rest <<<"$1"
	ip -n "$SND" route replace "$dst/32" dev "$2" src "$src" &&
		ip -n "$RCV" route replace "$src/32" dev "$3" src "$dst" &&
		ip -n "$SND" neigh replace "$dst" lladdr "$mac_b" dev "$2" nud permanent &&
		ip -n "$RCV" neigh replace "$src" lladdr "$mac_a" dev "$3" nud permanent
}

RET=0
vlan "$SND" pla pla.10 802.1Q 10 && vlan "$RCV" plb plb.10 802.1Q 10 &&
	vlan "$SND" pla pla.100 802.1ad 100 && vlan "$RCV" plb plb.100 802.1ad 100 &&
	vlan "$SND" pla.100 pla.100.200 802.1Q 200 &&
	vlan "$RCV" plb.100 plb.100.200 802.1Q 200 &&
	via_vlan "${VECTORS[1]}" pla.10 plb.10 &&
	via_vlan "${VECTORS[2]}" pla.100.200 plb.100.200
check_err $? "VLAN devices and routes"
vectors vlan 1 "${VECTORS[1]}"
vectors qinq 2 "${VECTORS[2]}"
log_test "the same hashes behind an 802.1Q tag and behind QinQ (802.1ad, 802.1Q)"

ktap_finish
