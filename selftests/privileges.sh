#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Root-only control surfaces, and no raw kernel pointer reaches a non-root
# reader.
#
# A quiet pktlife pair between two netns, A and B, with a few pings across
# it. Then, as an unprivileged user (nobody, through setpriv):
#
# - every debugfs knob (/sys/kernel/debug/pktlife/<port>/*) can be neither
#   opened for reading nor for writing, while root reads and writes them;
# - no pktlife file in sysfs is writable by others (or by a group other
#   than root): module parameters, /sys/module/pktlife, both netdevs'
#   /sys/class/net/<dev> trees, the NIC ports' platform devices, the
#   module's BTF;
# - whatever nobody can read of ours holds no raw kernel address
#   (0xffff............): those sysfs trees, ethtool's get commands, ip -d
#   -s link, /proc/net/dev and the kernel log's lines about the module;
# - the pktlife tracepoints' formats (tracefs) are not readable;
# - the module's sources never print with %px (a static check, when the
#   source tree is there).
source "$(dirname "$0")/lib.sh"

IP_A=10.0.61.1
IP_B=10.0.61.2
DEV_A=plpriv0
DEV_B=plpriv1
NPING=5
NOBODY=65534
# A raw kernel address on x86-64: 16 hex digits starting ffff, on its own
# (hashed %p prints 00000000xxxxxxxx, never this).
KPTR_RE='(^|[^0-9a-z_])(0x)?ffff[0-9a-f]{12}($|[^0-9a-z_])'

require_root
require_cmd ip ping ethtool find
pl_load

ktap_plan 9

setup_ns A B || exit $KSFT_FAIL
pl_pair_quiet "$A" $DEV_A $IP_A "$B" $DEV_B $IP_B || exit $KSFT_FAIL
ip netns exec "$A" ping -q -c $NPING -i 0.05 -W 5 $IP_B >/dev/null ||
	ktap_info "ping across the pair failed"

# The NIC ports' platform devices, by the bus-info of each end.
BUS_A=$(ip netns exec "$A" ethtool -i $DEV_A | awk '$1 == "bus-info:" { print $2 }')
BUS_B=$(ip netns exec "$B" ethtool -i $DEV_B | awk '$1 == "bus-info:" { print $2 }')
PDEVS=()
for bus in "$BUS_A" "$BUS_B"; do
	[ -n "$bus" ] && [ -d "/sys/bus/platform/devices/$bus" ] &&
		PDEVS+=("/sys/bus/platform/devices/$bus/")
done
[ -d /sys/bus/platform/drivers/pktlife ] && PDEVS+=(/sys/bus/platform/drivers/pktlife/)

HAVE_SETPRIV=0
command -v setpriv >/dev/null && HAVE_SETPRIV=1

# nobody [-n NS] CMD ARGS...: CMD as uid/gid 65534 without supplementary
# groups or capabilities, in netns NS if given (ip netns exec mounts NS's
# sysfs first, as root).
nobody()
{
	local ns=()

	[ "$1" = -n ] && { ns=(ip netns exec "$2"); shift 2; }
	"${ns[@]}" setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"
}

# The script nobody runs to read a tree: every regular file it may read
# under the directories given (find does not follow symlinks, so nothing
# outside them), each line as "FILE: LINE"; the number of files last.
# bash builtins read the files: one process per file is slow under TCG.
# shellcheck disable=SC2016 # expanded by that shell
READ_TREE='
cd / || exit 1
n=0
while IFS= read -r -d "" f; do
	n=$((n + 1))
	while IFS= read -r line || [ -n "$line" ]; do
		printf "%s: %s\n" "$f" "$line"
	done <"$f" 2>/dev/null
done < <(find "$@" -type f -readable -print0 2>/dev/null)
echo "files read: $n"
'

