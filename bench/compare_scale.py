#!/usr/bin/python3
"""driftctl compare at data-warehouse scale, against pandas in the same run.

Generates (once, cached, with bench/generate_csv) a reference and a current
CSV of ROWS rows x NUMERIC numeric + CATEGORICAL categorical columns (a tenth
of the numeric columns and one categorical column drift in the current), then
runs, each in its own process, timing wall clock and peak resident memory
(GNU time):

  driftctl compare --reference R --current C --format json [--threads T]
  driftctl compare ... --columns f00                  (one column)
  pandas.read_csv of both files (C engine)            (reading alone)
  [--baseline DRIFTCTL: an older driftctl, the same two commands]

and prints one table. Read the ratios: these machines are shared.

usage: /usr/bin/python3 bench/compare_scale.py DRIFTCTL [--rows N] [--numeric K]
         [--categorical K] [--dir DIR] [--threads T] [--memory SIZE] [--baseline OLD_DRIFTCTL]
         [--no-pandas] [--no-one-column] [--generator GENERATE_CSV]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

def generate(generator, path, rows, numeric, categorical, current):
    """bench/generate_csv (C++, every core): deterministic per side."""
    subprocess.run([generator, "--rows", str(rows), "--numeric", str(numeric),
                    "--categorical", str(categorical),
                    "--side", "current" if current else "reference", "--out", str(path)],
                   check=True)


def run(command):
    """Wall seconds, CPU seconds (user + system), peak RSS (MiB) of one
    process, by GNU time (the rusage of a child forked from this script would
    count the script's own memory, copied at the fork), and driftctl's
    passes over the reference ("reads" of its JSON) when it printed them."""
    start = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + command,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed: {process.stderr}")
    rss, user, system = process.stderr.strip().splitlines()[-1].split()
    reads = ""
    if process.stdout.startswith("{"):
        reads = str(json.loads(process.stdout)["reads"]["reference"])
    return wall, float(user) + float(system), int(rss) / 1024, reads


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("driftctl")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--numeric", type=int, default=50)
    parser.add_argument("--categorical", type=int, default=5)
    parser.add_argument("--dir", default="build/bench-data")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--baseline")
    parser.add_argument("--memory")
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--no-one-column", action="store_true")
    parser.add_argument("--generator", default="build/bin/generate_csv")
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
            generate(args.generator, partial, args.rows, args.numeric, args.categorical, is_current)
            partial.rename(path)
    size = (reference.stat().st_size + current.stat().st_size) / 2**20
    print(f"{args.rows:,} rows x {args.numeric} numeric + {args.categorical} categorical columns, "
          f"{size:,.0f} MiB of CSV in both files; CPU: {cpu_model()}, {os.cpu_count()} cores")

    compare = ["compare", "--reference", str(reference), "--current", str(current),
               "--format", "json"]
    if args.threads:
        compare += ["--threads", str(args.threads)]
    if args.memory:
        compare += ["--memory", args.memory]
    first = "f000" if args.numeric > 100 else "f00"
    results = []
    results.append(("driftctl compare", run([args.driftctl] + compare)))
    if not args.no_one_column:
        results.append((f"driftctl compare --columns {first}",
                        run([args.driftctl] + compare + ["--columns", first])))
    if args.baseline:
        base = compare[:6]
        results.append(("baseline driftctl compare", run([args.baseline] + base)))
        results.append(("baseline --columns " + first, run([args.baseline] + base + ["--columns", first])))
    if not args.no_pandas:
        read = f"import pandas; pandas.read_csv('{reference}'); pandas.read_csv('{current}')"
        results.append(("pandas.read_csv of both files", run(["/usr/bin/python3", "-c", read])))

    print(f"| {'run':<34} | {'wall s':>8} | {'CPU s':>8} | {'MB/s':>7} | {'peak RSS MiB':>12} | reference reads |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 14}|{'-' * 17}|")
    for name, (wall, cpu, rss, reads) in results:
        print(f"| {name:<34} | {wall:8.2f} | {cpu:8.2f} | {size / wall:7.0f} | {rss:12.0f} | {reads:>15} |")


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            flags = open("/proc/cpuinfo").read()
            return line.split(":", 1)[1].strip() + (" (AVX-512)" if "avx512f" in flags else " (AVX2)")
    return "unknown"


if __name__ == "__main__":
    main()
