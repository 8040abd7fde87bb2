#!/usr/bin/python3
"""Runs the detection benchmark and prints the tables of docs/detection.md.

    /usr/bin/python3 bench/detection/run_detection.py build/bin/detection_bench [--quick]

Every figure comes from bench/detection/detection_bench.cc (driftd's own
binning, comparison and default alert rule on synthetic features, fixed
seeds) except the KS column, which is scipy.stats.ks_2samp on the very same
windows. --quick divides every replicate count by 10 (a smoke run).
Run with Debian's interpreter (numpy, scipy).
"""

import json
import pathlib
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from scipy.stats import ks_2samp

REPLICATES = {"typei": 50000, "bias": 2000, "false_alarms": 20000, "detection": 200, "power": 2000,
              "sequential": 20000}


def run(binary, *args):
    out = subprocess.run([binary, *map(str, args)], check=True, capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def type_one(binary, replicates):
    rows = run(binary, "typei", replicates)
    print(f"### Type-I error of the p-value ({replicates} tables per cell, no drift)\n")
    print("Rejection rate / nominal, at 0.001 and 0.01. `plain`: chi-square survival of G "
          "(p_value); `pooled`: sparse bins pooled + Williams (p_value_calibrated of "
          "categorical features); `rank`: p_value_rank; `numeric`: p_value_calibrated of "
          "numeric features (pooled and rank, Bonferroni). Target: within [0.5, 1.5].\n")
    print("| bins | B | m | n | plain | pooled | rank | numeric |")
    print("|---|---|---|---|---|---|---|---|")
    ranges = {"pooled": [], "rank": [], "ordered": []}
    cell = lambda counts: [counts[0] / replicates / 0.001, counts[1] / replicates / 0.01]
    for r in rows:
        for key in ranges:
            ranges[key] += cell(r[key])
        show = lambda key: " / ".join(f"{x:.2f}" for x in cell(r[key]))
        print(f"| {r['bins']} | {r['B']} | {r['m']} | {r['n']} | {show('plain')} | "
              f"{show('pooled')} | {show('rank')} | {show('ordered')} |")
    for key, values in ranges.items():
        print(f"\n{key}: [{min(values):.2f}, {max(values):.2f}] x nominal over the grid.", end="")
    print("\n")


def bias(binary, replicates):
    rows = run(binary, "bias", replicates)
    print(f"### Bias under no drift ({replicates} tables per cell, smoothing 0.5)\n")
    print("Mean of each measure; `ratio` = mean corrected / mean plug-in (target |ratio| <= 0.1).\n")
    print("| bins | B | m | n | jsd | jsd_corrected | ratio | psi | psi_corrected | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    worst = 0
    for r in rows:
        rj, rp = r["jsd_corrected"] / r["jsd"], r["psi_corrected"] / r["psi"]
        worst = max(worst, abs(rj), abs(rp))
        print(f"| {r['bins']} | {r['B']} | {r['m']} | {r['n']} | {r['jsd']:.3g} | "
              f"{r['jsd_corrected']:+.2g} | {rj:+.3f} | {r['psi']:.3g} | {r['psi_corrected']:+.2g} | {rp:+.3f} |")
    print(f"\nLargest |ratio|: {worst:.3f}.\n")


def false_alarms(binary, windows):
    rows = run(binary, "false_alarms", windows)
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r["kind"], {})[r["n"]] = r
    sizes = sorted({r["n"] for r in rows})
    print("### Default rule, no drift: alerts fired per 1,000 windows\n")
    print("5 references of 10,000 events per cell; target <= 1 per 1,000 windows.\n")
    print("| feature | " + " | ".join(f"N = {n} (windows)" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    worst = 0
    for kind, cells in by_kind.items():
        parts = []
        for n in sizes:
            c = cells[n]
            rate = 1000 * c["fired"] / c["windows"]
            worst = max(worst, rate)
            parts.append(f"{rate:.2f} ({c['windows']})")
        print(f"| {kind} | " + " | ".join(parts) + " |")
    print(f"\nWorst cell: {worst:.2f} per 1,000 windows.\n")
    return rows


class Delays:
    """The drifted window (1-based) that fired each episode's alert, 0 for none."""

    def __init__(self, delays):
        self.episodes = len(delays)
        self.fired = [x for x in delays if x > 0]

    def within(self, k):
        return f"{sum(1 for x in self.fired if x <= k) / self.episodes:.0%}"

    def reported(self):
        return f"{len(self.fired) / self.episodes:.0%}"

    def median(self):
        return statistics.median(self.fired) if self.fired else "-"


def detection(binary, episodes):
    rows = run(binary, "detection", episodes)
    print("### Default rule, drift: windows to detect\n")
    print("Episodes of 20 clean then 10 drifted windows, 5 references of 10,000 events. "
          "`within k`: share of episodes whose alert fired by the k-th drifted window; "
          "`latched`: episodes that began with the previous alert still open.\n")
    print("| drift | feature | N | episodes | within 1 | within 2 | reported | median delay | latched | false alarms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        d = Delays(r["delays"])
        print(f"| {r['scenario']} | {r['kind']} | {r['n']} | {d.episodes} | {d.within(1)} | "
              f"{d.within(2)} | {d.reported()} | {d.median()} | {r['open_at_start']} | "
              f"{r['false_alarms']} |")
    print()


def sequential(binary, windows):
    rows = run(binary, "sequential", windows)
    print("### The sequential rule on small windows (N = 200)\n")
    print("The default rule with `\"sequential\": {\"arl\": 1000}` (k = 0.5) beside the default rule. "
          "False alarms: 5 references x windows per kind, no drift. Detection: episodes of 20 "
          "clean then 10 drifted windows; the ramp grows the shift by 0.025 sd per window.\n")
    alarms = [r for r in rows if r["experiment"] == "false_alarms"]
    worst = max(1000 * r["fired"] / r["windows"] for r in alarms)
    print("| feature | alarms per 1,000 windows (windows) |")
    print("|---|---|")
    for r in alarms:
        print(f"| {r['kind']} | {1000 * r['fired'] / r['windows']:.2f} ({r['windows']}) |")
    print(f"\nWorst: {worst:.2f} per 1,000 windows (target: at most 1, the ARL of 1,000).\n")
    print("| rule | drift | episodes | within 2 | within 5 | within 10 | median delay |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        if r["experiment"] != "detection":
            continue
        d = Delays(r["delays"])
        print(f"| {r['rule']} | {r['scenario']} | {d.episodes} | {d.within(2)} | {d.within(5)} | "
              f"{d.within(10)} | {d.median()} |")
    print()


def power(binary, windows):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "windows.f64"
        rows = run(binary, "power", windows, path)
        values = np.fromfile(path, dtype=np.float64)
    print("### Power per window against KS, 0.25 sd shift of a normal feature\n")
    print("Same windows for both. KS (scipy.stats.ks_2samp, asymptotic) is read at "
          "driftd's own false-alarm rate per window on windows without drift (at least "
          "1 / windows).\n")
    print("| N | windows | driftd false-alarm rate | driftd power | KS power at that rate | ratio |")
    print("|---|---|---|---|---|---|")
    offset = 0
    for r in rows:
        m, n, w = r["m"], r["n"], r["windows"]
        reference = values[offset:offset + m]
        offset += m
        ks_p = []
        for i in range(w):
            window = values[offset:offset + n]
            offset += n
            ks_p.append(ks_2samp(window, reference, method="asymp").pvalue)
        rate = max(sum(r["null_breach"]) / w, 1 / w)
        ours = sum(r["drifted_breach"]) / w
        ks = sum(1 for p in ks_p if p <= rate) / w
        print(f"| {n} | {w} | {rate:.4f} | {ours:.3f} | {ks:.3f} | {ours / ks if ks else float('nan'):.2f} |")
    print()


def main():
    binary = sys.argv[1]
    scale = 10 if "--quick" in sys.argv else 1
    counts = {k: max(1, v // scale) for k, v in REPLICATES.items()}
    type_one(binary, counts["typei"])
    bias(binary, counts["bias"])
    false_alarms(binary, counts["false_alarms"])
    detection(binary, counts["detection"])
    sequential(binary, counts["sequential"])
    power(binary, counts["power"])


if __name__ == "__main__":
    main()
