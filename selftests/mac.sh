#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The MAC (module/hw/mac.c, the driver's module/mac.c), with raw frames
# of an unused EtherType from pla to plb (raw_frames.py: captured on plb,
# a broadcast sentinel last; one queue on plb, so it comes after them):
#   1. pad, FCS  a 42-byte frame arrives as 60 bytes, zero-padded by pla's
#                MAC (hw_tx_bytes +60); with rx-fcs on plb as 64, ending in
#                the FCS of those 60 (CRC-32 of 802.3, low byte first)
#   2. unicast   a frame to an address plb does not have is filtered
#                (hw_rx_filtered +1, not captured); one to a secondary
#                address (bridge fdb add ... self: ndo_set_rx_mode with
#                IFF_UNICAST_FLT) arrives; with 16 secondary addresses the
#                15 free entries overflow into unicast promiscuous mode and
#                the foreign frame arrives; with 15 it is filtered again;
#                ip link set promisc on: it arrives
#   3. multicast a group plb did not join (one whose hash bit no joined
#                group sets) is filtered; joined (ip maddr add) it arrives,
#                left it is filtered; allmulti on: it arrives
#   4. CRC       N frames corrupted on the wire (pla's corrupt knob, after
#                its MAC's FCS): hw_rx_crc_errors and ip -s link's rx
#                crc_errors +N, none captured; with rx-all on all N are
#                captured, each one bit from what was sent
#   5. runts     N 60-byte frames cut short on the wire (truncate_ppm
#                1000000: to 1..63 bytes with their FCS): hw_rx_runts and
#                rx length_errors +N, none captured
#   6. buffer    plb with a 64-entry ring, RX buffer allocations failing
#                (its rx_alloc_fail knob) and a 16 KiB packet buffer: of
#                N 1000-byte frames the ring takes 63, the packet buffer
#                16, the rest are missed (hw_rx_missed, ip -s link rx
#                missed_errors) in one overflow (hw_rx_pb_overflows, rx
#                fifo_errors +1); once buffers can be allocated again the
#                16 are written out: exactly frames 0..78 arrive, in order
#   7. trace     over 2-5, pktlife:pl_hw_mac_drop fired once per frame the
#                MAC dropped, with why: filter, fcs, runt
source "$(dirname "$0")/lib.sh"

IPA=10.0.66.1
IPB=10.0.66.2
N=20
FOREIGN=02:00:00:66:00:99

require_root
require_cmd ip ethtool bridge python3
pl_load

ktap_plan 7

tmp=$(mktemp -d)
defer rm -rf "$tmp"
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL
ip netns exec "$NSB" ethtool -L plb combined 1 || exit $KSFT_FAIL
dbg_a=$(pl_dbg_dir "$NSA" pla) || fail_all "no debugfs directory for pla"
dbg_b=$(pl_dbg_dir "$NSB" plb) || fail_all "no debugfs directory for plb"
MAC_B=$(pl_mac "$NSB" plb)

# frames DST LEN COUNT [ARGS...]: send them pla -> plb; what arrived in
# $tmp/got ("number length hex" per frame), GOT the count
frames()
{
	python3 "$PL_TOP/selftests/raw_frames.py" "/run/netns/$NSA" pla \
		"/run/netns/$NSB" plb "$@" >"$tmp/got"
	FRAMES_RC=$?
	GOT=$(wc -l <"$tmp/got")
}

# filtered DST WHAT: one frame to DST does not arrive, and is counted
filtered()
{
	pl_snap B0 "$NSB" plb
	frames "$1" 60 1
	check_err $FRAMES_RC "sending to $1 ($2)"
	pl_snap B1 "$NSB" plb
	check_num "$GOT" eq 0 "frames to $1 captured ($2)"
	check_delta B0 B1 hw_rx_filtered eq 1 "plb ($2)"
}

# arrives DST WHAT: one frame to DST arrives, nothing filtered
arrives()
{
	pl_snap B0 "$NSB" plb
	frames "$1" 60 1
	check_err $FRAMES_RC "sending to $1 ($2)"
	pl_snap B1 "$NSB" plb
	check_num "$GOT" eq 1 "frames to $1 captured ($2)"
	check_delta B0 B1 hw_rx_filtered eq 0 "plb ($2)"
}

