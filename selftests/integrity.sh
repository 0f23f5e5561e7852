#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data crosses intact with the TX checksum engine (NETIF_F_HW_CSUM) on and
# off: a file of random bytes by TCP (socat) and by UDP (paced datagrams of
# every size up to 1472 bytes, each checked on arrival), compared by sha256.
# The counters show which engine did the checksums: with tx-checksumming on
# the sender hands CHECKSUM_PARTIAL skbs to the NIC (tx0_csum_partial) and
# the NIC inserts the checksums (hw_tx_csum); with it off neither moves.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 socat ss sha256sum ethtool jq
pl_load
ktap_plan 8
setup_ns NSA NSB
IPA=10.0.3.1
IPB=10.0.3.2
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c $((32 * 1024 * 1024)) /dev/urandom >"$tmp/tcp.tx"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$tmp/udp.tx"

sha() # FILE
{
	sha256sum <"$1" | cut -d' ' -f1
}

# no checksum error anywhere on the receiving end
check_rx_clean()
{
	check_delta B0 B1 hw_rx_csum_bad eq 0 "plb"
	check_delta B0 B1 rx0_csum_bad eq 0 "plb"
}

for csum in on off; do
	RET=0
	pl_set_features "$NSA" pla tx $csum
	check_err $? "ethtool -K pla tx $csum"
	pl_snap A0 "$NSA" pla
	pl_snap B0 "$NSB" plb
	pl_socat_copy "$NSA" "$NSB" $IPB 7000 "$tmp/tcp.tx" "$tmp/tcp.rx"
	check_err $? "socat transfer failed"
	pl_snap A1 "$NSA" pla
	pl_snap B1 "$NSB" plb
	check_eq "$(stat -c %s "$tmp/tcp.rx")" "$(stat -c %s "$tmp/tcp.tx")" "bytes received"
	check_eq "$(sha "$tmp/tcp.rx")" "$(sha "$tmp/tcp.tx")" "sha256"
	check_rx_clean
	rm -f "$tmp/tcp.rx"
	log_test "tx-checksumming $csum: 32 MB by TCP, sha256 intact"

	RET=0
	pl_info_deltas "pla (sender)" A0 A1 '^(tx0_packets|tx0_csum|tx0_tso|hw_tx_frames|hw_tx_csum|hw_tx_tso)'
	if [ $csum = on ]; then
		# Every skb that is not TSO leaves its checksum to the NIC
		# (a TSO skb's are the TSO engine's, counted apart), and the
		# engine inserts each: measured 343 + 3667 TSO = 4010 skbs on
		# 6.12. Not quite every TCP skb: an ACK sent for a TIME_WAIT
		# socket has its checksum done by the stack (CHECKSUM_NONE).
		d=$(($(pl_delta A0 A1 tx0_packets) - $(pl_delta A0 A1 tx0_tso_skbs) -
			$(pl_delta A0 A1 tx0_csum_partial)))
		check_num "$d" ge 0 "pla skbs neither TSO nor CHECKSUM_PARTIAL"
		check_num "$d" le 2 "pla skbs neither TSO nor CHECKSUM_PARTIAL (TIME_WAIT ACKs)"
		check_delta A0 A1 tx0_csum_partial gt 0 "pla"
		check_delta A0 A1 hw_tx_csum eq "$(pl_delta A0 A1 tx0_csum_partial)" "pla (vs. tx0_csum_partial)"
	else
		check_delta A0 A1 tx0_csum_partial eq 0 "pla"
		check_delta A0 A1 hw_tx_csum eq 0 "pla"
	fi
	log_test "tx-checksumming $csum: TCP checksums by the $([ $csum = on ] && echo NIC || echo stack)"

	RET=0
	pl_snap A0 "$NSA" pla
	pl_snap B0 "$NSB" plb
	ip netns exec "$NSB" python3 "$PL_UDP_PY" recv "$tmp/udp.tx" "$tmp/udp.rx" 9000 >"$tmp/recv.out" &
	receiver=$!
	slowwait 20 pl_udp_bound "$NSB" 9000
	check_err $? "the UDP receiver did not start"
	ip netns exec "$NSA" python3 "$PL_UDP_PY" send "$tmp/udp.tx" $IPB 9000 vary >"$tmp/send.out"
	check_err $? "the UDP sender failed"
	wait "$receiver"
	check_err $? "the UDP receiver failed"
	pl_snap A1 "$NSA" pla
	pl_snap B1 "$NSB" plb
	n=$(sed -n 's/^sent //p' "$tmp/send.out")
	check_num "$n" ge 2000 "datagrams sent"
	check_eq "$(cat "$tmp/recv.out")" "received $n" "the receiver"
	check_eq "$(stat -c %s "$tmp/udp.rx")" "$(stat -c %s "$tmp/udp.tx")" "bytes received"
	check_eq "$(sha "$tmp/udp.rx")" "$(sha "$tmp/udp.tx")" "sha256"
	check_rx_clean
	rm -f "$tmp/udp.rx"
	log_test "tx-checksumming $csum: $n UDP datagrams of 13..1472 bytes, every one intact"

	RET=0
	pl_info_deltas "pla (sender)" A0 A1 '^(tx0_packets|tx0_csum|hw_tx_frames|hw_tx_csum)'
	if [ $csum = on ]; then
		# one skb and one frame per datagram, each checksummed by the NIC
		check_delta A0 A1 tx0_csum_partial eq "$n" "pla"
		check_delta A0 A1 hw_tx_csum eq "$n" "pla"
	else
		check_delta A0 A1 tx0_csum_partial eq 0 "pla"
		check_delta A0 A1 hw_tx_csum eq 0 "pla"
	fi
	check_delta A0 A1 tx0_packets eq "$n" "pla"
	log_test "tx-checksumming $csum: UDP checksums by the $([ $csum = on ] && echo NIC || echo stack)"
done

ktap_finish