# kptr_hits WHAT: what of stdin looks like a raw kernel address, as KTAP
# comments naming WHAT; fails if anything does.
kptr_hits()
{
	local hits

	hits=$(grep -aEi "$KPTR_RE")
	[ -z "$hits" ] && return 0
	ktap_info "raw kernel addresses in $1:"
	printf '%s\n' "$hits" | head -n 20 | sed 's/^/#   /'
	return 1
}

# --- debugfs -------------------------------------------------------------------

DBG_A=$(pl_dbg_dir "$A" $DEV_A)
DBG_B=$(pl_dbg_dir "$B" $DEV_B)
mapfile -t KNOBS < <(find /sys/kernel/debug/pktlife -mindepth 1 ! -type d 2>/dev/null | sort)

RET=0
[ -n "$DBG_A" ] && [ -n "$DBG_B" ]
check_err $? "no debugfs directory for both ports ($BUS_A, $BUS_B)"
check_num "${#KNOBS[@]}" ge 20 "files under /sys/kernel/debug/pktlife (two ports)"
for f in "${KNOBS[@]}"; do
	# stall_ms is write-only: writing 0 stalls nothing
	if [ ! -r "$f" ] || [ "${f##*/}" = stall_ms ]; then
		(echo 0 >"$f") 2>/dev/null
		check_err $? "root cannot write 0 to $f"
		continue
	fi
	v=$(cat "$f")
	check_err $? "root cannot read $f"
	(echo "$v" >"$f") 2>/dev/null
	check_err $? "root cannot write back '$v' to $f"
done
if [ -n "$DBG_A" ]; then
	lat=$(cat "$DBG_A/latency_us")
	echo $((lat + 7)) >"$DBG_A/latency_us"
	check_eq "$(cat "$DBG_A/latency_us")" $((lat + 7)) "latency_us read back"
	echo "$lat" >"$DBG_A/latency_us"
fi
ip netns exec "$A" ping -q -c 1 -W 5 $IP_B >/dev/null
check_err $? "no ping across the pair after the writes"
log_test "debugfs: root reads and writes every knob"

