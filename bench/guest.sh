#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife's benchmarks, run inside the VM (bench/bench.sh boots it; make
# check runs them with --smoke).  Every alternative is measured in this
# one boot, side by side, REPS times; bench/report.py turns the raw runs
# into medians, spreads and ratios.
#
#	guest.sh [--smoke] [--reps N] [--secs S] [--only LIST] --out RAW
#
#   pps      64-byte UDP, one flow, one queue, pktgen on CPU 0 in netns A
#            for S seconds (default 2),
#            counted by the receiving device in netns B: pktlife vs veth
#            (GRO on both)
#   tcp      iperf3, one stream, client on CPU 0, server on CPU 1:
#            pktlife (TSO, GRO) vs veth
#   mq       pktlife with 1 vs 2 combined channels, 2 pktgen threads (CPU 0
#            and 1, one TX queue each, random source ports: RSS spreads
#            them over the RX queues)
#   tp       pps with pktlife.ko as built vs built with PL_NOTRACE=1
#            (its tracepoints compiled out), alternating per run
#   observe  pps and tcp with nothing attached, with "pktlife stat -A"
#            (both netns) at its default level (waits) and at --level
#            full (every RX and TX stage), with the default attached but
#            every program returning at once (PKTLIFE_BENCH_EMPTY=1: what
#            entering the hooks costs), with bench/stages.bt (Debian's
#            bpftrace doing the full level's stages), then nothing again
#   progs    per level: hook entries per frame of pps, and per program
#            its cost per run under pps and tcp, from the kernel's own
#            accounting (kernel.bpf_stats_enabled)
#   mem      BPF map memory of pktlife stat and pktlife trace; the module's
#            memory per queue pair (MemAvailable, 1 vs 8 channels)
# With observe, progs and stat's map memory are taken while each level's
# pktlife stat is attached: one attach fewer each (tens of seconds under
# TCG).
#
# RAW gets one line per measurement: "FIGURE VALUE" (figures as
# bench/report.py names them).  Exit 0 if every measurement ran.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh"

REPS=5
SECS=2
SMOKE=
ONLY="pps tcp mq tp observe progs mem"
RAW=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) REPS=1; SECS=1; SMOKE=1 ;;
	--reps) REPS=$2; shift ;;
	--secs) SECS=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--out) RAW=$2; shift ;;
	*) echo "guest.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$RAW" ] || { echo "guest.sh: --out RAW needed" >&2; exit 2; }
: >"$RAW"

KO=$PL_KO
KO_NOTRACE=${PL_KO_NOTRACE:-$top/build/notrace/$PL_KREL/module/pktlife.ko}
BT=$top/bench/stages.bt
TMPD=$(mktemp -d)
FAILED=0

log() { echo "# bench: $*" >&2; }
record() { echo "$1 $2" >>"$RAW"; log "$1 = $2${3:+ $3}"; }
fail() { log "FAILED: $*"; FAILED=1; }
# wanted PHASE: PHASE is to be measured (and its start is logged: where
# the time of a run goes)
wanted() { [[ " $ONLY " == *" $1 "* ]] && log "phase $1 at ${SECONDS}s"; }

cleanup()
{
	pkill -INT -f "$BT" 2>/dev/null
	pkill -INT -x pktlife 2>/dev/null
	pkill -x iperf3 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled=0
	for k in "${PAIRS[@]}"; do
		unpair "$k"
	done
	# no module left behind: it may be the one without tracepoints
	grep -q '^pktlife ' /proc/modules && slowwait 30 rmmod pktlife
	rm -rf "$TMPD"
}
defer cleanup

modprobe pktgen || { echo "guest.sh: no pktgen module" >&2; exit 1; }
sysctl -qw net.core.skb_defer_max=0

# --- the pairs -----------------------------------------------------------

IPA=10.0.80.1
IPB=10.0.80.2
A=
B=
PAIRS=()

# use KEY: measure on pair KEY (netns KEY-a and KEY-b)
use() { A=$1-a; B=$1-b; }

unpair() # KEY
{
	unset "PG_DONE[$1-a]"
	ip netns del "$1-a" 2>/dev/null
	ip netns del "$1-b" 2>/dev/null
}

