#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat --svg FILE: the chart holds what the final table says, and
# renders.
#
# pktlife stat -i plb --json --svg runs in RCV while SND pings RCV and
# copies 256 KiB to it over TCP; SIGINT stops it. Then:
#   - stderr says "pktlife: chart in FILE";
#   - the file is well-formed SVG; its title names plb and this kernel;
#   - one panel per direction; in it, one bar per stage that measured
#     something, in stage order, then the total, each with the frame
#     count, p50, p90 and p99 of the final JSON object (the same numbers,
#     as the tool formats them) as data-* attributes;
#   - the bars form a waterfall: each starts where the one before it ends
#     (its data-start-ns is the sum of the medians before it, and its x
#     is not left of it), the total starts at 0;
#   - rsvg-convert turns it into a PNG of the SVG's size, not blank
#     (life_svg.png is left in the test's output directory when
#     PKTLIFE_KEEP is set, to be looked at).
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.73.1
IP_RCV=10.0.73.2

require_root
require_cmd ip ping jq python3 socat rsvg-convert
pl_require_tool
pl_load

ktap_plan 3

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
head -c 262144 /dev/urandom >"$TMPD/data"

RET=0
pl_life_start PID "$RCV" "$TMPD/out" "$TMPD/err" stat -i plb -I 3600 --json --svg "$TMPD/life.svg"
up=$?
ip netns exec "$SND" ping -c 5 -i 0.2 -W 5 -q $IP_RCV >/dev/null
check_err $? "ping failed"
pl_socat_copy "$SND" "$RCV" $IP_RCV 7073 "$TMPD/data" "$TMPD/copy"
check_err $? "TCP copy failed"
if [ $up -eq 0 ]; then
	pl_life_stop "$PID"
	up=$?
fi
check_err $up "the tool did not start, or did not exit cleanly on SIGINT"
grep -qxF "pktlife: chart in $TMPD/life.svg" "$TMPD/err"
check_err $? "stderr: $(tail -n 2 "$TMPD/err" | tr '\n' ' ')"
pl_life_final "$TMPD/out" >"$TMPD/final"
check_err $? "no final stat object"
log_test "stat --svg: the chart written when the tool stops"

RET=0
python3 - "$TMPD/life.svg" "$TMPD/final" "$(uname -r)" >"$TMPD/check" 2>&1 <<'EOF'
import json, sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
final = json.load(open(sys.argv[2]))
bad = []
if root.tag != NS + "svg":
    sys.exit("root element %s" % root.tag)
title = root.find(NS + "title").text
if "plb" not in title or sys.argv[3] not in title:
    bad.append("title %r: no plb or kernel %s" % (title, sys.argv[3]))
panels = {g.get("data-dir"): g for g in root.iter(NS + "g") if g.get("class") == "panel"}
if sorted(panels) != ["RX", "TX"]:
    bad.append("panels %s" % sorted(panels))
for d in ("rx", "tx"):
    g = panels.get(d.upper())
    if g is None:
        continue
    bars = [r for r in g.iter(NS + "rect") if r.get("class") == "stage"]
    want = [dict(s, name="%s.%s" % (d, s["stage"])) for s in final[d]["stages"] if s["count"]]
    want.append(dict(final[d]["total"], name="%s.total" % d))
    if [b.get("data-stage") for b in bars] != [w["name"] for w in want]:
        bad.append("%s bars %s, stages %s" % (d, [b.get("data-stage") for b in bars],
                                             [w["name"] for w in want]))
        continue
    start = 0
    for i, (b, w) in enumerate(zip(bars, want)):
        total = i == len(bars) - 1
        got = [int(b.get("data-" + k)) for k in ("count", "p50-ns", "p90-ns", "p99-ns")]
        exp = [w["count"], round(w["p50_ns"]), round(w["p90_ns"]), round(w["p99_ns"])]
        if got != exp:
            bad.append("%s: %s, the JSON says %s" % (w["name"], got, exp))
        if int(b.get("data-start-ns")) != (0 if total else round(start)):
            bad.append("%s starts at %s ns, not %d" % (w["name"], b.get("data-start-ns"), start))
        if i and not total and float(b.get("x")) < float(bars[i - 1].get("x")):
            bad.append("%s at x %s, left of %s" % (w["name"], b.get("x"), want[i - 1]["name"]))
        start += w["p50_ns"]
    print("%s: %d bars, medians adding up to %.0f ns, total p50 %.0f ns"
          % (d, len(bars), start - want[-1]["p50_ns"], want[-1]["p50_ns"]))
print("\n".join(bad))
print("size %sx%s" % (root.get("width"), root.get("height")))
sys.exit(1 if bad else 0)
EOF
check_err $? "the chart does not say what the table says:"
sed 's/^/# /' "$TMPD/check"
log_test "the chart: a bar per stage with the final table's figures, a waterfall of medians"

RET=0
rsvg-convert -o "$TMPD/life.png" "$TMPD/life.svg" 2>"$TMPD/rsvg.err"
check_err $? "rsvg-convert: $(cat "$TMPD/rsvg.err")"
size=$(sed -n 's/^size //p' "$TMPD/check")
python3 - "$TMPD/life.png" "${size%x*}" "${size#*x}" <<'EOF'
import struct, sys, zlib
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", png[16:24])
assert (w, h) == (int(sys.argv[2]), int(sys.argv[3])), "PNG %dx%d" % (w, h)
# the image data, from its chunks: a blank page has a few byte values only
data, i = b"", 8
while i < len(png):
    n, kind = struct.unpack(">I4s", png[i:i + 8])
    if kind == b"IDAT":
        data += png[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(data)
assert len(set(raw)) > 16, "a blank picture"
EOF
check_err $? "the PNG is not the chart"
if [ -n "${PKTLIFE_KEEP:-}" ]; then
	cp "$TMPD/life.svg" "$TMPD/life.png" "$PKTLIFE_KEEP/"
	ktap_info "kept in $PKTLIFE_KEEP/life.svg and life.png"
fi
log_test "rsvg-convert renders it: a PNG of its size, not blank"

ktap_finish
