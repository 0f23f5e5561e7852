#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Wire faults (debugfs knobs of the sending port), each producing exactly
# what its counter says:
#   drop_ppm     datagrams received = sent - hw_wire_lost
#   corrupt_ppm  plb's MAC finds each corrupted frame's FCS wrong and drops
#                it: rx_crc_errors (ip -s link, hw_rx_crc_errors) =
#                hw_wire_corrupted, none reaches the stack (no bad
#                checksum, UdpInCsumErrors unchanged), received = sent -
#                hw_wire_corrupted
#   dup_ppm      received = sent + hw_wire_duplicated (UDP keeps copies)
#   reorder_ppm  datagrams arriving after a later one = hw_wire_reordered
#   jitter_us    with hardware stamps, datagrams whose RX - TX stamp is
#                more than the latency = hw_wire_delayed, and none is more
#                than latency + jitter; none overtakes another
#   stall_ms     a short stall (hw_tx_stalls) under a TCP stream: the
#                stream arrives intact, no TX timeout; a 60 s stall under
#                a UDP flood fills the TX ring (txN_stops, each in time: no
#                txN_busy), the watchdog calls ndo_tx_timeout
#                (tx_timeouts), whose reset ends the stall: ping and a TCP
#                copy work at once
#   ranges       a probability outside 0..1 (ppm > 1000000), a delay over
#                1 s, a rate over 4294967295 Mbit/s, a negative, empty or
#                non-numeric value: refused (EINVAL), the knob unchanged;
#                1000000 (and a rate of 4294967295) is taken
source "$(dirname "$0")/lib.sh"

IPA=10.0.64.1
IPB=10.0.64.2
PORT=7400
N=400
PPM=150000	# 15 %

require_root
require_cmd ip ethtool python3 socat sha256sum cc
pl_load

ktap_plan 8

tmp=$(mktemp -d)
defer rm -rf "$tmp"
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL
dbg=$(pl_dbg_dir "$NSA" pla) || { echo "# no debugfs for pla"; exit $KSFT_FAIL; }

# send N datagrams with sequence numbers, in windows of 50 so that no
# ring or socket overflows (the receiver acks each window by UDP); with
# "flush", a last one after writing 0 to the knob open on fd 3 (reorder:
# debugfs is not mounted inside the netns)
UDP_PY='
import os, socket, sys, time
SCALE = int(os.environ.get("PKTLIFE_TIME_SCALE", "1"))	# a slower kernel
mode = sys.argv[1]
if mode == "send":
    ip, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    flush = len(sys.argv) > 5
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port + 1))
    s.settimeout(0.5 * SCALE)
    for base in range(0, n, 50):
        for seq in range(base, min(base + 50, n)):
            s.sendto(b"%d" % seq + b"." * 60, (ip, port))
        # the receiver says when it has seen (nearly all of) the window:
        # frames still held back (reorder) or lost must not stop us
        end = time.time() + 2 * SCALE
        while time.time() < end:
            try:
                if int(s.recv(64)) >= min(base + 50, n) - 12:
                    break
            except socket.timeout:
                pass
    if flush:
        os.write(3, b"0\n")
        s.sendto(b"%d" % n + b"." * 60, (ip, port))
    # take every ack still coming before closing: an ack to a closed port
    # makes pla send plb an ICMP port unreachable (6 pass the rate limit),
    # frames on the faulty wire the counts below would have to allow for
    # (on the debug kernel the receiver lags that far behind)
    s.settimeout(1.0 * SCALE)
    try:
        while True:
            s.recv(64)
    except socket.timeout:
        pass
