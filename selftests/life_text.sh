#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat, hist and trace without --json: the tables and blocks a
# user reads (README, Documentation/life.rst), and trace's sampling (-s).
#
# SND sends RCV NDGRAM (20) UDP datagrams, datagram i from its own source
# port SPORT0 + i, with the sending port's wire latency 1000 us for the
# first 10, 2000 us for the next 8 and 4000 us for the last 2 (set while
# the pair is idle: each frame's arrival is its departure + the latency it
# left with + its bits' time at the link's speed, BITS_NS); a reader on
# RCV reads them all. So rx.wire has a known distribution: p50 in 1000's
# histogram slot, p90 in 2000's, p99 in 4000's, max 4000 us + BITS_NS
# exactly (a percentile is the middle of the slot the rank falls in,
# capped by the maximum; the rank is p x count, rounded).
# Three tools in RCV, -D rx -p udp --dport PORT:
#   stat --svg FILE  the final table: RX started = completed = 20, nothing
#       ended, dropped, lost or in flight; a row per RX stage that measured
#       something, in journey order, each (irq aside: not every frame has
#       one) with 20 frames, then total; the wire row's P50, P90, P99 and
#       MAX as above, as the tool prints times; p50 <= p90 <= p99 <= max in
#       every row; the shares add up to 100 %; the columns as wide as the
#       header's. And every figure of the table is the one the same run's
#       chart carries (data-count, data-p50-ns ... of each bar, and its
#       panel's started, completed, ended, dropped).
#   hist rx.wire  "rx.wire: 20 frames, p50 .., max ..", then exactly three
#       rows, the three latencies' slots from lo to hi (ns), 10, 8 and 2
#       frames, bars of 40, 32 and 8 stars.
#   trace -s 3 -v  the sampling rule (Documentation/life.rst): the first
#       journey the tool starts and every 3rd after it, i.e. datagrams 0,
#       3, ... 18: 7 blocks, told apart by their source ports, whose frame
#       ids (the NIC numbers the frames it sends in order) are 3 apart; -v
#       says 20 started and completed. Each block: "RX plb UDP src -> dst
#       frame ID x1  completed", then its stages in journey order (every RX
#       stage, irq aside), the wire's AT and DELTA its datagram's latency,
#       each AT the sum of the DELTAs up to it (within the printed digits),
#       each CPU a CPU of this host, that of every stage from napi to l4
#       the one plb's interrupt lands on (its poll and the stack's receive
#       run there), and the total the last stage's AT.
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.78.1
IP_RCV=10.0.78.2
PORT=7078
SPORT0=20000
NDGRAM=20
SAMPLE=3
# batches: latency_us:datagrams
BATCHES="1000:10 2000:8 4000:2"

require_root
require_cmd ip jq python3 ss ethtool
pl_require_tool
pl_load

ktap_plan 6

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
DBG=$(pl_dbg_dir "$SND" pla) || exit $KSFT_FAIL
PORT_ID=$(pl_port_id "$SND" pla)

# recv PORT N | send IP PORT SPORT0 FIRST END: datagram i (FIRST <= i <
# END) from source port SPORT0 + i
UDP_PY='
import socket, sys

if sys.argv[1] == "recv":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(sys.argv[2])))
    s.settimeout(30)
    n = 0
    try:
        while n < int(sys.argv[3]):
            s.recv(64)
            n += 1
    except socket.timeout:
        pass
    print("received %d" % n)
    sys.exit(n != int(sys.argv[3]))
ip, port, sport0 = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(int(sys.argv[5]), int(sys.argv[6])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport0 + i))
    s.sendto(b"%d" % i, (ip, port))
    s.close()
'

FILTER=(-D rx -p udp --dport "$PORT")
pl_life_spawn PST "$RCV" "$TMPD/stat" "$TMPD/stat.err" stat "${FILTER[@]}" -I 3600 \
	--svg "$TMPD/life.svg"
