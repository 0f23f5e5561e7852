#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MTU 68..9000: out-of-range MTUs are refused; a frame bigger than the
# receiving end's MTU is dropped there and counted (rx0_drop_oversize, the
# rx_length_errors and rx_errors of ip -s link); full-size frames at MTU
# 68, 1500 and 9000 cross end to end (ping -M do -s MTU-28, every byte of
# each frame counted on arrival); at 9000 a TCP transfer of jumbo frames,
# which span several RX buffers, arrives byte for byte.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ping socat ss sha256sum ethtool jq
pl_load
ktap_plan 6
setup_ns NSA NSB
IPA=10.0.4.1
IPB=10.0.4.2
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"

mtu_of() # NS DEV
{
	ip netns exec "$1" cat "/sys/class/net/$2/mtu"
}

set_mtu() # MTU: on both ends
{
	ip -n "$NSA" link set dev pla mtu "$1" && ip -n "$NSB" link set dev plb mtu "$1"
}

RET=0
for bad in 67 9001 0 65536; do
	for end in "$NSA/pla" "$NSB/plb"; do
		ns=${end%/*} dev=${end#*/}
		ip -n "$ns" link set dev "$dev" mtu $bad 2>/dev/null
		check_fail $? "$dev: MTU $bad accepted"
		check_eq "$(mtu_of "$ns" "$dev")" 1500 "$dev MTU after refusing $bad"
	done
done
log_test "MTU 67 and 9001 (and 0, 65536) refused on either end"

RET=0
NBIG=3
ip -n "$NSA" link set dev pla mtu 9000
check_err $? "pla: MTU 9000"
pl_snap B0 "$NSB" plb
len_errs0=$(pl_ip_stat "$NSB" plb rx length_errors)
errs0=$(pl_ip_stat "$NSB" plb rx errors)
ip netns exec "$NSA" ping -M "do" -s 8000 -c $NBIG -i 0.2 -W 1 -q $IPB >/dev/null 2>&1
check_fail $? "an 8042-byte frame got through to plb with MTU 1500"
pl_snap B1 "$NSB" plb
pl_info_deltas "plb (MTU 1500)" B0 B1 '^(rx0_|hw_rx_)'
check_delta B0 B1 rx0_drop_oversize eq $NBIG "plb"
check_delta B0 B1 rx0_packets eq 0 "plb"
check_eq "$(($(pl_ip_stat "$NSB" plb rx length_errors) - len_errs0))" $NBIG "plb ip -s link rx_length_errors delta"
check_eq "$(($(pl_ip_stat "$NSB" plb rx errors) - errs0))" $NBIG "plb ip -s link rx_errors delta"
log_test "frames over the receiver's MTU (9000 -> 1500) dropped and counted"

# ping_full MTU: NPING echo requests of exactly MTU bytes of IPv4, no
# fragmentation; each arrives whole at plb (MTU + 14 bytes of frame)
NPING=3
ping_full()
{
	local mtu=$1

	set_mtu "$mtu"
	check_err $? "MTU $mtu on both ends"
	check_eq "$(mtu_of "$NSA" pla)/$(mtu_of "$NSB" plb)" "$mtu/$mtu" "MTU of pla/plb"
	pl_snap B0 "$NSB" plb
	ip netns exec "$NSA" ping -M "do" -s $((mtu - 28)) -c $NPING -i 0.1 -W 2 -q $IPB >/dev/null
	check_err $? "ping -M do -s $((mtu - 28)) lost packets"
	pl_snap B1 "$NSB" plb
	check_delta B0 B1 rx0_packets eq $NPING "plb"
	check_delta B0 B1 rx0_bytes eq $((NPING * (mtu + 14))) "plb"
	check_delta B0 B1 rx0_drop_oversize eq 0 "plb"
	# one byte more does not fit and is refused by the sender's stack
	ip netns exec "$NSA" ping -M "do" -s $((mtu - 27)) -c 1 -W 1 -q $IPB >/dev/null 2>&1
	check_fail $? "ping -M do -s $((mtu - 27)) with MTU $mtu succeeded"
}

for mtu in 68 1500 9000; do
	RET=0
	ping_full $mtu
	log_test "MTU $mtu: ping -M do -s $((mtu - 28)) end to end"
done

RET=0
set_mtu 9000
size=$((64 * 1024 * 1024))
head -c $size /dev/urandom >"$tmp/tx"
pl_snap B0 "$NSB" plb
pl_socat_copy "$NSA" "$NSB" $IPB 7000 "$tmp/tx" "$tmp/rx"
check_err $? "socat transfer failed"
pl_snap B1 "$NSB" plb
check_eq "$(stat -c %s "$tmp/rx")" $size "bytes received"
check_eq "$(sha256sum <"$tmp/rx" | cut -d' ' -f1)" "$(sha256sum <"$tmp/tx" | cut -d' ' -f1)" "sha256"
pl_info_deltas "plb" B0 B1 '^(rx0_|hw_rx_)'
# jumbo frames did cross: on average over a 4 KB page per frame, which no
# frame of a 1500-byte MTU comes near.  (Not much more: how full the
# segments are depends on how fast the receiver acks and on socat's 8 KB
# writes: a CI run averaged 7834 bytes.)
p=$(pl_delta B0 B1 rx0_packets)
b=$(pl_delta B0 B1 rx0_bytes)
check_num "$p" gt 0 "plb rx0_packets delta"
[ "$p" -gt 0 ] 2>/dev/null && check_num $((b / p)) gt 4096 "plb bytes per received frame"
check_delta B0 B1 rx0_drop_oversize eq 0 "plb"
log_test "MTU 9000: 64 MB over TCP in jumbo frames, byte for byte"

ktap_finish