# --- 1: padding and FCS ---
RET=0
pl_snap A0 "$NSA" pla
frames "$MAC_B" 42 1
check_err $FRAMES_RC "sending a 42-byte frame"
pl_snap A1 "$NSA" pla
check_delta A0 A1 hw_tx_bytes eq 120 "pla (the frame and the sentinel, 60 bytes each)"
read -r n len hex <"$tmp/got"
check_eq "$n $len" "0 60" "frame number and length received"
check_eq "${hex:84}" "$(printf '0%.0s' {1..36})" "the 18 bytes of padding"
pl_set_features "$NSB" plb rx-fcs on
check_err $? "ethtool -K plb rx-fcs on"
frames "$MAC_B" 42 1
read -r n len hex <"$tmp/got"
check_eq "$n $len" "0 64" "frame number and length received with rx-fcs"
check_eq "${hex:120}" "$(python3 -c 'import sys, zlib; print(zlib.crc32(bytes.fromhex(sys.argv[1])).to_bytes(4, "little").hex())' "${hex:0:120}")" \
	"the last 4 bytes: the FCS of the 60 before"
pl_set_features "$NSB" plb rx-fcs off
check_err $? "ethtool -K plb rx-fcs off"
log_test "pad and FCS: 42 bytes sent, 60 received, and with rx-fcs their FCS"

# --- 2: the unicast filter ---
RET=0
pl_snap T0 "$NSB" plb
pl_ftrace_start TRACE pl_hw_mac_drop || fail_all "cannot trace pktlife:pl_hw_mac_drop"
filtered $FOREIGN "a foreign unicast address"
arrives "$MAC_B" "plb's own address"
ip netns exec "$NSB" bridge fdb add 02:00:00:66:01:00 dev plb self permanent
check_err $? "bridge fdb add 02:00:00:66:01:00 dev plb self"
arrives 02:00:00:66:01:00 "a secondary address"
for i in $(seq 1 15); do
	ip netns exec "$NSB" bridge fdb add "02:00:00:66:02:$(printf %02x "$i")" dev plb self permanent ||
		check_err 1 "bridge fdb add, address $i"
done
arrives $FOREIGN "16 secondary addresses: unicast promiscuous"
ip netns exec "$NSB" bridge fdb del 02:00:00:66:01:00 dev plb self
check_err $? "bridge fdb del 02:00:00:66:01:00 dev plb self"
filtered $FOREIGN "15 secondary addresses: the perfect filter again"
arrives 02:00:00:66:02:0f "the 15th secondary address"
ip -n "$NSB" link set plb promisc on
arrives $FOREIGN "promisc on"
ip -n "$NSB" link set plb promisc off
filtered $FOREIGN "promisc off"
log_test "unicast: the perfect filter, its overflow into promiscuous mode, promisc"

