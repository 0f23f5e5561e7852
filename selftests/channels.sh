#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Queues and RSS (ethtool -l/-L, -x/-X): a pair starts with one combined
# channel and takes up to 8 at run time, each with its own NAPI, IRQ
# vector and rings (the stack's queues follow: /sys/class/net/DEV/queues).
# With 4 queues the receiver's RSS engine spreads 64 UDP flows over all 4
# (rxN_packets per queue): every datagram of a flow lands in one queue,
# the same one when the flow comes again; the sender's flows leave by
# several TX queues too. ethtool -X equal 2 confines the flows to queues
# 0-1, weight 0 0 1 0 puts all of them on queue 2, and while that table
# points at queue 2 a count of 2 is refused (the device keeps its 4).
# Counts beyond the maximum or 0 are refused and change nothing, and so
# are tables pointing at queues the device lacks and keys of the wrong
# length (the stack checks them against -l and -x). Channel
# counts and ring sizes changed over and over under a TCP stream lose no
# byte of it.
source "$(dirname "$0")/lib.sh"

IPA=10.0.62.1
IPB=10.0.62.2
FLOWS=64
PER_FLOW=3

require_root
require_cmd ip ethtool python3 socat sha256sum
pl_load

ktap_plan 10

tmp=$(mktemp -d)
defer rm -rf "$tmp"
setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

# channels NS DEV: "MAX CUR" combined channels from ethtool -l
channels()
{
	ip netns exec "$1" ethtool -l "$2" | awk '
		/^Pre-set maximums/ { s = "max" }
		/^Current hardware settings/ { s = "cur" }
		$1 == "Combined:" { c[s] = $2 }
		END { print c["max"], c["cur"] }'
}

# queues NS DEV: "RX TX" queue counts the stack sees in sysfs
queues()
{
	ip netns exec "$1" sh -c "ls -d /sys/class/net/$2/queues/rx-* | wc -l;
		ls -d /sys/class/net/$2/queues/tx-* | wc -l" | paste -sd' '
}

RET=0
check_eq "$(channels "$NSA" pla)" "8 1" "pla ethtool -l (max, current combined)"
check_eq "$(channels "$NSB" plb)" "8 1" "plb ethtool -l (max, current combined)"
check_eq "$(queues "$NSB" plb)" "1 1" "plb queues in sysfs"
log_test "ethtool -l: 1 combined channel to start with, up to 8"

RET=0
for end in "$NSA/pla" "$NSB/plb"; do
	ns=${end%/*} dev=${end#*/}
	ip netns exec "$ns" ethtool -L "$dev" combined 4
	check_err $? "ethtool -L $dev combined 4"
	check_eq "$(channels "$ns" "$dev")" "8 4" "$dev ethtool -l after -L combined 4"
	check_eq "$(queues "$ns" "$dev")" "4 4" "$dev queues in sysfs"
	for q in 0 1 2 3; do
		ethtool_stat "$ns" "$dev" "rx${q}_packets" >/dev/null
		check_err $? "$dev ethtool -S has rx${q}_packets"
	done
done
pl_neigh_pin "$NSA" pla $IPA "$NSB" plb $IPB
log_test "ethtool -L combined 4 while up: 4 RX and TX queues, counters per queue"

RET=0
for bad in 0 9 100 999; do
	ip netns exec "$NSB" ethtool -L plb combined $bad 2>/dev/null
	check_fail $? "ethtool -L plb combined $bad accepted"
done
ip netns exec "$NSB" ethtool -L plb rx 2 2>/dev/null
check_fail $? "separate RX channels accepted"
check_eq "$(channels "$NSB" plb)" "8 4" "plb channels after refusals"
log_test "ethtool -L: 0, more than 8 and separate RX channels refused"

# FLOWS UDP flows (source ports 5000...) from NSA to plb, PER_FLOW
# datagrams each, one flow at a time: prints each flow's RX queue (the one
# queue whose rxN_packets rose by PER_FLOW; "-" if not exactly one did),
# then "tx Q N" for each of the sender's TX queues that sent N datagrams.
# The counters are read with the SIOCETHTOOL ioctls ethtool -S uses, on a
# socket made in NSB: starting ethtool twice a flow costs seconds per flow
# on the debug kernel.
FLOWS_PY='
import ctypes, fcntl, os, socket, struct, sys, time
nsb, ip, flows, per, nq = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
SIOCETHTOOL, GDRVINFO, GSTRINGS, GSTATS, SS_STATS = 0x8946, 0x03, 0x1b, 0x1d, 1
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
def setns(fd):
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "setns")
def socket_in(netns):
    """a socket of the network namespace at NETNS (the thread stays in its own)"""
    home, there = os.open("/proc/thread-self/ns/net", os.O_RDONLY), os.open(netns, os.O_RDONLY)
    try:
        setns(there)
        try:
            return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        finally:
            setns(home)
    finally:
        os.close(home)
        os.close(there)
