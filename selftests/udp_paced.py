#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A paced UDP sender and receiver that never lose a datagram unless the
datapath does (selftests/lib_nic.sh: pl_udp, PL_UDP_PY).

  udp_paced.py send SRC IP PORT SIZES
  udp_paced.py recv REF DST PORT

SRC crosses by UDP, cut in datagrams of SIZES ("fixed:N" bytes each, or
"vary": every payload size from 1 to 1472 bytes first, then sizes at
random), each with a 12-byte header (sequence number, count, offset).
The sender sends windows of 32 datagrams and waits for the receiver to
have all of one before it sends the next, so no socket, queue or ring can
overflow: a datagram missing after 5 s is lost and fails both ends. The
receiver checks every datagram against REF (the same file), writes what
it got to DST, and says "received N"; the sender says "sent N".
PKTLIFE_TIME_SCALE stretches both timeouts (a slower kernel).
"""

import os, random, socket, struct, sys

HDR = struct.Struct("!III")		# seq, count, offset
SCALE = int(os.environ.get("PKTLIFE_TIME_SCALE", "1"))	# a slower kernel
WINDOW = 32
MAXPAY = 1472


def cut(total, sizes):
    if sizes.startswith("fixed:"):
        n = int(sizes[6:]) - HDR.size
        return [n] * (total // n) + ([total % n] if total % n else [])
    rng = random.Random(3)
    out = list(range(1, MAXPAY - HDR.size + 1))
    while sum(out) < total:
        out.append(rng.randint(1, MAXPAY - HDR.size))
    over = sum(out) - total
    while over:
        cut_n = min(over, out[-1])
        out[-1] -= cut_n
        over -= cut_n
        if not out[-1]:
            out.pop()
    return out


def send(src, ip, port, sizes):
    data = open(src, "rb").read()
    lens = cut(len(data), sizes)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5 * SCALE)
    s.connect((ip, int(port)))
    off = 0
    for seq, n in enumerate(lens):
        s.send(HDR.pack(seq, len(lens), off) + data[off:off + n])
        off += n
        if (seq + 1) % WINDOW == 0 or seq + 1 == len(lens):
            while True:
                try:
                    got = int(s.recv(64))
                except socket.timeout:
                    sys.exit("pl_udp send: no ack for datagrams up to %d: lost" % seq)
                if got >= seq + 1:
                    break
    print("sent %d" % len(lens))


def recv(ref, dst, port):
    data = open(ref, "rb").read()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(10 * SCALE)
    out = bytearray(len(data))
    end = 0
    seen = set()
    count = None
    while count is None or len(seen) < count:
        try:
            pkt, peer = s.recvfrom(65536)
        except socket.timeout:
            sys.exit("pl_udp recv: %d of %s datagrams, then nothing for %d s"
                     % (len(seen), count, 10 * SCALE))
        seq, cnt, off = HDR.unpack_from(pkt)
        body = pkt[HDR.size:]
        if seq in seen or (count is not None and cnt != count) or seq >= cnt:
            sys.exit("pl_udp recv: bad or duplicate datagram %d/%d" % (seq, cnt))
        if body != data[off:off + len(body)]:
            sys.exit("pl_udp recv: datagram %d (%d bytes at %d) corrupted"
                     % (seq, len(body), off))
        count = cnt
        seen.add(seq)
        out[off:off + len(body)] = body
        end = max(end, off + len(body))
        if len(seen) % WINDOW == 0 or len(seen) == count:
            s.sendto(b"%d" % len(seen), peer)
    open(dst, "wb").write(out[:end])
    print("received %d" % len(seen))


{"send": send, "recv": recv}[sys.argv[1]](*sys.argv[2:])
