#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Long-lived TCP and UDP traffic for the stress tests, checked end to end.

  traffic.py recv STATUS_FILE [--tcp-port P] [--udp-port P]
  traffic.py send TCP_DST UDP_DST [--tcp-port P] [--udp-port P]
                  [--tcp-rate BYTES_PER_S] [--udp-pps N] [--udp-size N]
                  [--tcp-user-timeout MS] [--status FILE]

The sender keeps one TCP stream and one UDP stream going whatever happens
to the devices under them: a send error (the route went with a removed
device), or a TCP connection that gets no ACK for --tcp-user-timeout ms
(TCP_USER_TIMEOUT, default 1000; 0 leaves the kernel's retransmission
limit, for a test in which the connection must survive), makes it start
over; it never exits by itself. Rates of 0 mean as fast as it can.

The receiver checks every byte: the TCP stream is a pattern whose offset
it follows per connection, each datagram carries its sequence number and
a payload derived from it. Ten times a second it replaces STATUS_FILE with
one line, read by the shell tests without starting a process:

  tcp_bytes udp_datagrams tcp_last_us udp_last_us bad_bytes tcp_conns

(tcp_last_us, udp_last_us: wall-clock time in microseconds of the last
good data, comparable with bash's $EPOCHREALTIME; bad_bytes: bytes or
datagrams that differed from what was sent.)

With --status the sender keeps its own line there, of how its TCP
connections went:

  connected timed_out failed connect_failed last_error

(connected: connections made; timed_out: ended by TCP_USER_TIMEOUT, data
unacknowledged that long; failed: ended by anything else, a reset or a
send error, which no reconfiguration of a working device explains;
connect_failed: attempts the kernel gave up on, which the receiver can
never have accepted; last_error: the errno name
of the last failure, or "-".)
"""

import argparse
import errno
import os
import socket
import struct
import sys
import threading
import time

# A block of prime length: a stream that lost or repeated bytes cannot line
# up with the pattern again by chance.
BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(251))
PATTERN = BLOCK * 1100  # > 256 KiB: any recv() or send() fits in it

SO_MAX_PACING_RATE = getattr(socket, "SO_MAX_PACING_RATE", 47)
TCP_USER_TIMEOUT = getattr(socket, "TCP_USER_TIMEOUT", 18)


def udp_payload(seq, size):
    off = seq % len(BLOCK)
    return struct.pack("!Q", seq) + PATTERN[off:off + size - 8]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.tcp_bytes = 0
        self.udp = 0
        self.tcp_last = 0
        self.udp_last = 0
        self.bad = 0
        self.conns = 0


def now_us():
    return int(time.time() * 1e6)


def tcp_conn(conn, st):
    """Receive one connection's stream, checking it against PATTERN."""
    off = 0
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    # A sender whose device vanished never closes: let keepalive end it,
    # but only after longer than any stall a test allows (20 s on the
    # debug kernel): a keepalive that gives up sends a reset, which a
    # sender still on that connection must not get.
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 30)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 5)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            n = len(data)
            good = data == PATTERN[off:off + n]
            with st.lock:
                if good:
                    st.tcp_bytes += n
                    st.tcp_last = now_us()
                else:
                    st.bad += sum(a != b for a, b in zip(data, PATTERN[off:off + n]))
            off = (off + n) % len(BLOCK)
    except OSError:
        pass
    finally:
        conn.close()


def tcp_server(port, st):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        with st.lock:
            st.conns += 1
        threading.Thread(target=tcp_conn, args=(conn, st), daemon=True).start()


def udp_server(port, st):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", port))
    while True:
        data = s.recv(65536)
        good = len(data) >= 8 and data == udp_payload(struct.unpack("!Q", data[:8])[0], len(data))
        with st.lock:
            if good:
                st.udp += 1
                st.udp_last = now_us()
            else:
                st.bad += 1


def write_status(path, line):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(line)
    os.replace(tmp, path)


