#!/usr/bin/python3
"""Binning and divergence: driftd against numpy/scipy in the same run.

Runs driftd's Google Benchmark binaries (binning_bench, divergence_bench) and
times the same work with numpy and scipy on data of the same shape and
distribution, then prints both figures and their ratio, for each Highway
target asked for (the benches restrict Highway's dispatch to one target at a
time, DRIFTD_BENCH_TARGETS in bench/simd_targets.h: AVX2's code path is timed
on an AVX-512 machine too). Ratios, not absolute figures, are what to compare
across runs: these machines are shared.

  binning     2^20 standard-normal values into 16/64/256 quantile bins of a
              standard-normal reference: numpy.searchsorted(side="right") +
              numpy.bincount, against BatchBinner::count.
  divergence  1,000 features x 64 bins of random counts, every measure of
              metrics.md plus the G-test p-value: numpy/scipy vectorised over
              all features at once (rel_entr, jensenshannon, chi2.sf),
              against measure_counts_batch (the same work); compare_counts_batch,
              which adds the sample-size-aware values numpy does not compute,
              is shown apart.

usage: /usr/bin/python3 bench/compare_numpy.py [BUILD_BIN_DIR] [--targets AVX3,AVX2]
       (defaults: build/bin; AVX3 and AVX2, those of them this CPU has)
"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import chi2

from timing import median_time

REPEATS = 15


def run_benchmark(binary, name_filter, targets):
    environment = dict(os.environ, DRIFTD_BENCH_TARGETS=",".join(targets))
    out = subprocess.run(
        [binary, f"--benchmark_filter={name_filter}", "--benchmark_format=json",
         "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"],
        check=True, capture_output=True, text=True, env=environment).stdout
    results = {}
    for entry in json.loads(out)["benchmarks"]:
        if entry.get("aggregate_name") == "median":
            results[entry["run_name"]] = entry
    return results


def available_targets(bin_dir):
    """The Highway targets binning_bench can time here, best first."""
    environment = {k: v for k, v in os.environ.items() if k != "DRIFTD_BENCH_TARGETS"}
    out = subprocess.run([bin_dir / "binning_bench", "--benchmark_list_tests"],
                         check=True, capture_output=True, text=True, env=environment).stdout
    targets = []
    for line in out.splitlines():
        if line.startswith("HighwayBatchBinner/"):
            target = line.split("/")[1]
            if target not in targets:
                targets.append(target)
    return targets


def compare_binning(bin_dir, targets):
    rng = np.random.default_rng(42)
    reference = rng.standard_normal(100_000)
    values = rng.standard_normal(1 << 20)
    ours = run_benchmark(bin_dir / "binning_bench",
                         "(HighwayBatchBinner/[A-Z0-9_]+|UpperBoundLoop)/bins:[0-9]+/data:0$",
                         targets)
    print("binning, 2^20 values per batch (values/s; ratio: driftd / numpy)")
    header = f"  {'bins':>5} {'numpy':>11} {'upper_bound':>11}"
    for target in targets:
        header += f" {'driftd ' + target:>13} {'ratio':>6}"
    print(header)
    for bins in (16, 64, 256):
        u, c = np.unique(np.quantile(reference, np.arange(1, bins) / bins), return_counts=True)
        edges = np.union1d(u, np.nextafter(u[c > 1], np.inf))  # metrics.md, point masses
        seconds = median_time(lambda: np.bincount(np.searchsorted(edges, values, side="right"),
                                                  minlength=bins), REPEATS)
        numpy_rate = values.size / seconds
        upper_bound = ours[f"UpperBoundLoop/bins:{bins}/data:0"]["items_per_second"]
        row = f"  {bins:>5} {numpy_rate:>11.3e} {upper_bound:>11.3e}"
        for target in targets:
            rate = ours[f"HighwayBatchBinner/{target}/bins:{bins}/data:0"]["items_per_second"]
            row += f" {rate:>13.3e} {rate / numpy_rate:>5.1f}x"
        print(row)


def numpy_divergence(p_counts, q_counts, alpha=0.5):
    k = p_counts.shape[1]
    n = p_counts.sum(axis=1, keepdims=True)
    m = q_counts.sum(axis=1, keepdims=True)
    p = (p_counts + alpha) / (n + k * alpha)
    q = (q_counts + alpha) / (m + k * alpha)
    kl_pq = rel_entr(p, q).sum(axis=1)
    kl_qp = rel_entr(q, p).sum(axis=1)
    js = jensenshannon(p, q, axis=1)
    measures = {
        "kl_pq": kl_pq, "kl_qp": kl_qp, "jsd": js ** 2, "js_distance": js,
        "tv": 0.5 * np.abs(p - q).sum(axis=1), "pinsker_bound": np.sqrt(kl_pq / 2),
        "hellinger": np.sqrt(np.maximum(0, 1 - np.sqrt(p * q).sum(axis=1))),
        "psi": kl_pq + kl_qp, "entropy_p": -(p * np.log(p)).sum(axis=1),
        "entropy_q": -(q * np.log(q)).sum(axis=1), "cross_entropy_pq": -(p * np.log(q)).sum(axis=1),
    }
    # G-test on raw counts over the columns with a non-zero total.
    total = p_counts + q_counts
    expected_p = total * (n / (n + m))
    expected_q = total * (m / (n + m))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 2 * (np.where(p_counts > 0, rel_entr(p_counts, expected_p), 0).sum(axis=1) +
                 np.where(q_counts > 0, rel_entr(q_counts, expected_q), 0).sum(axis=1))
    dof = (total > 0).sum(axis=1) - 1
    measures["g_statistic"] = g
    measures["p_value"] = chi2.sf(g, dof)
    return measures


def compare_divergence(bin_dir, targets):
    rng = np.random.default_rng(42)
    p_counts = rng.integers(0, 201, size=(1000, 64)).astype(np.float64)
    q_counts = rng.integers(0, 201, size=(1000, 64)).astype(np.float64)
    numpy_seconds = median_time(lambda: numpy_divergence(p_counts, q_counts), REPEATS)
    ours = run_benchmark(bin_dir / "divergence_bench", "^(Batch|MeasuresAndGTest)/", targets)
    print("\ndivergence, 1,000 features x 64 bins, every measure + G-test p-value "
          "(time per window)")
    print(f"  {'implementation':<44} {'time':>10} {'numpy / it':>11}")
    print(f"  {'numpy + scipy, vectorised':<44} {numpy_seconds * 1e3:>8.3f}ms {1.0:>10.1f}x")
    def rows(benchmark):
        """(seconds per window, label) of benchmark's Highway targets and its reference."""
        names = [(f"{benchmark}/simd/{target}", f"driftd, Highway {target}") for target in targets]
        names.append((f"{benchmark}/scalar_reference", "driftd, scalar reference"))
        for name, label in names:
            entry = ours[name]
            unit = {"us": 1e-6, "ms": 1e-3, "ns": 1e-9}[entry["time_unit"]]
            yield entry["real_time"] * unit, label

    for seconds, label in rows("MeasuresAndGTest"):
        print(f"  {label:<44} {seconds * 1e3:>8.3f}ms {numpy_seconds / seconds:>10.1f}x")
    print("  with the sample-size-aware values too (compare_counts_batch; numpy computes none):")
    for seconds, label in rows("Batch"):
        print(f"  {label:<44} {seconds * 1e3:>8.3f}ms")


def main():
    arguments = sys.argv[1:]
    targets = None
    if "--targets" in arguments:
        index = arguments.index("--targets")
        targets = arguments[index + 1].split(",")
        del arguments[index:index + 2]
    bin_dir = pathlib.Path(arguments[0] if arguments else "build/bin")
    available = available_targets(bin_dir)
    if targets is None:
        targets = [target for target in ("AVX3", "AVX2") if target in available] or available[:1]
    missing = [target for target in targets if target not in available]
    if missing:
        sys.exit(f"compare_numpy.py: no {', '.join(missing)} here; "
                 f"available: {', '.join(available)}")
    print(f"numpy {np.__version__}; Highway targets timed: {', '.join(targets)}")
    compare_binning(bin_dir, targets)
    compare_divergence(bin_dir, targets)


if __name__ == "__main__":
    main()