pl_life_spawn PHI "$RCV" "$TMPD/hist" "$TMPD/hist.err" hist rx.wire "${FILTER[@]}"
pl_life_spawn PTR "$RCV" "$TMPD/trace" "$TMPD/trace.err" trace "${FILTER[@]}" -s $SAMPLE -v
pl_life_started "$PST" "$TMPD/stat.err"
UPST=$?
pl_life_started "$PHI" "$TMPD/hist.err"
UPHI=$?
pl_life_started "$PTR" "$TMPD/trace.err"
UPTR=$?

ip netns exec "$RCV" python3 -c "$UDP_PY" recv $PORT $NDGRAM >"$TMPD/recv" 2>&1 &
rpid=$!
slowwait 20 pl_udp_bound "$RCV" $PORT
send_rc=0
first=0
for b in $BATCHES; do
	# the frames before have left: the next ones leave with this latency
	busywait 10000 pl_settled "$SND" pla || send_rc=1
	echo "${b%:*}" >"$DBG/latency_us"
	ip netns exec "$SND" python3 -c "$UDP_PY" send $IP_RCV $PORT $SPORT0 \
		$first $((first + ${b#*:})) || send_rc=1
	first=$((first + ${b#*:}))
done
wait $rpid
recv_rc=$?
busywait 10000 pl_settled "$RCV" plb
kill -INT "$PST" "$PHI" "$PTR" 2>/dev/null
for t in ST HI TR; do
	pid=P$t up=UP$t
	if [ "${!up}" -eq 0 ]; then
		pl_life_wait "${!pid}" 60
		printf -v "$up" %s $?
	fi
done

# check.py stat|svg|hist|sample|blocks FILE...: what differs from the truth, a
# "FAIL ..." line each, and what it read; the truth is in the environment
cat >"$TMPD/check.py" <<'EOF'
import json, os, re, sys
import xml.etree.ElementTree as ET

# every RX stage at the tests' level (lib_tool.sh)
RX = json.loads(os.environ["PL_LIFE_RX_ALL"])
M, N = int(os.environ["NDGRAM"]), int(os.environ["SAMPLE"])
LAT = []            # ns, per datagram: latency and bits' time
for b in os.environ["BATCHES"].split():
    us, n = map(int, b.split(":"))
    LAT += [us * 1000 + int(os.environ["BITS_NS"])] * n
bad = []

def fmt(ns):
    """the tool's fmt_ns()"""
    if ns < 1000:
        return "%.0fns" % ns
    if ns < 1e6:
        return "%.1fus" % (ns / 1e3)
    if ns < 1e9:
        return "%.2fms" % (ns / 1e6)
    return "%.2fs" % (ns / 1e9)

def unfmt(s):
    """a printed time: (ns, half its last digit in ns)"""
    m = re.fullmatch(r"([0-9]+(?:\.([0-9]+))?)(ns|us|ms|s)", s)
    if not m:
        bad.append("not a time: %r" % s)
        return 0, 0
    unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[m[3]]
    return float(m[1]) * unit, 0.5 * unit / 10 ** len(m[2] or "")

def slot(v):
    """the histogram slot of v: (lo, width); 16 slots per power of two"""
    if v < 16:
        return v, 1
    e = int(v).bit_length() - 1
    w = 1 << (e - 4)
    return (1 << e) + (v - (1 << e)) // w * w, w

def pct(p):
    vals = sorted(LAT)
    lo, w = slot(vals[max(1, int(p * M + 0.5)) - 1])
    return min(lo + w / 2 if w > 1 else lo, vals[-1])

def table(out):
    """the final table: its accounting, its rows (name, frames, p50, p90,
    p99, max; share aside), their shares"""
    lines = open(out).read().split("\n")
    head = "  %-8s %10s %9s %9s %9s %9s %6s" % ("STAGE", "FRAMES", "P50", "P90", "P99", "MAX", "SHARE")
    if not re.fullmatch(r"[0-9]+\.[0-9]s(  \(not measured: .*\))?", lines[0]):
        bad.append("line 1: %r" % lines[0])
    acct = re.fullmatch(r"RX  started (\d+)  completed (\d+)  ended (\d+)  dropped (\d+)  lost (\d+)  in flight (\d+)", lines[1])
    if lines[2] != head:
        bad.append("line 3: %r, want %r" % (lines[2], head))
    rows, shares = [], []
    for line in lines[3:]:
        f = line.split()
        if len(f) == 7 and f[0] in RX and f[6].endswith("%"):
            shares.append(float(f[6][:-1]))
            want = "  %-8s %10s %9s %9s %9s %9s %5.1f%%" % (*f[:6], shares[-1])
        elif len(f) == 6 and f[0] == "total":
            want = "  %-8s %10s %9s %9s %9s %9s" % tuple(f)
        else:
            bad.append("row %r" % line)
            break
        rows.append(f[:6])
        if line != want:
            bad.append("row %r not in the columns of the header" % line)
        if f[0] == "total":
            break
    return acct, rows, shares

def check_stat(out):
    acct, rows, shares = table(out)
    if not acct or list(map(int, acct.groups())) != [M, M, 0, 0, 0, 0]:
        bad.append("accounting %r, want RX  started %d  completed %d, 0 the others" % (acct and acct[0], M, M))
    names = [r[0] for r in rows]
    if names != [s for s in RX if s in names] + ["total"] or [s for s in RX if s not in names and s != "irq"]:
        bad.append("rows %s: every RX stage (irq may lack) in journey order, then total" % names)
    wire = [fmt(pct(.5)), fmt(pct(.9)), fmt(pct(.99)), fmt(max(LAT))]
    for r in rows:
        t = [unfmt(x)[0] for x in r[2:]]
        if t != sorted(t):
            bad.append("%s: p50 %s p90 %s p99 %s max %s not increasing" % tuple(r[:1] + r[2:]))
        n = int(r[1])
        if (n != M and r[0] != "irq") or n > M:
            bad.append("%s: %d frames, want %d" % (r[0], n, M))
        if r[0] == "wire" and r[2:] != wire:
            bad.append("wire: %s, want %s" % (r[2:], wire))
    if abs(sum(shares) - 100) > 0.05 * len(shares) + 1e-6:
        bad.append("shares add up to %.1f %%" % sum(shares))
    print("wire p50 p90 p99 max: %s" % wire)
    for r in rows:
        print(" ".join(r))

def check_svg(out, svg):
    """the table against the same run's chart: its bars and panel"""
    acct, rows, shares = table(out)
    S = "{http://www.w3.org/2000/svg}"
    panels = [g for g in ET.parse(svg).getroot().iter(S + "g") if g.get("class") == "panel"]
    if [g.get("data-dir") for g in panels] != ["RX"]:
        bad.append("chart panels %s, want RX only" % [g.get("data-dir") for g in panels])
        return
    got = "".join(panels[0].find(S + "text").itertext())
    want = "RX: %s started, %s completed, %s ended, %s dropped" % (acct.groups()[:4] if acct else ("?",) * 4)
    if got != want:
        bad.append("chart %r, table %r" % (got, want))
    bars = [[r.get("data-stage")[3:], r.get("data-count")] +
            [fmt(float(r.get("data-%s-ns" % k))) for k in ("p50", "p90", "p99", "max")]
            for r in panels[0].iter(S + "rect") if r.get("class") == "stage"]
    if bars != rows:
        bad.append("table %s, chart %s" % (rows, bars))
    print("%d rows, %d bars alike" % (len(rows), len(bars)))

def check_hist(out):
    lines = open(out).read().rstrip("\n").split("\n")
    want = ["rx.wire: %d frames, p50 %s, max %s" % (M, fmt(pct(.5)), fmt(max(LAT))),
            "%21s : %-10s |%-40s|" % ("ns", "count", "distribution")]
    counts = {}
    for v in LAT:
        counts[slot(v)] = counts.get(slot(v), 0) + 1
    top = max(counts.values())
    for (lo, w), n in sorted(counts.items()):
        bar = 40 * n // top
        want.append("%10.0f -> %-8.0f : %-10d |%s%s|" % (lo, lo + w - 1, n, "*" * bar, " " * (40 - bar)))
    for k in range(max(len(lines), len(want))):
        got, exp = (lines + [None])[min(k, len(lines))], (want + [None])[min(k, len(want))]
        if got != exp:
            bad.append("line %d: %r, want %r" % (k + 1, got, exp))
    print("\n".join(lines))

def blocks(out, ip_snd, ip_rcv, port, port_id, sport0):
    """trace's blocks: (datagram, frame id, stage rows) each"""
    got = []
    for b in [b.split("\n") for b in open(out).read().strip("\n").split("\n\n") if b]:
        h = re.fullmatch(r"RX plb UDP ([0-9.]+):(\d+) -> ([0-9.]+):(\d+)  frame (0x[0-9a-f]+) x(\d+)  (.*)", b[0])
        if not h:
            bad.append("block %r" % b[0])
            continue
        i, fr = int(h[2]) - int(sport0), int(h[5], 16)
        who = "datagram %d" % i
        if (h[1], h[3], h[4], h[6], h[7]) != (ip_snd, ip_rcv, port, "1", "completed"):
            bad.append("%s: %r" % (who, b[0]))
        if fr >> 24 != int(port_id):
            bad.append("%s: frame %#x, not of port %s" % (who, fr, port_id))
        if b[1] != "  %-8s %12s %12s %4s" % ("STAGE", "AT", "DELTA", "CPU"):
            bad.append("%s: %r" % (who, b[1]))
        rows = [l.split() for l in b[2:-1]]
        for l, f in zip(b[2:-1], rows):
            if len(f) != 4 or l != "  %-8s %12s %12s %4s" % tuple(f) or \
               not f[3].isdigit() or int(f[3]) >= os.cpu_count():
                bad.append("%s: row %r" % (who, l))
                rows = []
                break
        if not rows or b[-1] != "  %-8s %12s %12s" % ("total", "", rows[-1][1]):
            bad.append("%s: %r, want the last stage's AT" % (who, b[-1]))
        got.append((i, fr, rows))
    return got

def check_sample(out, err, *flow):
    """-s N: the first journey started and every Nth after it"""
    got = blocks(out, *flow)
    want = list(range(0, M, N))
    if [i for i, _, _ in got] != want:
        bad.append("datagrams traced %s, want %s" % ([i for i, _, _ in got], want))
    fr = [f for _, f, _ in got]
    if [b - a for a, b in zip(fr, fr[1:])] != [N] * (len(fr) - 1):
        bad.append("frame ids %s: not %d apart" % ([hex(f) for f in fr], N))
    acct = re.search(r"^pktlife: rx started (\d+) completed (\d+) .*", open(err).read(), re.M)
    if not acct or acct.groups() != (str(M), str(M)):
        bad.append("-v: %s, want rx started %d completed %d" % (acct[0] if acct else "no accounting", M, M))
    print("%s; %d blocks: datagrams %s, frames %s" % (acct and acct[0], len(got),
          [i for i, _, _ in got], [hex(f) for f in fr]))

SOFTIRQ = tuple(s for s in RX if s not in ("wire", "irq", "sockq"))

def check_blocks(out, *flow):
    """each block: the stages, the wire's latency, ATs the sums of the DELTAs"""
    for i, _, rows in blocks(out, *flow):
        who = "datagram %d" % i
        names = [f[0] for f in rows]
        if names != [s for s in RX if s in names] or [s for s in RX if s not in names and s != "irq"]:
            bad.append("%s: stages %s" % (who, names))
        if 0 <= i < M and rows and rows[0][1:3] != [fmt(LAT[i])] * 2:
            bad.append("%s: wire %s, want %s (its latency)" % (who, rows[0], fmt(LAT[i])))
        total, slack = 0, 0
        for f in rows:
            at, e1 = unfmt(f[1])
            d, e2 = unfmt(f[2])
            total, slack = total + d, slack + e2
            if abs(at - total) > e1 + slack:
                bad.append("%s: %s at %s, not the sum of the deltas %s" % (who, f[0], f[1], [x[2] for x in rows]))
                break
        # the poll and the stack on it run where plb's interrupt lands
        cpus = {f[0]: f[3] for f in rows if f[0] in SOFTIRQ}
        if rows and set(cpus.values()) != {os.environ["IRQ_CPU"]}:
            bad.append("%s: CPUs %s, want %s (plb's interrupt) from napi to l4" %
                       (who, cpus, os.environ["IRQ_CPU"]))
        print("%s: %s" % (who, " ".join("%s@%s/cpu%s" % (f[0], f[1], f[3]) for f in rows)))

try:
    {"stat": check_stat, "svg": check_svg, "hist": check_hist, "sample": check_sample,
     "blocks": check_blocks}[sys.argv[1]](*sys.argv[2:])
except Exception as e:
    bad.append("%s: %r" % (type(e).__name__, e))
for b in bad:
    print("FAIL " + b)
sys.exit(1 if bad else 0)
EOF
# a datagram of 1 or 2 bytes: 43 or 44 bytes on the wire, padded to 60
BITS_NS=$(pl_wire_ns 60 "$(pl_wire_mbit "$SND" pla)")
export NDGRAM SAMPLE BATCHES BITS_NS PL_LIFE_RX_ALL
# check WHAT ARGS...: check.py WHAT ARGS; what it prints as comments, its
# first failure as the test's
check()
{
	local out line

	out=$(python3 "$TMPD/check.py" "$@" 2>&1)
	check_err $? "$1: $(grep -m1 '^FAIL ' <<<"$out" | cut -c6-)"
	while IFS= read -r line; do
		ktap_info "$line"
	done <<<"$out"
}

RET=0
check_err $send_rc "the sender failed, or the pair did not settle between batches"
check_err $recv_rc "the reader failed: $(cat "$TMPD/recv")"
check_err $UPST "stat: did not start, or did not exit cleanly on SIGINT"
check_err $UPHI "hist: did not start, or did not exit cleanly on SIGINT"
check_err $UPTR "trace: did not start, or did not exit cleanly on SIGINT"
log_test "$NDGRAM datagrams over a wire of 1000, 2000 and 4000 us, read; three tools"

RET=0
check stat "$TMPD/stat"
log_test "stat: the table, its accounting, and rx.wire's percentiles from the wire"

RET=0
check svg "$TMPD/stat" "$TMPD/life.svg"
log_test "stat: every figure of the table is the one of the same run's --svg chart"

RET=0
check hist "$TMPD/hist"
log_test "hist rx.wire: the header and one row per latency's slot, bars to scale"

FLOW=("$IP_SND" "$IP_RCV" "$PORT" "$PORT_ID" "$SPORT0")
RET=0
check sample "$TMPD/trace" "$TMPD/trace.err" "${FLOW[@]}"
log_test "trace -s $SAMPLE: the 1st journey and every ${SAMPLE}rd after it, $(( (NDGRAM + SAMPLE - 1) / SAMPLE )) of $NDGRAM"

RET=0
IRQ_CPU=$(pl_irq_cpu plb) check blocks "$TMPD/trace" "${FLOW[@]}"
log_test "trace: each block's flow, stages, wire latency, times adding up to the total, napi to l4 on the CPU of plb's interrupt"

ktap_finish
