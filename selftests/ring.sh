#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Ring sizes (ethtool -G/-g): powers of two, TX 64..4096, RX 16..4096,
# 256/256 by default, changed while the device is up. Anything else is
# refused and changes nothing. With the smallest rings (sender TX 64,
# receiver RX 16) heavy TCP still arrives byte for byte while the TX queue
# stops on a full ring, in time (no NETDEV_TX_BUSY: tx0_busy 0), and
# wakes again, and byte queue limits
# (/sys/class/net/pla/queues/tx-0/byte_queue_limits) adapt under the load
# and drain back to nothing in flight.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ethtool socat ss sha256sum
pl_load
ktap_plan 6
setup_ns NSA NSB
IPA=10.0.5.1
IPB=10.0.5.2
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

tmp=$(mktemp -d)
defer rm -rf "$tmp"
bql=/sys/class/net/pla/queues/tx-0/byte_queue_limits

# rings NS DEV: "RXMAX TXMAX RX TX" from ethtool -g
rings()
{
	ip netns exec "$1" ethtool -g "$2" | awk '
		/^Pre-set maximums/ { s = "max" }
		/^Current hardware settings/ { s = "cur" }
		$1 == "RX:" { rx[s] = $2 }
		$1 == "TX:" { tx[s] = $2 }
		END { print rx["max"], tx["max"], rx["cur"], tx["cur"] }'
}

RET=0
check_eq "$(rings "$NSA" pla)" "4096 4096 256 256" "pla ethtool -g (max RX TX, current RX TX)"
check_eq "$(rings "$NSB" plb)" "4096 4096 256 256" "plb ethtool -g (max RX TX, current RX TX)"
log_test "ethtool -g: 256/256 by default, at most 4096/4096"

RET=0
for bad in "rx 100" "tx 100" "rx 8" "tx 32" "rx 8192" "tx 8192" "rx 255" "tx 257" "rx 0" "tx 0" "rx 1" "tx 1" "rx 1048576"; do
	for end in "$NSA/pla" "$NSB/plb"; do
		ns=${end%/*} dev=${end#*/}
		# shellcheck disable=SC2086 # "rx N" is two words
		ip netns exec "$ns" ethtool -G "$dev" $bad 2>/dev/null
		check_fail $? "ethtool -G $dev $bad accepted"
		check_eq "$(rings "$ns" "$dev")" "4096 4096 256 256" "$dev rings after refusing $bad"
	done
done
log_test "ethtool -G: non-powers of two and out-of-range sizes refused"

RET=0
# the extremes are accepted, while up, and traffic still flows after each
for sz in "rx 4096 tx 4096" "rx 16 tx 64"; do
	for end in "$NSA/pla" "$NSB/plb"; do
		ns=${end%/*} dev=${end#*/}
		# shellcheck disable=SC2086
		ip netns exec "$ns" ethtool -G "$dev" $sz
		check_err $? "ethtool -G $dev $sz"
	done
	check_eq "$(rings "$NSA" pla | cut -d' ' -f3-)" "$(awk '{ print $2, $4 }' <<<"$sz")" "pla rings after -G $sz"
	check_eq "$(ip netns exec "$NSA" cat /sys/class/net/pla/operstate)" up "pla operstate after -G $sz"
	pl_neigh_pin "$NSA" pla $IPA "$NSB" plb $IPB
	slowwait 10 ip netns exec "$NSA" ping -c 1 -W 1 -q $IPB >/dev/null
	check_err $? "no ping after -G $sz"
done
# the sizes of the heavy test: sender TX 64, receiver RX 16, the rest default
ip netns exec "$NSA" ethtool -G pla rx 256 tx 64 &&
	ip netns exec "$NSB" ethtool -G plb rx 16 tx 256
