#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo, inside the VM: a pktlife pair across two network namespaces,
# traffic over it, and what the driver saw.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$top/build/$(uname -r)/module/pktlife.ko
tool=$top/build/tools/pktlife
export IP_LIB_DIR=$top/build/ip
# the pictures, left in the project tree for the host (make demo prints where)
out=$top/build/demo
mkdir -p "$out"
rm -f "$out/life.svg" "$out/life.json" "$out/metrics.txt"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "load the driver and create a pair: pl0 in netns left, pl1 in netns right"
run insmod "$ko"
run ip netns add left
run ip netns add right
run ip link add pl0 netns left type pktlife peer name pl1 netns right
run ip -n left addr add 10.0.0.1/24 dev pl0
run ip -n right addr add 10.0.0.2/24 dev pl1
run ip -n left link set pl0 up
run ip -n right link set pl1 up
# loopback, for the Prometheus scrape below (a new netns has it down)
run ip -n right link set lo up
run ip -n left -d link show pl0
# two queues on the right: their interrupts land on two CPUs
run ip netns exec right ethtool -L pl1 combined 2

# wait_line FILE TEXT: the tool has attached (loading three at once takes a
# while under TCG)
wait_line()
{
	for _ in $(seq 3000); do grep -q "$2" "$1" && return; sleep 0.1; done
	echo "demo: a pktlife tool did not start: $(cat "$1")" >&2
}

counting=
if [ -x "$tool" ]; then
	step "count packets at the kernel's own hooks, and follow their life per layer"
	ip netns exec right "$tool" count -i pl1 >/tmp/count.out 2>/tmp/count.err &
	counting=$!
	ip netns exec right "$tool" stat -i pl1 -I 1 --svg "$out/life.svg" \
		--prometheus 9464 >/tmp/stat.out 2>/tmp/stat.err &
	stating=$!
	# at most a minute: a journey it misses must not hang the demo
	timeout -s INT 60 ip netns exec left "$tool" trace -p icmp -c 3 \
		--perfetto "$out/life.json" >/tmp/trace.out 2>/tmp/trace.err &
	tracing=$!
	wait_line /tmp/count.err counting
	wait_line /tmp/stat.err 'following packets'
	wait_line /tmp/trace.err tracing
fi

step "one ping with 100 us of wire latency"
bus=$(ip netns exec right ethtool -i pl1 | sed -n 's/^bus-info: //p')
run sh -c "echo 100 > /sys/kernel/debug/pktlife/$bus/latency_us"
run ip netns exec left ping -c 1 10.0.0.2
run sh -c "echo 0 > /sys/kernel/debug/pktlife/$bus/latency_us"

# iperf3 TCP|UDP SECONDS: a client in left, its summary in /tmp/iperf-*.out
iperf()
{
	local udp=

	[ "$1" = UDP ] && udp="-u -b 50M"
	ip netns exec right iperf3 -s -1 >/dev/null &
	for _ in $(seq 100); do
		ip netns exec right ss -Hltn 'sport = :5201' | grep -q . && break
		sleep 0.1
	done
	# shellcheck disable=SC2086 # the options are words
	ip netns exec left iperf3 -c 10.0.0.2 $udp -t "$2" -f m >"/tmp/iperf-$1.out"
}
step "3 s of TCP, then 2 s of UDP at 50 Mbit/s (iperf3); pktlife stat on pl1, live: a table a second, cumulative"
live=
if [ -n "$counting" ]; then
	tail -n 0 -f /tmp/stat.out &
	live=$!
fi
iperf TCP 3
iperf UDP 2
[ -z "$live" ] || { sleep 1; kill "$live"; }
step "what iperf3 measured"
grep -h -E 'sender|receiver' /tmp/iperf-TCP.out /tmp/iperf-UDP.out

if [ -n "$counting" ]; then
	step "a Prometheus scrape of pktlife stat --prometheus 9464 (loopback of netns right)"
	ip netns exec right python3 -c '
import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:9464/metrics", timeout=30).read().decode())
' >"$out/metrics.txt" || echo "demo: the scrape failed" >&2
	# what became of the frames, and the whole journeys' count and sum
	grep -E '^pktlife_frames_total|^pktlife_stage_seconds_(count|sum)\{[^}]*stage="total"' \
		"$out/metrics.txt" | grep -v "} 0$" || true
	echo "... $(wc -l <"$out/metrics.txt") lines: every stage's histogram, buckets of powers of two"
	kill -INT "$counting" "$stating"
	wait "$counting" "$stating" || true
	wait "$tracing" || true
	step "what the kernel's hooks saw on pl1"
	cat /tmp/count.out
	step "pktlife trace -p icmp -c 3 on the left: the ping's journey out and back"
	cat /tmp/trace.out
	step "pktlife stat -i pl1 on the right, its final table: per-layer latency of everything"
	awk 'BEGIN { RS = "" } { last = $0 } END { print last }' /tmp/stat.out
	grep -h '^pktlife: \(chart\|[0-9]* journeys\)' /tmp/stat.err /tmp/trace.err || true
fi

step "the interrupts: one IRQ per queue and one for the link, spread over the CPUs"
run sh -c "grep -E '^ +CPU|pl[01]-' /proc/interrupts"
for irq in $(awk '$NF ~ /^pl1-rxtx-/ { sub(":", "", $1); print $1 }' /proc/interrupts); do
	run cat "/proc/irq/$irq/effective_affinity_list"
done

step "what the driver saw"
run ip -n left -s link show pl0
run ip netns exec left ethtool -S pl0
run ip netns exec right ethtool -S pl1

step "clean up"
run ip netns del left
run ip netns del right
run rmmod pktlife
