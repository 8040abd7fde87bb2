#!/usr/bin/python3
"""driftctl compare at data-warehouse scale, against pandas in the same run.

Generates (once, cached) a reference and a current CSV of ROWS rows x
NUMERIC numeric + CATEGORICAL categorical columns (a tenth of the numeric
columns and one categorical column drift in the current), then runs, each in
its own process, timing wall clock and peak resident memory (wait4):

  driftctl compare --reference R --current C --format json [--threads T]
  driftctl compare ... --columns f00                  (one column)
  pandas.read_csv of both files (C engine)            (reading alone)
  [--baseline DRIFTCTL: an older driftctl, the same two commands]

and prints one table. Read the ratios: these machines are shared.

usage: /usr/bin/python3 bench/compare_scale.py DRIFTCTL [--rows N] [--numeric K]
         [--categorical K] [--dir DIR] [--threads T] [--baseline OLD_DRIFTCTL] [--no-pandas]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import time

import numpy as np


def generate(path, rows, numeric, categorical, current):
    """Writes the file in blocks of 100,000 rows; deterministic per side."""
    rng = np.random.default_rng(20261203 + (1 if current else 0))
    categories = [np.array([f"{prefix}{i}" for i in range(12)])
                  for prefix in ("DE", "cat", "dev", "plan", "src")]
    with open(path, "w") as out:
        names = [f"f{i:02d}" for i in range(numeric)] + [f"c{i}" for i in range(categorical)]
        out.write(",".join(names) + "\n")
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            columns = []
            for i in range(numeric):
                shift = 0.3 if current and i % 10 == 0 else 0.0
                kind = i % 4
                if kind == 0:
                    values = rng.normal(shift, 1.0, n)
                elif kind == 1:
                    values = rng.lognormal(3.0 + shift, 0.8, n)
                elif kind == 2:
                    values = np.round(rng.exponential(50.0 * (1 + shift), n), 2)
                else:
                    values = rng.integers(0, 1000, n).astype(float)
                text = np.char.mod("%.6g", values)
                text[rng.random(n) < 0.01] = ""  # 1% missing
                columns.append(text)
            for i in range(categorical):
                weights = np.linspace(1.0, 3.0 if current and i == 0 else 1.0, 12)
                columns.append(categories[i % 5][rng.choice(12, n, p=weights / weights.sum())])
            block = np.column_stack(columns)
            out.write("\n".join(",".join(row) for row in block.tolist()) + "\n")


def run(command):
    """Wall seconds and peak RSS (MiB) of one process, by GNU time (the
    rusage of a child forked from this script would count the script's own
    memory, copied at the fork)."""
    start = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed: {process.stderr}")
    return wall, int(process.stderr.strip().splitlines()[-1]) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("driftctl")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--numeric", type=int, default=50)
    parser.add_argument("--categorical", type=int, default=5)
    parser.add_argument("--dir", default="build/bench-data")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--baseline")
    parser.add_argument("--no-pandas", action="store_true")
    args = parser.parse_args()

    directory = pathlib.Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{args.rows}x{args.numeric}+{args.categorical}"
    reference = directory / f"{stem}_reference.csv"
    current = directory / f"{stem}_current.csv"
    for path, is_current in ((reference, False), (current, True)):
        if not path.exists():
            print(f"generating {path} ...", file=sys.stderr)
            partial = path.with_suffix(".partial")
            generate(partial, args.rows, args.numeric, args.categorical, is_current)
            partial.rename(path)
    size = (reference.stat().st_size + current.stat().st_size) / 2**20
    print(f"{args.rows:,} rows x {args.numeric} numeric + {args.categorical} categorical columns, "
          f"{size:,.0f} MiB of CSV in both files; CPU: {cpu_model()}, {os.cpu_count()} cores")

    compare = ["compare", "--reference", str(reference), "--current", str(current),
               "--format", "json"]
    if args.threads:
        compare += ["--threads", str(args.threads)]
    results = []
    results.append(("driftctl compare", run([args.driftctl] + compare)))
    results.append(("driftctl compare --columns f00", run([args.driftctl] + compare + ["--columns", "f00"])))
    if args.baseline:
        base = [a for a in compare if a not in ("--threads", str(args.threads))]
        results.append(("baseline driftctl compare", run([args.baseline] + base)))
        results.append(("baseline --columns f00", run([args.baseline] + base + ["--columns", "f00"])))
    if not args.no_pandas:
        read = f"import pandas; pandas.read_csv('{reference}'); pandas.read_csv('{current}')"
        results.append(("pandas.read_csv of both files", run(["/usr/bin/python3", "-c", read])))

    print(f"| {'run':<34} | {'wall s':>8} | {'MB/s':>7} | {'peak RSS MiB':>12} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 9}|{'-' * 14}|")
    for name, (wall, rss) in results:
        print(f"| {name:<34} | {wall:8.2f} | {size / wall:7.0f} | {rss:12.0f} |")


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            flags = open("/proc/cpuinfo").read()
            return line.split(":", 1)[1].strip() + (" (AVX-512)" if "avx512f" in flags else " (AVX2)")
    return "unknown"


if __name__ == "__main__":
    main()
