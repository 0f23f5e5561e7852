#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife trace --perfetto FILE: the timeline (Chrome trace-event JSON, as
# ui.perfetto.dev and chrome://tracing read it) holds exactly the journeys
# the trace printed, stage for stage.
#
# pktlife trace runs in RCV with --json and --perfetto; SND pings RCV and
# then copies 256 KiB over TCP (GRO merges frames: journeys of several
# frames); SIGINT stops the tool. The file must parse as JSON, with "traceEvents" and
# "displayTimeUnit"; then, for the N journeys of the JSON output, in order:
#   - journey k has one complete slice ("ph":"X") per stage, named
#     rx.STAGE / tx.STAGE, on the track (tid) of that stage, whose
#     thread_name metadata names it, in a process named "RX plb" / "TX plb";
#   - its slices follow the stage order, each from the end of the stage
#     before it (t0 for the first) to its own end, to the nanosecond;
#   - its args carry the journey number, flow, frame id, frame count, the
#     stage's CPU (the JSON's) and
#     end as the JSON line has them;
#   - flow arrows join its slices: one "s" on the first, one "t" on each
#     in between, one "f" on the last, id k, each at its slice's start.
# No slice or arrow belongs to no journey.
source "$(dirname "$0")/lib.sh"

IP_SND=10.0.72.1
IP_RCV=10.0.72.2
NPING=3

require_root
require_cmd ip ping jq python3 socat
pl_require_tool
pl_load

ktap_plan 3

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL
head -c 262144 /dev/urandom >"$TMPD/data"

RET=0
pl_life_start PID "$RCV" "$TMPD/out" "$TMPD/err" \
	trace --json --perfetto "$TMPD/life.json"
up=$?
ip netns exec "$SND" ping -c $NPING -i 0.2 -W 5 -q $IP_RCV >/dev/null
check_err $? "ping failed"
pl_socat_copy "$SND" "$RCV" $IP_RCV 7072 "$TMPD/data" "$TMPD/copy"
check_err $? "TCP copy failed"
cmp -s "$TMPD/data" "$TMPD/copy"
check_err $? "the copy differs"
if [ $up -eq 0 ]; then
	pl_life_stop "$PID"
	up=$?
fi
check_err $up "the tool did not start, or did not exit cleanly on SIGINT"
jq -c 'select(.mode == "trace")' "$TMPD/out" >"$TMPD/journeys"
n=$(wc -l <"$TMPD/journeys")
check_num "$n" ge $((2 * NPING)) "journeys traced (each ping's request and reply, the copy's)"
grep -qxF "pktlife: $n journeys in $TMPD/life.json (open it in ui.perfetto.dev)" "$TMPD/err"
check_err $? "stderr: $(tail -n 2 "$TMPD/err" | tr '\n' ' ')"
log_test "trace --perfetto: $n journeys traced and written"

RET=0
python3 - "$TMPD/life.json" "$TMPD/journeys" >"$TMPD/check" 2>&1 <<'EOF'
import json, sys
from decimal import Decimal

doc = json.load(open(sys.argv[1]), parse_float=Decimal)
journeys = [json.loads(l) for l in open(sys.argv[2])]
bad = []
if doc.get("displayTimeUnit") != "ns" or not isinstance(doc.get("traceEvents"), list):
    sys.exit("not a trace-event object: %s" % list(doc))
ev = doc["traceEvents"]
procs = {e["pid"]: e["args"]["name"] for e in ev
         if e["ph"] == "M" and e["name"] == "process_name"}
threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev
           if e["ph"] == "M" and e["name"] == "thread_name"}
slices = [e for e in ev if e["ph"] == "X"]
flows = [e for e in ev if e["ph"] in "stf"]
ns = lambda us: int(us * 1000)

for k, j in enumerate(journeys, 1):
    mine = [e for e in slices if e["args"]["journey"] == k]
    want = ["%s.%s" % (j["dir"], s["stage"]) for s in j["stages"]]
    got = [e["name"] for e in mine]
    if got != want:
        bad.append("journey %d: slices %s, stages %s" % (k, got, want))
        continue
    prev = j["t0_ns"]
    for e, s in zip(mine, j["stages"]):
        name = e["name"]
        if procs.get(e["pid"]) != "%s %s" % (j["dir"].upper(), j["ifname"]):
            bad.append("journey %d %s: process %r" % (k, name, procs.get(e["pid"])))
        if threads.get((e["pid"], e["tid"])) != name:
            bad.append("journey %d %s: track %r" % (k, name, threads.get((e["pid"], e["tid"]))))
        if ns(e["ts"]) != prev or ns(e["ts"] + e["dur"]) != s["t_ns"]:
            bad.append("journey %d %s: %s+%s us, stage %d..%d ns"
                       % (k, name, e["ts"], e["dur"], prev, s["t_ns"]))
        a = e["args"]
        if (a["flow"], int(a["frame"], 16), a["frames"], a["cpu"]) != \
                (j["flow"], j["frame"], j["frames"], s["cpu"]) \
                or not a["end"].startswith(j["end"]):
            bad.append("journey %d %s: args %s" % (k, name, a))
        prev = s["t_ns"]
    arrows = [f for f in flows if f["id"] == k]
    want_ph = ["s"] + ["t"] * (len(mine) - 2) + ["f"] if len(mine) > 1 else []
    if [f["ph"] for f in arrows] != want_ph:
        bad.append("journey %d: arrows %s" % (k, [f["ph"] for f in arrows]))
    for f, e in zip(arrows, mine):
        if (f["pid"], f["tid"], f["ts"], f.get("bp")) != (e["pid"], e["tid"], e["ts"], "e"):
            bad.append("journey %d: arrow %s not on %s" % (k, f, e["name"]))
    print("journey %d: %s %s, %d frames, %d slices, %s" % (k, j["dir"], j["flow"],
          j["frames"], len(mine), j["end"]))
extra = [e for e in slices + flows
         if not 1 <= (e["args"]["journey"] if e["ph"] == "X" else e["id"]) <= len(journeys)]
if extra:
    bad.append("%d events of no journey: %s" % (len(extra), extra[:2]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
check_err $? "the timeline does not match the trace:"
sed 's/^/# /' "$TMPD/check" | head -n 30
log_test "the timeline: one slice per stage, in order, to the ns; arrows join each journey"

RET=0
multi=$(jq -s '[.[] | select(.frames > 1)] | length' "$TMPD/journeys")
ktap_info "journeys of more than one frame: $multi"
check_num "$multi" gt 0 "journeys of several frames (GRO) among the $n"
log_test "a journey of several wire frames is in the timeline with its frame count"

ktap_finish
