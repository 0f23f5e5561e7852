#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat --prometheus PORT: a Prometheus scrape over loopback.
#
# pktlife stat -i plb --prometheus 9464 runs in RCV (a quiet pair: nothing
# but the test's packets), SND pings RCV NPING times, one ping at a time,
# with a scrape of http://127.0.0.1:9464/metrics from RCV before each, as
# Prometheus scrapes while traffic flows. Then, scraping it again:
#   - the server listens on 127.0.0.1 only (ss), says where on stderr, and
#     answers another path with 404;
#   - the body is the text exposition format: every line a comment (HELP,
#     TYPE before the samples of its family) or NAME{LABELS} VALUE, with
#     the labels direction, stage, interface="plb";
#   - each stage's histogram: buckets in increasing le, cumulative counts
#     never decreasing, le="+Inf" equal to _count, _sum >= 0;
#   - the figures are the packets', each way:
#     RX, the echo requests: rx.wire and rx.local (at --level waits
#     rx.netif..local) count NPING frames (the kernel answers and frees
#     them, so they end there and have no rx.total): NPING journeys cut
#     after that stage, none after any other; pktlife_frames_total
#     {direction="rx"}: started and ended NPING, every other fate 0;
#     TX, the echo replies the kernel sends: their journeys start at
#     ip_output() (no tx.sock, no tx.l4) and complete at pl_tx_complete:
#     tx.ip, tx.qdisc, tx.drv, tx.nic, tx.compl and tx.total count NPING
#     frames; pktlife_frames_total{direction="tx"}: started and completed
#     NPING, every other fate 0. The scrapes' TCP segments over RCV's
#     loopback are not plb's (-i plb): on 6.12 the replies that follow them
#     get their skb struct and head back from the slab, and were taken for
#     them (issue 16);
#   - and the same as the tool's own final JSON after SIGINT (stage counts
#     and sums to the nanosecond, and every fate of both directions).
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.74.1
IP_RCV=10.0.74.2
NPING=10
PORT=9464

require_root
require_cmd ip ping jq python3 ss
pl_require_tool
pl_load

ktap_plan 3

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL

# scrape PATH OUT: GET it from RCV's loopback; the status code is printed
SCRAPE_PY='
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=10)
    open(sys.argv[3], "wb").write(r.read())
    print(r.status, r.headers.get("Content-Type"))
except urllib.error.HTTPError as e:
    print(e.code)
'
scrape()
{
	ip netns exec "$RCV" python3 -c "$SCRAPE_PY" $PORT "$1" "$2"
}

# the scraped rx.local (at --level waits rx.netif..local) and tx.total
# counts are N: every request answered,
# every reply's completion reaped
totals_are()
{
	scrape /metrics "$TMPD/m" >/dev/null &&
		grep -qxF "pktlife_stage_seconds_count{direction=\"rx\",stage=\"$PL_LIFE_RX_LOCAL\",interface=\"plb\"} $1" "$TMPD/m" &&
		grep -q "^pktlife_stage_seconds_count{direction=\"tx\",stage=\"total\",interface=\"plb\"} $1\$" "$TMPD/m"
}

RET=0
pl_life_start PID "$RCV" "$TMPD/out" "$TMPD/err" stat -i plb -I 3600 --json --prometheus $PORT
up=$?
check_err $up "the tool did not start"
grep -qxF "pktlife: serving metrics on http://127.0.0.1:$PORT/metrics" "$TMPD/err"
check_err $? "stderr: $(head -n 3 "$TMPD/err" | tr '\n' ' ')"
listen=$(ip netns exec "$RCV" ss -Hltn "sport = :$PORT" | awk '{ print $4 }')
check_eq "$listen" "127.0.0.1:$PORT" "listening socket"
check_eq "$(scrape /nothing "$TMPD/nf")" 404 "GET /nothing"
log_test "--prometheus: on 127.0.0.1:$PORT only, 404 off /metrics"

RET=0
for i in $(seq $NPING); do
	check_eq "$(scrape /metrics "$TMPD/m")" "200 text/plain; version=0.0.4; charset=utf-8" \
		"GET /metrics before ping $i"
	ip netns exec "$SND" ping -c 1 -W 5 -q $IP_RCV >/dev/null
	check_err $? "ping $i failed"
done
busywait 20000 totals_are $NPING
check_err $? "rx.$PL_LIFE_RX_LOCAL, tx.total not $NPING in the scrape: $(grep -E 'stage="(.*local|total)"' "$TMPD/m" | grep count | tr '\n' ' ')"
check_eq "$(scrape /metrics "$TMPD/metrics")" "200 text/plain; version=0.0.4; charset=utf-8" "GET /metrics"
python3 - "$TMPD/metrics" $NPING "$PL_LIFE_RX_LOCAL" >"$TMPD/check" 2>&1 <<'EOF'
import math, re, sys

n, local = int(sys.argv[2]), sys.argv[3]
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\} (\S+)$')
label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
types, series, bad = {}, {}, []
for i, line in enumerate(open(sys.argv[1]).read().splitlines(), 1):
    if line.startswith("# HELP "):
        continue
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split(" ")
        types[name] = kind
        continue
    m = sample.match(line)
    if not m:
        bad.append("line %d: %r" % (i, line))
        continue
    name, labels, value = m.group(1), dict(label.findall(m.group(2))), float(m.group(3))
    family = re.sub(r"_(bucket|sum|count)$", "", name) if name.startswith("pktlife_stage_seconds") else name
    if family not in types:
        bad.append("line %d: %s before its TYPE" % (i, name))
    if labels.get("interface") != "plb":
        bad.append("line %d: interface %r" % (i, labels.get("interface")))
    key = (labels.get("direction"), labels.get("stage") or labels.get("fate"))
    series.setdefault(name, {}).setdefault(key, []).append((labels.get("le"), value))
