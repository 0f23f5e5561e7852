#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run one of the kernel's drivers/net python tests, unchanged, with the
one thing the 6.12 tarball's library lacks.

  upstream-env.py ./TEST.py   (in the test's directory, as kselftest runs it)

hw/csum.py of 6.12 sends from the remote end with "csum -i
{cfg.remote_ifname}", but 6.12's lib/py/env.py never sets
NetDrvEpEnv.remote_ifname: the test fails on any device before it sends a
packet.  6.13's env.py resolves it in NetDrvEpEnv.__init__ from REMOTE_V4
and REMOTE_V6 (resolve_remote_ifc(): the one remote interface that has
those addresses).  This does the same, after the tarball's __init__, when
the attribute is missing, and then runs the test as __main__: its code,
its checks and its exit status are the tarball's.
"""

import os
import runpy
import sys


def main():
    test = os.path.abspath(sys.argv[1])
    sys.argv = [test] + sys.argv[2:]
    # what "python3 TEST.py" puts first: the test's directory, where its
    # "from lib.py import ..." finds the library
    sys.path.insert(0, os.path.dirname(test))
    from lib.py import NetDrvEpEnv, ip

    def remote_ifname(env):
        found = set()
        for addr in (env.remote_v4, env.remote_v6):
            if addr:
                ifcs = ip("addr show to " + addr, json=True, host=env.remote)
                if len(ifcs) != 1:
                    raise Exception(f"remote interfaces with {addr}: {len(ifcs)}, not 1")
                found.add(ifcs[0]["ifname"])
        if len(found) != 1:
            raise Exception(f"cannot resolve the remote interface: {sorted(found)}")
        return found.pop()

    tarball_init = NetDrvEpEnv.__init__

    def init(self, *args, **kwargs):
        tarball_init(self, *args, **kwargs)
        if not hasattr(self, "remote_ifname"):
            self.remote_ifname = remote_ifname(self)

    NetDrvEpEnv.__init__ = init
    runpy.run_path(test, run_name="__main__")


if __name__ == "__main__":
    main()