else:
    port, quiet = int(sys.argv[2]), float(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(quiet)
    got = late = top = 0
    hi = -1
    while True:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        seq = int(data.split(b".")[0])
        got += 1
        if seq < hi:
            late += 1
        hi = max(hi, seq)
        s.sendto(b"%d" % hi, peer)
    print(got, late)
'

# udp_round NAME [flush]: N datagrams pla -> plb; "received late" in
# $tmp/NAME; counters of both ends before and after in A0/A1, B0/B1
udp_round()
{
	local rx rc=0

	pl_snap A0 "$NSA" pla
	pl_snap B0 "$NSB" plb
	udp_snmp U0
	ip netns exec "$NSB" python3 -c "$UDP_PY" recv $PORT $((5 * PL_TIME_SCALE)) >"$tmp/$1" &
	rx=$!
	slowwait 10 pl_udp_bound "$NSB" $PORT || rc=1
	ip netns exec "$NSA" python3 -c "$UDP_PY" send $IPB $PORT $N ${2:+"$2"} \
		3>"$dbg/reorder_ppm" || rc=1
	wait "$rx" || rc=1
	pl_snap A1 "$NSA" pla
	pl_snap B1 "$NSB" plb
	udp_snmp U1
	return $rc
}

# udp_snmp NAME: plb's netns UDP counters, for udp_lost
UDP_SNMP="InDatagrams NoPorts InErrors RcvbufErrors InCsumErrors"
udp_snmp()
{
	local -n _u=$1
	local f

	declare -gA "$1"
	for f in $UDP_SNMP; do
		_u[$f]=$(pl_snmp "$NSB" Udp $f)
	done
}

# udp_lost: after a failed round, where its datagrams went on plb
udp_lost()
{
	local f line=

	for f in $UDP_SNMP; do
		line+=" $f=+$((U1[$f] - U0[$f]))"
	done
	ktap_info "plb Udp:$line"
	pl_info_deltas plb B0 B1 '^(hw_rx|rx[0-9]*_|drop)'
}

# knob NAME VALUE: set a fault knob of pla's wire
knob()
{
	echo "$2" >"$dbg/$1"
}

RET=0
# knob_refused NAME VALUE: the write fails, the knob keeps its value
knob_refused()
{
	local was

	was=$(cat "$dbg/$1")
	if echo "$2" 2>/dev/null >"$dbg/$1"; then
		check_err 1 "$1 took '$2'"
	fi
	check_eq "$(cat "$dbg/$1")" "$was" "$1 after refusing '$2'"
}
for k in drop_ppm corrupt_ppm dup_ppm reorder_ppm truncate_ppm; do
	knob_refused $k 1000001
	knob_refused $k 4294967296
	knob_refused $k -1
	knob_refused $k 0.5
	knob $k 1000000
	check_eq "$(cat "$dbg/$k")" 1000000 "$k = 1000000 (every frame)"
	knob $k 0
done
for k in latency_us jitter_us reorder_us; do
	knob_refused $k 1000001
	knob_refused $k abc
done
knob rate_mbit 1000
for v in 4294967296 -1 abc 1.5 ""; do
	knob_refused rate_mbit "$v"
done
check_eq "$(cat "$dbg/rate_mbit")" 1000 "rate_mbit after the refusals"
knob rate_mbit 4294967295
check_eq "$(cat "$dbg/rate_mbit")" 4294967295 "rate_mbit = 4294967295"
knob rate_mbit 0
knob_refused corrupt 2147483648
knob_refused corrupt -5
knob_refused cable 2
check_eq "$(cat "$dbg/corrupt") $(cat "$dbg/cable")" "0 1" "corrupt and cable after the refusals"
ip netns exec "$NSA" ping -c 2 -i 0.1 -W 2 -q $IPB >/dev/null
check_err $? "ping after the refusals"
log_test "knobs out of range refused (EINVAL), the knob unchanged"

RET=0
knob drop_ppm $PPM
udp_round drop
check_err $? "UDP round with drops"
knob drop_ppm 0
read -r got late <"$tmp/drop"
lost=$(pl_delta A0 A1 hw_wire_lost)
check_num "$lost" gt 0 "hw_wire_lost"
check_eq "$got" $((N - lost)) "datagrams received = $N - hw_wire_lost"
check_delta B0 B1 hw_rx_frames eq $((N - lost)) "plb"
[ "$RET" -eq 0 ] || udp_lost
log_test "drop_ppm: $lost of $N frames lost, the receiver got exactly the rest"

RET=0
in_csum0=$(pl_snmp "$NSB" Udp InCsumErrors)
crc0=$(pl_ip_stat "$NSB" plb rx crc_errors)
knob corrupt_ppm $PPM
udp_round corrupt
check_err $? "UDP round with corruption"
knob corrupt_ppm 0
read -r got late <"$tmp/corrupt"
bad=$(pl_delta A0 A1 hw_wire_corrupted)
check_num "$bad" gt 0 "hw_wire_corrupted"
check_delta B0 B1 hw_rx_crc_errors eq "$bad" "plb"
check_num $(($(pl_ip_stat "$NSB" plb rx crc_errors) - crc0)) eq "$bad" "plb rx crc_errors (ip -s link)"
check_delta B0 B1 hw_rx_frames eq $((N - bad)) "plb"
check_delta B0 B1 rx0_csum_bad eq 0 "plb"
check_eq $(($(pl_snmp "$NSB" Udp InCsumErrors) - in_csum0)) 0 "plb UdpInCsumErrors delta"
check_eq "$got" $((N - bad)) "datagrams received = $N - hw_wire_corrupted"
log_test "corrupt_ppm: $bad of $N frames corrupted, each a CRC error of plb's MAC, none reaching the stack"

RET=0
knob dup_ppm $PPM
udp_round dup
check_err $? "UDP round with duplicates"
knob dup_ppm 0
read -r got late <"$tmp/dup"
dup=$(pl_delta A0 A1 hw_wire_duplicated)
check_num "$dup" gt 0 "hw_wire_duplicated"
check_eq "$got" $((N + dup)) "datagrams received = $N + hw_wire_duplicated"
check_delta B0 B1 hw_rx_frames eq $((N + dup)) "plb"
[ "$RET" -eq 0 ] || udp_lost
log_test "dup_ppm: $dup of $N frames delivered twice"

RET=0
knob reorder_us 300000
knob reorder_ppm $((PPM / 3))
udp_round reorder flush
check_err $? "UDP round with reordering"
knob reorder_ppm 0
read -r got late <"$tmp/reorder"
reo=$(pl_delta A0 A1 hw_wire_reordered)
check_num "$reo" gt 0 "hw_wire_reordered"
check_eq "$got" $((N + 1)) "datagrams received (all, and the flush)"
check_eq "$late" "$reo" "datagrams that arrived after a later one"
log_test "reorder_ppm: $reo frames held back, each overtaken"

RET=0
LAT_US=200 JIT_US=400
cc -O2 -Wall -Werror -o "$tmp/hwtstamp_test" "$PL_TOP/selftests/hwtstamp_test.c" ||
	exit $KSFT_FAIL
ip netns exec "$NSA" "$tmp/hwtstamp_test" set pla on >/dev/null &&
	ip netns exec "$NSB" "$tmp/hwtstamp_test" set plb on >/dev/null
check_err $? "hardware timestamps on"
knob latency_us $LAT_US
knob jitter_us $JIT_US
# a datagram of 64 bytes: 14 + 20 + 8 + 64 on the wire
WIRE_NS=$(pl_wire_time "$NSA" pla 106) || exit $KSFT_FAIL
pl_snap A0 "$NSA" pla
ip netns exec "$NSB" "$tmp/hwtstamp_test" recv $PORT 100 >"$tmp/jit.rx" &
rx=$!
slowwait 10 pl_udp_bound "$NSB" $PORT
ip netns exec "$NSA" "$tmp/hwtstamp_test" send $IPB $PORT 100 >"$tmp/jit.tx"
check_err $? "datagrams with stamps"
wait "$rx"
check_err $? "receiving them"
pl_snap A1 "$NSA" pla
knob jitter_us 0
knob latency_us 0
join -j 2 <(sort -k2,2 "$tmp/jit.tx") <(sort -k2,2 "$tmp/jit.rx") | sort -n >"$tmp/jit"
read -r n over beyond <<<"$(awk -v lat="$WIRE_NS" -v jit=$((JIT_US * 1000)) '
	{ d = $7 - $4; n++; if (d > lat) o++; if (d < lat || d > lat + jit) b++ }
	END { print n + 0, o + 0, b + 0 }' "$tmp/jit")"
check_eq "$n" 100 "datagrams with both stamps"
check_eq "$over" "$(pl_delta A0 A1 hw_wire_delayed)" "datagrams later than the latency vs. hw_wire_delayed"
check_num "$over" gt 0 "datagrams later than the latency"
check_eq "$beyond" 0 "datagrams outside [latency, latency + jitter]"
check_eq "$(cut -d' ' -f2 "$tmp/jit.rx" | paste -sd' ')" "$(seq -s' ' 0 99)" "arrival order"
log_test "jitter_us: $over of 100 frames delayed, within the jitter, in order"

# stall_round MS: a TCP copy pla -> plb with the TX engines stalled MS ms
# in the middle of it; counters before/after in A0/A1
stall_round()
{
	local pid rc=0

	pl_snap A0 "$NSA" pla
	pl_socat_copy "$NSA" "$NSB" $IPB 7500 "$tmp/src" "$tmp/dst" &
	pid=$!
	# once data flows
	slowwait 30 sh -c "[ -s '$tmp/dst' ]" || rc=1
	echo "$1" >"$dbg/stall_ms"
	wait "$pid" || rc=1
	pl_snap A1 "$NSA" pla
	return $rc
}

# a 100 Mbit/s wire: the copy lasts long enough to stall in its middle;
# a short TX ring (64): the queue stops soon once the NIC fetches nothing
echo 100 >"$dbg/rate_mbit"
ip netns exec "$NSA" ethtool -G pla tx 64 || exit $KSFT_FAIL
head -c 8M /dev/urandom >"$tmp/src"

RET=0
stall_round 500
check_err $? "TCP copy with a 500 ms stall"
check_eq "$(sha256sum <"$tmp/dst")" "$(sha256sum <"$tmp/src")" "sha256 of what arrived"
check_delta A0 A1 hw_tx_stalls eq 1 "pla"
check_delta A0 A1 tx_timeouts eq 0 "pla"
check_delta A0 A1 tx0_busy eq 0 "pla (stopped in time: no NETDEV_TX_BUSY)"
pl_info_deltas pla A0 A1 '^(tx0_(stops|wakes|busy)|hw_tx_stalls|tx_timeouts)$'
log_test "stall_ms 500: the stream waits and arrives intact, no TX timeout"

# blast: 64-byte UDP datagrams pla -> plb as fast as the socket takes them,
# until killed; a 64-entry TX ring fills at once while the NIC is stalled
BLAST_PY='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while True:
    try:
        s.sendto(b"b" * 64, (sys.argv[1], 9))
    except OSError:
        pass
'
timeouts()
{
	[ "$(ethtool_stat "$NSA" pla tx_timeouts)" -ge 1 ]
}

RET=0
pl_snap A0 "$NSA" pla
ip netns exec "$NSA" python3 -c "$BLAST_PY" $IPB &
blast=$!
defer kill $blast
echo 60000 >"$dbg/stall_ms"
slowwait 30 timeouts
check_err $? "no TX timeout within 30 s of a 60 s stall"
kill $blast
wait $blast 2>/dev/null
# the reset ended the stall: traffic flows long before the stall would end
ip netns exec "$NSA" ping -q -c 3 -W 5 $IPB >/dev/null
check_err $? "ping after the reset"
rm -f "$tmp/dst"
pl_socat_copy "$NSA" "$NSB" $IPB 7501 "$tmp/src" "$tmp/dst"
check_err $? "TCP copy after the reset"
check_eq "$(sha256sum <"$tmp/dst")" "$(sha256sum <"$tmp/src")" "sha256 of what arrived"
pl_snap A1 "$NSA" pla
check_delta A0 A1 hw_tx_stalls eq 1 "pla"
check_delta A0 A1 tx0_stops gt 0 "pla (the ring filled)"
check_delta A0 A1 tx0_busy eq 0 "pla (stopped in time: no NETDEV_TX_BUSY)"
check_delta A0 A1 tx_timeouts ge 1 "pla"
ktap_info "TX timeouts: $(pl_delta A0 A1 tx_timeouts), sysfs tx_timeout $(ip netns exec "$NSA" cat /sys/class/net/pla/queues/tx-0/tx_timeout)"
log_test "stall_ms 60000: the queue stops, the watchdog's ndo_tx_timeout resets it, traffic flows again"

ktap_finish
