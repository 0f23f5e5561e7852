#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pktlife stat --level: the same datagrams followed at both levels at once.
#
# SND sends NDGRAM UDP datagrams to a reader in RCV, which reads them all.
# In RCV, two pktlife stat -D rx -p udp --dport PORT:
#   W  --level waits (the default): no rx.netif nor rx.ip; their time is in
#      the stage that ends at L4 demux, named for the three,
#      rx.netif..local, which counts every datagram
#   F  --level full: rx.netif, rx.ip and rx.local count every datagram
# Both: every datagram started and completed, the accounting adds up, and
# the stages add up to the end-to-end time (the sum of the stages' sums is
# rx.total's sum, to 1 %: W's folded stage carries the time of the stages
# it does not measure). W loads exactly the programs of the four hooks
# only "full" has (ip_rcv_core, ip6_rcv_core, ip_local_deliver, ip6_input)
# fewer than F, but for any the kernel cannot hook.
# And the options: "hist rx.netif" at --level waits, and an unknown level,
# are refused with a message, nothing attached.
source "$(dirname "$0")/lib.sh"

NDGRAM=40
IP_SND=10.0.67.1
IP_RCV=10.0.67.2
PORT=7067
FULL_ONLY=(ip_rcv_core ip6_rcv_core ip_local_deliver ip6_input)

require_root
require_cmd ip jq python3
pl_require_tool
pl_load

ktap_plan 4

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
setup_ns SND RCV || exit $KSFT_FAIL
pl_pair_quiet "$SND" pla $IP_SND "$RCV" plb $IP_RCV || exit $KSFT_FAIL

# recv PORT N | send IP PORT N: one datagram at a time, each answered
UDP_PY='
import socket, sys

def recv(port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(port)))
    for i in range(int(n)):
        data, addr = s.recvfrom(64)
        s.sendto(b"ack", addr)
    print("received %s" % n)

def send(ip, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    for i in range(int(n)):
        s.sendto(b"%020d" % i, (ip, int(port)))
        s.recv(16)
    print("sent %s" % n)

{"recv": recv, "send": send}[sys.argv[1]](*sys.argv[2:])
'

FILTER=(-D rx -p udp --dport $PORT -I 3600 --json)
# the level given last wins over the one lib_tool.sh gives (PL_LIFE_LEVEL)
pl_life_spawn PW "$RCV" "$TMPD/w" "$TMPD/w.err" stat "${FILTER[@]}" --level waits
pl_life_spawn PF "$RCV" "$TMPD/f" "$TMPD/f.err" stat "${FILTER[@]}" --level full
pl_life_started "$PW" "$TMPD/w.err"
UPW=$?
pl_life_started "$PF" "$TMPD/f.err"
UPF=$?
nprogs() { grep -l '^prog_type:' /proc/"$1"/fdinfo/* 2>/dev/null | wc -l; }
NW=$(nprogs "$PW")
NF=$(nprogs "$PF")

ip netns exec "$RCV" python3 -c "$UDP_PY" recv $PORT $NDGRAM >"$TMPD/recv" 2>&1 &
rpid=$!
slowwait 20 pl_udp_bound "$RCV" $PORT
ip netns exec "$SND" python3 -c "$UDP_PY" send $IP_RCV $PORT $NDGRAM >"$TMPD/send" 2>&1
send_rc=$?
wait $rpid
recv_rc=$?
for p in PW PF; do
	up=UP${p#P}
	if [ "${!up}" -eq 0 ]; then
		kill -INT "${!p}"
		pl_life_wait "${!p}" 60
		printf -v "$up" %s $?
	fi
done

# check_level VAR OUT UP: the final table of one tool, its accounting and
# the stages adding up to rx.total
check_level()
{
	local -n _l=$1
	local sum

	check_err "$3" "pktlife stat --level $1 did not start or did not exit cleanly"
	pl_life_load "$1" "$2"
	check_err $? "no final stat object: $(tail -c 300 "$2")"
	pl_life_info "$1" rx
	check_num "${_l[rx.acct.started]}" eq $NDGRAM "$1: rx started"
	check_num "${_l[rx.acct.completed]}" eq $NDGRAM "$1: rx completed"
	check_life_acct "$1" rx
	sum=$(jq -n '[inputs | select(.mode == "stat" and .final)] | last | [.rx.stages[].sum_ns] | add' "$2")
	ktap_info "$1: stages add up to $sum ns, rx.total ${_l[rx.total.sum_ns]} ns"
	check_num "$(( (${sum:-0} - ${_l[rx.total.sum_ns]:-0}) * 100 ))" le "${_l[rx.total.sum_ns]:-0}" \
		"$1: the stages' sums over rx.total's (+1 %)"
	check_num "$(( (${_l[rx.total.sum_ns]:-0} - ${sum:-0}) * 100 ))" le "${_l[rx.total.sum_ns]:-0}" \
		"$1: the stages' sums under rx.total's (-1 %)"
}

RET=0
check_err $((send_rc | recv_rc)) "the datagrams: $(cat "$TMPD/send" "$TMPD/recv")"
check_level waits "$TMPD/w" $UPW
check_eq "${waits[level]}" waits "waits: the level in the JSON"
check_num "${waits[rx.netif..local.count]:-0}" eq $NDGRAM "waits: rx.netif..local count"
for s in netif ip local; do
	check_eq "${waits[rx.$s.count]:-none}" none "waits: rx.$s (not measured)"
done
log_test "--level waits: rx.netif and rx.ip are in rx.netif..local, every datagram counted"

RET=0
check_level full "$TMPD/f" $UPF
check_eq "${full[level]}" full "full: the level in the JSON"
for s in netif ip local; do
	check_num "${full[rx.$s.count]:-0}" eq $NDGRAM "full: rx.$s count"
done
log_test "--level full: rx.netif, rx.ip and rx.local each count every datagram"

RET=0
missing=0
for h in "${FULL_ONLY[@]}"; do
	[[ ",${full[missing]}," == *",$h,"* ]] && missing=$((missing + 1))
done
check_num "$((NF - NW))" eq $(( ${#FULL_ONLY[@]} - missing )) \
	"programs: full's $NF minus waits' $NW (hooks full cannot hook: $missing)"
log_test "--level waits does not load the hooks of rx.netif and rx.ip"

RET=0
"$PL_TOOL" hist rx.netif >"$TMPD/h.out" 2>"$TMPD/h.err"
rc=$?
check_fail $rc "hist rx.netif at --level waits: exit 0"
grep -q "rx.netif is measured at --level full only" "$TMPD/h.err"
check_err $? "hist rx.netif: $(head -n 2 "$TMPD/h.err" | tr '\n' ' ')"
"$PL_TOOL" stat --level most >"$TMPD/l.out" 2>"$TMPD/l.err"
rc=$?
check_fail $rc "--level most: exit 0"
grep -q "unknown level 'most'" "$TMPD/l.err"
check_err $? "--level most: $(head -n 2 "$TMPD/l.err" | tr '\n' ' ')"
log_test "hist rx.netif at --level waits and --level most are refused"

ktap_finish