class Stats:
    """ethtool -S of DEV through socket SOCK: the ioctls ethtool uses"""
    def __init__(self, sock, dev):
        self.sock, self.dev = sock, dev
        info = ctypes.create_string_buffer(struct.pack("I", GDRVINFO), 196)
        self.ioctl(info)
        self.n = struct.unpack_from("I", info, 180)[0]
        names = ctypes.create_string_buffer(struct.pack("III", GSTRINGS, SS_STATS, self.n), 12 + 32 * self.n)
        self.ioctl(names)
        self.names = [names.raw[12 + 32 * i:44 + 32 * i].split(b"\0")[0].decode() for i in range(self.n)]
        self.buf = ctypes.create_string_buffer(struct.pack("II", GSTATS, self.n), 8 + 8 * self.n)
    def ioctl(self, buf):
        ifr = struct.pack("16sP16x", self.dev.encode(), ctypes.addressof(buf))
        fcntl.ioctl(self.sock.fileno(), SIOCETHTOOL, ifr)
    def read(self):
        self.ioctl(self.buf)
        if struct.unpack_from("I", self.buf, 4)[0] != self.n:
            sys.exit("the number of counters of %s changed" % self.dev)
        return dict(zip(self.names, struct.unpack_from("%dQ" % self.n, self.buf, 8)))
plb = Stats(socket_in("/run/netns/" + nsb), "plb")
pla = Stats(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), "pla")
def rx():
    s = plb.read()
    return [s.get("rx%d_packets" % q, 0) for q in range(nq)]
tx0 = pla.read()
res = []
for f in range(flows):
    before = rx()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 5000 + f))
    for i in range(per):
        s.sendto(b"f" * 64, (ip, 9))
    s.close()
    deadline = time.time() + 5 * float(os.environ.get("PKTLIFE_TIME_SCALE", "1"))
    while True:
        d = [a - b for a, b in zip(rx(), before)]
        if sum(d) >= per or time.time() > deadline:
            break
        time.sleep(0.001)
    hit = [q for q in range(nq) if d[q]]
    res.append(str(hit[0]) if len(hit) == 1 and d[hit[0]] == per else "-")
print(" ".join(res))
tx1 = pla.read()
for q in range(nq):
    n = tx1.get("tx%d_packets" % q, 0) - tx0.get("tx%d_packets" % q, 0)
    if n:
        print("tx", q, n)
'

# flows: run FLOWS_PY with 4 queues; the flows' queues in $tmp/$1, the
# sender's TX queue use in $tmp/$1.tx
flows()
{
	ip netns exec "$NSA" python3 -c "$FLOWS_PY" "$NSB" $IPB $FLOWS $PER_FLOW 4 \
		>"$tmp/$1.out" || return 1
	head -n1 "$tmp/$1.out" >"$tmp/$1"
	tail -n +2 "$tmp/$1.out" >"$tmp/$1.tx"
}

# used FILE: the distinct queues in FILE, sorted ("-" for a split flow)
used()
{
	tr ' ' '\n' <"$1" | sort -u | paste -sd' '
}

RET=0
flows spread1
check_err $? "sending $FLOWS flows"
flows spread2
check_err $? "sending $FLOWS flows again"
check_eq "$(used "$tmp/spread1")" "0 1 2 3" "queues the flows landed in (- = a flow split over queues)"
check_eq "$(cat "$tmp/spread2")" "$(cat "$tmp/spread1")" "each flow's queue the second time"
ktap_info "flow queues: $(cat "$tmp/spread1")"
log_test "RSS: $FLOWS flows spread over all 4 queues, each flow always in one and the same queue"

RET=0
ntx=$(wc -l <"$tmp/spread1.tx")
check_num "$ntx" ge 2 "sender TX queues used by $FLOWS flows"
ktap_info "sender TX queues (queue, datagrams): $(paste -sd, "$tmp/spread1.tx")"
log_test "TX: the sender's flows leave by several TX queues"

