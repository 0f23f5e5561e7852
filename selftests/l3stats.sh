#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# L3 offload statistics (ip stats set dev X l3_stats on): the NIC's L3
# counter engine counts the IP packets of a router interface or tunnel
# that cross its ports, and "ip stats show ... l3_stats" reports them.
# Every count is exact: N datagrams of P bytes of payload, IPv4 packets
# of 28 + P bytes (52 + P for GRE's outer packet, 48 + P for IPIP's), no
# other IP traffic (IPv6 off, neighbours pinned).
#   vlan      l3_stats on pla.200: N out = tx N, N in = rx N; untagged
#             traffic on pla is not pla.200's
#   port      l3_stats on plb itself: untagged traffic, not the VLAN's
#   used      hw_stats_info says used for ours, not for a veth's VLAN
#   mac       pla.200 gets a new MAC: what was counted stays, new traffic
#             (to the new MAC) counts
#   gre       a GRE tunnel over the pair: tx on one end = rx on the other
#   ipip      an IPIP tunnel between the same addresses: the same, and
#             neither tunnel counts the other's packets (the rule matches
#             the IP protocol)
#   port gone the pair is deleted: the tunnels keep what was counted
#   full      16 rules per port: the 17th is refused, with a message
source "$(dirname "$0")/lib.sh"

IPA=10.0.68.1
IPB=10.0.68.2
VA=10.0.69.1
VB=10.0.69.2
GA=10.0.70.1
GB=10.0.70.2
IA=10.0.72.1
IB=10.0.72.2
N=50
P=100
PORT=7100

require_root
require_cmd ip jq python3
pl_load
modprobe -q ip_gre 2>/dev/null
modprobe -q ipip 2>/dev/null

ktap_plan 8

setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

vlan_add() # NS DEV IP
{
	ip -n "$1" link add link "$2" name "$2.200" type vlan id 200 &&
	ip -n "$1" addr add "$3/24" dev "$2.200" &&
	ip -n "$1" link set "$2.200" up
}
vlan_add "$NSA" pla $VA && vlan_add "$NSB" plb $VB &&
	pl_neigh_pin "$NSA" pla.200 $VA "$NSB" plb.200 $VB
[ $? -eq 0 ] || exit $KSFT_FAIL

used() # NS DEV: true or false
{
	ip -n "$1" -j stats show dev "$2" group offload subgroup hw_stats_info |
		jq '.[0].info.l3_stats.used'
}

# blast NS IP: N datagrams of P bytes to IP:PORT, where a socket takes
# them (no ICMP errors back); fails unless all N arrive
blast()
{
	local rns dst=$2 got

	[ "$1" = "$NSA" ] && rns=$NSB || rns=$NSA
	ip netns exec "$rns" python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(10 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1")))
print("bound", flush=True)
n = 0
try:
    while n < int(sys.argv[3]):
        s.recv(65536)
        n += 1
except socket.timeout:
    pass
print(n)' "$dst" $PORT $N >"$TMPD/recv" &
	local rpid=$!
	slowwait 10 grep -q bound "$TMPD/recv"
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[3])):
    s.sendto(b"x" * int(sys.argv[4]), (sys.argv[1], int(sys.argv[2])))' \
		"$dst" $PORT $N $P
	wait $rpid
	got=$(tail -n 1 "$TMPD/recv")
	[ "$got" = "$N" ] || { ktap_info "blast to $dst: $got of $N arrived"; return 1; }
}

# check_l3 NS DEV DIR PACKETS BYTES-PER-PACKET (one ip and one jq: every
# process counts under TCG)
check_l3()
{
	check_eq "$(ip -n "$1" -j stats show dev "$2" group offload subgroup l3_stats |
		jq -r ".[0].stats64.$3 | \"\(.packets) \(.bytes)\"")" \
		"$4 $(($4 * $5))" "$2 $3 packets and bytes"
}

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"

# --- vlan ---
RET=0
ip -n "$NSA" stats set dev pla.200 l3_stats on
check_err $? "ip stats set dev pla.200 l3_stats on"
blast "$NSA" $VB
check_err $? "datagrams pla.200 -> plb.200"
blast "$NSB" $VA
check_err $? "datagrams plb.200 -> pla.200"
blast "$NSA" $IPB
check_err $? "datagrams pla -> plb (untagged)"
check_l3 "$NSA" pla.200 tx $N $((28 + P))
check_l3 "$NSA" pla.200 rx $N $((28 + P))
log_test "vlan: pla.200 counts its IP packets, both ways, exactly"

# --- port ---
RET=0
ip -n "$NSB" stats set dev plb l3_stats on
check_err $? "ip stats set dev plb l3_stats on"
blast "$NSA" $IPB
check_err $? "datagrams pla -> plb"
blast "$NSA" $VB
check_err $? "datagrams pla.200 -> plb.200"
check_l3 "$NSB" plb rx $N $((28 + P))
check_l3 "$NSB" plb tx 0 0
log_test "port: plb counts its untagged IP packets, not its VLAN's"

# --- used ---
RET=0
check_eq "$(used "$NSA" pla.200)" true "pla.200 used"
check_eq "$(used "$NSB" plb)" true "plb used"
ip -n "$NSA" link add vea type veth peer name veb &&
	ip -n "$NSA" link add link vea name vea.5 type vlan id 5 &&
	ip -n "$NSA" stats set dev vea.5 l3_stats on
