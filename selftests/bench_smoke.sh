#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/ in miniature (guest.sh --smoke: every measurement once, 1 s runs),
# so that the benchmark code cannot rot between "make bench" runs.  It
# checks that everything was measured, not how fast: figures are no
# assertions (Documentation/performance.rst has them).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd jq python3 iperf3 bpftrace bpftool
pl_require_tool
pl_require_ko

ktap_plan 4

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
# guest.sh leaves no module loaded
defer_check pl_unload

RET=0
# within run.sh's 600 s, so that a hang is reported with where it hung
# (the log's last lines), not as a bare TIMEOUT
timeout -k 10 540 "$PL_TOP/bench/guest.sh" --smoke --out "$TMPD/raw" 2>"$TMPD/log"
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	ktap_info "guest.sh --smoke still running after 540 s; its log ends:"
	tail -n 15 "$TMPD/log" | sed 's/^/# /'
fi
# (with each phase's start, and the end: where the time goes)
grep -E "FAILED|bench: mem: |bench: phase |bench: done at |bench: (pps|tcp|mq|tp|observe|attach_s|mem)[a-z0-9_.]* = " "$TMPD/log" |
	sed 's/^/# /'
# the slowest programs, ns per run
grep -E "bench: prog\..*\.ns = " "$TMPD/log" | sort -t= -k2 -rn | head -n 5 | sed 's/^/# /'
check_err $rc "guest.sh --smoke failed"
pl_module_loaded
check_fail $? "guest.sh left pktlife.ko loaded"
log_test "guest.sh --smoke measured everything"

RET=0
python3 "$PL_TOP/bench/report.py" "$TMPD/raw" --kernel "$PL_KREL" --rev test \
	--date today --reps 1 --secs 1 --json "$TMPD/r.json" --md "$TMPD/r.md" \
	>"$TMPD/summary"
check_err $? "report.py failed"
for f in pps.pktlife pps.veth tcp.pktlife tcp.veth mq.q1 mq.q2 tp.on tp.off \
	observe.pps.none observe.pps.pktlife observe.pps.full observe.pps.empty \
	observe.pps.bpftrace observe.tcp.none observe.tcp.pktlife observe.tcp.full \
	observe.tcp.empty observe.tcp.bpftrace; do
	jq -e --arg f "$f" '.figures[$f].median > 0' "$TMPD/r.json" >/dev/null ||
		check_err 1 "figure $f missing or 0"
done
log_test "report.py: every figure, positive"

RET=0
check_eq "$(jq '.ratios | length' "$TMPD/r.json")" 12 "ratios"
check_eq "$(grep -c '^target ' "$TMPD/summary")" 6 "target lines"
check_eq "$(jq '[.targets[] | select(.met == null)] | length' "$TMPD/r.json")" 0 \
	"targets not measured"
sed 's/^/# /' "$TMPD/summary"
log_test "report.py: 12 ratios, 6 targets, all measured"

RET=0
jq -e '.bpf_programs | length > 5 and all(.ns > 0 and .runs > 0)' "$TMPD/r.json" >/dev/null
check_err $? "per-program costs: $(jq -c .bpf_programs "$TMPD/r.json" | head -c 300)"
jq -e '.memory["maps.stat"] > 0 and .memory["maps.stat_full"] > 0 and
	.memory["maps.trace"] > 0 and .memory.per_queue_kib > 0' \
	"$TMPD/r.json" >/dev/null
check_err $? "memory: $(jq -c .memory "$TMPD/r.json")"
# per level: entries per frame, and the full level's more than the default's
jq -e '.levels.waits.entries_per_frame > 0 and .levels.waits.ns_per_entry != null and
	.levels.full.entries_per_frame > .levels.waits.entries_per_frame' \
	"$TMPD/r.json" >/dev/null
check_err $? "levels: $(jq -c .levels "$TMPD/r.json")"
log_test "report.py: per-program costs, map and queue memory, hook entries per level"

ktap_finish
