#!/usr/bin/python3
"""Binning and divergence: driftd against numpy/scipy in the same run.

Runs driftd's Google Benchmark binaries (binning_bench, divergence_bench) and
times the same work with numpy and scipy on data of the same shape and
distribution, then prints both figures and their ratio. Ratios, not absolute
figures, are what to compare across runs: these machines are shared.

  binning     2^20 standard-normal values into 16/64/256 quantile bins of a
              standard-normal reference: numpy.searchsorted(side="right") +
              numpy.bincount, against BatchBinner::count (Highway dispatch).
  divergence  1,000 features x 64 bins of random counts, every measure of
              metrics.md plus the G-test p-value: numpy/scipy vectorised over
              all features at once (rel_entr, jensenshannon, chi2.sf),
              against compare_counts_batch.

usage: /usr/bin/python3 bench/compare_numpy.py [BUILD_BIN_DIR]   (default build/bin)
"""
import json
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import chi2

REPEATS = 15


def best_of(function, repeats=REPEATS):
    """Median wall time of `function()` over `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_benchmark(binary, name_filter):
    out = subprocess.run(
        [binary, f"--benchmark_filter={name_filter}", "--benchmark_format=json",
         "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"],
        check=True, capture_output=True, text=True).stdout
    results = {}
    for entry in json.loads(out)["benchmarks"]:
        if entry.get("aggregate_name") == "median":
            results[entry["run_name"]] = entry
    return results


def compare_binning(bin_dir):
    rng = np.random.default_rng(42)
    reference = rng.standard_normal(100_000)
    values = rng.standard_normal(1 << 20)
    ours = run_benchmark(bin_dir / "binning_bench", "HighwayBatchBinner/bins:[0-9]+/one_bin:0")
    print("binning, 2^20 values per batch (values/s)")
    print(f"  {'bins':>5} {'numpy':>14} {'driftd':>14} {'ratio':>8}")
    for bins in (16, 64, 256):
        u, c = np.unique(np.quantile(reference, np.arange(1, bins) / bins), return_counts=True)
        edges = np.union1d(u, np.nextafter(u[c > 1], np.inf))  # metrics.md, point masses
        seconds = best_of(lambda: np.bincount(np.searchsorted(edges, values, side="right"),
                                              minlength=bins))
        numpy_rate = values.size / seconds
        entry = ours[f"HighwayBatchBinner/bins:{bins}/one_bin:0"]
        driftd_rate = entry["items_per_second"]
        print(f"  {bins:>5} {numpy_rate:>14.3e} {driftd_rate:>14.3e} {driftd_rate / numpy_rate:>7.1f}x")


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


def compare_divergence(bin_dir):
    rng = np.random.default_rng(42)
    p_counts = rng.integers(0, 201, size=(1000, 64)).astype(np.float64)
    q_counts = rng.integers(0, 201, size=(1000, 64)).astype(np.float64)
    numpy_seconds = best_of(lambda: numpy_divergence(p_counts, q_counts))
    ours = run_benchmark(bin_dir / "divergence_bench", "Batch/")
    print("\ndivergence, 1,000 features x 64 bins, every measure + G-test p-value (time per window)")
    print(f"  {'implementation':<34} {'time':>10} {'numpy / it':>11}")
    print(f"  {'numpy + scipy, vectorised':<34} {numpy_seconds * 1e3:>8.3f}ms {1.0:>10.1f}x")
    for name, label in (("Batch/simd", "driftd, Highway"),
                        ("Batch/scalar_reference", "driftd, scalar reference")):
        entry = ours[name]
        seconds = entry["real_time"] * {"us": 1e-6, "ms": 1e-3, "ns": 1e-9}[entry["time_unit"]]
        print(f"  {label:<34} {seconds * 1e3:>8.3f}ms {numpy_seconds / seconds:>10.1f}x")


def main():
    bin_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/bin")
    print(f"numpy {np.__version__}")
    compare_binning(bin_dir)
    compare_divergence(bin_dir)


if __name__ == "__main__":
    main()
