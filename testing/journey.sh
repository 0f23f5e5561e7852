#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The capture of Documentation/journey.rst, inside the VM: one TCP segment
# of 100 bytes from pl0 (netns left) to pl1 (netns right) on an idle,
# established connection, after 20 like it, seen at once by
#   - ftrace: the kernel functions of its path (function tracer) and the
#     tracepoints (pktlife:*, net:*, napi:*), on CLOCK_MONOTONIC, the
#     clock of pktlife's times, set up first, and
#   - pktlife trace -D tx on the left and -D rx on the right.
# Prints both tools' last journey, then ftrace's record of the last
# segment.
#	testing/vm/run --kernel 6.12 -- testing/journey.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$top/build/$(uname -r)/module/pktlife.ko
tool=$top/build/tools/pktlife
export IP_LIB_DIR=$top/build/ip
tr=/sys/kernel/tracing
tmp=$(mktemp -d)
PORT=5001

# the path of the segment, sender's side then receiver's; a function the
# kernel does not let ftrace hook (inlined, notrace) is left out
FUNCS="tcp_sendmsg tcp_push __tcp_transmit_skb __ip_queue_xmit ip_output
ip_finish_output2 __dev_queue_xmit dev_hard_start_xmit pl_start_xmit
pl_tx_ring_doorbell plhw_writel plhw_txq_doorbell plhw_txq_timer plhw_txq_run
plhw_wire_send plhw_wire_timer
plhw_rx_frame plhw_vec_event plhw_msi_send pl_queue_irq pl_poll pl_tx_clean
pl_rx_poll napi_gro_receive napi_complete_done netif_receive_skb_list_internal
__netif_receive_skb_list_core __netif_receive_skb_core
ip_rcv ip_rcv_core ip_local_deliver ip_protocol_deliver_rcu tcp_v4_rcv
tcp_rcv_established tcp_queue_rcv sock_def_readable tcp_recvmsg
skb_copy_datagram_iter"
EVENTS="pktlife net:net_dev_queue net:net_dev_start_xmit net:net_dev_xmit
net:netif_receive_skb net:napi_gro_receive_entry napi:napi_poll
irq:irq_handler_entry irq:irq_handler_exit irq:softirq_entry irq:softirq_exit"

cleanup()
{
	echo 0 >"$tr/tracing_on" 2>/dev/null || true
	echo nop >"$tr/current_tracer" 2>/dev/null || true
	echo >"$tr/set_ftrace_filter" 2>/dev/null || true
	echo 0 >"$tr/events/enable" 2>/dev/null || true
	echo 0 >"$tr/events/irq/softirq_entry/filter" 2>/dev/null || true
	echo 0 >"$tr/events/irq/softirq_exit/filter" 2>/dev/null || true
	echo 0 >"$tr/events/irq/irq_handler_entry/filter" 2>/dev/null || true
	echo 0 >"$tr/events/irq/irq_handler_exit/filter" 2>/dev/null || true
	ip netns del left 2>/dev/null || true
	ip netns del right 2>/dev/null || true
	rmmod pktlife 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

mountpoint -q "$tr" || mount -t tracefs tracefs "$tr"
insmod "$ko"
ip netns add left
ip netns add right
# no IPv6 on the pair: its neighbour discovery and MLD would mix in
for ns in left right; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip link add pl0 netns left type pktlife peer name pl1 netns right
ip -n left addr add 10.0.0.1/24 dev pl0
ip -n right addr add 10.0.0.2/24 dev pl1
ip -n left link set pl0 up
ip -n right link set pl1 up
# no interrupt moderation: every event fires its vector at once, one
# interrupt per step (the defaults, adaptive-rx and tx-usecs 16, would hold
# events back)
ip netns exec left ethtool -C pl0 adaptive-rx off rx-usecs 0 rx-frames 0 \
	tx-usecs 0 tx-frames 0
ip netns exec right ethtool -C pl1 adaptive-rx off rx-usecs 0 rx-frames 0 \
	tx-usecs 0 tx-frames 0
ip -n left neigh add 10.0.0.2 lladdr "$(ip -n right -j link show pl1 |
	sed 's/.*"address":"\([^"]*\)".*/\1/')" dev pl0 nud permanent
ip -n right neigh add 10.0.0.1 lladdr "$(ip -n left -j link show pl0 |
	sed 's/.*"address":"\([^"]*\)".*/\1/')" dev pl1 nud permanent

# the server reads what comes; the client connects, and when told to
# sends WARM segments of 100 bytes 50 ms apart, then, when told again,
# the one this is about (TCP_NODELAY: each a segment of its own, at once).
# Under TCG the first run of any code pays for its translation, the
# kernel's and the tools' BPF programs alike: the WARM segments, traced
# like the last one, warm them.
WARM=20
ip netns exec right python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.0.2", int(sys.argv[1])))
s.listen(1)
c, _ = s.accept()
total = 0
while True:
    n = len(c.recv(4096))
    if not n:
        break
    total += n
    print("server: read", total, "bytes", flush=True)
