#!/usr/bin/python3
"""Reading a CSV file: driftd's record scanner against pandas in the same run.

Writes a CSV of ROWS rows x 55 columns (50 numeric, normal values of four
magnitudes with 4 decimals; 5 categorical, 8 country codes) and the same
table as NDJSON, runs build/bin/reader_bench on both (Google Benchmark), and
times pandas on the same files: read_csv (C engine) on every column and on
one column (usecols), read_json(lines=True) on every column. Prints MB/s,
values/s and the ratios. Ratios, not absolute figures, are what to compare
across runs: these machines are shared.

  Scan       scan_records, views of every projected cell (what the reader
             itself costs)
  ScanParse  the same plus parse_number on every cell: numbers as pandas
             gives them (strings stay views; pandas makes Python objects)
  CPU        driftd's CPU time per scan, every thread: on a loaded machine
             the second thread may find no free core (no gain in time), but
             equal CPU for 1 and 2 threads means the work split without cost

usage: /usr/bin/python3 bench/compare_pandas.py [BUILD_BIN_DIR] [ROWS]   (build/bin, 200000)
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

from timing import median_time

REPEATS = 5


def write_table(directory, rows):
    rng = np.random.default_rng(1)
    columns = {f"n{i}": np.round(rng.standard_normal(rows) * 10 ** (i % 4), 4) for i in range(50)}
    for i in range(5):
        columns[f"c{i}"] = rng.choice(["DE", "FR", "US", "GB", "IT", "ES", "NL", "PL"], rows)
    table = pd.DataFrame(columns)
    csv, ndjson = directory / "table.csv", directory / "table.ndjson"
    table.to_csv(csv, index=False)
    table.to_json(ndjson, orient="records", lines=True)
    return csv, ndjson


def run_reader_bench(binary, path):
    out = subprocess.run(
        [binary, str(path), "--benchmark_format=json", "--benchmark_repetitions=3",
         "--benchmark_report_aggregates_only=true", "--benchmark_filter=Scan"],
        check=True, capture_output=True, text=True).stdout
    results = {}
    for entry in json.loads(out)["benchmarks"]:
        if entry.get("aggregate_name") == "median":
            results[entry["run_name"].removesuffix("/real_time")] = entry
    return results


def cpu_model():
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def print_rows(title, size, values, pandas_seconds, pandas_label, ours, names):
    print(f"\n{title}")
    print(f"  {'reader':<36} {'time':>9} {'MB/s':>8} {'values/s':>10} {'vs pandas':>10} {'CPU':>9}")
    print(f"  {pandas_label:<36} {pandas_seconds * 1e3:>7.0f}ms {size / pandas_seconds / 1e6:>8.0f} "
          f"{values / pandas_seconds:>10.3g} {1.0:>9.1f}x")
    for name in names:
        entry = ours[name]
        seconds = entry["real_time"] * {"ms": 1e-3, "us": 1e-6, "ns": 1e-9}[entry["time_unit"]]
        label = f"driftd {name} ({entry.get('label', '')})"
        print(f"  {label:<36} {seconds * 1e3:>7.0f}ms {size / seconds / 1e6:>8.0f} "
              f"{values / seconds:>10.3g} {pandas_seconds / seconds:>9.1f}x "
              f"{entry['process_cpu_ms']:>7.0f}ms")


def main():
    bin_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/bin")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    print(f"pandas {pd.__version__}, numpy {np.__version__}, {cpu_model()}")
    with tempfile.TemporaryDirectory() as directory:
        csv, ndjson = write_table(pathlib.Path(directory), rows)
        size = csv.stat().st_size
        print(f"{rows} rows x 55 columns: CSV {size / 1e6:.0f} MB, NDJSON {ndjson.stat().st_size / 1e6:.0f} MB")
        ours = run_reader_bench(bin_dir / "reader_bench", csv)
        all_seconds = median_time(lambda: pd.read_csv(csv), REPEATS)
        one_seconds = median_time(lambda: pd.read_csv(csv, usecols=["n27"]), REPEATS)
        print_rows("CSV, every column", size, rows * 55, all_seconds, "pandas.read_csv", ours,
                   ["Scan/all/threads:1", "Scan/all/threads:2",
                    "ScanParse/all/threads:1", "ScanParse/all/threads:2"])
        print_rows("CSV, one column (n27)", size, rows, one_seconds, "pandas.read_csv(usecols)", ours,
                   ["Scan/one/threads:1", "Scan/one/threads:2",
                    "ScanParse/one/threads:1", "ScanParse/one/threads:2"])
        ours_json = run_reader_bench(bin_dir / "reader_bench", ndjson)
        json_seconds = median_time(lambda: pd.read_json(ndjson, lines=True), repeats=1)
        print_rows("NDJSON, every column", ndjson.stat().st_size, rows * 55, json_seconds,
                   "pandas.read_json(lines=True)", ours_json,
                   ["Scan/all/threads:1", "Scan/all/threads:2", "ScanParse/all/threads:1"])


if __name__ == "__main__":
    main()