def recv(args):
    st = Stats()
    for fn, port in ((tcp_server, args.tcp_port), (udp_server, args.udp_port)):
        threading.Thread(target=fn, args=(port, st), daemon=True).start()
    while True:
        with st.lock:
            line = "%d %d %d %d %d %d\n" % (st.tcp_bytes, st.udp, st.tcp_last,
                                            st.udp_last, st.bad, st.conns)
        write_status(args.status, line)
        time.sleep(0.1)


class SendStats:
    def __init__(self, path):
        self.path = path
        self.connected = 0
        self.timed_out = 0
        self.failed = 0
        self.connect_failed = 0
        self.last_error = "-"

    def end(self, what, err):
        setattr(self, what, getattr(self, what) + 1)
        self.last_error = errno.errorcode.get(err.errno, type(err).__name__) \
            if err.errno else type(err).__name__
        self.write()

    def write(self):
        if self.path:
            write_status(self.path, "%d %d %d %d %s\n" % (
                self.connected, self.timed_out, self.failed,
                self.connect_failed, self.last_error))


def tcp_client(dst, port, rate, user_timeout, st):
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connected = False
        try:
            # No timeout of our own on connect(): the kernel's alone
            # decides (TCP_USER_TIMEOUT bounds SYN_SENT too, else
            # tcp_syn_retries).  A timeout here could expire just as the
            # retransmitted SYN's handshake completes: the peer accepts
            # a connection this side then counts as never made.
            if user_timeout:
                s.setsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT, user_timeout)
            if rate:
                s.setsockopt(socket.SOL_SOCKET, SO_MAX_PACING_RATE, rate)
            s.connect((dst, port))
            connected = True
            st.connected += 1
            st.write()
            off = 0
            while True:
                n = s.send(PATTERN[off:off + 65536])
                off = (off + n) % len(BLOCK)
        except OSError as e:
            if not connected:
                st.end("connect_failed", e)
            elif e.errno == errno.ETIMEDOUT:
                st.end("timed_out", e)
            else:
                st.end("failed", e)
        finally:
            s.close()
        time.sleep(0.05)


def udp_client(dst, port, pps, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    seq = 0
    gap = 1.0 / pps if pps else 0
    nxt = time.monotonic()
    while True:
        try:
            s.sendto(udp_payload(seq, size), (dst, port))
        except OSError:
            # no route (the device is gone), or a full queue
            time.sleep(0.01)
        seq += 1
        if gap:
            nxt += gap
            delay = nxt - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.monotonic()


def send(args):
    st = SendStats(args.status)
    st.write()
    t = threading.Thread(target=tcp_client, args=(args.tcp_dst, args.tcp_port, args.tcp_rate,
                                                    args.tcp_user_timeout, st),
                         daemon=True)
    t.start()
    udp_client(args.udp_dst, args.udp_port, args.udp_pps, args.udp_size)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("recv")
    r.add_argument("status")
    s = sub.add_parser("send")
    s.add_argument("tcp_dst")
    s.add_argument("udp_dst")
    s.add_argument("--tcp-rate", type=int, default=0)
    s.add_argument("--udp-pps", type=int, default=0)
    s.add_argument("--udp-size", type=int, default=1200)
    s.add_argument("--tcp-user-timeout", type=int, default=1000)
    s.add_argument("--status")
    for x in (r, s):
        x.add_argument("--tcp-port", type=int, default=7001)
        x.add_argument("--udp-port", type=int, default=7002)
    args = p.parse_args()
    if args.mode == "send" and not 8 <= args.udp_size <= 65507:
        p.error("--udp-size must be 8..65507")
    if args.mode == "send" and args.tcp_user_timeout < 0:
        p.error("--tcp-user-timeout must be 0 (the kernel's limit) or more ms")
    recv(args) if args.mode == "recv" else send(args)


if __name__ == "__main__":
    sys.exit(main())