# load KO (after deleting every pair and unloading any pktlife.ko)
module_use()
{
	local k

	for k in "${PAIRS[@]}"; do
		unpair "$k"
	done
	PAIRS=()
	if grep -q '^pktlife ' /proc/modules; then
		slowwait 30 rmmod pktlife || return 1
	fi
	insmod "$1"
}

# pair KIND KEY [CHANNELS]: a new pair KEY of KIND (pktlife, veth), used
# from now on: bna in netns KEY-a, bnb in KEY-b, 10.0.80.1 and .2,
# neighbours pinned.  Pairs live in netns of their own: several at once.
pair()
{
	unpair "$2"
	use "$2"
	PAIRS+=("$2")
	ip netns add $A && ip netns add $B || return 1
	ip -n $A link set lo up
	ip -n $B link set lo up
	case $1 in
	pktlife)
		ip link add bna netns $A type pktlife peer name bnb netns $B || return 1
		if [ "${3:-1}" != 1 ]; then
			ip netns exec $A ethtool -L bna combined "$3" &&
				ip netns exec $B ethtool -L bnb combined "$3" || return 1
		fi
		;;
	veth)
		ip link add bna netns $A type veth peer name bnb netns $B || return 1
		# veth takes the NAPI path, as pktlife does, only with GRO on
		ip netns exec $A ethtool -K bna gro on >/dev/null &&
			ip netns exec $B ethtool -K bnb gro on >/dev/null || return 1
		;;
	esac
	ip -n $A addr add $IPA/24 dev bna && ip -n $B addr add $IPB/24 dev bnb &&
		ip -n $A link set bna up && ip -n $B link set bnb up &&
		pl_neigh_pin $A bna $IPA $B bnb $IPB || return 1
	slowwait 10 bash -c "[ \$(ip netns exec $B cat /sys/class/net/bnb/carrier) = 1 ]"
}

# --- measurements --------------------------------------------------------

pg() # NS FILE CMD: a pktgen command
{
	ip netns exec "$1" sh -c "echo '$3' > /proc/net/pktgen/$2"
}

# pktgen_setup THREADS: pktgen threads 0.. in A, sending 64-byte UDP
# frames from bna to bnb, thread t on CPU t and TX queue t (modulo the
# queues bna has: pktgen warns, on the console, of a queue beyond them).
# One shell in A writes every command: each "ip netns exec" costs.
# pktgen keeps its set-up per netns (PG_DONE: netns A -> THREADS) from one
# run to the next: only "start" and "stop" are needed then.
declare -A PG_DONE=()
pktgen_setup()
{
	local t dmac nq script=

	[ "${PG_DONE[$A]:-}" = "$1" ] && return 0
	# no thread left with a device of an earlier set-up
	for ((t = 0; t < $(nproc); t++)); do
		script+="echo rem_device_all > /proc/net/pktgen/kpktgend_$t && "
	done
	dmac=$(ip netns exec $B cat /sys/class/net/bnb/address)
	nq=$(ip netns exec $A sh -c 'ls -d /sys/class/net/bna/queues/tx-*' | wc -l)
	[ "$nq" -gt 0 ] || return 1
	for ((t = 0; t < $1; t++)); do
		script+="echo 'add_device bna@$t' > /proc/net/pktgen/kpktgend_$t && "
		for c in "count 0" "clone_skb 0" "pkt_size 60" "delay 0" \
			"dst $IPB" "dst_mac $dmac" "udp_dst_min 9" "udp_dst_max 9" \
			"udp_src_min $((10000 + 1000 * t))" \
			"udp_src_max $((10999 + 1000 * t))" "flag UDPSRC_RND" \
			"queue_map_min $((t % nq))" "queue_map_max $((t % nq))"; do
			script+="echo '$c' > /proc/net/pktgen/bna@$t && "
		done
	done
	ip netns exec $A sh -c "${script}true" && PG_DONE[$A]=$1
}

rx_count() # "PACKETS NS" of bnb, read together
{
	ip netns exec $B sh -c 'echo $(cat /sys/class/net/bnb/statistics/rx_packets) $(date +%s%N)'
}