check_err $? "l3_stats on a veth's VLAN"
check_eq "$(used "$NSA" vea.5)" false "vea.5 used"
log_test "used: ours are counted by the NIC, a veth's VLAN is not"

# --- mac ---
RET=0
ip -n "$NSA" link set pla.200 address 02:00:00:00:02:00 &&
	pl_neigh_pin "$NSA" pla.200 $VA "$NSB" plb.200 $VB
check_err $? "new MAC for pla.200"
blast "$NSB" $VA
check_err $? "datagrams plb.200 -> pla.200 (new MAC)"
check_l3 "$NSA" pla.200 rx $((2 * N)) $((28 + P))
# and the N sent to plb.200 by "port"
check_l3 "$NSA" pla.200 tx $((2 * N)) $((28 + P))
log_test "mac: counts kept across a MAC change, and the new MAC counted"

# --- gre ---
RET=0
ip -n "$NSA" link add ga type gre local $IPA remote $IPB &&
	ip -n "$NSB" link add gb type gre local $IPB remote $IPA &&
	ip -n "$NSA" addr add $GA/30 dev ga && ip -n "$NSB" addr add $GB/30 dev gb &&
	ip -n "$NSA" link set ga up && ip -n "$NSB" link set gb up
check_err $? "GRE tunnel ga <-> gb"
ip -n "$NSA" stats set dev ga l3_stats on &&
	ip -n "$NSB" stats set dev gb l3_stats on
check_err $? "l3_stats on ga, gb"
check_eq "$(used "$NSA" ga)" true "ga used"
blast "$NSA" $GB
check_err $? "datagrams ga -> gb"
check_l3 "$NSA" ga tx $N $((52 + P))
check_l3 "$NSA" ga rx 0 0
check_l3 "$NSB" gb rx $N $((52 + P))
log_test "gre: the tunnel's outer packets, tx on one end, rx on the other"

# --- ipip ---
RET=0
ip -n "$NSA" link add ia type ipip local $IPA remote $IPB &&
	ip -n "$NSB" link add ib type ipip local $IPB remote $IPA &&
	ip -n "$NSA" addr add $IA/30 dev ia && ip -n "$NSB" addr add $IB/30 dev ib &&
	ip -n "$NSA" link set ia up && ip -n "$NSB" link set ib up
check_err $? "IPIP tunnel ia <-> ib"
ip -n "$NSA" stats set dev ia l3_stats on &&
	ip -n "$NSB" stats set dev ib l3_stats on
check_err $? "l3_stats on ia, ib"
check_eq "$(used "$NSB" ib)" true "ib used"
blast "$NSB" $IA
check_err $? "datagrams ib -> ia"
check_l3 "$NSB" ib tx $N $((48 + P))
check_l3 "$NSB" ib rx 0 0
check_l3 "$NSA" ia rx $N $((48 + P))
check_l3 "$NSA" ia tx 0 0
# the GRE tunnel between the same addresses counted none of them
check_l3 "$NSA" ga tx $N $((52 + P))
check_l3 "$NSA" ga rx 0 0
check_l3 "$NSB" gb rx $N $((52 + P))
check_l3 "$NSB" gb tx 0 0
log_test "ipip: the tunnel's outer packets, tx on one end, rx on the other, not GRE's"

# --- port gone ---
RET=0
ip -n "$NSA" link del pla
check_err $? "ip link del pla"
check_l3 "$NSA" ga tx $N $((52 + P))
check_l3 "$NSB" gb rx $N $((52 + P))
check_l3 "$NSA" ia rx $N $((48 + P))
check_l3 "$NSB" ib tx $N $((48 + P))
check_eq "$(used "$NSA" ga)" false "ga used with no pktlife port"
check_eq "$(used "$NSA" ia)" false "ia used with no pktlife port"
log_test "port gone: the tunnels keep what the NIC counted"

# --- full ---
RET=0
# the tunnels would take a rule of every new port in their netns
ip -n "$NSA" link del ga && ip -n "$NSB" link del gb &&
	ip -n "$NSA" link del ia && ip -n "$NSB" link del ib
check_err $? "ip link del ga, gb, ia, ib"
pl_pair_quiet "$NSA" plc 10.0.71.1 "$NSB" pld 10.0.71.2 || exit $KSFT_FAIL
for i in $(seq 1 16); do
	ip -n "$NSA" link add link plc name "plc.$i" type vlan id "$i" &&
		ip -n "$NSA" stats set dev "plc.$i" l3_stats on ||
		check_err 1 "rule $i of 16"
done
ip -n "$NSA" link add link plc name plc.17 type vlan id 17
out=$(ip -n "$NSA" stats set dev plc.17 l3_stats on 2>&1)
check_fail $? "a 17th rule was taken"
grep -q "no free L3 counter" <<<"$out"
check_err $? "no extack message: $out"
ip -n "$NSA" link del plc.1 && ip -n "$NSA" stats set dev plc.17 l3_stats on
check_err $? "the rule of a deleted VLAN is free again"
log_test "full: 16 rules per port, the 17th refused, freed rules reused"

ktap_finish
