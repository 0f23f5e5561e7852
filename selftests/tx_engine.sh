#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The TX engine runs on its own (Documentation/nic.rst, "The engines").
#
# Fetch: with dma_ns set to $DMA_NS on pla, each of $NPING sparse pings is
# fetched in one fetch (pktlife:pl_hw_tx_fetch) that takes exactly DMA_NS,
# and leaves the moment it is done: its wire frame's departure
# (pl_hw_wire_tx) is the fetch's end, to the nanosecond, whatever the
# host's timers did (the engine stamps what was due).
#
# Work in flight: iperf3 with 4 streams for $SECS s over a link forced to
# 1 Gbit/s, where a 64 KB TSO frame takes 0.5 ms on the wire. While it
# runs, BQL counts bytes in flight on pla's queue (its inflight, sampled),
# the qdisc hands the driver batches (xmit_more): fewer doorbells than
# frames (tx0_doorbells vs. tx0_packets, and pl_tx_doorbell's batch), and
# every completion (pl_tx_complete) carries a departure no later than the
# moment the driver reaped it: a TSO frame is written back only once its
# last segment has started (nic.rst: "Timestamps"). ftrace's clock is
# CLOCK_MONOTONIC, the NIC's, printed to the microsecond: a departure may
# exceed its event's printed time by less than 1 us.
source "$(dirname "$0")/lib.sh"

IPA=10.0.64.1
IPB=10.0.64.2
NPING=5
DMA_NS=20000
SECS=4

require_root
require_cmd ip ping ethtool iperf3 python3 ss
pl_load

ktap_plan 4

tmp=$(mktemp -d)
defer rm -rf "$tmp"
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL
dbg=$(pl_dbg_dir "$NSA" pla) || exit $KSFT_FAIL
PORT=$(pl_port_id "$NSA" pla) || exit $KSFT_FAIL

# --- fetch -------------------------------------------------------------------

RET=0
echo $DMA_NS >"$dbg/dma_ns"
check_eq "$(cat "$dbg/dma_ns")" $DMA_NS "dma_ns read back"
pl_ftrace_start TRACE pl_hw_tx_fetch pl_hw_wire_tx
check_err $? "no tracefs instance for pl_hw_tx_fetch, pl_hw_wire_tx"
ip netns exec "$NSA" ping -q -c $NPING -i 0.2 -W 5 $IPB >/dev/null
check_err $? "ping"
pl_ftrace_stop "$TRACE" "$tmp/fetch"
echo 1000 >"$dbg/dma_ns"
# "fetches exact frames departing-at-fetch-end": pla's fetches, those
# that took DMA_NS, pla's wire frames, and those departing at the end of
# the last fetch before them
read -r fetches exact frames at_end <<<"$(python3 -c '
import sys
port, dma = int(sys.argv[2]), int(sys.argv[3])
fetches = exact = frames = at_end = 0
done = None
for line in open(sys.argv[1]):
    f = dict(w.split("=", 1) for w in line.split() if "=" in w)
    if int(f.get("port", -1)) != port:
        continue
    if " pl_hw_tx_fetch:" in line:
        fetches += 1
        exact += int(f["done"]) - int(f["start"]) == dma
        done = int(f["done"])
    elif " pl_hw_wire_tx:" in line:
        frames += 1
        at_end += int(f["depart"]) == done
print(fetches, exact, frames, at_end)
' "$tmp/fetch" "$PORT" $DMA_NS)"
ktap_info "pla: $fetches fetches ($exact of ${DMA_NS} ns), $frames wire frames ($at_end departing as their fetch ended)"
check_num "$frames" eq $NPING "wire frames of pla (the echo requests)"
check_num "$fetches" eq $NPING "fetches"
check_num "$exact" eq "$fetches" "fetches of exactly dma_ns"
check_num "$at_end" eq "$frames" "frames departing the moment their fetch ended"
log_test "dma_ns $DMA_NS: each frame leaves exactly its fetch's time after the doorbell"

# --- work in flight ------------------------------------------------------------

ip netns exec "$NSA" ethtool -s pla speed 1000 autoneg off &&
	slowwait 10 pl_link_is "$NSA" pla 1000 && slowwait 10 pl_link_is "$NSB" plb 1000 ||
	exit $KSFT_FAIL
inflight=/sys/class/net/pla/queues/tx-0/byte_queue_limits/inflight
ip netns exec "$NSB" iperf3 -s -1 >/dev/null 2>&1 &
server=$!
defer kill "$server"
slowwait 10 pl_tcp_listening "$NSB" 5201 || exit $KSFT_FAIL
pl_snap S0 "$NSA" pla
pl_ftrace_start TRACE pl_tx_complete pl_tx_doorbell
ip netns exec "$NSA" timeout $((60 * PL_TIME_SCALE)) \
	iperf3 -c $IPB -P 4 -t $SECS >"$tmp/iperf" 2>&1 &
client=$!
# BQL's inflight, as often as the shell reads it, while the client runs
max=0 samples=0 busy=0
while kill -0 $client 2>/dev/null; do
	v=$(ip netns exec "$NSA" cat $inflight 2>/dev/null) || continue
	samples=$((samples + 1))
	[ "$v" -gt 0 ] && busy=$((busy + 1))
	[ "$v" -gt "$max" ] && max=$v
done
wait $client
client_rc=$?
pl_ftrace_stop "$TRACE" "$tmp/load"
busywait 10000 pl_settled "$NSA" pla
pl_snap S1 "$NSA" pla

RET=0
check_err $client_rc "iperf3: $(tail -n 2 "$tmp/iperf" | head -n 1)"
ktap_info "BQL inflight on pla: $busy of $samples samples not 0, the most $max bytes"
check_num "$max" gt 1514 "the most bytes in flight seen"
check_num "$busy" gt 0 "samples with bytes in flight"
log_test "BQL: bytes in flight while the engine works"

RET=0
pkts=$(pl_delta S0 S1 tx0_packets)
bells=$(pl_delta S0 S1 tx0_doorbells)
batch=$(sed -n 's/.* pl_tx_doorbell: .* batch=\([0-9]*\).*/\1/p' "$tmp/load" | sort -n | tail -n 1)
ktap_info "pla: $pkts skbs sent, $bells doorbells, the largest batch ${batch:-none}"
check_num "$bells" lt "$pkts" "doorbells vs. skbs sent"
check_num "${batch:-0}" gt 1 "the largest batch a doorbell covered"
log_test "xmit_more: doorbells cover batches of frames"

RET=0
# "completions TSO-completions late": late = depart > printed time + 1 us
read -r comps tso late <<<"$(python3 -c '
import re, sys
comps = tso = late = 0
for line in open(sys.argv[1]):
    m = re.search(r" (\d+)\.(\d{6}): pl_tx_complete: .* nsegs=(\d+) depart=(\d+)", line)
    if not m:
        continue
    comps += 1
    tso += int(m.group(3)) > 1
    late += int(m.group(4)) > (int(m.group(1)) * 1000000 + int(m.group(2)) + 1) * 1000
print(comps, tso, late)
' "$tmp/load")"
ktap_info "pla: $comps completions traced, $tso of TSO frames, $late carrying a later departure"
check_num "$tso" ge 10 "TSO completions"
check_num "$late" eq 0 "completions carrying a departure after their delivery"
log_test "every completion is delivered after its frame's (last segment's) departure"

ktap_finish