# pps THREADS: frames per second bnb received over SECS s of pktgen
pps()
{
	local pid a t0 b t1

	pktgen_setup "$1" || return 1
	ip netns exec $A sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	pid=$!
	sleep 0.5		# the rate settles
	read -r a t0 < <(rx_count)
	sleep "$SECS"
	read -r b t1 < <(rx_count)
	pg $A pgctrl stop
	wait $pid
	[ "$b" -gt "$a" ] || { nic_state; return 1; }
	echo $(((b - a) * 1000000000 / (t1 - t0)))
}

# nic_state: what a stalled run leaves in the pair's queues, to the log:
# each end's packets sent and completed per queue, its misses and
# refusals, and BQL's bytes in flight
nic_state()
{
	local end ns dev

	for end in "$A:bna" "$B:bnb"; do
		ns=${end%:*}
		dev=${end#*:}
		log "state $dev: $(ip netns exec "$ns" ethtool -S "$dev" 2>&1 |
			awk '$1 ~ /^(tx[0-9]+_(packets|completed|busy)|rx[0-9]+_packets|hw_rx_missed|hw_tx_frames|hw_rx_frames):$/ { printf "%s%s ", $1, $2 }')" \
			"inflight: $(ip netns exec "$ns" sh -c "cat /sys/class/net/$dev/queues/tx-*/byte_queue_limits/inflight" 2>&1 | tr '\n' ' ')"
	done
}

# tcp: bits per second iperf3 moved from A to B in SECS s.  Both ends are
# bounded: a stalled connection fails the figure (the pair's state is
# logged), it does not hang the run.
tcp()
{
	local srv bps

	ip netns exec $B taskset -c 1 timeout $((SECS + 60)) iperf3 -s -1 -p 5201 \
		>/dev/null 2>&1 &
	srv=$!
	slowwait 10 pl_tcp_listening $B 5201 || { kill $srv; return 1; }
	bps=$(ip netns exec $A taskset -c 0 timeout $((SECS + 50)) \
		iperf3 -c $IPB -p 5201 -t "$SECS" -J |
		jq '.end.sum_received.bits_per_second | floor')
	wait $srv
	if ! [[ $bps =~ ^[0-9]+$ ]] || [ "$bps" -le 0 ]; then
		nic_state
		return 1
	fi
	echo "$bps"
}

# measure FIGURE CMD...: record CMD's output as FIGURE
measure()
{
	local fig=$1 v t0

	shift
	t0=${EPOCHREALTIME/./}
	if v=$("$@"); then
		record "$fig" "$v" "($(((${EPOCHREALTIME/./} - t0) / 1000)) ms)"
	else
		fail "$fig"
	fi
}

# --- observers -----------------------------------------------------------

OBS_PID=
# attached READY PID: READY was printed, or PID is gone (for slowwait)
attached()
{
	grep -q "$1" "$TMPD/obs.out" "$TMPD/obs.err" || ! kill -0 "$2" 2>/dev/null
}

# observe_start pktlife|empty|bpftrace: attach, record how long it took
observe_start()
{
	local t0 t1 ready

	t0=$(date +%s%N)
	case $1 in
	pktlife)
		"$PL_TOOL" stat -A -I 3600 --level waits \
			>"$TMPD/obs.out" 2>"$TMPD/obs.err" &
		ready="following packets"
		;;
	full)
		"$PL_TOOL" stat -A -I 3600 --level full \
			>"$TMPD/obs.out" 2>"$TMPD/obs.err" &
		ready="following packets"
		;;
	empty)
		PKTLIFE_BENCH_EMPTY=1 "$PL_TOOL" stat -A -I 3600 --level waits \
			>"$TMPD/obs.out" 2>"$TMPD/obs.err" &
		ready="following packets"
		;;
	bpftrace)
		# as many per-packet entries as pktlife keeps (LIFE_MAX_ITEMS)
		BPFTRACE_MAP_KEYS_MAX=16384 bpftrace "$BT" >"$TMPD/obs.out" 2>"$TMPD/obs.err" &
		ready="stages.bt: attached"
		;;
	esac
	OBS_PID=$!
	slowwait 300 attached "$ready" $OBS_PID
	if ! grep -q "$ready" "$TMPD/obs.out" "$TMPD/obs.err"; then
		fail "$1 did not attach: $(tail -n 3 "$TMPD/obs.err" | tr '\n' ' ')"
		kill -KILL $OBS_PID 2>/dev/null
		OBS_PID=
		return 1
	fi
	t1=$(date +%s%N)
	record "attach_s.$1" "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')"
}

