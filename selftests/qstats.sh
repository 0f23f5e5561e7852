#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-queue statistics over netlink (netdev_stat_ops, kernels >= 6.9),
# read with the kernel's own YNL CLI (tools/net/ynl/cli.py from the
# linux-source tarball, extracted into build/kernel-scripts by make check).
#
# Both ends of a pair get 4 combined channels, TCP and 64 UDP flows cross
# it, then ethtool -L takes both down to 2 and more traffic crosses. With
# everything quiet:
#   qstats per queue: exactly the live queues 0 and 1, each equal to
#     ethtool -S rxN_packets/rxN_bytes/txN_packets/txN_bytes;
#   qstats for the device (base + queues, the removed queues 2 and 3 in
#     the base) equal to the ndo_get_stats64 totals (/sys/.../statistics)
#     for rx/tx packets and bytes, exactly;
#   fields the driver does not count are absent, the ones it does present.
source "$(dirname "$0")/lib.sh"

IPA=10.0.65.1
IPB=10.0.65.2

require_root
require_cmd ip ethtool python3 socat
maj=$(uname -r | cut -d. -f1) min=$(uname -r | cut -d. -f2)
[ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 9 ]; } ||
	skip_all "kernel $(uname -r) has no per-queue statistics (netdev qstats, 6.9)"
pl_require_ynl
pl_load

ktap_plan 4

tmp=$(mktemp -d)
defer rm -rf "$tmp"
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

# traffic: a TCP copy and 64 UDP flows (different queues) from pla to plb
traffic()
{
	local f

	pl_socat_copy "$NSA" "$NSB" $IPB 7600 "$tmp/src" "$tmp/dst" || return 1
	ip netns exec "$NSA" python3 -c '
import socket, sys
for f in range(64):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 6000 + f))
    for i in range(4):
        s.sendto(b"q" * 200, (sys.argv[1], 9))
    s.close()
' $IPB
}

head -c 4M /dev/urandom >"$tmp/src"
RET=0
for end in "$NSA/pla" "$NSB/plb"; do
	ip netns exec "${end%/*}" ethtool -L "${end#*/}" combined 4
	check_err $? "ethtool -L ${end#*/} combined 4"
done
pl_neigh_pin "$NSA" pla $IPA "$NSB" plb $IPB
traffic
check_err $? "traffic over 4 queues"
# what queues 2 and 3 counted, before ethtool -L takes them away
pl_snap Q4A "$NSA" pla
pl_snap Q4B "$NSB" plb
for end in "$NSA/pla" "$NSB/plb"; do
	ip netns exec "${end%/*}" ethtool -L "${end#*/}" combined 2
	check_err $? "ethtool -L ${end#*/} combined 2"
done
pl_neigh_pin "$NSA" pla $IPA "$NSB" plb $IPB
traffic
check_err $? "traffic over 2 queues"
log_test "traffic over 4 queues, then over 2"

# qstats NS DEV SCOPE: the qstats-get dump of DEV (scope "queue" or none)
qstats()
{
	local ifindex json

	ifindex=$(ip netns exec "$1" cat "/sys/class/net/$2/ifindex")
	json="{\"ifindex\": $ifindex${3:+, \"scope\": \"$3\"}}"
	ip netns exec "$1" python3 "$PL_YNL_CLI" --spec "$PL_YNL_SPEC" --no-schema \
		--dump qstats-get --json "$json" --output-json
}

# compare, for each end: per-queue qstats against ethtool -S, device
# qstats against /sys statistics; prints one line per mismatch, or the
# number of queues when all agree
CMP_PY='
import json, sys
queues, dev, ethtool, sysfs = (open(f).read() for f in sys.argv[1:5])
queues, dev = json.loads(queues), json.loads(dev)
es = {}
for line in ethtool.splitlines():
    k, _, v = line.strip().partition(": ")
    if v.isdigit():
        es[k] = int(v)