RET=0
ip netns exec "$NSB" ethtool -X plb equal 2
check_err $? "ethtool -X plb equal 2"
flows equal2
check_eq "$(used "$tmp/equal2")" "0 1" "queues with ethtool -X equal 2"
ip netns exec "$NSB" ethtool -X plb weight 0 0 1 0
check_err $? "ethtool -X plb weight 0 0 1 0"
flows weight
check_eq "$(used "$tmp/weight")" "2" "queues with ethtool -X weight 0 0 1 0"
log_test "ethtool -X equal/weight: the indirection table steers every flow"

RET=0
rss_now() { ip netns exec "$NSB" ethtool -x plb | sha256sum; }
was=$(rss_now)
key20=$(printf '%02x:' $(seq 1 20)); key20=${key20%:}
key41=$(printf '%02x:' $(seq 1 41)); key41=${key41%:}
for bad in "equal 5" "equal 9" "weight 1 1 1 1 1" "weight 0 0 0 0" \
	   "hkey $key20" "hkey $key41" "hkey zz"; do
	# shellcheck disable=SC2086 # the arguments are words
	ip netns exec "$NSB" ethtool -X plb $bad 2>/dev/null
	check_fail $? "ethtool -X plb ${bad:0:24}... accepted"
	check_eq "$(rss_now)" "$was" "key and table after refusing -X ${bad:0:24}..."
done
flows weight_kept
check_eq "$(used "$tmp/weight_kept")" "2" "queues after the refusals"
log_test "ethtool -X: a table pointing at missing queues, a key of the wrong length refused"

RET=0
ip netns exec "$NSB" ethtool -L plb combined 2 2>/dev/null
check_fail $? "-L combined 2 accepted while the table points at queue 2"
check_eq "$(channels "$NSB" plb)" "8 4" "plb channels after the refusal"
ip netns exec "$NSB" ethtool -X plb default
check_err $? "ethtool -X plb default"
ip netns exec "$NSB" ethtool -L plb combined 2
check_err $? "-L combined 2 with the default table"
flows default2
check_eq "$(used "$tmp/default2")" "0 1" "queues after -L combined 2 (default table follows)"
log_test "a channel count below what a user-set table uses is refused; the default table follows the count"

# copy FILE over TCP from NSA to NSB while running CMD... in a loop
copy_while()
{
	local src=$1 dst=$2 pid n=0

	shift 2
	pl_socat_copy "$NSA" "$NSB" $IPB 7000 "$src" "$dst" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if ! "$@"; then
			ktap_info "reconfiguration $n ($*) failed"
			wait "$pid"
			return 1
		fi
		n=$((n + 1))
	done
	if ! wait "$pid"; then
		ktap_info "the copy failed after $n reconfigurations"
		return 1
	fi
	ktap_info "$n reconfigurations during the copy"
	[ "$n" -gt 0 ]
}

# reconfigure ethtool -L (or -G) of both ends through a list of settings
STEP=0
churn()
{
	local opt=$1 list=($2) s

	s=${list[$((STEP % ${#list[@]}))]}
	STEP=$((STEP + 1))
	# shellcheck disable=SC2086 # "rx N tx M" is several words
	ip netns exec "$NSA" ethtool "$opt" pla ${s//_/ } || return 1
	ip netns exec "$NSB" ethtool "$opt" plb ${s//_/ } || return 1
	pl_neigh_pin "$NSA" pla $IPA "$NSB" plb $IPB
}
churn_channels() { churn -L "combined_1 combined_3 combined_8 combined_2"; }
churn_rings() { churn -G "rx_64_tx_128 rx_1024_tx_512 rx_16_tx_64 rx_256_tx_256"; }

# a 200 Mbit/s wire both ways: the copy lasts a second or more, so the
# reconfigurations happen while data flows
for end in "$NSA/pla" "$NSB/plb"; do
	dbg=$(pl_dbg_dir "${end%/*}" "${end#*/}") && echo 200 >"$dbg/rate_mbit" ||
		{ echo "# cannot limit the wire of ${end#*/}"; exit $KSFT_FAIL; }
done
head -c 32M /dev/urandom >"$tmp/src"
RET=0
copy_while "$tmp/src" "$tmp/dst1" churn_channels
check_err $? "TCP copy while changing channels"
check_eq "$(sha256sum <"$tmp/dst1")" "$(sha256sum <"$tmp/src")" "sha256 of what arrived"
log_test "ethtool -L under a TCP stream: 32 MiB arrive intact"

RET=0
copy_while "$tmp/src" "$tmp/dst2" churn_rings
check_err $? "TCP copy while changing ring sizes"
check_eq "$(sha256sum <"$tmp/dst2")" "$(sha256sum <"$tmp/src")" "sha256 of what arrived"
log_test "ethtool -G under a TCP stream: 32 MiB arrive intact"

ktap_finish
