# SPDX-License-Identifier: GPL-2.0
#
# gdb journey macros for pktlife: breakpoints along a packet's path through
# the driver, the simulated NIC and the kernel, in the VM of make vm-gdb.
#
#   pl-symbols DIR      the kernel's and the module's symbols, from what
#                       testing/gdb/guest.sh wrote in DIR (release, kallsyms,
#                       sections): the module's .ko with add-symbol-file at
#                       its sections' addresses; kernel functions by name
#                       when gdb has a vmlinux with symbols (the debug
#                       kernel), else at their /proc/kallsyms addresses
#                       (the VM boots with nokaslr)
#   break_journey_of_a_packet_in    a TCP segment received: NIC interrupt,
#                       NAPI poll, the driver's RX, GRO, the core, IP, TCP,
#                       the reader
#   break_journey_of_a_packet_out   a TCP segment sent: sendmsg, TCP, IP,
#                       the qdisc layer, the driver, the NIC, completion
#   break_journey_of_a_tso_send     one TSO send: TCP, the driver, the
#                       NIC's TSO engine cutting it, completion
#   break_journey_of_a_gro_merge    received frames merged by GRO
#   pl-journey-clear    remove them
#   pl-journey-auto on|off
#                       off (default): stop at every step, as breakpoints
#                       do; on: print each step and go on, and stop only
#                       when the journey's last step has been reached after
#                       all the others in order (for scripts and tests)
#
# Each step prints "journey STEP/N NAME: FUNCTION" when reached.

import os

import gdb

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# A step's function, or the names it has had: the first this kernel has
# is used.  Since 6.15 napi_gro_receive() is an inline wrapper around
# gro_receive_skb().
GRO_ENTRY = ("napi_gro_receive", "gro_receive_skb")

JOURNEYS = {
    "in": [
        ("the NIC raises the RX interrupt", "pl_queue_irq"),
        ("NAPI polls the queue", "pl_poll"),
        ("the driver reads the RX ring, builds the skb", "pl_rx_poll"),
        ("GRO", GRO_ENTRY),
        ("the core: taps, protocol demux", "__netif_receive_skb_core"),
        ("IP receive (ip_rcv, or ip_list_rcv after GRO)", "ip_rcv_core"),
        ("IP local delivery", "ip_local_deliver"),
        ("TCP receive", "tcp_v4_rcv"),
        ("the reader copies it", "tcp_recvmsg"),
    ],
    "out": [
        ("the writer: sendmsg", "tcp_sendmsg"),
        ("TCP builds the segment", "__tcp_transmit_skb"),
        ("IP output", "ip_output"),
        ("the qdisc layer", "__dev_queue_xmit"),
        ("the driver posts descriptors", "pl_start_xmit"),
        ("the NIC's DMA engine sends", "plhw_txq_run"),
        ("the driver reaps the completion", "pl_tx_clean"),
    ],
    "tso": [
        ("the writer: sendmsg", "tcp_sendmsg"),
        ("TCP builds a TSO skb", "__tcp_transmit_skb"),
        ("the driver posts it", "pl_start_xmit"),
        ("the NIC's TSO engine cuts it into frames", "plhw_tso"),
        ("the driver reaps the completion", "pl_tx_clean"),
    ],
    "gro": [
        ("the driver builds the skb", "pl_rx_poll"),
        ("GRO", GRO_ENTRY),
        ("TCP's GRO handler", "tcp4_gro_receive"),
        ("merged into the held skb", "skb_gro_receive"),
        ("the merged skb goes up", "__netif_receive_skb_core"),
    ],
}

state = {"kallsyms": {}, "auto": False, "bps": [], "next": 0}


def resolve_any(funcs):
    """(location, name) for the first of FUNCS (a name, or a tuple of the
    names a function has had) this kernel has."""
    if isinstance(funcs, str):
        return resolve(funcs), funcs
    for func in funcs[:-1]:
        try:
            return resolve(func), func
        except gdb.GdbError:
            pass
    return resolve(funcs[-1]), funcs[-1]


