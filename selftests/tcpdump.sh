#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcpdump on either end of a pair, each in its netns, sees the traffic:
# ten echo requests go out of pla and come into plb, ten replies the other
# way, each captured exactly once and byte for byte the same on both ends.
# Then ip -s link (the stack's view) and ethtool -S (the driver's rx0_* and
# tx0_* counters) agree on packets and bytes on both ends.
source "$(dirname "$0")/lib.sh"

NPING=10

require_root
require_cmd tcpdump ping ethtool jq
pl_load
ktap_plan 4
setup_ns NSA NSB
pl_pair_quiet "$NSA" pla 10.0.7.1 "$NSB" plb 10.0.7.2 || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"

listening() # ERRFILE
{
	grep -q 'listening on' "$1"
}

# capture NAME NS DEV DIR: tcpdump -Q DIR of ICMP on DEV until it has
# NPING packets, in the background
pids=()
capture()
{
	ip netns exec "$2" timeout 60 tcpdump -n -i "$3" -Q "$4" -c $NPING -w "$tmp/$1.pcap" \
		icmp 2>"$tmp/$1.err" &
	pids+=($!)
	defer kill "$!"
}

# echo_seqs NAME TYPE: the ICMP sequence numbers of the echo requests or
# replies in a capture, one per line, in capture order
echo_seqs()
{
	tcpdump -n -r "$tmp/$1.pcap" "icmp[icmptype] == $2" 2>/dev/null |
		sed -n 's/.*, seq \([0-9]*\), .*/\1/p'
}

# frames NAME: every captured frame in hex, without timestamps
frames()
{
	tcpdump -n -t -e -x -r "$tmp/$1.pcap" 2>/dev/null
}

capture a_out "$NSA" pla out
capture a_in "$NSA" pla in
capture b_in "$NSB" plb in
capture b_out "$NSB" plb out

RET=0
for c in a_out a_in b_in b_out; do
	slowwait 30 listening "$tmp/$c.err"
	check_err $? "tcpdump $c did not start: $(cat "$tmp/$c.err")"
done
ip netns exec "$NSA" ping -c $NPING -i 0.05 -W 2 -s 200 -p a5 -q 10.0.7.2 >/dev/null
check_err $? "ping lost packets"
# each tcpdump stops by itself once it has captured NPING packets
for i in "${!pids[@]}"; do
	wait "${pids[i]}"
	check_err $? "tcpdump #$i did not see $NPING packets"
done
log_test "ping across the pair with tcpdump on both ends"

want=$(seq $NPING)
RET=0
check_eq "$(echo_seqs a_out 8 | xargs)" "$(xargs <<<"$want")" "echo requests seen going out of pla"
check_eq "$(echo_seqs b_in 8 | xargs)" "$(xargs <<<"$want")" "echo requests seen coming into plb"
check_eq "$(frames a_out)" "$(frames b_in)" "frames out of pla vs. into plb"
frames a_out | grep -q 'length 242'
check_err $? "no 242-byte frame (200 bytes of ping data) in the capture"
log_test "requests: $NPING out of pla, the same $NPING into plb"

RET=0
check_eq "$(echo_seqs b_out 0 | xargs)" "$(xargs <<<"$want")" "echo replies seen going out of plb"
check_eq "$(echo_seqs a_in 0 | xargs)" "$(xargs <<<"$want")" "echo replies seen coming into pla"
check_eq "$(frames b_out)" "$(frames a_in)" "frames out of plb vs. into pla"
log_test "replies: $NPING out of plb, the same $NPING into pla"

RET=0
for end in "$NSA/pla" "$NSB/plb"; do
	ns=${end%/*} dev=${end#*/}
	pl_snap S "$ns" "$dev"
	check_eq "$(pl_ip_stat "$ns" "$dev" rx packets)" "${S[rx0_packets]}" "$dev rx packets (ip -s link vs. rx0_packets)"
	check_eq "$(pl_ip_stat "$ns" "$dev" rx bytes)" "${S[rx0_bytes]}" "$dev rx bytes (ip -s link vs. rx0_bytes)"
	check_eq "$(pl_ip_stat "$ns" "$dev" tx packets)" "${S[tx0_packets]}" "$dev tx packets (ip -s link vs. tx0_packets)"
	check_eq "$(pl_ip_stat "$ns" "$dev" tx bytes)" "${S[tx0_bytes]}" "$dev tx bytes (ip -s link vs. tx0_bytes)"
	# not vacuous: the pings themselves are in there, and nothing else
	check_eq "${S[tx0_packets]}" $NPING "$dev tx0_packets"
	check_eq "${S[tx0_bytes]}" $((NPING * 242)) "$dev tx0_bytes"
	ktap_info "$dev: rx ${S[rx0_packets]} packets ${S[rx0_bytes]} bytes, tx ${S[tx0_packets]} packets ${S[tx0_bytes]} bytes"
done
log_test "ip -s link agrees with ethtool -S on both ends"

ktap_finish