' $PORT >"$tmp/server" &
server=$!
for _ in $(seq 100); do
	ip netns exec right ss -Hltn "sport = :$PORT" | grep -q . && break
	sleep 0.1
done
mkfifo "$tmp/go"
# the client on the last CPU, the queues' interrupts on CPU 0 (queue 0's
# affinity): the receive side runs where its interrupt lands, not in the
# sender's task
client_cpu=$(($(nproc) - 1))
ip netns exec left taskset -c $client_cpu python3 -c '
import socket, sys, time
c = socket.create_connection(("10.0.0.2", int(sys.argv[1])))
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print("client: connected from port", c.getsockname()[1], flush=True)
open(sys.argv[2]).read()
for i in range(int(sys.argv[3])):
    c.send(b"w" * 100)
    time.sleep(0.05)
open(sys.argv[2]).read()
c.send(b"x" * 100)
open(sys.argv[2]).read()
' $PORT "$tmp/go" $WARM >"$tmp/client" &
client=$!
for _ in $(seq 300); do
	grep -q connected "$tmp/client" && break
	sleep 0.1
done

echo 0 >"$tr/tracing_on"
echo nop >"$tr/current_tracer"
echo >"$tr/trace"
echo mono >"$tr/trace_clock"
echo 8192 >"$tr/buffer_size_kb"
: >"$tmp/funcs"
for f in $FUNCS; do
	if grep -qx "$f\( \[pktlife\]\)\?" "$tr/available_filter_functions"; then
		echo "$f" >>"$tmp/funcs"
	else
		echo "journey: $f: not traceable here" >&2
	fi
done
cat "$tmp/funcs" >"$tr/set_ftrace_filter"
echo function >"$tr/current_tracer"
for e in $EVENTS; do
	echo 1 >"$tr/events/${e/://}/enable"
done
# NET_TX, NET_RX and HRTIMER softirqs only (the NIC's engines run from
# soft hrtimers)
for e in softirq_entry softirq_exit; do
	echo 'vec == 2 || vec == 3 || vec == 8' >"$tr/events/irq/$e/filter"
done
# the pair's interrupts only (pl0-*, pl1-* in /proc/interrupts)
irqs=$(awk '$NF ~ /^pl[01]-/ { sub(":", "", $1); printf "%sirq == %s", sep, $1; sep = " || " }' \
	/proc/interrupts)
for e in irq_handler_entry irq_handler_exit; do
	echo "$irqs" >"$tr/events/irq/$e/filter"
done
echo 1 >"$tr/tracing_on"

# ftrace first, the tools second: at a tracepoint, ftrace's probe then
# runs before pktlife's programs, and so does the function tracer before
# an fentry trampoline, and ftrace's time of a point is taken just before
# pktlife's, not after its programs ran

# wait_line FILE TEXT
wait_line()
{
	for _ in $(seq 3000); do grep -q "$2" "$1" && return; sleep 0.1; done
	echo "journey: a pktlife tool did not start: $(cat "$1")" >&2
	exit 1
}
ip netns exec left timeout -s INT 120 "$tool" trace -D tx -p tcp \
	--dport $PORT -c $((WARM + 1)) >"$tmp/tx.out" 2>"$tmp/tx.err" &
txt=$!
ip netns exec right timeout -s INT 120 "$tool" trace -D rx -p tcp \
	--dport $PORT -c $((WARM + 1)) >"$tmp/rx.out" 2>"$tmp/rx.err" &
rxt=$!
wait_line "$tmp/tx.err" tracing
wait_line "$tmp/rx.err" tracing

# journeys N: both tools have printed N
journeys()
{
	[ "$(grep -c total "$tmp/tx.out")" -ge "$1" ] &&
		[ "$(grep -c total "$tmp/rx.out")" -ge "$1" ]
}
# wait_for N
wait_for()
{
	for _ in $(seq 600); do journeys "$1" && return; sleep 0.1; done
	echo "journey: fewer than $1 journeys traced" >&2
	exit 1
}
echo warm >"$tmp/go"
wait_for $WARM
# what ftrace saw until now goes; the last segment
echo >"$tr/trace"
echo go >"$tmp/go"
# until both journeys are printed (the tools' exit takes seconds more)
wait_for $((WARM + 1))
echo 0 >"$tr/tracing_on"
wait "$txt" "$rxt" || true
echo "done" >"$tmp/go"
wait "$client" "$server" || true

# last BLOCK FILE: the last journey's block
last()
{
	awk '/^(TX|RX) / { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$1"
}

echo "# kernel $(uname -r)"
cat "$tmp/client"
tail -n 1 "$tmp/server"
echo "# pktlife trace -D tx -p tcp --dport $PORT -c $((WARM + 1)) (left), the last"
last "$tmp/tx.out"
echo "# pktlife trace -D rx -p tcp --dport $PORT -c $((WARM + 1)) (right), the last"
last "$tmp/rx.out"
echo "# ftrace (trace_clock mono)"
grep -v '^#' "$tr/trace"