def resolve(func):
    """A location gdb can break on: the name if gdb knows it, else the
    kallsyms address (an exact name, or a compiler clone of it)."""
    try:
        if gdb.lookup_global_symbol(func) or gdb.lookup_static_symbol(func):
            return func
    except gdb.error:
        pass
    try:
        gdb.parse_and_eval("&" + func)
        return func
    except gdb.error:
        pass
    ks = state["kallsyms"]
    if func in ks:
        return "*0x%x" % ks[func]
    for name, addr in ks.items():
        if name.startswith(func + "."):
            return "*0x%x" % addr
    raise gdb.GdbError("pktlife: no symbol %s (pl-symbols DIR first?)" % func)


class Step(gdb.Breakpoint):
    def __init__(self, journey, i, what, funcs):
        location, func = resolve_any(funcs)
        super().__init__(location, internal=False)
        self.journey, self.i, self.what, self.func = journey, i, what, func

    def stop(self):
        steps = JOURNEYS[self.journey]
        print("journey %s %d/%d %s: %s" % (self.journey, self.i + 1, len(steps),
                                          self.what, self.func))
        if not state["auto"]:
            return True
        if self.i == state["next"]:
            state["next"] += 1
            if state["next"] == len(steps):
                print("journey %s complete: %d steps in order" % (self.journey, len(steps)))
                state["next"] = 0
                return True
        return False


def clear():
    for bp in state["bps"]:
        if bp.is_valid():
            bp.delete()
    state["bps"] = []
    state["next"] = 0


def make_journey(name):
    class Cmd(gdb.Command):
        __doc__ = "Break along a packet's journey: %s." % ", ".join(
            f if isinstance(f, str) else "/".join(f) for _, f in JOURNEYS[name])

        def __init__(self):
            super().__init__("break_journey_of_a_" + {
                "in": "packet_in", "out": "packet_out",
                "tso": "tso_send", "gro": "gro_merge"}[name], gdb.COMMAND_BREAKPOINTS)

        def invoke(self, arg, from_tty):
            clear()
            for i, (what, func) in enumerate(JOURNEYS[name]):
                state["bps"].append(Step(name, i, what, func))
            print("pktlife: %d breakpoints along the journey '%s'" % (len(state["bps"]), name))

    Cmd()


class Symbols(gdb.Command):
    """pl-symbols DIR: kernel and module symbols from testing/gdb/guest.sh's DIR."""

    def __init__(self):
        super().__init__("pl-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        d = arg.strip()
        release = open(os.path.join(d, "release")).read().strip()
        ks = {}
        with open(os.path.join(d, "kallsyms")) as f:
            for line in f:
                addr, name = line.split()[:2]
                ks.setdefault(name, int(addr, 16))
        state["kallsyms"] = ks
        sections = dict(l.split() for l in open(os.path.join(d, "sections")) if l.strip())
        ko = os.path.join(TOP, "build", release, "module", "pktlife.ko")
        args = " ".join("-s %s %s" % (s, a) for s, a in sorted(sections.items())
                        if s != ".text" and not s.startswith(".note"))
        gdb.execute("add-symbol-file %s %s %s" % (ko, sections[".text"], args), to_string=True)
        print("pktlife: %d kernel symbols, %s at .text %s (kernel %s)"
              % (len(ks), ko, sections[".text"], release))


class Clear(gdb.Command):
    """pl-journey-clear: remove the journey's breakpoints."""

    def __init__(self):
        super().__init__("pl-journey-clear", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        clear()


class Auto(gdb.Command):
    """pl-journey-auto on|off: print each step and go on, stopping once the
    journey has been walked in order (on), or stop at every step (off)."""

    def __init__(self):
        super().__init__("pl-journey-auto", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        state["auto"] = arg.strip() == "on"
        state["next"] = 0


for j in JOURNEYS:
    make_journey(j)
Symbols()
Clear()
Auto()