observe_stop()
{
	[ -n "$OBS_PID" ] || return 0
	kill -INT $OBS_PID
	slowwait 120 bash -c "! kill -0 $OBS_PID 2>/dev/null"
	wait $OBS_PID 2>/dev/null
	OBS_PID=
}

# mem_avail: KiB free to allocate: MemAvailable plus the pages on the
# per-CPU free lists (/proc/zoneinfo's pagesets, "count:"), which
# MemAvailable counts as used.  6.1 keeps pages a freed queue gave back
# there until something allocates them again (its lists' high marks are
# fixed); 6.12 lowers the mark by an eighth a second and frees what is
# over it (decay_pcp_high(), in the vmstat worker).
mem_avail()
{
	awk -v kib=$(($(getconf PAGESIZE) / 1024)) '
		FNR == NR && $1 == "MemAvailable:" { avail = $2 }
		FNR != NR && $1 == "count:" { pcp += $2 }
		END { print avail + pcp * kib }' /proc/meminfo /proc/zoneinfo
}

# mem_settled: mem_avail moved by less than 256 KiB in half a second
# (what was freed in the background is back)
mem_settled()
{
	local a b

	sync
	echo 3 >/proc/sys/vm/drop_caches
	a=$(mem_avail)
	sleep 0.5
	echo 3 >/proc/sys/vm/drop_caches
	b=$(mem_avail)
	[ $((b - a)) -lt 256 ] && [ $((a - b)) -lt 256 ]
}

# ports_are N: the NIC model has N ports
ports_are() { [ "$(find /sys/kernel/debug/pktlife -mindepth 1 -maxdepth 1 | wc -l)" -eq "$1" ]; }

