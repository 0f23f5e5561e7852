#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real interrupts.  Every vector of a port is a Linux IRQ of the NIC
# model's MSI-X domain ("pktlife-msix", edge), requested by the driver as
# <dev>-rxtx-<queue> and <dev>-link:
#
#   1. /proc/interrupts lists each vector of both ends under its name.
#   2. By default queue N's IRQ is aimed at CPU N (mod the CPUs), the
#      driver's affinity hint.
#   3. Steered with /proc/irq/N/smp_affinity_list to one CPU, then to
#      another, with the sender pinned elsewhere: the receiver's interrupts
#      are counted on that CPU alone, as many as the NIC fired
#      (pktlife:pl_hw_irq), and its NAPI polls and the stack's receive
#      run there (napi:napi_poll, net:netif_receive_skb).
#   4. The choice survives the device going down and up and a change of
#      channels, as it does on a PCI NIC.
#   5. Two queues aimed at two CPUs: RSS spreads 64 UDP flows over both,
#      and each queue's NAPI polls on its own CPU only.
source "$(dirname "$0")/lib.sh"

IPA=10.0.91.1
IPB=10.0.91.2
PINGS=40

require_root
require_cmd ping ethtool nproc taskset python3
pl_load
ktap_plan 5

NCPU=$(nproc)
setup_ns NSA NSB || exit $KSFT_FAIL
# quiet: no IPv6 autoconfiguration nor ARP crossing the pair at random
# times, whose interrupts would fall at the edges of a counting window
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL
QUEUES=$((NCPU < 4 ? 4 : NCPU))
for end in "$NSA/pla" "$NSB/plb"; do
	ip netns exec "${end%/*}" ethtool -L "${end#*/}" combined $QUEUES ||
		exit $KSFT_FAIL
done

# irq_line NAME: its /proc/interrupts line, squeezed
irq_line()
{
	awk -v n="$1" '$NF == n { $1 = $1; print }' /proc/interrupts
}

# irq_counts IRQ: its count on each CPU, space-separated
irq_counts()
{
	awk -v i="$1:" -v n="$NCPU" '$1 == i { for (c = 2; c <= n + 1; c++) printf "%s ", $c }' \
		/proc/interrupts
}

# --- 1: named vectors ---
RET=0
for dev in pla plb; do
	names=("$dev-link")
	for ((q = 0; q < QUEUES; q++)); do
		names+=("$dev-rxtx-$q")
	done
	for n in "${names[@]}"; do
		line=$(irq_line "$n")
		if [ -z "$line" ]; then
			check_err 1 "no $n in /proc/interrupts"
			continue
		fi
		[[ "$line" == *" pktlife-msix "[0-9]*"-edge $n" ]]
		check_err $? "$n: '$line', want the pktlife-msix chip, HWIRQ-edge"
	done
done
ktap_info "$(irq_line plb-rxtx-0)"
log_test "/proc/interrupts: <dev>-link and <dev>-rxtx-0..$((QUEUES - 1)) on both ends"

# --- 2: spread by default ---
RET=0
for ((q = 0; q < QUEUES; q++)); do
	irq=$(pl_irq_of "pla-rxtx-$q")
	[ -n "$irq" ] || { check_err 1 "pla-rxtx-$q: no IRQ"; continue; }
	eff=$(cat "/proc/irq/$irq/effective_affinity_list")
	hint=$(cat "/proc/irq/$irq/affinity_hint")
	check_eq "$eff" $((q % NCPU)) "pla-rxtx-$q (IRQ $irq) effective affinity"
	[ "$((16#${hint//,/}))" -eq $((1 << (q % NCPU))) ]
	check_err $? "pla-rxtx-$q affinity_hint $hint, want CPU $((q % NCPU))"
done
log_test "queue N's interrupt on CPU N mod $NCPU by default (affinity hint)"