if [ $HAVE_SETPRIV -eq 1 ]; then
	RET=0
	check_eq "$(nobody id -u)" $NOBODY "setpriv: uid"
	# Opening is the permission check: nothing is read or written (an open
	# for appending writes nothing), so a knob left open changes nothing.
	# shellcheck disable=SC2016 # expanded by nobody's shell
	got=$(nobody bash -c '
		for f in "$@"; do
			{ : <"$f"; } 2>/dev/null && echo "readable: $f"
			{ : >>"$f"; } 2>/dev/null && echo "writable: $f"
		done
		exit 0' _ "${KNOBS[@]}")
	check_err $? "setpriv failed"
	[ -z "$got" ]
	check_err $? "nobody may open $(wc -l <<<"$got") knobs: $(head -n 4 <<<"$got" | tr '\n' ' ')"
	check_num "${#KNOBS[@]}" ge 20 "knobs tried"
	log_test "debugfs: nobody can neither read nor write any knob"
else
	log_test_skip "debugfs: nobody can neither read nor write any knob" "setpriv not installed"
fi

# --- sysfs: nothing writable by others --------------------------------------------

# writable NS DIR...: what under DIRs (symlinks not followed) others may
# write, or a group other than root.
writable()
{
	ip netns exec "$1" find "${@:2}" ! -type l \( -perm /o+w -o \( -perm /g+w ! -gid 0 \) \) \
		-printf '%m %u:%g %p\n' 2>/dev/null
}

RET=0
if [ -d /sys/module/pktlife/parameters ]; then
	got=$(find /sys/module/pktlife/parameters ! -type d \( -perm /go+w \) -printf '%m %p\n')
	[ -z "$got" ]
	check_err $? "module parameters writable by group or others: $(tr '\n' ' ' <<<"$got")"
	ktap_info "module parameters: $(find /sys/module/pktlife/parameters ! -type d -printf '%f(%m) ' | head -c 300)"
else
	ktap_info "no module parameters"
fi
log_test "module parameters: none, or none writable by non-root"

RET=0
check_num "${#PDEVS[@]}" ge 2 "platform devices of the two ports ($BUS_A, $BUS_B)"
n=0
for t in "$A /sys/module/pktlife/ /sys/kernel/btf/pktlife ${PDEVS[*]}" \
	"$A /sys/class/net/$DEV_A/" "$B /sys/class/net/$DEV_B/"; do
	read -r -a args <<<"$t"
	got=$(writable "${args[@]}")
	[ -z "$got" ]
	check_err $? "writable by non-root: $(head -n 5 <<<"$got" | tr '\n' ' ')"
	n=$((n + $(ip netns exec "${args[0]}" find "${args[@]:1}" ! -type l 2>/dev/null | wc -l)))
done
# a control: find sees what is writable by all
[ -n "$(writable "$A" /dev/null)" ]
check_err $? "the writable check does not even see /dev/null"
ktap_info "$n files and directories looked at"
check_num $n ge 100 "files and directories looked at"
log_test "sysfs: no pktlife file writable by others or a non-root group"

# --- what nobody reads --------------------------------------------------------

if [ $HAVE_SETPRIV -eq 1 ]; then
	RET=0
	TREES_A=(/sys/module/pktlife/ "/sys/class/net/$DEV_A/" "${PDEVS[@]}")
	out=$(nobody -n "$A" bash -c "$READ_TREE" _ "${TREES_A[@]}")
	check_err $? "nobody's read of ${TREES_A[*]} failed"
	ktap_info "nobody in A: $(tail -n 1 <<<"$out")"
	nread=$(tail -n 1 <<<"$out" | awk '{ print $3 }')
	check_num "$nread" ge 50 "files nobody read in A"
	kptr_hits "sysfs files read by nobody" <<<"$out"
	check_err $? "raw kernel addresses in sysfs"
	out=$(nobody -n "$B" bash -c "$READ_TREE" _ "/sys/class/net/$DEV_B/")
	check_err $? "nobody's read of /sys/class/net/$DEV_B failed"
	nread=$(tail -n 1 <<<"$out" | awk '{ print $3 }')
	check_num "$nread" ge 20 "files nobody read in B"
	kptr_hits "sysfs files read by nobody" <<<"$out"
	check_err $? "raw kernel addresses in sysfs"
	# a control: the module's root-only sections hold addresses the
	# pattern finds; nobody cannot read them
	kptr_hits "(a control)" </sys/module/pktlife/sections/.text >/dev/null
	check_fail $? "the pattern misses root's sections/.text: $(cat /sys/module/pktlife/sections/.text)"
	nobody grep -qs . /sys/module/pktlife/sections/.text
	check_fail $? "nobody reads /sys/module/pktlife/sections/.text"
	log_test "sysfs: nothing nobody reads holds a raw kernel address"
else
	log_test_skip "sysfs: nothing nobody reads holds a raw kernel address" "setpriv not installed"
fi

if [ $HAVE_SETPRIV -eq 1 ]; then
	RET=0
	ok=() refused=()
	for opt in "" -i -S -g -l -k -c -x -T --show-fec --show-pause --show-eee \
		--show-priv-flags; do
		# shellcheck disable=SC2086 # no option: no argument
		if out=$(nobody -n "$A" ethtool $opt $DEV_A 2>&1); then
			ok+=("${opt:-(none)}")
		else
			refused+=("${opt:-(none)} (${out##*: })")
		fi
		kptr_hits "ethtool $opt $DEV_A as nobody" <<<"$out"
		check_err $? "raw kernel addresses in ethtool $opt"
	done
	ktap_info "ethtool as nobody, answered: ${ok[*]}; refused: ${refused[*]:-none}"
	[[ " ${ok[*]} " == *" -i "* && " ${ok[*]} " == *" -S "* ]]
	check_err $? "nobody could not even run ethtool -i and -S: ${refused[*]}"
	for cmd in "ip -d -s -s link show dev $DEV_A" "ip -d -j -s link show dev $DEV_A" \
		"cat /proc/net/dev"; do
		# shellcheck disable=SC2086 # split on purpose
		out=$(nobody -n "$A" $cmd 2>&1)
		check_err $? "'$cmd' as nobody failed: $out"
		kptr_hits "'$cmd' as nobody" <<<"$out"
		check_err $? "raw kernel addresses in '$cmd'"
	done
	grep -q "$DEV_A" <<<"$out"
	check_err $? "/proc/net/dev as nobody in A has no $DEV_A"
	log_test "ethtool, ip link, /proc/net/dev as nobody: no raw kernel address"
else
	log_test_skip "ethtool, ip link, /proc/net/dev as nobody: no raw kernel address" \
		"setpriv not installed"
fi

# The kernel log: nobody reads it only with kernel.dmesg_restrict=0 (Debian
# sets 1); lines about the module must hold no address either way.
if [ $HAVE_SETPRIV -eq 1 ] && command -v dmesg >/dev/null; then
	RET=0
	restrict=$(sysctl -n kernel.dmesg_restrict 2>/dev/null || echo 0)
	if out=$(nobody dmesg 2>/dev/null); then
		ktap_info "nobody reads the kernel log (dmesg_restrict=$restrict)"
	else
		ktap_info "nobody cannot read the kernel log (dmesg_restrict=$restrict); read as root"
		out=$(dmesg)
	fi
	lines=$(grep -aE "pktlife|$DEV_A|$DEV_B" <<<"$out")
	ktap_info "$(grep -c . <<<"$lines") lines about the module"
	kptr_hits "the kernel log's lines about the module" <<<"$lines"
	check_err $? "raw kernel addresses in the kernel log"
	log_test "kernel log: no raw kernel address in the module's lines"
else
	log_test_skip "kernel log: no raw kernel address in the module's lines" \
		"setpriv or dmesg not installed"
fi

# --- tracefs ---------------------------------------------------------------------

TR=/sys/kernel/tracing
[ -d $TR/events ] || TR=/sys/kernel/debug/tracing
mapfile -t FORMATS < <(ls $TR/events/pktlife/*/format 2>/dev/null)
if [ ${#FORMATS[@]} -eq 0 ]; then
	RET=0
	check_err 1 "pktlife.ko has no events in $TR/events"
	log_test "tracefs: nobody cannot read the pktlife events' formats"
elif [ $HAVE_SETPRIV -eq 1 ]; then
	RET=0
	grep -q '^format:' "${FORMATS[0]}"
	check_err $? "root cannot read ${FORMATS[0]}"
	# shellcheck disable=SC2016 # expanded by nobody's shell
	got=$(nobody bash -c '
		for f in "$@"; do { : <"$f"; } 2>/dev/null && echo "$f"; done
		exit 0' _ "${FORMATS[@]}")
	[ -z "$got" ]
	check_err $? "nobody reads: $(head -n 3 <<<"$got" | tr '\n' ' ')"
	ktap_info "${#FORMATS[@]} event formats tried"
	log_test "tracefs: nobody cannot read the pktlife events' formats"
else
	log_test_skip "tracefs: nobody cannot read the pktlife events' formats" \
		"setpriv not installed"
fi

# --- the sources ---------------------------------------------------------------------

# (the sources are ours: a tree without them is a broken checkout, no skip)
SRC=$(dirname "$0")/../module
RET=0
if [ -d "$SRC/hw" ]; then
	got=$(grep -n '%px' "$SRC"/*.[ch] "$SRC"/hw/*.[ch])
	[ -z "$got" ]
	check_err $? "%px in the module: $(head -n 3 <<<"$got" | tr '\n' ' ')"
else
	check_err 1 "$SRC: no module sources beside the tests"
fi
log_test "module sources: no %px"

ktap_finish
