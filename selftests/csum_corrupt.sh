#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A frame corrupted on the wire is caught by checksums too: the sender's
# debugfs knob "corrupt" flips one payload bit of its next frame after the
# TX checksum engine and the MAC's FCS. The receiving MAC finds the FCS
# wrong (hw_rx_crc_errors) and, with rx-all on (store bad frames, as a
# capture host sets it), keeps the frame. The receiving NIC's checksum
# engine reports it bad, the driver hands it up without
# CHECKSUM_UNNECESSARY, and the stack finds the bad checksum itself and
# drops it: a UDP datagram never reaches its socket (Udp InCsumErrors), a
# TCP segment is retransmitted and the stream still arrives intact (Tcp
# InCsumErrors). A quiet pair (no IPv6, pinned neighbours) makes the
# corrupted frame the only one in each count. (Without rx-all the MAC
# drops it: faults.sh.)
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 socat ss sha256sum ethtool
pl_load
ktap_plan 6
setup_ns NSA NSB
IPA=10.0.8.1
IPB=10.0.8.2
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL
pl_set_features "$NSB" plb rx-all on || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"

RET=0
dbg=$(pl_dbg_dir "$NSA" pla)
check_err $? "no debugfs directory for pla (bus-info '$(ip netns exec "$NSA" ethtool -i pla | sed -n 's/^bus-info: //p')')"
corrupt=${dbg:-/sys/kernel/debug/pktlife/none}/corrupt
set_corrupt() # N
{
	echo "$1" >"$corrupt"
}
set_corrupt 3
check_err $? "writing 3 to $corrupt"
check_eq "$(cat "$corrupt" 2>&1)" 3 "corrupt read back"
set_corrupt 0
check_err $? "writing 0 to $corrupt"
check_eq "$(cat "$corrupt" 2>&1)" 0 "corrupt read back"
log_test "debugfs corrupt: reads back the frames still to corrupt"

# --- UDP -------------------------------------------------------------------

# The receiver prints every datagram it gets until "good" or 10 s of silence.
ip netns exec "$NSB" python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9100))
s.settimeout(10 * int(os.environ.get("PKTLIFE_TIME_SCALE", "1")))
while True:
    try:
        d = s.recv(2048)
    except socket.timeout:
        sys.exit("recv: nothing for 10 s")
    print(d.decode(errors="replace")[:40], flush=True)
    if d.startswith(b"good"):
        break
' >"$tmp/udp.out" &
receiver=$!
defer kill "$receiver"

send_udp() # PAYLOAD-WORD: 400 bytes starting with it
{
	ip netns exec "$NSA" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(sys.argv[1].encode().ljust(400, b"."), (sys.argv[2], 9100))
' "$1" $IPB
}

udp_csum_errors_grew() # FROM
{
	[ "$(pl_snmp "$NSB" Udp InCsumErrors)" -gt "$1" ]
}

RET=0
slowwait 20 pl_udp_bound "$NSB" 9100
check_err $? "UDP receiver did not start"
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
csumerr0=$(pl_snmp "$NSB" Udp InCsumErrors)
indgram0=$(pl_snmp "$NSB" Udp InDatagrams)
set_corrupt 1
check_err $? "writing 1 to $corrupt"
send_udp bad
check_err $? "sending the datagram"
slowwait 5 udp_csum_errors_grew "$csumerr0"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
pl_info_deltas "pla (sender)" A0 A1 '^(tx0_|hw_)'
pl_info_deltas "plb (receiver)" B0 B1 '^(rx0_|hw_)'
check_eq "$(cat "$corrupt" 2>&1)" 0 "corrupt after one frame"
check_delta A0 A1 hw_tx_frames eq 1 "pla"
check_delta A0 A1 hw_wire_corrupted eq 1 "pla"
check_delta B0 B1 hw_rx_crc_errors eq 1 "plb"
check_delta B0 B1 hw_rx_frames eq 1 "plb"
check_delta B0 B1 hw_rx_csum_bad eq 1 "plb"
check_delta B0 B1 hw_rx_csum_good eq 0 "plb"
check_delta B0 B1 rx0_csum_bad eq 1 "plb"
check_delta B0 B1 rx0_csum_good eq 0 "plb"
check_delta B0 B1 rx0_packets eq 1 "plb"
log_test "UDP: one corrupted frame, the receiving NIC reports it bad"