# --- 3: steered ---
# one queue: every frame to plb lands on queue 0
ip netns exec "$NSB" ethtool -L plb combined 1 || exit $KSFT_FAIL
IRQ=$(pl_irq_of plb-rxtx-0)
PORT=$(pl_port_id "$NSB" plb)
steer() # CPU: aim plb's queue 0 at CPU, ping from another; check
{
	local cpu=$1 other=$(($1 == 0 ? 1 : 0)) dir after fired polls rcv c e
	local -a b a

	echo "$cpu" >"/proc/irq/$IRQ/smp_affinity_list" || {
		check_err 1 "smp_affinity_list $cpu refused"
		return
	}
	check_eq "$(cat "/proc/irq/$IRQ/effective_affinity_list")" "$cpu" \
		"plb-rxtx-0 effective affinity after writing $cpu"
	pl_ftrace_start dir pl_hw_irq || { check_err 1 "no tracefs instance"; return; }
	for e in napi/napi_poll net/netif_receive_skb; do
		echo 1 >"$dir/events/$e/enable" || { check_err 1 "no $e"; return; }
	done
	read -r -a b <<<"$(irq_counts "$IRQ")"
	ip netns exec "$NSA" taskset -c $other ping -c $PINGS -i 0.02 -W 2 -q $IPB >/dev/null
	check_err $? "ping from CPU $other lost packets"
	# the last completions' interrupts and polls; an interrupt the NIC
	# has fired reaches its CPU through an irq_work a moment later
	busywait 5000 pl_settled "$NSB" plb
	busywait 5000 irq_all_taken
	read -r -a a <<<"$(irq_counts "$IRQ")"
	pl_ftrace_stop "$dir" "$TMPD/trace"
	for ((c = 0; c < NCPU; c++)); do
		if [ "$c" -eq "$cpu" ]; then
			after=$((a[c] - b[c]))
			check_num "$after" ge $PINGS "plb-rxtx-0 interrupts on CPU $c"
		else
			check_eq $((a[c] - b[c])) 0 "plb-rxtx-0 interrupts on CPU $c (aimed at $cpu)"
		fi
	done
	fired=$(grep -c "pl_hw_irq: port=$PORT vec=0 " "$TMPD/trace")
	check_eq "${after:-0}" "$fired" "interrupts taken on CPU $cpu vs. fired by the NIC"
	polls=$(grep "napi_poll: napi poll on napi struct [0-9a-fx]* for device plb " "$TMPD/trace" |
		awk '{ print $2 }' | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
	[ "$polls" = "[$(printf %03d "$cpu")] x$(grep -c "for device plb " "$TMPD/trace")" ]
	check_err $? "plb's NAPI polls by CPU: $polls, want all on CPU $cpu"
	rcv=$(grep "netif_receive_skb: dev=plb " "$TMPD/trace" | awk '{ print $2 }' | sort | uniq -c |
		awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
	[ "$rcv" = "[$(printf %03d "$cpu")] x$(grep -c "netif_receive_skb: dev=plb " "$TMPD/trace")" ]
	check_err $? "plb's netif_receive_skb by CPU: $rcv, want all on CPU $cpu"
	ktap_info "CPU $cpu: $after interrupts = $fired fired; polls $polls; received $rcv"
}
# irq_all_taken: the interrupts plb-rxtx-0 took since b (steer's) are as
# many as the NIC has fired since its trace began
irq_all_taken()
{
	local -a n
	local c sum=0

	read -r -a n <<<"$(irq_counts "$IRQ")"
	for ((c = 0; c < NCPU; c++)); do
		sum=$((sum + n[c] - b[c]))
	done
	[ "$sum" -eq "$(grep -c "pl_hw_irq: port=$PORT vec=0 " "$dir/trace")" ]
}
TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
RET=0
steer 1
steer 0
log_test "smp_affinity_list steers plb's interrupts and NAPI to CPU 1, then CPU 0"

# --- 4: the choice survives ---
RET=0
echo 1 >"/proc/irq/$IRQ/smp_affinity_list"
ip -n "$NSB" link set plb down
ip -n "$NSB" link set plb up
ip netns exec "$NSB" ethtool -L plb combined 2
ip netns exec "$NSB" ethtool -L plb combined 1
check_eq "$(pl_irq_of plb-rxtx-0)" "$IRQ" "plb-rxtx-0's IRQ after down/up and -L"
check_eq "$(cat "/proc/irq/$IRQ/smp_affinity_list")" 1 "plb-rxtx-0 smp_affinity_list"
check_eq "$(cat "/proc/irq/$IRQ/effective_affinity_list")" 1 "plb-rxtx-0 effective affinity"
log_test "smp_affinity_list survives down/up and ethtool -L"

# --- 5: RSS over two CPUs ---
RET=0
ip netns exec "$NSB" ethtool -L plb combined 2 || exit $KSFT_FAIL
IRQ1=$(pl_irq_of plb-rxtx-1)
echo 0 >"/proc/irq/$IRQ/smp_affinity_list"
echo 1 >"/proc/irq/$IRQ1/smp_affinity_list"
pl_ftrace_start dir || exit $KSFT_FAIL
echo 1 >"$dir/events/napi/napi_poll/enable" || exit $KSFT_FAIL
rx0=$(ethtool_stat "$NSB" plb rx0_packets)
rx1=$(ethtool_stat "$NSB" plb rx1_packets)
# 64 flows: a socket each, so a source port each
ip netns exec "$NSA" python3 -c '
import socket
for i in range(64):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(4):
        s.sendto(b"x" * 64, ("'$IPB'", 9000 + i))
    s.close()
'
check_err $? "sending 64 UDP flows"
busywait 5000 pl_settled "$NSB" plb
pl_ftrace_stop "$dir" "$TMPD/trace"
# per NAPI instance (one per queue): the CPUs it polled on
spread=$(grep "for device plb " "$TMPD/trace" |
	sed -E 's/.*\[0*([0-9]+)\].*napi struct ([0-9a-fx]+) .*/\2 \1/' | sort -u |
	awk '{ cpus[$1] = cpus[$1] (cpus[$1] == "" ? "" : ",") $2 }
	     END { for (n in cpus) print cpus[n] }' | sort | tr '\n' ' ')
check_eq "$spread" "0 1 " "CPUs of plb's two NAPIs (each polled on one CPU only)"
rx0=$(($(ethtool_stat "$NSB" plb rx0_packets) - rx0))
rx1=$(($(ethtool_stat "$NSB" plb rx1_packets) - rx1))
check_num "$rx0" gt 0 "plb rx0_packets for the flows"
check_num "$rx1" gt 0 "plb rx1_packets for the flows"
check_num $((rx0 + rx1)) ge 256 "plb rx0 + rx1 packets: the 256 datagrams"
ktap_info "NAPIs' CPUs: $spread; datagrams by queue: $rx0, $rx1"
log_test "RSS spreads 64 flows over two queues, each polled on its own CPU"

ktap_finish