check_err $? "ethtool -G pla tx 64 / plb rx 16"
check_eq "$(rings "$NSA" pla)" "4096 4096 256 64" "pla ethtool -g"
check_eq "$(rings "$NSB" plb)" "4096 4096 16 256" "plb ethtool -g"
pl_neigh_pin "$NSA" pla $IPA "$NSB" plb $IPB
log_test "ethtool -G while up: 16..4096, ethtool -g reports the sizes set"

RET=0
for f in limit inflight limit_max limit_min hold_time; do
	ip netns exec "$NSA" test -r "$bql/$f"
	check_err $? "$bql/$f missing"
done
check_eq "$(ip netns exec "$NSA" cat "$bql/inflight")" 0 "BQL inflight while idle"
log_test "BQL: byte_queue_limits of pla tx-0"

RET=0
# Without TSO every frame is an skb of its own: the 64 descriptors of the
# TX ring hold at most 64 frames (~96 KB), well under what BQL lets the
# stack queue, so it is the ring that fills. (With TSO a 64 KB skb takes a
# few descriptors only, and BQL stops the queue before the ring is full.)
pl_set_features "$NSA" pla tso off
check_err $? "ethtool -K pla tso off"
size=$((100 * 1024 * 1024))
head -c $size /dev/urandom >"$tmp/tx"
pl_snap A0 "$NSA" pla
pl_snap B0 "$NSB" plb
# Sample the BQL limit during the transfer, writing each value that
# differs from the previous one (the first is the limit before the load):
# builtins only, 50 times a second.
ip netns exec "$NSA" bash -c '
	exec {fd}<> <(:)
	last=
	while [ ! -e "$2" ]; do
		read -r v <"$1/limit"
		[ "$v" != "$last" ] && echo "$v" && last=$v
		read -r -t 0.02 -u $fd
	done' - "$bql" "$tmp/stop" >"$tmp/limits" &
sampler=$!
defer kill "$sampler"
busywait 10000 test -s "$tmp/limits"
check_err $? "the BQL sampler did not start"
pl_socat_copy "$NSA" "$NSB" $IPB 7000 "$tmp/tx" "$tmp/rx"
check_err $? "socat transfer failed"
touch "$tmp/stop"
wait "$sampler"
pl_snap A1 "$NSA" pla
pl_snap B1 "$NSB" plb
check_eq "$(stat -c %s "$tmp/rx")" $size "bytes received"
check_eq "$(sha256sum <"$tmp/rx" | cut -d' ' -f1)" "$(sha256sum <"$tmp/tx" | cut -d' ' -f1)" "sha256"
pl_info_deltas "pla (sender)" A0 A1 '^(tx0_|hw_tx_)'
pl_info_deltas "plb (receiver)" B0 B1 '^(rx0_|hw_rx_)'
check_delta A0 A1 tx0_stops gt 0 "pla"
check_delta A0 A1 tx0_wakes gt 0 "pla"
# the stop comes while a frame with every frag still fits
check_delta A0 A1 tx0_busy eq 0 "pla (NETDEV_TX_BUSY)"
log_test "TX 64 / RX 16, no TSO: 100 MB over TCP intact, TX queue stopped and woke, never too late"

RET=0
ktap_info "BQL limit at the start of the transfer $(head -n1 "$tmp/limits"), then: $(tail -n +2 "$tmp/limits" | xargs | cut -c1-300)"
check_num "$(sort -u "$tmp/limits" | grep -c .)" ge 2 "distinct BQL limit values during the transfer"
# and it grew with the load: more than two full-size frames allowed in flight
check_num "$(sort -n "$tmp/limits" | tail -n1)" gt $((2 * 1514)) "largest BQL limit during the transfer"
# every byte queued was completed: BQL drains back to 0
busywait 5000 ip netns exec "$NSA" grep -qx 0 "$bql/inflight"
check_err $? "BQL inflight after the transfer: $(ip netns exec "$NSA" cat "$bql/inflight")"
log_test "BQL: the limit adapts under load, nothing left in flight after it"

ktap_finish