# --- 3: the multicast hash filter ---
RET=0
# a group whose hash (plhw_mc_hash(): the top 8 bits of the big-endian
# CRC) no group plb joined shares
mapfile -t joined < <(ip -n "$NSB" maddr show dev plb | awk '$1 == "link" { print $2 }')
GROUP=$(python3 -c '
import sys, zlib
def h(mac):
    c = zlib.crc32(bytes.fromhex(mac.replace(":", ""))) ^ 0xffffffff
    return int("{:08b}".format(c & 0xff)[::-1], 2)
used = {h(m) for m in sys.argv[1:]}
print(next(g for g in ("01:00:5e:7f:00:%02x" % i for i in range(256)) if h(g) not in used))
'  "${joined[@]}")
ktap_info "group $GROUP"
filtered "$GROUP" "a group not joined"
ip -n "$NSB" maddr add "$GROUP" dev plb
check_err $? "ip maddr add $GROUP dev plb"
arrives "$GROUP" "joined"
ip -n "$NSB" maddr del "$GROUP" dev plb
check_err $? "ip maddr del $GROUP dev plb"
filtered "$GROUP" "left"
ip -n "$NSB" link set plb allmulticast on
arrives "$GROUP" "allmulti on"
ip -n "$NSB" link set plb allmulticast off
log_test "multicast: the hash filter follows the groups joined, allmulti takes all"

# --- 4: CRC errors ---
RET=0
crc0=$(pl_ip_stat "$NSB" plb rx crc_errors)
pl_snap B0 "$NSB" plb
frames "$MAC_B" 100 $N "$dbg_a/corrupt=$N"
check_err $FRAMES_RC "sending $N corrupted frames"
pl_snap B1 "$NSB" plb
check_num "$GOT" eq 0 "corrupted frames captured"
check_delta B0 B1 hw_rx_crc_errors eq $N plb
check_delta B0 B1 hw_rx_frames eq 1 "plb (the sentinel)"
check_num $(($(pl_ip_stat "$NSB" plb rx crc_errors) - crc0)) eq $N "plb rx crc_errors (ip -s link)"
pl_set_features "$NSB" plb rx-all on
check_err $? "ethtool -K plb rx-all on"
frames "$MAC_B" 100 $N "$dbg_a/corrupt=$N"
check_err $FRAMES_RC "sending $N corrupted frames with rx-all"
check_num "$GOT" eq $N "corrupted frames captured with rx-all"
# each is frame i of 100 bytes with one bit flipped
flipped=$(python3 -c '
import struct, sys
n = 0
for line in open(sys.argv[1]):
    i, _, hexa = line.split()
    got = bytes.fromhex(hexa)
    sent = got[:12] + struct.pack("!HI", 0x88b5, int(i)) + bytes(100 - 18)
    n += len(got) == 100 and sum(bin(a ^ b).count("1") for a, b in zip(got, sent)) == 1
print(n)' "$tmp/got")
check_num "$flipped" eq $N "frames one bit from what was sent"
pl_set_features "$NSB" plb rx-all off
check_err $? "ethtool -K plb rx-all off"
log_test "CRC: $N corrupted frames counted and dropped, with rx-all kept"

# --- 5: runts ---
RET=0
len0=$(pl_ip_stat "$NSB" plb rx length_errors)
pl_snap B0 "$NSB" plb
frames "$MAC_B" 60 $N "$dbg_a/truncate_ppm=1000000"
check_err $FRAMES_RC "sending $N frames cut short"
pl_snap B1 "$NSB" plb
check_num "$GOT" eq 0 "runts captured"
check_delta B0 B1 hw_rx_runts eq $N plb
check_delta B0 B1 hw_rx_crc_errors eq 0 plb
check_num $(($(pl_ip_stat "$NSB" plb rx length_errors) - len0)) eq $N "plb rx length_errors (ip -s link)"
log_test "runts: $N frames cut under 64 bytes, counted and dropped"
pl_ftrace_stop "$TRACE" "$tmp/trace"
pl_snap T1 "$NSB" plb

# --- 6: the packet buffer ---
RET=0
ip netns exec "$NSB" ethtool -G plb rx 64
check_err $? "ethtool -G plb rx 64"
echo 16384 >"$dbg_b/rx_pb_bytes" || check_err 1 "rx_pb_bytes 16384"
BIG=$((63 + 16 + N))
missed0=$(pl_ip_stat "$NSB" plb rx missed_errors)
fifo0=$(pl_ip_stat "$NSB" plb rx fifo_errors)
pl_snap B0 "$NSB" plb
# the driver's allocations fail from the first frame on, until N frames
# were missed; the sentinel waits for "go"
echo 1000000 >"$dbg_b/rx_alloc_fail"
python3 "$PL_TOP/selftests/raw_frames.py" "/run/netns/$NSA" pla "/run/netns/$NSB" plb \
	"$MAC_B" 1000 $BIG --pause "$tmp/go" >"$tmp/got" &
sender=$!
missed_all()
{
	[ "$(ethtool_stat "$NSB" plb hw_rx_missed)" -ge $((${B0[hw_rx_missed]} + N)) ]
}
slowwait 30 missed_all
check_err $? "plb did not miss $N frames"
pl_snap B1 "$NSB" plb
echo 0 >"$dbg_b/rx_alloc_fail"
touch "$tmp/go"
wait $sender
check_err $? "the sender"
pl_snap B2 "$NSB" plb
check_delta B0 B1 hw_rx_missed eq $N plb
check_delta B0 B1 hw_rx_pb_overflows eq 1 plb
check_delta B0 B2 hw_rx_frames eq $((63 + 16 + 1)) "plb (and the sentinel)"
check_num $(($(pl_ip_stat "$NSB" plb rx missed_errors) - missed0)) eq $N "plb rx missed_errors (ip -s link)"
check_num $(($(pl_ip_stat "$NSB" plb rx fifo_errors) - fifo0)) eq 1 "plb rx fifo_errors (ip -s link)"
check_eq "$(awk '{ printf "%s ", $1 }' "$tmp/got")" "$(seq -s ' ' 0 $((63 + 16 - 1))) " \
	"frames received, in order"
log_test "packet buffer: 63 frames in the ring, 16 held until buffers came, $N missed in one overflow"

# --- 7: the MAC's tracepoint ---
RET=0
port_b=$(pl_port_id "$NSB" plb) || fail_all "no port id for plb"
why_count() # WHY: pl_hw_mac_drop events of plb's port for WHY
{
	grep -c "pl_hw_mac_drop: port=$port_b .* why=$1\$" "$tmp/trace"
}
check_num "$(why_count filter)" eq "$(pl_delta T0 T1 hw_rx_filtered)" "why=filter events vs. hw_rx_filtered"
check_num "$(why_count fcs)" eq $N "why=fcs events (without rx-all)"
check_num "$(why_count runt)" eq $N "why=runt events"
log_test "pl_hw_mac_drop: one event per frame the MAC dropped, and why"

ktap_finish
