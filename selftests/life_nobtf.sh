#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat with a pktlife.ko that has no BTF.
#
# The module built for this kernel is copied with its .BTF (and .BTF.base)
# sections removed and loaded: the kernel then has no
# /sys/kernel/btf/pktlife, as with a module built where pahole could not
# add it. The tool cannot type the driver's tracepoints for tp_btf and must
# fall back to raw_tp for them: pktlife stat -v says so on stderr
# ("attached via raw_tp (pktlife: no module BTF) and ..."), its JSON
# names that attach method, it reports no tracepoint of ours missing, and
# the driver and NIC stages count exactly the pings sent, as the stack's
# stages do, and the values read out of the events' arguments are right.
#
# A quiet pair between SND and RCV; pktlife stat runs in SND on its end,
# and SND pings RCV NPING times: NPING echo requests leave (tx), NPING
# replies come back to ping's socket (rx). RCV's wire has a latency of
# LAT_US, which rx.wire must measure, plus the reply's bits' time (as
# life_wire.sh does with tp_btf), and SND's end moderates its RX
# interrupts (rx-usecs 500) and holds its TX completions back (tx-usecs
# 10000: the reply's interrupt reaps them), so that each reply comes to an
# idle NAPI, has an interrupt before its poll and an rx.irq stage.
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.62.1
IP_RCV=10.0.62.2
NPING=20
LAT_US=300
WANT_TP="raw_tp (pktlife: no module BTF)"

require_root
require_cmd ip ping jq ethtool objcopy readelf
pl_require_tool
pl_require_ko

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"

readelf -SW "$PL_KO" | grep -q '\.BTF '
has_btf=$?
objcopy --remove-section=.BTF --remove-section=.BTF.base "$PL_KO" "$TMPD/pktlife.ko"
copy_rc=$?
# (.BTF_ids, resolve_btfids' lists of kernel IDs, is no type information
# and stays: a module built against a vmlinux has one)
readelf -SW "$TMPD/pktlife.ko" | grep -qE '\.BTF(\.base)?[[:space:]]'
copy_btf=$?
insmod "$TMPD/pktlife.ko"
load_rc=$?
defer_check pl_unload
# A kernel that makes BTF up for a module without .BTF is not one this test
# can use; a copy that kept its .BTF is our failure (result 1), no skip.
if [ $copy_btf -ne 0 ] && [ $load_rc -eq 0 ] && [ -e /sys/kernel/btf/pktlife ]; then
	skip_all "/sys/kernel/btf/pktlife exists for a module without .BTF"
fi

ktap_plan 5

RET=0
check_err $copy_rc "objcopy failed"
check_fail $copy_btf "the copy still has a .BTF section"
check_err $load_rc "insmod of the copy without .BTF failed"
pl_module_loaded
check_err $? "pktlife.ko not loaded"
[ "$has_btf" -eq 0 ] || ktap_info "$PL_KO had no .BTF to start with"
if [ "$RET" -ne 0 ]; then
	log_test "a pktlife.ko without BTF loads, no /sys/kernel/btf/pktlife"
	ktap_finish
fi
log_test "a pktlife.ko without BTF loads, no /sys/kernel/btf/pktlife"

# --- pktlife stat on it --------------------------------------------------------------

setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pl0 $IP_SND "$RCV" pl1 $IP_RCV || exit $KSFT_FAIL
# values the raw_tp programs must read out of the driver's events: the
# replies' wire time, and an interrupt before each poll (rx.irq)
dbg=$(pl_dbg_dir "$RCV" pl1) || exit $KSFT_FAIL
echo $LAT_US >"$dbg/latency_us"
# tx-usecs 10000: the request's TX completion does not fire the vector on
# its own (it is reaped by the reply's poll), so no poll of pl0 is running
# when a reply is written, to take it without an interrupt of its own
ip netns exec "$SND" ethtool -C pl0 adaptive-rx off rx-usecs 500 tx-usecs 10000 ||
	exit $KSFT_FAIL

