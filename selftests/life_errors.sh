#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat/hist/trace: errors a user can make, and running without the
# driver.
#
# Bad options and filters are refused before anything is loaded: a non-zero
# exit status and a message naming what is wrong. Without root the tool
# says it needs root. Without pktlife.ko the latency modes still work on
# any device (a veth pair here), say that the driver and NIC stages are
# omitted, and measure from __netif_receive_skb on: no rx.wire ... rx.gro.
source "$(dirname "$0")/lib.sh"

IP_SND=192.0.2.1
IP_RCV=192.0.2.2
NPING=20

require_root
require_cmd ip ping jq
pl_require_tool
modprobe -q veth 2>/dev/null

ktap_plan 4

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"

# bad ARGS... | MESSAGE: pktlife ARGS fails, its stderr has MESSAGE
RET=0
while IFS='|' read -r args msg; do
	# shellcheck disable=SC2086 # split on purpose
	"$PL_TOOL" $args >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	if [ $rc -eq 0 ] || ! grep -qF -- "$msg" "$TMPD/err"; then
		check_err 1 "'pktlife $args': exit $rc, stderr '$(head -n 2 "$TMPD/err" | tr '\n' ' ')', want '$msg'"
	fi
done <<'EOF_BAD'
stat --port 0|invalid port '0'
stat --dport 65536|invalid port '65536'
trace --sport x|invalid port 'x'
stat -p foo|invalid protocol 'foo'
trace -D up|invalid direction 'up'
stat --saddr 10.0.0|invalid address '10.0.0'
stat --saddr 10.0.0.1 --daddr ::1|addresses of both IPv4 and IPv6
stat -I 0|invalid interval '0'
trace -s 0|invalid sample rate '0'
stat -i 01234567890123456789|invalid interface name
stat extra|unexpected argument 'extra'
hist rx.nosuch|unknown stage 'rx.nosuch'
hist tx.wire|unknown stage 'tx.wire'
hist|no STAGE given
hist rx.wire tx.nic|unexpected argument 'tx.nic'
stat -A -i lo|-i and -A do not go together
stat --perfetto x.json|--perfetto is for pktlife trace
trace --perfetto /nonexistent/x.json|cannot create /nonexistent/x.json
trace --svg x.svg|--svg is for pktlife stat
hist rx.wire --prometheus 9464|--prometheus is for pktlife stat
EOF_BAD
log_test "bad filters and options: non-zero exit, a message naming them"

if command -v setpriv >/dev/null; then
	RET=0
	for mode in "stat" "hist rx.wire" "trace"; do
		# shellcheck disable=SC2086
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$PL_TOOL" $mode -d 1 >/dev/null 2>"$TMPD/err"
		rc=$?
		check_num $rc ne 0 "'pktlife $mode' without privileges: exit status"
		grep -q 'needs root' "$TMPD/err"
		check_err $? "'pktlife $mode' without privileges: stderr '$(cat "$TMPD/err")'"
	done
	log_test "not root: a message saying it needs root"
else
	log_test_skip "not root: a message saying it needs root" "setpriv not installed"
fi

# --- without the driver ---
pl_module_loaded &&
	fail_all "pktlife.ko is loaded: an earlier test left it, or it is in use"

setup_ns SND RCV || exit $KSFT_FAIL
ip -n "$SND" link add veth0 type veth peer name veth1 netns "$RCV" || exit $KSFT_FAIL
for end in "$SND/veth0/$IP_SND" "$RCV/veth1/$IP_RCV"; do
	IFS=/ read -r ns dev ip <<<"$end"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.$dev.disable_ipv6=1
	ip -n "$ns" addr add "$ip/24" dev "$dev"
	ip -n "$ns" link set "$dev" up
done
ip -n "$SND" neigh replace $IP_RCV lladdr "$(pl_mac "$RCV" veth1)" dev veth0 nud permanent
ip -n "$RCV" neigh replace $IP_SND lladdr "$(pl_mac "$SND" veth0)" dev veth1 nud permanent

pl_life_start PID "$RCV" "$TMPD/out" "$TMPD/err" stat -D rx -i veth1 -I 100 --json
up=$?
rx0=$(link_stat "$RCV" veth1 rx_packets)
ip netns exec "$SND" ping -q -c $NPING -i 0.01 -W 5 $IP_RCV >"$TMPD/ping"
ping_rc=$?
rx1=$(link_stat "$RCV" veth1 rx_packets)
if [ $up -eq 0 ]; then
	pl_life_stop "$PID"
	up=$?
fi

RET=0
check_err $up "the tool did not start or did not exit cleanly"
check_fail "$(pl_module_loaded; echo $?)" "pktlife.ko got loaded"
grep -qxF "pktlife: pktlife.ko is not loaded: the driver and NIC stages are omitted" "$TMPD/err"
check_err $? "stderr: '$(head -n 3 "$TMPD/err" | tr '\n' ' ')'"
log_test "without pktlife.ko: stderr says the driver and NIC stages are omitted"

RET=0
check_err $ping_rc "ping failed"
pl_life_load L "$TMPD/out"
check_err $? "no final stat object: $(tail -c 300 "$TMPD/out")"
pl_life_info L rx
ktap_info "missing: ${L[missing]}"
check_num "$((rx1 - rx0))" eq $NPING "veth1 rx_packets delta (neighbours pinned)"
check_num "${L[rx.acct.started]}" eq "$((rx1 - rx0))" "rx started vs. veth1 rx_packets delta"
# the first stage after netif_receive_skb, where the journey begins
first=netif
[ "$PL_LIFE_LEVEL" = full ] || first=$PL_LIFE_RX_LOCAL
check_num "${L[rx.$first.count]}" eq "$((rx1 - rx0))" "rx.$first count"
for s in wire irq napi drv gro; do
	check_num "${L[rx.$s.count]:-0}" eq 0 "rx.$s count (a NIC or driver stage)"
done
check_life_acct L rx
log_test "without pktlife.ko: stat measures a veth pair from netif on"

ktap_finish
