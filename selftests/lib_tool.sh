# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Selftest helpers for the pktlife command, sourced by lib.sh (a test
# sources lib.sh only): the binary (PL_TOOL), count mode's start and stop
# (pl_tool_*), and for the latency modes (life_*.sh) starting the tool in
# a netns, stopping it as a user would and reading its JSON (pl_life_*,
# check_life_acct), and the journeys of trace --json (pl_journeys,
# check_journey, check_life_hop).

PL_TOOL=${PL_TOOL:-$PL_TOP/build/tools/pktlife}

# The tool is built (make): a test of it cannot pass without it.
pl_require_tool()
{
	[ -x "$PL_TOOL" ] || fail_all "$PL_TOOL not built (make)"
}

# --- pktlife count -----------------------------------------------------------

# A test keeps the pid of a running pktlife in TOOL_PID; defer pl_tool_stop
# so that it never outlives the test.
TOOL_PID=
pl_tool_stop()
{
	[ -n "$TOOL_PID" ] && kill -KILL "$TOOL_PID" 2>/dev/null
	TOOL_PID=
}

# pl_tool_counting STDERR_FILE: the tool has attached and counts.
pl_tool_counting()
{
	grep -q '^pktlife: counting, Ctrl-C to stop$' "$1"
}

# --- pktlife stat/hist/trace (issue 4) ---
#
# Helpers for the tests of the latency modes (life_*.sh): start the tool in
# a netns and wait until it follows packets, stop it with SIGINT as a user
# would, and read its JSON: the final stat object, stages and accounting.
# Times are in ns, as in the tool's JSON.

# PL_LIFE_ENV: environment for the tool, e.g. (PKTLIFE_FORCE_RAW_TP=1) for
# the raw_tp + kprobe fallback.
PL_LIFE_ENV=()
# PL_LIFE_LEVEL (from the environment): the --level every pktlife stat,
# hist and trace of the tests runs at, "waits" (the tool's default) or
# "full"; a test that needs a level gives its own --level, which wins.
PL_LIFE_LEVEL=${PL_LIFE_LEVEL:-waits}
PL_LIFE_PIDS=()

# pl_life_ready ERR PID: the tool says it follows packets (stat, hist) or
# traces, or it has exited (then the caller sees the line is missing).
pl_life_ready()
{
	grep -qE '^pktlife: (following packets|tracing), Ctrl-C to stop$' "$1" ||
		pl_gone "$2"
}