pl_life_start PID "$SND" "$TMPD/out" "$TMPD/err" stat -v -i pl0 -I 100 --json
up=$?
pl_snap S0 "$SND" pl0
ip netns exec "$SND" ping -q -c $NPING -i 0.05 -W 5 $IP_RCV >"$TMPD/ping"
ping_rc=$?
pl_snap S1 "$SND" pl0
if [ $up -eq 0 ]; then
	pl_life_stop "$PID"
	up=$?
fi

RET=0
check_err $up "the tool did not start or did not exit cleanly: $(grep -v '^libbpf' "$TMPD/err" | tail -n 3 | tr '\n' ' ')"
line=$(grep '^pktlife: attached via ' "$TMPD/err")
ktap_info "${line:-no 'attached via' line on stderr}"
grep -qE "^pktlife: attached via raw_tp \(pktlife: no module BTF\) and (fentry|kprobe), " <<<"$line"
check_err $? "stderr does not say raw_tp for want of module BTF: '$line'"
got=$(grep -E '^pktlife: (pktlife\.ko|the kernel has no pl_)' "$TMPD/err")
[ -z "$got" ]
check_err $? "stderr: '$(head -n 2 <<<"$got" | tr '\n' ' ')'"
log_test "stat -v: raw_tp for the driver's tracepoints, and stderr says the module has no BTF"

RET=0
pl_life_load L "$TMPD/out"
check_err $? "no final stat object: $(tail -c 300 "$TMPD/out")"
check_eq "${L[attach.tp]}" "$WANT_TP" "JSON attach.tp"
# none of the driver's tracepoints missing (the JSON lists what is)
[[ ",${L[missing]}," != *,pl_* ]]
check_err $? "missing: ${L[missing]}"
log_test "stat --json: attach.tp '$WANT_TP', no pl_* hook missing"

RET=0
check_err $ping_rc "ping failed: $(tail -n 2 "$TMPD/ping" | head -n 1)"
pl_life_info L rx
pl_life_info L tx
tx=$(pl_delta S0 S1 hw_tx_frames)
rx=$(pl_delta S0 S1 hw_rx_frames)
check_num "$tx" eq $NPING "pl0 hw_tx_frames delta (a quiet pair)"
check_num "$rx" eq $NPING "pl0 hw_rx_frames delta (a quiet pair)"
# the driver's and the NIC's stages: only the raw_tp programs see them
for s in wire irq napi drv gro; do
	check_num "${L[rx.$s.count]:-none}" eq $NPING "rx.$s count"
done
for s in drv nic compl; do
	check_num "${L[tx.$s.count]:-none}" eq $NPING "tx.$s count"
done
# the stack's, for comparison
check_num "${L[rx.sockq.count]:-none}" eq $NPING "rx.sockq count (ping's replies read)"
check_num "${L[tx.sock.count]:-none}" eq $NPING "tx.sock count (ping's requests sent)"
check_num "${L[rx.acct.started]:-none}" eq $NPING "rx started"
check_num "${L[tx.acct.started]:-none}" eq $NPING "tx started"
check_life_acct L rx
check_life_acct L tx
log_test "stat without module BTF: every stage counts the $NPING pings exactly"

RET=0
# a reply: 14 + 20 + 8 + 56 bytes
want=$(pl_wire_time "$RCV" pl1 98)
ktap_info "rx.wire p50 ${L[rx.wire.p50_ns]} p99 ${L[rx.wire.p99_ns]} max ${L[rx.wire.max_ns]} ns," \
	"sum ${L[rx.wire.sum_ns]} ns over ${L[rx.wire.count]} frames, want $want each"
# exactly the wire time, every frame (life_wire.sh); p50 and p99 from the
# histogram, within its resolution
check_num "${L[rx.wire.max_ns]}" eq $want "rx.wire max"
check_num "${L[rx.wire.sum_ns]}" eq $((want * ${L[rx.wire.count]:-0})) "rx.wire sum vs. count x wire time"
check_near "${L[rx.wire.p50_ns]}" $want "rx.wire p50" 4 0
check_near "${L[rx.wire.p99_ns]}" $want "rx.wire p99" 4 0
log_test "stat without module BTF: rx.wire = latency_us ($LAT_US) + the reply's bits' time"

ktap_finish
