#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""raw_frames: raw frames from one port to another, and what arrived.

    raw_frames.py TX_NETNS TX_IF RX_NETNS RX_IF DST LEN COUNT \
        [KNOB=VALUE...] [--pause FILE]

Captures on RX_IF (AF_PACKET, incoming only) in RX_NETNS (a path, e.g.
/run/netns/NAME), then sends COUNT frames of LEN bytes from TX_IF in
TX_NETNS to DST: EtherType 0x88b5 (local experimental), frame i carrying
i in its first payload bytes, the rest zeros.  KNOB=VALUE (debugfs paths)
are written before the first frame and set to 0 once all COUNT have left
TX_IF's NIC (its hw_tx_frames).  With --pause, it then waits for FILE to
exist.  Then a broadcast sentinel (which the MAC always takes) and, once
it came (one RX queue: everything sent before it has been received or
dropped), prints one line per test frame received: its number, length and
the whole frame in hex.  Exit 1 if the sentinel never came.
"""
import ctypes
import os
import socket
import struct
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
SOL_PACKET = 263
SO_RCVBUFFORCE = 33
PACKET_IGNORE_OUTGOING = 23
TYPE = 0x88B5
SENTINEL = 0xFFFFFFFF


def enter(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        sys.exit("setns %s: %s" % (path, os.strerror(ctypes.get_errno())))
    os.close(fd)


def tx_frames(ifname):
    out = subprocess.run(["ethtool", "-S", ifname], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        name, _, val = line.strip().partition(": ")
        if name == "hw_tx_frames":
            return int(val)
    sys.exit("%s has no hw_tx_frames" % ifname)


def write(path, val):
    with open(path, "w") as f:
        f.write(val)


def main():
    tx_ns, tx_if, rx_ns, rx_if, dst, length, count = sys.argv[1:8]
    length, count = int(length), int(count)
    knobs, pause, rest = [], None, sys.argv[8:]
    while rest:
        if rest[0] == "--pause":
            pause, rest = rest[1], rest[2:]
        else:
            knobs.append(rest[0].split("=", 1))
            rest = rest[1:]
    dst = bytes.fromhex(dst.replace(":", ""))
    scale = int(os.environ.get("PKTLIFE_TIME_SCALE", "1"))

    enter(rx_ns)
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    rx.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    # room for every frame until they are read, after the sentinel
    rx.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    rx.bind((rx_if, 0))
    enter(tx_ns)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((tx_if, 0))
    src = tx.getsockname()[4]

    def frame(to, n, size):
        f = to + src + struct.pack("!HI", TYPE, n)
        return f + bytes(max(size - len(f), 0))

    sent = tx_frames(tx_if)
    for path, val in knobs:
        write(path, val)
    for i in range(count):
        tx.send(frame(dst, i, length))
    # the engine sends on its own: the knobs act until the frames left
    end = time.monotonic() + 10 * scale
    while tx_frames(tx_if) < sent + count:
        if time.monotonic() > end:
            sys.exit("%d frames did not leave %s" % (count, tx_if))
        time.sleep(0.01)
    for path, _ in knobs:
        write(path, "0")
    end = time.monotonic() + 60 * scale
    while pause and not os.path.exists(pause):
        if time.monotonic() > end:
            sys.exit("%s never came" % pause)
        time.sleep(0.01)
    tx.send(frame(b"\xff" * 6, SENTINEL, 60))

    got = []
    rx.settimeout(10 * scale)
    end = time.monotonic() + 10 * scale
    while time.monotonic() < end:
        try:
            f = rx.recv(65536)
        except socket.timeout:
            break
        if len(f) < 18 or struct.unpack("!H", f[12:14])[0] != TYPE:
            continue
        n = struct.unpack("!I", f[14:18])[0]
        if n == SENTINEL:
            for n, f in got:
                print(n, len(f), f.hex())
            return 0
        got.append((n, f))
    sys.exit("the sentinel never came")


if __name__ == "__main__":
    sys.exit(main())