# pl_life_spawn VAR NS OUT ERR MODE ARGS...: pktlife MODE ARGS in NS in the
# background, stdout to OUT and stderr to ERR; VAR := its pid. Killed at
# exit if still running. Loading takes seconds under TCG: spawn every tool
# a test needs, then pl_life_started each.
pl_life_spawn()
{
	local _pl_var=$1 _pl_ns=$2 _pl_out=$3 _pl_err=$4 _pl_pid

	shift 4
	# emptied here, not by the background job's redirection: that runs
	# when the child is scheduled, and until then a caller polling ERR
	# would read what an earlier run left in it
	: >"$_pl_out"
	: >"$_pl_err"
	# the life modes at the tests' level (count has no levels)
	case $1 in
	stat | hist | trace) set -- "$1" --level "$PL_LIFE_LEVEL" "${@:2}" ;;
	esac
	ip netns exec "$_pl_ns" env "${PL_LIFE_ENV[@]}" "$PL_TOOL" "$@" \
		>"$_pl_out" 2>"$_pl_err" &
	_pl_pid=$!
	[ ${#PL_LIFE_PIDS[@]} -eq 0 ] && defer pl_life_kill_all
	PL_LIFE_PIDS+=("$_pl_pid")
	printf -v "$_pl_var" %s "$_pl_pid"
}

# pl_life_started PID ERR: wait until the tool has attached. Fails (and
# says why, and kills it) if it exits or does not get there in 120 s.
pl_life_started()
{
	slowwait 120 pl_life_ready "$2" "$1"
	if ! grep -qE '^pktlife: (following packets|tracing), Ctrl-C to stop$' "$2"; then
		ktap_info "pktlife (pid $1) did not start:"
		sed 's/^/#   /' "$2" | tail -n 20
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		pl_life_reaped "$1"
		return 1
	fi
}

# pl_life_start VAR NS OUT ERR MODE ARGS...: pl_life_spawn, pl_life_started.
pl_life_start()
{
	pl_life_spawn "$@" && pl_life_started "${!1}" "$4"
}

pl_life_kill_all()
{
	local pid

	for pid in "${PL_LIFE_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	PL_LIFE_PIDS=()
}

# pl_life_reaped PID: forget a tool that has been waited for, so that
# pl_life_kill_all never signals its pid once another process has it.
pl_life_reaped()
{
	local i

	for i in "${!PL_LIFE_PIDS[@]}"; do
		[ "${PL_LIFE_PIDS[i]}" = "$1" ] && unset 'PL_LIFE_PIDS[i]'
	done
	PL_LIFE_PIDS=("${PL_LIFE_PIDS[@]}")
}

# pl_life_stop PID: SIGINT, as Ctrl-C; its exit status (1 if it does not
# exit within 60 s times the time scale, then it is killed).
pl_life_stop()
{
	kill -INT "$1" 2>/dev/null
	# 12 s at most on the release kernels; on the debug one detaching the
	# fentry/fexit programs of stat or trace took 290 s, once over 300
	pl_life_wait "$1" 60
}

# pl_life_wait PID TIMEOUT_S: wait for a tool that stops by itself (-c, -d);
# its exit status, 1 if it is still running after TIMEOUT_S (then killed).
pl_life_wait()
{
	if ! slowwait "$2" pl_gone "$1"; then
		ktap_info "pktlife (pid $1) still running after $(($2 * PL_TIME_SCALE)) s: killed"
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		pl_life_reaped "$1"
		return 1
	fi
	wait "$1"
	local rc=$?

	pl_life_reaped "$1"
	return $rc
}

# pl_life_final OUT: the final stat object of a --json run (one line);
# fails if there is none.
pl_life_final()
{
	jq -ec 'select(.mode == "stat" and .final == true)' "$1" 2>/dev/null | tail -n 1 | grep .
}

PL_LIFE_STAGES_rx="wire irq napi drv gro backlog netif ip local l4 sockq"
PL_LIFE_STAGES_tx="sock l4 ip qdisc drv nic compl"

# pl_life_load VAR OUT: the last final stat object of OUT (a --json run),
# flattened into the associative array VAR, with one jq (jq is slow under
# TCG):
#	VAR[rx.wire.count], VAR[tx.nic.p50_ns], ...	a stage's fields
#	VAR[rx.total.p50_ns], ...			end to end
#	VAR[rx.acct.started], VAR[tx.acct.lost], ...	accounting
#	VAR[rx.drops.SOCKET_RCVBUFF]			frames per drop reason
#	VAR[attach.tp], VAR[attach.fn], VAR[missing] (comma-separated)
# Fails, with VAR empty, when OUT has no final stat object.
pl_life_load()
{
	local k v

	declare -gA "$1"
	local -n _pl_l=$1
	_pl_l=()
	while IFS=$'\t' read -r k v; do
		_pl_l[$k]=$v
	done < <(jq -nr '[inputs | select(.mode == "stat" and .final == true)] | last |
		select(. != null) |
		(["attach.tp", .attach.tp], ["attach.fn", .attach.fn], ["level", .level],
		 ["missing", (.missing | join(","))],
		 (("rx", "tx") as $d | .[$d] | select(. != null) |
		  (["\($d).stages", ([.stages[].stage] | join(" "))],
		   (.stages[] as $s | $s | to_entries[] | select(.key != "stage") |
		    ["\($d).\($s.stage).\(.key)", .value]),
		   (.total | to_entries[] | ["\($d).total.\(.key)", .value]),
		   (.acct | to_entries[] | ["\($d).acct.\(.key)", .value]),
		   (.drops[]? | ["\($d).drops.\(.reason)", .frames])))) | @tsv' "$2" 2>/dev/null)
	[ ${#_pl_l[@]} -gt 0 ]
}

# check_life_acct VAR DIR: the accounting identity of direction DIR in a
# pl_life_load array, started = completed + ended + dropped + lost +
# in_flight, with lost the sum of its four kinds.
check_life_acct()
{
	local -n _pl_a=$1
	local d=$2.acct

	check_num "$((_pl_a[$d.completed] + _pl_a[$d.ended] + _pl_a[$d.dropped] + _pl_a[$d.lost] + _pl_a[$d.in_flight]))" \
		eq "${_pl_a[$d.started]:-none}" \
		"$2: completed + ended + dropped + lost + in_flight vs. started"
	check_num "$((_pl_a[$d.lost_ring] + _pl_a[$d.lost_map] + _pl_a[$d.lost_reused] + _pl_a[$d.lost_expired]))" \
		eq "${_pl_a[$d.lost]:-none}" \
		"$2: lost vs. lost_ring + lost_map + lost_reused + lost_expired"
}

# pl_life_info VAR DIR: the stages (frames/p50 in us) and the non-zero
# accounting of direction DIR of a pl_life_load array, as KTAP comments.
pl_life_info()
{
	local -n _pl_i=$1
	local d=$2 s k line=

	# the stages the tool measured (its level's), else every one
	for s in ${_pl_i[$d.stages]:-$(eval echo "\$PL_LIFE_STAGES_$d")} total; do
		line+=" $s=${_pl_i[$d.$s.count]:-?}/$(( ${_pl_i[$d.$s.p50_ns]:-0} / 1000 ))"
	done
	ktap_info "$d frames/p50_us:$line"
	line=
	for k in started completed ended dropped filtered lost_ring lost_map \
		lost_reused lost_expired folded no_depart branches in_flight; do
		[ "${_pl_i[$d.acct.$k]:-0}" != 0 ] && line+=" $k=${_pl_i[$d.acct.$k]}"
	done
	ktap_info "$d acct:$line"
}

# --- pktlife trace --json: one journey ----------------------------------------

# Every stage of a direction at PL_LIFE_LEVEL, in journey order, as
# trace's JSON names them ("stages": [{"stage": "wire", ...}, ...]); a raw
# or ping socket's TX journey has no l4 (its sock stage ends at
# ip_output()/ip6_output()). PL_LIFE_RX_LOCAL: the stage that ends at L4
# demux (at "waits", netif and ip are in it).
if [ "$PL_LIFE_LEVEL" = full ]; then
	PL_LIFE_RX_LOCAL=local
	PL_LIFE_RX_IP='"netif","ip","local"'
else
	PL_LIFE_RX_LOCAL=netif..local
	PL_LIFE_RX_IP='"netif..local"'
fi
PL_LIFE_RX_ALL='["wire","irq","napi","drv","gro","backlog",'$PL_LIFE_RX_IP',"l4","sockq"]'
PL_LIFE_TX_ALL='["sock","l4","ip","qdisc","drv","nic","compl"]'
PL_LIFE_TX_RAW='["sock","ip","qdisc","drv","nic","compl"]'

# pl_journeys FILE VAR NAME SELECT [NAME SELECT]...: the journeys of
# trace --json output FILE that the jq conditions SELECT pick, into the
# associative array VAR: VAR[NAME] is the journey (a JSON line), empty
# unless exactly one journey matches SELECT. One jq for all (jq is slow
# under TCG); NAMEs are words.
pl_journeys()
{
	local file=$1 prog= name j

	declare -gA "$2"
	local -n _pl_j=$2
	_pl_j=()
	shift 2
	while [ $# -ge 2 ]; do
		prog+="${prog:+, }([\$all[] | select($2)] | \"$1\\t\" + (if length == 1 then .[0] | tojson else \"\" end))"
		shift 2
	done
	while IFS=$'\t' read -r name j; do
		_pl_j[$name]=$j
	done < <(jq -nr "[inputs | select(.mode == \"trace\")] as \$all | $prog" "$file" 2>/dev/null)
}

# check_journey JSON WHO [END [STAGES]]: stages in journey order, times
# monotonic from t0, each delta the time since the stage before (the
# first: since t0), the deltas adding up to total_ns, each stage's cpu a
# CPU of this host; with END, how it
# ended ("completed", "dropped NO_SOCKET"...), with STAGES (a JSON array)
# exactly these stages. Prints the stages for the record. One jq.
check_journey()
{
	local j=$1 who=$2 out line

	if [ -z "$j" ]; then
		check_err 1 "$who: no such journey (or more than one)"
		return
	fi
	out=$(jq -r --argjson rx "$PL_LIFE_RX_ALL" --argjson tx "$PL_LIFE_TX_ALL" \
		--argjson ncpu "$(nproc)" \
		--arg want_end "${3:-}" --arg want "${4:-}" '
		(if .dir == "rx" then $rx else $tx end) as $all
		| [.stages[].stage] as $s
		| ([.t0_ns] + [.stages[].t_ns]) as $t
		| "\(.end)\(if .reason then " " + .reason else "" end)" as $e
		| "\($e), clone \(.clone), \(.total_ns) ns: \([.stages[] | "\(.stage)+\(.delta_ns)"] | join(" "))",
		  ([$s[] as $x | $all | index($x)] as $i
		   | if ($i | all(. != null)) and $i == ($i | sort) and ($i | unique | length) == ($s | length)
		     then empty else "stages not in \(.dir) journey order" end),
		  (if $t == ($t | sort) then empty else "stage times not monotonic from t0" end),
		  (if [range(0; $s | length) as $k | .stages[$k].delta_ns == $t[$k + 1] - $t[$k]] | all
		   then empty else "a delta is not the time since the stage before" end),
		  (if ([.stages[].delta_ns] | add // 0) == .total_ns and .total_ns == $t[-1] - .t0_ns
		   then empty else "the deltas do not add up to total_ns" end),
		  (if [.stages[].cpu | type == "number" and . >= 0 and . < $ncpu] | all
		   then empty else "a stage without a CPU of this host" end),
		  (if $want_end == "" or $want_end == $e then empty else "end: got \($e), want \($want_end)" end),
		  (if $want == "" or ($want | fromjson) == $s then empty
		   else "stages: got \($s | tojson), want \($want)" end)' <<<"$j" 2>&1)
	{
		read -r line
		ktap_info "$who: $line"
		while read -r line; do
			check_err 1 "$who: $line"
		done
	} <<<"$out"
}

# check_life_hop WHAT TX RX WIRE_NS: one frame between the two ends of a
# pair, TX its journey out of one (trace --json), RX its journey into the
# other: the frame's departure (TX's tx.nic) is RX's t0, and its arrival
# (RX's rx.wire) the departure + its time on the wire (pl_wire_time). One
# clock serves both ends. One jq.
check_life_hop()
{
	local out line

	if [ -z "$2" ] || [ -z "$3" ]; then
		check_err 1 "$1: no journey out or in"
		return
	fi
	out=$(jq -nr --argjson tx "$2" --argjson rx "$3" --argjson wire "$4" '
		([$tx.stages[] | select(.stage == "nic")][0].t_ns) as $dep
		| ([$rx.stages[] | select(.stage == "wire")][0].t_ns) as $arr
		| "departure \($dep), t0 \($rx.t0_ns), arrival \($arr)",
		  (if $dep != null and $rx.t0_ns == $dep then empty
		   else "t0 on the receiving end \($rx.t0_ns) vs. departure \($dep)" end),
		  (if $dep != null and $arr == $dep + $wire then empty
		   else "arrival \($arr) vs. departure \($dep) + \($wire) ns" end)' 2>&1)
	{
		read -r line
		ktap_info "$1: $line"
		while read -r line; do
			check_err 1 "$1: $line"
		done
	} <<<"$out"
}
