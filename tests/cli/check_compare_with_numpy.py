#!/usr/bin/env python3
"""Recomputes `driftctl compare` on the bundled examples with numpy and scipy.

An independent implementation of the whole offline pipeline of metrics.md:
quantile edges (numpy.quantile, linear, plus nextafter(e, +inf) for each
point mass e) and uniform edges (numpy.linspace), binning
(numpy.searchsorted side="right"), the categorical union dictionary,
additive smoothing, every measure (scipy.special.rel_entr,
scipy.spatial.distance.jensenshannon, scipy.stats.entropy) and the G-test
(scipy.stats.chi2_contingency, log-likelihood, no correction). The
calibrated G-test, the rank test of numeric columns (scipy's mannwhitneyu) and
the null expectation behind jsd_corrected and psi_corrected come from
tests/divergence/make_oracle.py (scipy's binomial pmf,
numpy's Gauss-Hermite nodes), checked up to 64 bins. Exits non-zero on any
difference beyond 1e-9 relative.

usage: /usr/bin/python3 check_compare_with_numpy.py DRIFTCTL EXAMPLES_DIR
"""
import collections
import csv
import json
import importlib.util
import math
import pathlib
import subprocess
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import chi2_contingency, entropy

ALPHA = 0.5
MAX_CATEGORIES = 100

_oracle_path = pathlib.Path(__file__).resolve().parents[1] / "divergence" / "make_oracle.py"
_spec = importlib.util.spec_from_file_location("divergence_oracle", _oracle_path)
divergence_oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(divergence_oracle)


def read_columns(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {name: [row[name] for row in rows] for name in rows[0]}


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def numeric_edges(ref, bins, method):
    """The interior edges metrics.md defines, from the reference's cells."""
    values = np.array([float(v) for v in ref if v != ""])
    finite = values[np.isfinite(values)]
    if method == "quantile":
        u, c = np.unique(np.quantile(finite, np.arange(1, bins) / bins), return_counts=True)
        return np.union1d(u, np.nextafter(u[c > 1], np.inf))
    return np.linspace(finite.min(), finite.max(), bins + 1)[1:-1]


def numeric_counts(ref, cur, bins, method):
    ref_values = np.array([float(v) for v in ref if v != ""])
    cur_values = np.array([float(v) for v in cur if v != ""])
    ref_values = ref_values[~np.isnan(ref_values)]
    cur_values = cur_values[~np.isnan(cur_values)]
    edges = numeric_edges(ref, bins, method)
    k = len(edges) + 1
    count = lambda v: np.bincount(np.searchsorted(edges, v, side="right"), minlength=k)
    return count(cur_values), count(ref_values)


def category_bins(ref, cur):
    """The union dictionary: {category: bin}, and the __other__ bin."""
    totals = collections.Counter(v for v in ref + cur if v != "")
    ordered = sorted(totals, key=lambda c: (-totals[c], c))
    kept = ordered[:MAX_CATEGORIES]
    return {c: i for i, c in enumerate(kept)}, len(kept)


def categorical_counts(ref, cur):
    index, other = category_bins(ref, cur)
    def count(values):
        counts = np.zeros(other + 1, dtype=np.int64)
        for v in values:
            if v != "":
                counts[index.get(v, other)] += 1
        return counts
    return count(cur), count(ref)


def expected_measures(p_counts, q_counts, numeric):
    k = len(p_counts)
    p = (p_counts + ALPHA) / (p_counts.sum() + k * ALPHA)
    q = (q_counts + ALPHA) / (q_counts.sum() + k * ALPHA)
    kl_pq = rel_entr(p, q).sum()
    kl_qp = rel_entr(q, p).sum()
    js = jensenshannon(p, q)
    nonzero = (p_counts + q_counts) > 0
    table = np.vstack([p_counts[nonzero], q_counts[nonzero]])
    if table.shape[1] > 1:
        g, p_value, dof, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    else:
        g, p_value, dof = 0.0, 1.0, 0
    n, m = p_counts.sum(), q_counts.sum()
    psi = ((p - q) * np.log(p / q)).sum()
    calibrated = {}
    if k <= 64:  # the Python null expectation is slow; 64 bins cover the method
        dof_pooled, p_value_pooled = divergence_oracle.calibrated_g_test(p_counts, q_counts)
        p_value_rank = divergence_oracle.rank_p_value(p_counts, q_counts) if numeric else 1.0
        null_jsd, null_psi = divergence_oracle.null_expectation(p_counts, q_counts, ALPHA)
        calibrated = {"dof_pooled": dof_pooled, "p_value_rank": p_value_rank,
                      "p_value_calibrated": min(1.0, 2 * min(p_value_pooled, p_value_rank))
                      if numeric else p_value_pooled,
                      "jsd_corrected": js ** 2 - null_jsd, "psi_corrected": psi - null_psi}
    return calibrated | {
        "kl_pq": kl_pq, "kl_qp": kl_qp, "jsd": js ** 2, "js_distance": js,
        "tv": 0.5 * np.abs(p - q).sum(), "pinsker_bound": math.sqrt(kl_pq / 2),
        "hellinger": math.sqrt(max(0.0, 1 - np.sqrt(p * q).sum())), "psi": psi,
        "entropy_p": entropy(p), "entropy_q": entropy(q), "cross_entropy_pq": -(p * np.log(q)).sum(),
        "g_statistic": g, "dof": dof, "p_value": p_value,
        "kl_pq_corrected": max(0.0, kl_pq - (table.shape[1] - 1) / 2 * (1 / n + 1 / m)),
    }


def check(driftctl, examples, bins, method):
    ref = read_columns(f"{examples}/reference.csv")
    cur = read_columns(f"{examples}/current.csv")
    out = subprocess.run(
        [driftctl, "compare", "--reference", f"{examples}/reference.csv", "--current",
         f"{examples}/current.csv", "--bins", str(bins), "--binning", method, "--format", "json"],
        check=True, capture_output=True, text=True).stdout
    features = json.loads(out)["features"]
    failures = 0
    for name in ref:
        numeric = all(is_number(v) for v in ref[name] + cur[name] if v != "")
        if numeric:
            p_counts, q_counts = numeric_counts(ref[name], cur[name], bins, method)
        else:
            p_counts, q_counts = categorical_counts(ref[name], cur[name])
        got = features[name]
        if got["bins"] != len(p_counts) or got["n_cur"] != p_counts.sum() or got["n_ref"] != q_counts.sum():
            print(f"{method}/{bins} {name}: bins or n differ: {got['bins']} vs {len(p_counts)}")
            failures += 1
            continue
        for key, want in expected_measures(p_counts, q_counts, numeric).items():
            value = got[key]
            if not math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-12):
                print(f"{method}/{bins} {name}.{key}: driftctl {value!r}, numpy/scipy {want!r}")
                failures += 1
    return failures


def main():
    driftctl, examples = sys.argv[1], sys.argv[2]
    # 1024 quantile bins: latency_ms (0.1 ms steps) has 261 point masses, amount 1.
    failures = sum(check(driftctl, examples, bins, method)
                   for method in ("quantile", "uniform") for bins in (1, 2, 10, 64, 1024))
    print("driftctl compare matches numpy/scipy" if failures == 0 else f"{failures} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
