#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed frames: nothing crashes, and every frame is either delivered
# intact or dropped and counted by reason.
#
# fuzz_frames.c sends seeded frames from pla (MTU 9000) with AF_PACKET:
# runts of the bare header, giants up to 9014 bytes, random bytes, IPv4
# with truncated headers, wrong total lengths, bad checksums, options and
# fragments, TCP/UDP/ICMP inside, IPv6 with extension headers, ARP, VLAN
# tags; it captures on plb (MTU 1500, one queue, IPv4 and IPv6 addresses,
# promiscuous: frames to other hosts and groups reach the stack too) and
# matches every frame received with the one sent, byte for byte (pla's MAC
# pads frames under 60 bytes with zeros, as Ethernet MACs do).
#
#   1. PKTLIFE_FUZZ_FRAMES frames (100000) on a clean wire. Every frame up
#      to plb's largest (1518 bytes) arrives intact exactly once; each
#      giant is in drop_oversize (or drop_desc_err); plb's MAC finds no
#      runt, no CRC error and filters nothing; the NIC's and the driver's
#      counters add up frame for frame; the stack counts the bad IP
#      headers and checksums it dropped (ktap_info lists its SNMP
#      counters).
#   2-4. A twelfth as many, each pass through one of pla's wire faults:
#      drop_ppm loses frames, corrupt_ppm flips a bit of the last byte
#      (after pla's MAC computed the FCS), truncate_ppm cuts frames short.
#      Every frame received is intact; each fault the wire counts is found
#      exactly once: a lost frame is missing, a corrupted one is a CRC
#      error of plb's MAC, a cut one a runt or a CRC error, and none of
#      those reaches the stack (exactly, unless a frame was also missed).
#   5. The pair still carries traffic, and its counters agree.
#
# PKTLIFE_FUZZ_SEED picks another seed (default: the time; printed, so a
# failure can be replayed).
source "$(dirname "$0")/lib.sh"

IPA=10.0.65.1
IPB=10.0.65.2
FRAMES=${PKTLIFE_FUZZ_FRAMES:-100000}
SEED=${PKTLIFE_FUZZ_SEED:-$(date +%s)}
MAXLEN=1518	# plb: MTU 1500, Ethernet header, one VLAN tag

require_root
require_cmd ip ethtool ping cc taskset
pl_load

ktap_plan 5

tmp=$(mktemp -d)
defer rm -rf "$tmp"
cc -O2 -Wall -Werror -o "$tmp/fuzz_frames" "$PL_TOP/selftests/fuzz_frames.c" ||
	exit $KSFT_FAIL

setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL
# IPv6 on the receiver, for the frames that exercise its extension headers
ip netns exec "$NSB" sysctl -qw net.ipv6.conf.plb.disable_ipv6=0 || exit $KSFT_FAIL
ip -n "$NSB" addr add fd00:1::2/64 dev plb nodad || exit $KSFT_FAIL
ip -n "$NSA" link set pla mtu 9000 || exit $KSFT_FAIL
ip -n "$NSB" link set plb promisc on || exit $KSFT_FAIL
# one queue: the sentinel frame comes after every other on the ring
ip netns exec "$NSB" ethtool -L plb combined 1 || exit $KSFT_FAIL
dbg=$(pl_dbg_dir "$NSA" pla) || { echo "# no debugfs for pla"; exit $KSFT_FAIL; }
ktap_info "seed $SEED"