RET=0
check_eq "$(($(pl_snmp "$NSB" Udp InCsumErrors) - csumerr0))" 1 "Udp InCsumErrors delta"
check_eq "$(($(pl_snmp "$NSB" Udp InDatagrams) - indgram0))" 0 "Udp InDatagrams delta"
# the next datagram is not corrupted, checked good by the NIC and delivered
pl_snap B0 "$NSB" plb
send_udp good
wait "$receiver"
check_err $? "the receiver got no good datagram"
pl_snap B1 "$NSB" plb
check_eq "$(cut -c1-4 "$tmp/udp.out" | xargs)" "good" "datagrams the socket got"
check_delta B0 B1 hw_rx_csum_good eq 1 "plb (the good datagram)"
check_delta B0 B1 rx0_csum_good eq 1 "plb (the good datagram)"
log_test "UDP: the stack drops it (InCsumErrors), the socket never sees it"

# --- TCP -------------------------------------------------------------------

RET=0
size=$((4 * 1024 * 1024))
head -c $size /dev/urandom >"$tmp/tcp.tx"
ip netns exec "$NSB" socat -u TCP-LISTEN:7001,reuseaddr CREATE:"$tmp/tcp.rx" &
tcprx=$!
defer kill "$tcprx"
slowwait 20 pl_tcp_listening "$NSB" 7001
check_err $? "socat receiver did not start"
# The sender connects, then waits for the go file before sending a byte.
ip netns exec "$NSA" python3 -c '
import os, socket, sys, time
s = socket.create_connection((sys.argv[1], 7001))
while not os.path.exists(sys.argv[2]):
    time.sleep(0.01)
s.sendall(open(sys.argv[3], "rb").read())
s.close()
' $IPB "$tmp/go" "$tmp/tcp.tx" &
tcptx=$!
defer kill "$tcptx"

established()
{
	ip netns exec "$NSB" ss -Htn state established "sport = :7001" | grep -q .
}
slowwait 20 established
check_err $? "no connection"
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
tcsum0=$(pl_snmp "$NSB" Tcp InCsumErrors)
retrans0=$(pl_snmp "$NSA" Tcp RetransSegs)
# The connection is idle: the first frame pla sends now carries data.
set_corrupt 1
check_err $? "writing 1 to $corrupt"
touch "$tmp/go"
wait "$tcptx"
check_err $? "the TCP sender failed"
wait "$tcprx"
check_err $? "the TCP receiver failed"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
check_eq "$(stat -c %s "$tmp/tcp.rx")" $size "bytes received"
check_eq "$(sha256sum <"$tmp/tcp.rx" | cut -d' ' -f1)" "$(sha256sum <"$tmp/tcp.tx" | cut -d' ' -f1)" "sha256"
log_test "TCP: 4 MB with a corrupted segment arrive intact"

RET=0
pl_info_deltas "pla (sender)" A0 A1 '^(hw_wire|hw_tx_frames|hw_tx_csum|tx0_csum)'
pl_info_deltas "plb (receiver)" B0 B1 '^(rx0_csum|hw_rx_csum|hw_rx_frames)'
check_eq "$(cat "$corrupt" 2>&1)" 0 "corrupt after the transfer"
check_delta A0 A1 hw_wire_corrupted eq 1 "pla"
check_delta B0 B1 hw_rx_crc_errors eq 1 "plb"
check_delta B0 B1 hw_rx_csum_bad eq 1 "plb"
check_delta B0 B1 rx0_csum_bad eq 1 "plb"
check_eq "$(($(pl_snmp "$NSB" Tcp InCsumErrors) - tcsum0))" 1 "receiver Tcp InCsumErrors delta"
check_num "$(($(pl_snmp "$NSA" Tcp RetransSegs) - retrans0))" ge 1 "sender Tcp RetransSegs delta"
log_test "TCP: NIC reports the segment bad, the stack drops it (InCsumErrors), it is retransmitted"

RET=0
# and without the knob nothing is corrupted: a second transfer, same checks
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
tcsum0=$(pl_snmp "$NSB" Tcp InCsumErrors)
pl_socat_copy "$NSA" "$NSB" $IPB 7002 "$tmp/tcp.tx" "$tmp/tcp.rx2"
check_err $? "socat transfer failed"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
check_eq "$(sha256sum <"$tmp/tcp.rx2" | cut -d' ' -f1)" "$(sha256sum <"$tmp/tcp.tx" | cut -d' ' -f1)" "sha256"
check_delta A0 A1 hw_wire_corrupted eq 0 "pla"
check_delta B0 B1 hw_rx_crc_errors eq 0 "plb"
check_delta B0 B1 hw_rx_csum_bad eq 0 "plb"
check_delta B0 B1 rx0_csum_bad eq 0 "plb"
check_delta B0 B1 hw_rx_csum_good gt 0 "plb"
check_eq "$(($(pl_snmp "$NSB" Tcp InCsumErrors) - tcsum0))" 0 "receiver Tcp InCsumErrors delta"
log_test "TCP: with corrupt at 0 no frame is corrupted or reported bad"

ktap_finish