# fdinfo_sum PID KIND FIELD: FIELD summed over PID's BPF objects of KIND
# (map, prog), from /proc/PID/fdinfo
fdinfo_sum()
{
	local f sum=0 v

	for f in /proc/"$1"/fdinfo/*; do
		grep -q "^${2}_type:" "$f" 2>/dev/null || continue
		v=$(awk -v k="$3:" '$1 == k { print $2 }' "$f")
		sum=$((sum + ${v:-0}))
	done
	echo $sum
}

# --- the runs ------------------------------------------------------------

if wanted pps; then
	module_use "$KO" || fail "insmod $KO"
	pair pktlife pl && pair veth ve || fail "pairs pl, ve"
	for ((r = 0; r < REPS; r++)); do
		use pl && measure pps.pktlife pps 1
		use ve && measure pps.veth pps 1
	done
fi

if wanted tcp; then
	grep -q '^pktlife ' /proc/modules || module_use "$KO"
	[ -d /run/netns/pl-a ] || pair pktlife pl || fail "pair pl"
	[ -d /run/netns/ve-a ] || pair veth ve || fail "pair ve"
	for ((r = 0; r < REPS; r++)); do
		use pl && measure tcp.pktlife tcp
		use ve && measure tcp.veth tcp
	done
fi

if wanted mq; then
	grep -q '^pktlife ' /proc/modules || module_use "$KO"
	[ -d /run/netns/pl-a ] || pair pktlife pl || fail "pair pl"
	pair pktlife q2 2 || fail "pair q2"
	for ((r = 0; r < REPS; r++)); do
		use pl && measure mq.q1 pps 2
		use q2 && measure mq.q2 pps 2
	done
	unpair q2
fi

if wanted tp; then
	if [ ! -f "$KO_NOTRACE" ]; then
		fail "no $KO_NOTRACE (make module PL_NOTRACE=1)"
	else
		# on off off on on off ...: as interleaved as on off on off
		# (a drift in time weighs on both alike), with half the
		# module swaps, each seconds here
		loaded=
		for ((r = 0; r < 2 * REPS; r++)); do
			v=on
			[ $(((r + 1) / 2 % 2)) -eq 1 ] && v=off
			if [ "$v" != "$loaded" ]; then
				[ $v = on ] && ko=$KO || ko=$KO_NOTRACE
				loaded=
				module_use "$ko" && pair pktlife pl ||
					{ fail "tp $v: module or pair"; continue; }
				loaded=$v
			fi
			measure "tp.$v" pps 1
		done
		module_use "$KO"
	fi
fi

# prog_stats PID: "RUNS NS" of every BPF program of PID, summed, then one
# "ID RUNS NS" line per program that ran (the kernel's own accounting)
prog_stats()
{
	local f

	for f in /proc/"$1"/fdinfo/*; do
		grep -q '^prog_type:' "$f" 2>/dev/null || continue
		awk '$1 == "prog_id:" { i = $2 } $1 == "run_time_ns:" { t = $2 }
			$1 == "run_cnt:" { c = $2 } END { print i, c + 0, t + 0 }' "$f"
	done | awk '{ r += $2; t += $3; if ($2) l = l "\n" $0 }
		END { printf "%d %d%s\n", r, t, l }'
}

# progs LEVEL: under pps, then tcp, on the current pair, with the pktlife
# stat at LEVEL attached (OBS_PID): the hook entries per frame of pps (all
# its programs' runs over the frames bnb received: the entries a frame
# costs), and each program's cost per run over both, from the kernel's own
# accounting (kernel.bpf_stats_enabled)
PROGS_DONE=
progs()
{
	local lvl=$1 id ns cnt name r0 t0 r1 t1 a b

	PROGS_DONE+=" $lvl"
	sysctl -qw kernel.bpf_stats_enabled=1
	read -r r0 t0 < <(prog_stats "$OBS_PID")
	read -r a _ < <(rx_count)
	pps 1 >/dev/null || fail "progs $lvl: pps"
	read -r b _ < <(rx_count)
	read -r r1 t1 < <(prog_stats "$OBS_PID")
	if [ $((b - a)) -gt 0 ]; then
		record "entries.$lvl" "$(awk -v r=$((r1 - r0)) -v f=$((b - a)) 'BEGIN { printf "%.2f", r / f }')"
		record "body_ns_per_entry.$lvl" $(((t1 - t0) / (r1 - r0 ? r1 - r0 : 1)))
	fi
	# (--smoke: pps only, for the entries; a TCP run costs tens of s)
	[ -n "$SMOKE" ] || tcp >/dev/null || fail "progs $lvl: tcp"
	# names by id, from one bpftool run (each costs seconds here)
	declare -A pname=()
	while read -r id name; do
		pname[$id]=$name
	done < <(bpftool prog show -j | jq -r '.[] | "\(.id) \(.name)"')
	while read -r id cnt ns; do
		[ -n "$id" ] || continue
		name=${pname[$id]:-id$id}
		[ "$lvl" = waits ] || name=$lvl.$name
		record "prog.$name.ns" $((ns / cnt))
		record "prog.$name.runs" "$cnt"
	done < <(prog_stats "$OBS_PID" | tail -n +2)
	sysctl -qw kernel.bpf_stats_enabled=0
}

# the tool's BPF map memory, MODE's pid: from /proc/PID/fdinfo
MAPS_DONE=
maps() { record "mem.maps.$1" "$(fdinfo_sum "$2" map memlock)"; MAPS_DONE+=" $1"; }

if wanted observe; then
	grep -q '^pktlife ' /proc/modules || module_use "$KO"
	[ -d /run/netns/pl-a ] || pair pktlife pl || fail "pair pl"
	use pl
	# nothing again at the end: the conditions did not drift meanwhile
	observers="none pktlife full empty bpftrace none2"
	[ -n "$SMOKE" ] && observers=${observers% none2}
	for obs in $observers; do
		if [ "${obs%2}" != none ]; then
			observe_start $obs || continue
		fi
		for ((r = 0; r < REPS; r++)); do
			measure "observe.pps.${obs%2}" pps 1
			measure "observe.tcp.${obs%2}" tcp
		done
		# while pktlife stat is attached anyway (an attach takes tens
		# of seconds here): its programs' costs, after the runs above
		# (bpf_stats costs time of its own), and its maps' memory
		# (the maps' memory always: a read of fdinfo)
		case $obs in
		pktlife)
			[[ " $ONLY " == *" progs "* ]] && progs waits
			maps stat $OBS_PID
			;;
		full)
			[[ " $ONLY " == *" progs "* ]] && progs full
			maps stat_full $OBS_PID
			;;
		esac
		if [ "${obs%2}" != none ]; then
			observe_stop
			# it counted the packets it watched; with empty
			# programs, none
			case $obs in
			pktlife | full) grep -q '^RX  started [1-9]' "$TMPD/obs.out" ||
				fail "pktlife stat --level $obs saw nothing" ;;
			empty) grep -q '^RX  started 0 ' "$TMPD/obs.out" ||
				fail "pktlife stat with empty programs: $(grep -m1 '^RX  started' "$TMPD/obs.out")" ;;
			esac
		fi
	done
fi

if [ -z "$PROGS_DONE" ] && wanted progs; then
	grep -q '^pktlife ' /proc/modules || module_use "$KO"
	for obs in pktlife full; do
		lvl=$obs
		[ $obs = pktlife ] && lvl=waits
		if observe_start $obs; then
			{ [ -d /run/netns/pl-a ] || pair pktlife pl; } && use pl && progs $lvl
			observe_stop
		fi
	done
fi

if wanted mem; then
	grep -q '^pktlife ' /proc/modules || module_use "$KO"
	# MemAvailable with a pair of 1 queue, after "ethtool -L combined 8"
	# on both ends, and after going back to 1: 14 queue pairs the
	# difference, with no netns created or deleted in between (their
	# cost is larger than a queue's and moves).  A reading counts only
	# if going back to 1 queue gave back what 8 took, to within an
	# eighth: else something in the background (a map or netns freed
	# late, in a worker) moved MemAvailable and the reading is repeated
	# (--smoke: any reading of more than nothing counts).
	# Before the tools run: their maps are measured below.
	# (--smoke: one reading, of 2 queues a side: that it is measured)
	memreps=3 memq=8
	[ -n "$SMOKE" ] && memreps=1 memq=2
	for k in "${PAIRS[@]}"; do
		unpair "$k"
	done
	PAIRS=()
	memok=0
	for ((try = 0; try < 3 * memreps && memok < memreps; try++)); do
		{ pair pktlife m 1 && slowwait 60 mem_settled; } ||
			{ fail "memory does not settle"; break; }
		a1=$(mem_avail)
		{ ip netns exec m-a ethtool -L bna combined $memq &&
			ip netns exec m-b ethtool -L bnb combined $memq &&
			slowwait 60 mem_settled; } ||
			{ fail "memory with $memq queues does not settle"; break; }
		a8=$(mem_avail)
		{ ip netns exec m-a ethtool -L bna combined 1 &&
			ip netns exec m-b ethtool -L bnb combined 1 &&
			slowwait 60 mem_settled; } ||
			{ fail "memory back at 1 queue does not settle"; break; }
		back=$(mem_avail)
		unpair m
		took=$((a1 - a8))
		gave=$((back - a8))
		log "mem: $((memq - 1))+$((memq - 1)) queue pairs took $took KiB, gave back $gave KiB"
		[ $took -gt 0 ] || continue
		# the smoke run checks that the figure is measured, not its
		# accuracy: what a page_pool frees a second later can miss the
		# give-back by MBs
		if [ -z "$SMOKE" ] && { [ $((8 * (took - gave))) -gt $took ] ||
			[ $((8 * (gave - took))) -gt $took ]; }; then
			continue
		fi
		record mem.per_queue_kib $((took / (2 * (memq - 1))))
		memok=$((memok + 1))
	done
	[ $memok -eq $memreps ] ||
		fail "memory per queue: $memok of $memreps readings held"
	for mode in stat trace; do
		[[ " $MAPS_DONE " == *" $mode "* ]] && continue
		"$PL_TOOL" $mode -A >/dev/null 2>"$TMPD/mem.err" &
		pid=$!
		slowwait 300 bash -c "grep -qE 'following packets|tracing' $TMPD/mem.err || ! kill -0 $pid"
		if grep -qE "following packets|tracing" "$TMPD/mem.err"; then
			maps $mode $pid
		else
			fail "pktlife $mode did not start"
		fi
		kill -INT $pid
		wait $pid
	done
fi

log "done at ${SECONDS}s"
exit $FAILED