if types.get("pktlife_stage_seconds") != "histogram" or types.get("pktlife_frames_total") != "counter" \
        or types.get("pktlife_bpf_missed_total") != "counter":
    bad.append("types %s" % types)
for key, buckets in series.get("pktlife_stage_seconds_bucket", {}).items():
    les = [math.inf if le == "+Inf" else float(le) for le, _ in buckets]
    counts = [v for _, v in buckets]
    if les != sorted(les) or les[-1] != math.inf or counts != sorted(counts):
        bad.append("%s: buckets %s" % (key, buckets))
    count = series["pktlife_stage_seconds_count"][key][0][1]
    if counts[-1] != count or series["pktlife_stage_seconds_sum"][key][0][1] < 0:
        bad.append("%s: +Inf %s, count %s" % (key, counts[-1], count))
count = lambda d, s: series["pktlife_stage_seconds_count"][(d, s)][0][1]
# the requests end at ICMP; the replies start at ip_output() and complete
for d, s, want in (("rx", "wire", n), ("rx", local, n), ("rx", "total", 0),
                   ("tx", "sock", 0), ("tx", "l4", 0), ("tx", "ip", n), ("tx", "qdisc", n),
                   ("tx", "drv", n), ("tx", "nic", n), ("tx", "compl", n), ("tx", "total", n)):
    if count(d, s) != want:
        bad.append("%s.%s count %s, want %d" % (d, s, count(d, s), want))
# coverage: the requests' journeys ended after L4 demux (ICMP answered
# them), nothing else was cut; no stamp out of order on a quiet pair
for (d, s), v in sorted(series.get("pktlife_stage_cut_frames_total", {}).items()):
    want = n if (d, s) == ("rx", local) else 0
    if v[0][1] != want:
        bad.append("cut %s.%s %s, want %d" % (d, s, v[0][1], want))
if ("rx", local) not in series.get("pktlife_stage_cut_frames_total", {}) or \
        ("rx", local) not in series.get("pktlife_stage_clamped_frames_total", {}):
    bad.append("no cut or clamped series for rx.%s" % local)
fates = {("rx", "started"): n, ("rx", "ended"): n, ("tx", "started"): n, ("tx", "completed"): n}
for (d, fate), v in sorted(series["pktlife_frames_total"].items()):
    if v[0][1] != fates.get((d, fate), 0):
        bad.append("frames_total %s %s %s, want %d" % (d, fate, v[0][1], fates.get((d, fate), 0)))
for d, fate in sorted(set(fates) - set(series["pktlife_frames_total"])):
    bad.append("frames_total %s %s missing" % (d, fate))
print("missed %d" % series.get("pktlife_bpf_missed_total", {}).get((None, None), [(None, -1)])[0][1])
for (d, s), v in sorted(series["pktlife_stage_seconds_count"].items()):
    print("stage %s.%s %d %.9f" % (d, s, v[0][1], series["pktlife_stage_seconds_sum"][(d, s)][0][1]))
for (d, fate), v in sorted(series["pktlife_frames_total"].items()):
    print("fate %s.%s %d" % (d, fate, v[0][1]))
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
check_err $? "the exposition: $(grep -Ev '^(stage|fate) ' "$TMPD/check" | head -n 5 | tr '\n' ' ')"
log_test "a scrape: the text format, histograms whole, the $NPING requests and their replies"

RET=0
pl_life_stop "$PID"
check_err $? "the tool did not exit cleanly on SIGINT"
final=$(pl_life_final "$TMPD/out")
check_err $? "no final stat object"
ktap_info "final accounting: rx $(jq -c .rx.acct <<<"$final"), tx $(jq -c .tx.acct <<<"$final")"
jq -r '("rx", "tx") as $d | .[$d] | ((.stages[] | "\($d).\(.stage) \(.count) \(.sum_ns)"),
	"\($d).total \(.total.count) \(.total.sum_ns)")' <<<"$final" | sort >"$TMPD/json"
awk '$1 == "stage" { printf "%s %d %.0f\n", $2, $3, $4 * 1e9 }' "$TMPD/check" | sort >"$TMPD/prom"
diff "$TMPD/json" "$TMPD/prom" >"$TMPD/diff"
check_err $? "scrape vs. final JSON (stage count sum_ns): $(head -n 6 "$TMPD/diff" | tr '\n' ' ')"
# every fate as the scrape had it (nothing crossed plb since), none in flight
jq -r '("rx", "tx") as $d | .[$d].acct | to_entries[] |
	select(.key != "lost" and .key != "in_flight") | "fate \($d).\(.key) \(.value)"' <<<"$final" |
	sort >"$TMPD/json.fates"
grep '^fate ' "$TMPD/check" | sort >"$TMPD/prom.fates"
diff "$TMPD/json.fates" "$TMPD/prom.fates" >"$TMPD/diff"
check_err $? "scrape vs. final JSON (fates): $(head -n 6 "$TMPD/diff" | tr '\n' ' ')"
check_eq "$(jq -c '[.rx.acct.in_flight, .tx.acct.in_flight]' <<<"$final")" "[0,0]" "final in_flight rx, tx"
# the kernel's skipped runs: a counter, so the final table has at least
# what the scrape before it had
missed=$(jq -r .prog_misses <<<"$final")
scraped=$(awk '$1 == "missed" { print $2 }' "$TMPD/check")
check_num "$scraped" ge 0 "pktlife_bpf_missed_total in the scrape"
check_num "$missed" ge "${scraped:-0}" "final prog_misses"
log_test "the scrape says what the tool's final table says, to the nanosecond"

ktap_finish
