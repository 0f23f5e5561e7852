#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn bench/guest.sh's raw runs into a result: JSON, markdown, ratios.

    report.py RAW --kernel REL --rev REV --date DATE --reps N --secs S
              --json OUT.json --md OUT.md

RAW has one "FIGURE VALUE" line per run.  Each figure gets its median, its
minimum and maximum and its spread ((max - min) / median); the ratios are
of medians measured side by side in the same boot.  Prints one line per
ratio, "name=value", and one per target, "target name: value (goal) met|missed".
"""
import argparse
import json
import statistics
import sys

# ratio name: (numerator figure, denominator figure, what it says)
RATIOS = [
    ("pps_ratio_pktlife_vs_veth", "pps.pktlife", "pps.veth",
     "64-byte UDP packet rate, pktlife / veth"),
    ("tcp_ratio_pktlife_vs_veth", "tcp.pktlife", "tcp.veth",
     "TCP throughput (iperf3, one stream), pktlife / veth"),
    ("mq_ratio_2q_vs_1q", "mq.q2", "mq.q1",
     "packet rate with 2 flows, 2 queues / 1 queue"),
    ("pps_ratio_tracepoints_vs_none", "tp.on", "tp.off",
     "packet rate, tracepoints built in (unused) / compiled out"),
    ("pps_ratio_stat_vs_none", "observe.pps.pktlife", "observe.pps.none",
     "packet rate, pktlife stat (default level, waits) attached / nothing attached"),
    ("tcp_ratio_stat_vs_none", "observe.tcp.pktlife", "observe.tcp.none",
     "TCP throughput, pktlife stat (default level, waits) attached / nothing attached"),
    ("pps_ratio_full_vs_none", "observe.pps.full", "observe.pps.none",
     "packet rate, pktlife stat --level full attached / nothing attached"),
    ("tcp_ratio_full_vs_none", "observe.tcp.full", "observe.tcp.none",
     "TCP throughput, pktlife stat --level full attached / nothing attached"),
    ("pps_ratio_empty_vs_none", "observe.pps.empty", "observe.pps.none",
     "packet rate, pktlife stat's hooks with empty programs / nothing attached"),
    ("tcp_ratio_empty_vs_none", "observe.tcp.empty", "observe.tcp.none",
     "TCP throughput, pktlife stat's hooks with empty programs / nothing attached"),
    ("pps_ratio_bpftrace_vs_none", "observe.pps.bpftrace", "observe.pps.none",
     "packet rate, bpftrace stages.bt attached / nothing attached"),
    ("tcp_ratio_bpftrace_vs_none", "observe.tcp.bpftrace", "observe.tcp.none",
     "TCP throughput, bpftrace stages.bt attached / nothing attached"),
]


def summarize(values):
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    return {
        "median": med, "min": lo, "max": hi,
        "spread": round((hi - lo) / med, 3) if med else None,
        "runs": values,
    }


def cost(ratio):
    """What attaching (or building in) costs, from a rate ratio."""
    return None if ratio is None else round(1 - ratio, 3)


def main():
    ap = argparse.ArgumentParser()
    for a in ("raw", "--kernel", "--rev", "--date", "--json", "--md"):
        ap.add_argument(a)
    ap.add_argument("--reps", type=int)
    ap.add_argument("--secs", type=int)
    ap.add_argument("--mode", default="tcg")
    args = ap.parse_args()

    runs = {}
    with open(args.raw) as f:
        for line in f:
            name, _, value = line.strip().partition(" ")
            if name:
                runs.setdefault(name, []).append(float(value))
    figures = {k: summarize(v) for k, v in sorted(runs.items())
               if not k.startswith(("prog.", "mem.", "attach_s.", "entries.",
                                    "body_ns_per_entry."))}
    med = {k: v["median"] for k, v in figures.items()}

    ratios = {}
    for name, num, den, _ in RATIOS:
        if num in med and den in med and med[den]:
            ratios[name] = round(med[num] / med[den], 3)

    progs = {}
    for k, v in runs.items():
        if k.startswith("prog."):
            prog, _, field = k[5:].rpartition(".")
            progs.setdefault(prog, {})[field] = int(statistics.median(v))
    mem = {k[4:]: int(statistics.median(v)) for k, v in runs.items()
           if k.startswith("mem.")}
    attach = {k[9:]: statistics.median(v) for k, v in runs.items()
              if k.startswith("attach_s.")}

    stat_pps = cost(ratios.get("pps_ratio_stat_vs_none"))
    stat_tcp = cost(ratios.get("tcp_ratio_stat_vs_none"))
    full_pps = cost(ratios.get("pps_ratio_full_vs_none"))
    bt_pps = cost(ratios.get("pps_ratio_bpftrace_vs_none"))
    targets = {
        "pps >= 1.0x veth": (ratios.get("pps_ratio_pktlife_vs_veth"), ">=", 1.0),
        "tcp >= 0.8x veth": (ratios.get("tcp_ratio_pktlife_vs_veth"), ">=", 0.8),
        "tracepoints-off cost <= 1 %": (
            cost(ratios.get("pps_ratio_tracepoints_vs_none")), "<=", 0.01),
        "pktlife stat cost <= 5 % of packet rate": (stat_pps, "<=", 0.05),
        "pktlife stat cost <= 2 % of TCP throughput": (stat_tcp, "<=", 0.02),
        "pktlife stat --level full cost <= half of bpftrace's": (
            round(full_pps / bt_pps, 3) if full_pps is not None and bt_pps else None,
            "<=", 0.5),
    }

    # per level: rate, hook entries per 64-byte frame, what a frame
    # costs more than with nothing attached, per entry (entering and
    # body), and the bodies alone per entry (bpf_stats)
    levels = {}
    none = med.get("observe.pps.none")
    for lvl, obs in (("waits", "pktlife"), ("full", "full")):
        row = {"pps": med.get(f"observe.pps.{obs}"),
               "entries_per_frame": statistics.median(runs[f"entries.{lvl}"])
               if runs.get(f"entries.{lvl}") else None,
               "body_ns_per_entry": int(statistics.median(runs[f"body_ns_per_entry.{lvl}"]))
               if runs.get(f"body_ns_per_entry.{lvl}") else None,
               "map_bytes": mem.get("maps.stat" if lvl == "waits" else "maps.stat_full")}
        if row["pps"] and none and row["entries_per_frame"]:
            extra = 1e9 / row["pps"] - 1e9 / none
            row["ns_per_frame"] = round(extra)
            row["ns_per_entry"] = round(extra / row["entries_per_frame"])
        levels[lvl] = row
    empty = med.get("observe.pps.empty")
    if empty and none and levels["waits"].get("entries_per_frame"):
        # the same hooks as waits, every program returning at once
        levels["waits"]["enter_ns_per_entry"] = round(
            (1e9 / empty - 1e9 / none) / levels["waits"]["entries_per_frame"])
    tjson = {}
    for name, (value, op, goal) in targets.items():
        met = None
        if value is not None:
            met = value >= goal if op == ">=" else value <= goal
        tjson[name] = {"value": value, "goal": f"{op} {goal}", "met": met}

    result = {
        "kernel": args.kernel, "date": args.date, "revision": args.rev,
        "emulation": args.mode, "reps": args.reps, "seconds_per_run": args.secs,
        "figures": figures, "ratios": ratios, "targets": tjson,
        "bpf_programs": progs, "memory": mem, "attach_seconds": attach,
        "levels": levels,
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    def fmt(name, v):
        if name.startswith(("pps", "mq", "tp", "observe.pps")):
            return f"{v / 1000:.1f} kpps"
        if name.startswith(("tcp", "observe.tcp")):
            return f"{v / 1e9:.2f} Gbit/s"
        return f"{v:g}"

    md = [f"# pktlife benchmarks: {args.kernel}", "",
          f"{args.date}, revision {args.rev}, {args.mode.upper()}, "
          f"{args.reps} runs of {args.secs} s each, medians "
          f"(spread = (max - min) / median).", "",
          "| figure | median | min | max | spread |",
          "|---|---|---|---|---|"]
    for k, v in figures.items():
        md.append(f"| {k} | {fmt(k, v['median'])} | {fmt(k, v['min'])} | "
                  f"{fmt(k, v['max'])} | {v['spread']:.1%} |")
    md += ["", "| ratio | value | what |", "|---|---|---|"]
    for name, num, den, what in RATIOS:
        if name in ratios:
            md.append(f"| {name} | {ratios[name]:.3f} | {what} |")
    md += ["", "| target | value | met |", "|---|---|---|"]
    for name, t in tjson.items():
        md.append(f"| {name} | {t['value']} | "
                  f"{'yes' if t['met'] else 'no' if t['met'] is False else 'n/a'} |")
    if any(v.get("entries_per_frame") for v in levels.values()):
        md += ["", "| level | 64-byte pps | hook entries per frame | ns per frame "
               "| ns per entry | of which bodies | entering (empty) | map memory |",
               "|---|---|---|---|---|---|---|---|"]
        for lvl, v in levels.items():
            md.append(f"| {lvl} | {fmt('pps', v['pps']) if v['pps'] else None} "
                      f"| {v['entries_per_frame']} | {v.get('ns_per_frame')} "
                      f"| {v.get('ns_per_entry')} | {v['body_ns_per_entry']} "
                      f"| {v.get('enter_ns_per_entry', '')} | {v['map_bytes']} |")
    if progs:
        md += ["", "| BPF program (pktlife stat; full.X: --level full) | ns per run | runs |",
               "|---|---|---|"]
        for p, v in sorted(progs.items(), key=lambda x: -x[1].get("ns", 0)):
            md.append(f"| {p} | {v.get('ns')} | {v.get('runs')} |")
    if mem or attach:
        md += ["", "| memory, attach time | value |", "|---|---|"]
        for k, v in sorted(mem.items()):
            unit = "KiB" if k.endswith("kib") else "bytes"
            md.append(f"| {k} | {v} {unit} |")
        for k, v in sorted(attach.items()):
            md.append(f"| attach {k} | {v:.1f} s |")
    with open(args.md, "w") as f:
        f.write("\n".join(md) + "\n")

    for name, value in ratios.items():
        print(f"{name}={value}")
    for name, t in tjson.items():
        state = {True: "met", False: "missed", None: "not measured"}[t["met"]]
        print(f"target {name}: {t['value']} ({t['goal']}) {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