bad = []
live = sorted((q["queue-type"], q["queue-id"]) for q in queues)
want = sorted((t, i) for t in ("rx", "tx") for i in range(2))
if live != want:
    bad.append("queues reported: %s, want %s" % (live, want))
for q in queues:
    t, i = q["queue-type"], q["queue-id"]
    for f in ("packets", "bytes"):
        got, ref = q.get("%s-%s" % (t, f)), es.get("%s%d_%s" % (t, i, f))
        if got != ref:
            bad.append("%s queue %d %s: qstats %s, ethtool -S %s" % (t, i, f, got, ref))
    if t == "rx" and q.get("rx-csum-unnecessary") is None:
        bad.append("rx queue %d: no rx-csum-unnecessary" % i)
    if t == "rx" and q.get("rx-hw-drops") is not None:
        bad.append("rx queue %d: rx-hw-drops reported, never counted" % i)
d = dev[0]
for l in sysfs.splitlines():
    k, v = l.split()
    t, f = k.split("_")
    if d.get("%s-%s" % (t, f)) != int(v):
        bad.append("device %s-%s: qstats %s, ndo_get_stats64 %s" % (t, f, d.get("%s-%s" % (t, f)), v))
print("\n".join(bad) if bad else "agree")
'

for end in "$NSA/pla" "$NSB/plb"; do
	ns=${end%/*} dev=${end#*/}
	RET=0
	qstats "$ns" "$dev" queue >"$tmp/$dev.q"
	check_err $? "$dev qstats-get, scope queue"
	qstats "$ns" "$dev" >"$tmp/$dev.d"
	check_err $? "$dev qstats-get, device"
	ip netns exec "$ns" ethtool -S "$dev" >"$tmp/$dev.es"
	for s in rx_packets rx_bytes tx_packets tx_bytes; do
		echo "$s $(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/$s")"
	done >"$tmp/$dev.sys"
	check_eq "$(python3 -c "$CMP_PY" "$tmp/$dev.q" "$tmp/$dev.d" "$tmp/$dev.es" "$tmp/$dev.sys")" \
		agree "$dev qstats vs. ethtool -S and ndo_get_stats64"
	ktap_info "$dev device qstats: $(cat "$tmp/$dev.d")"
	log_test "$dev: qstats per live queue = ethtool -S, device qstats = ndo_get_stats64 totals"
done

RET=0
# the removed queues 2 and 3 carried some of the first round's 64 flows:
# that traffic is in the device totals through the base only, exactly what
# they had counted when they were taken away
base()
{
	python3 -c '
import json, sys
q, d = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))[0]
t = sys.argv[3]
print(d[t + "-packets"] - sum(x.get(t + "-packets", 0) for x in q if x["queue-type"] == t))
' "$@"
}
rx23=$((${Q4B[rx2_packets]:-0} + ${Q4B[rx3_packets]:-0}))
tx23=$((${Q4A[tx2_packets]:-0} + ${Q4A[tx3_packets]:-0}))
ktap_info "queues 2 and 3 before ethtool -L combined 2: plb received $rx23, pla sent $tx23 packets"
check_num "$rx23" gt 0 "plb rx2_packets + rx3_packets (the flows spread over 4 queues)"
check_num "$tx23" gt 0 "pla tx2_packets + tx3_packets"
check_num "$(base "$tmp/plb.q" "$tmp/plb.d" rx)" eq "$rx23" \
	"plb RX packets in the base (device - live queues) vs. rx2 + rx3 before ethtool -L"
check_num "$(base "$tmp/pla.q" "$tmp/pla.d" tx)" eq "$tx23" \
	"pla TX packets in the base vs. tx2 + tx3 before ethtool -L"
grep -qE '^ *(rx|tx)[23]_' "$tmp/plb.es"
check_fail $? "ethtool -S still lists queue 2 or 3"
log_test "the removed queues' counts stay in the totals, through the base"

ktap_finish