# fuzz COUNT SEED [KNOB=VALUE...]: run the generator; its counts in F[]
fuzz()
{
	local name val

	# not under "ip netns exec": its mount namespace hides debugfs.  On
	# the CPU of plb's interrupt: each batch of 32 is received before the
	# next is sent, so plb's ring never overflows (hw_rx_missed)
	taskset -c "$(pl_irq_cpu plb)" \
		"$tmp/fuzz_frames" "/run/netns/$NSA" pla "/run/netns/$NSB" plb \
		"$2" "$1" $MAXLEN "${@:3}" >"$tmp/out" 2>"$tmp/err"
	FUZZ_RC=$?
	declare -gA F=()
	while read -r name val; do
		F[$name]=$val
	done <"$tmp/out"
	ktap_info "$(tr '\n' ' ' <"$tmp/out")"
	[ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -n 20
}

snap_all() # SUFFIX
{
	pl_snap "A$1" "$NSA" pla
	pl_snap "B$1" "$NSB" plb
	declare -gA "S$1"
	local -n _s=S$1
	local -A seen=()
	local -a hdr val
	local p rest i

	# /proc/net/snmp in one read (a process costs seconds on a debug
	# kernel): per protocol a line of names, then one of values
	while read -r p rest; do
		if [ -z "${seen[$p]:-}" ]; then
			read -r -a hdr <<<"$rest"
			seen[$p]=1
			continue
		fi
		read -r -a val <<<"$rest"
		for i in "${!hdr[@]}"; do
			_s[${p%:}:${hdr[i]}]=${val[i]}
		done
	done < <(ip netns exec "$NSB" cat /proc/net/snmp)
}

# the reverse direction only: plb -> pla took no fault and no bad frame
reverse_agrees()
{
	local sa sb

	sa=$(ip netns exec "$NSB" ethtool -S plb) || return 1
	sb=$(ip netns exec "$NSA" ethtool -S pla) || return 1
	pl_counters_flow plb "$sa" pla "$sb"
}

DROPS=(rx0_drop_runt rx0_drop_oversize rx0_drop_desc_err rx0_drop_nomem)

# --- 1: a clean wire ---
RET=0
snap_all 0
fuzz "$FRAMES" "$SEED"
snap_all 1
check_err $FUZZ_RC "fuzz_frames: a frame changed, came twice or never (exit $FUZZ_RC)"
check_num "${F[sent]:-0}" eq "$FRAMES" "frames sent (send errors ${F[send_err]:-?})"
d_tx=$(pl_delta A0 A1 hw_tx_frames)
d_rx=$(pl_delta B0 B1 hw_rx_frames)
d_miss=$(pl_delta B0 B1 hw_rx_missed)
d_pk=$(pl_delta B0 B1 rx0_packets)
d_drop=$(pl_delta_sum B0 B1 "${DROPS[@]}")
# (pla's own stack answers some of plb's replies to the fuzzed frames: a
# reset for a SYN-ACK to a SYN it never sent: more than ours, never fewer)
check_num "$d_tx" ge "$((F[sent] + 1))" "pla hw_tx_frames: the frames and the sentinel"
check_num "$d_tx" eq "$((d_rx + d_miss))" "pla hw_tx_frames vs. plb hw_rx_frames + hw_rx_missed"
check_num "$d_rx" eq "$((d_pk + d_drop))" "plb hw_rx_frames vs. rx0_packets + drops (${DROPS[*]})"
check_num "$(pl_delta_sum B0 B1 rx0_drop_oversize rx0_drop_desc_err)" eq "${F[giants]}" \
	"giants vs. drop_oversize + drop_desc_err"
check_delta B0 B1 rx0_drop_runt eq 0 plb
check_delta B0 B1 rx0_drop_nomem eq 0 plb
check_num "$(pl_delta_sum B0 B1 hw_rx_runts hw_rx_crc_errors hw_rx_filtered)" eq 0 \
	"plb hw_rx_runts + hw_rx_crc_errors + hw_rx_filtered"
# every frame the driver passed up reached the packet tap, or the socket
# dropped it (and counted it)
check_num "$d_pk" eq "$((F[rx_marker] + F[rx_other] + 1 + F[tp_drops]))" \
	"plb rx0_packets vs. frames captured + sentinel + socket drops"
# Which random frames the NIC parses far enough to check a checksum, and
# which the stack counts as bad, would take a second parser here: the
# counts above are exact; these only show that bad ones were seen as bad.
check_delta B0 B1 hw_rx_csum_bad gt 0 plb
pl_info_deltas "the receiver's stack" S0 S1 '^(Ip|Icmp|Tcp|Udp):(In|Reasm|OutRsts|NoPorts)'
snmp_delta() # COUNTER...: its growth from S0 to S1, summed
{
	local c sum=0

	for c in "$@"; do
		sum=$((sum + ${S1[$c]:-0} - ${S0[$c]:-0}))
	done
	echo $sum
}
check_num "$(snmp_delta Ip:InHdrErrors)" gt 0 "Ip InHdrErrors (bad IPv4 headers)"
check_num "$(snmp_delta Udp:InCsumErrors Tcp:InCsumErrors)" gt 0 \
	"Udp+Tcp InCsumErrors (bad checksums)"
log_test "$FRAMES malformed frames: each delivered intact or dropped and counted"

# --- 2: the wire's faults, one kind per pass ---
# With one fault per pass and only deliverable frames (fuzz_frames), each
# fault has one outcome to count: a lost frame is missing, a corrupted one
# is a CRC error of plb's MAC, a truncated one a runt (under 64 bytes with
# its FCS) or a CRC error; the MAC drops both.  Besides the fault, a frame
# may only be missed by the NIC (hw_rx_missed) or dropped by the capturing
# socket (tp_drops): those, and nothing else, loosen the identities below
# (seen: both 0).
FAULT_FRAMES=$((FRAMES / 12))
fault_pass() # NAME KNOB PPM SEED
{
	local name=$1 knob=$2 d_tx d_rx d_miss d_lost d_pk d_drop d_fault
	local other d_runt d_crc

	RET=0
	snap_all 2
	fuzz $FAULT_FRAMES "$4" "$dbg/$knob=$3"
	snap_all 3
	check_err $FUZZ_RC "fuzz_frames: a frame changed beyond the $name fault, came twice, or the sentinel never came (exit $FUZZ_RC)"
	check_eq "$(cat "$dbg/$knob")" 0 "$knob after the run"
	check_num "${F[sent]:-0}" eq "$FAULT_FRAMES" "frames sent (send errors ${F[send_err]:-?})"
	check_num "${F[giants]}" eq 0 "giants with faults"
	d_tx=$(pl_delta A2 A3 hw_tx_frames)
	d_rx=$(pl_delta B2 B3 hw_rx_frames)
	d_miss=$(pl_delta B2 B3 hw_rx_missed)
	d_lost=$(pl_delta_sum A2 A3 hw_wire_lost hw_wire_dropped)
	d_pk=$(pl_delta B2 B3 rx0_packets)
	d_drop=$(pl_delta_sum B2 B3 "${DROPS[@]}")
	d_runt=$(pl_delta B2 B3 hw_rx_runts)
	d_crc=$(pl_delta B2 B3 hw_rx_crc_errors)
	# what nothing but a miss or a socket drop explains (none should
	# happen: the generator runs on the CPU of plb's interrupt)
	check_num "$d_miss" eq 0 "plb hw_rx_missed"
	other=$((d_miss + F[tp_drops]))
	check_num "$d_tx" eq "$((F[sent] + 1))" "pla hw_tx_frames: the frames and the sentinel"
	check_num "$d_tx" eq "$((d_rx + d_miss + d_lost + d_runt + d_crc))" \
		"pla hw_tx_frames vs. plb hw_rx_frames + hw_rx_missed + hw_rx_runts + hw_rx_crc_errors + pla hw_wire_lost + hw_wire_dropped"
	check_num "$((F[cut] + F[flipped]))" eq 0 "frames cut or flipped (plb's MAC drops them)"
	check_delta B2 B3 rx0_drop_runt eq 0 plb
	check_delta B2 B3 hw_rx_filtered eq 0 plb
	check_num "$d_rx" eq "$((d_pk + d_drop))" "plb hw_rx_frames vs. rx0_packets + drops"
	check_num "$d_pk" eq "$((F[rx_marker] + F[rx_other] + 1 + F[tp_drops]))" \
		"plb rx0_packets vs. frames captured + sentinel + socket drops"
	check_delta B2 B3 rx0_drop_oversize eq 0 plb
	case $name in
	drop)
		check_num "$d_lost" gt 0 "hw_wire_lost + hw_wire_dropped"
		check_num "${F[missing]}" eq "$((d_lost + other))" \
			"frames missing vs. lost on the wire + missed + socket drops"
		check_num "$((d_runt + d_crc))" eq 0 "plb hw_rx_runts + hw_rx_crc_errors"
		;;
	corrupt)
		d_fault=$(pl_delta A2 A3 hw_wire_corrupted)
		check_num "$d_fault" gt 0 "hw_wire_corrupted"
		check_num "$d_lost" eq 0 "hw_wire_lost + hw_wire_dropped"
		check_num "$d_crc" eq "$d_fault" "plb hw_rx_crc_errors vs. pla hw_wire_corrupted"
		check_num "$d_runt" eq 0 "plb hw_rx_runts"
		check_num "${F[missing]}" eq "$((d_crc + other))" \
			"frames missing vs. CRC errors + missed + socket drops"
		;;
	truncate)
		d_fault=$(pl_delta A2 A3 hw_wire_truncated)
		check_num "$d_fault" gt 0 "hw_wire_truncated"
		# cut to 1..128 bytes: under 64 about half the time
		check_num "$d_runt" gt 0 "plb hw_rx_runts"
		check_num "$d_crc" gt 0 "plb hw_rx_crc_errors (cut, 64 bytes or more)"
		check_num "$((d_runt + d_crc))" eq "$d_fault" \
			"plb hw_rx_runts + hw_rx_crc_errors vs. pla hw_wire_truncated"
		check_num "$d_lost" eq 0 "hw_wire_lost + hw_wire_dropped"
		check_num "${F[missing]}" eq "$((d_fault + other))" \
			"frames missing vs. hw_wire_truncated + missed + socket drops"
		;;
	esac
	log_test "$FAULT_FRAMES frames through the wire's $name fault ($knob $3): each accounted for"
}
# ppm_for MIN EXPECTED: a fault probability of at least MIN ppm, enough
# for EXPECTED faults in the pass's frames, at most 1 (every frame): a
# fault that never happens proves nothing, and a short run (the debug
# tier's) needs more per frame
ppm_for()
{
	local p=$(($2 * 1000000 / FAULT_FRAMES))

	[ $p -gt "$1" ] || p=$1
	[ $p -lt 1000000 ] || p=1000000
	echo $p
}
fault_pass drop drop_ppm "$(ppm_for 20000 30)" $((SEED + 1))
fault_pass corrupt corrupt_ppm "$(ppm_for 20000 30)" $((SEED + 2))
fault_pass truncate truncate_ppm "$(ppm_for 20000 30)" $((SEED + 3))

# --- 3: still working ---
RET=0
ip netns exec "$NSA" ping -c 5 -i 0.1 -W 2 -q $IPB >/dev/null
check_err $? "ping after the fuzzing"
busywait 10000 reverse_agrees
check_err $? "plb -> pla counters disagree: $PL_COUNTERS_DIFF"
log_test "the pair still carries traffic; its counters agree"

ktap_finish
