#!/usr/bin/env python3
"""driftctl compare with a reference too large for --memory: the same answer.

Generates a reference and a current CSV (300,000 rows; numeric columns
shaped to make exact selection hard: all values within one order-key
bucket, heavy ties and a point mass, +-inf, NaN and empty cells, values
sorted in file order; a categorical column; a feature pair) in a scratch
directory, and runs driftctl compare with the default budget (the values
fit: one read per file) and with --memory 16M (they do not: the reference
is sampled and read again), for quantile and uniform bins, on 1 and 2
threads. Every feature and pair in the JSON must be identical (but for
"value_scale", whose grid differs: the reference's quantiles, or a sample's),
the bounded runs must have read the reference more than once, and the
quantile edges must be numpy.quantile's with the point-mass rule of
metrics.md (computed here independently). In every run, each numeric
column's "value_scale" must hold scipy's exact two-sample KS statistic and
Wasserstein distance within the error bounds it reports, and its KS p-value
must be within 2% of scipy.stats.ks_2samp's (method="asymp") where that is
above 1e-10.

Under a sanitizer build (--sanitized), where each run is ten times slower,
two of the four binning configurations run (quantile bins 64 and uniform
bins 10: each binning's paths once); the release build runs all four.

usage: /usr/bin/python3 check_compare_bounded_memory.py DRIFTCTL [--sanitized]
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
from scipy.stats import ks_2samp, wasserstein_distance

ROWS = 300_000


def write_csv(path, columns):
    names = list(columns)
    texts = []
    for name in names:
        values = columns[name]
        if values.dtype.kind == "f":
            texts.append(["" if np.isnan(v) and i % 2 else repr(float(v)) for i, v in enumerate(values)])
        else:
            texts.append([str(v) for v in values])
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for row in zip(*texts):
            f.write(",".join(row) + "\n")


def make_columns(rng, shift):
    n = ROWS
    normal = rng.normal(shift, 1.0, n)
    one_bucket = 1000.0 + rng.random(n) * (0.5 + shift)
    ties = np.where(rng.random(n) < 0.6, 0.0, np.round(rng.exponential(2.0 + shift, n), 1))
    special = rng.normal(0.0, 1.0 + shift, n)
    pick = rng.random(n)
    special[pick < 0.01] = np.inf
    special[(pick >= 0.01) & (pick < 0.02)] = -np.inf
    special[(pick >= 0.02) & (pick < 0.05)] = np.nan
    rising = np.sort(rng.normal(0.0, 1.0, n)) + shift
    country = rng.choice(["DE", "FR", "IT", "ES", "PL"], n, p=[0.4, 0.2, 0.2, 0.1, 0.1])
    return {"normal": normal, "one_bucket": one_bucket, "ties": ties, "special": special,
            "rising": rising, "country": country}


def numpy_edges(values, bins):
    finite = values[np.isfinite(values)]
    quantiles = np.quantile(finite, np.arange(1, bins) / bins)
    unique, counts = np.unique(quantiles, return_counts=True)
    above = np.nextafter(unique[counts > 1], np.inf)
    return np.union1d(unique, above[np.isfinite(above)])


def without_value_scale(features):
    return {name: {k: v for k, v in feature.items() if k != "value_scale"}
            for name, feature in features.items()}


def scipy_value_scale(reference, current):
    """scipy's exact KS (statistic, asymptotic p-value), Wasserstein and the
    reference's standard deviation per numeric column."""
    out = {}
    for name, values in reference.items():
        if values.dtype.kind != "f":
            continue
        ref = values[np.isfinite(values)]
        cur = current[name][np.isfinite(current[name])]
        ks = ks_2samp(ref, cur, method="asymp")
        out[name] = (ks.statistic, ks.pvalue, wasserstein_distance(ref, cur), np.std(ref))
    return out


def check_value_scale(label, features, exact):
    """Counts the columns whose KS or Wasserstein disagree with scipy's."""
    failures = 0
    for name, (ks, p_value, w, std) in exact.items():
        scale = features[name]["value_scale"]
        if not scale["ks"] - 1e-12 <= ks <= scale["ks"] + scale["ks_error_bound"] + 1e-12:
            print(f"{label} {name}: KS {scale['ks']} (+{scale['ks_error_bound']}), scipy {ks}")
            failures += 1
        if abs(scale["wasserstein"] - w) > scale["wasserstein_error_bound"] + 1e-9 * (1 + w):
            print(f"{label} {name}: Wasserstein {scale['wasserstein']} "
                  f"(+-{scale['wasserstein_error_bound']}), scipy {w}")
            failures += 1
        if not np.isclose(scale["wasserstein_normed"], scale["wasserstein"] / std, rtol=1e-9):
            print(f"{label} {name}: normalised Wasserstein {scale['wasserstein_normed']}")
            failures += 1
        # Where the grid saw the exact statistic, the p-values must agree.
        if scale["ks"] == ks and p_value > 1e-10 and not np.isclose(scale["ks_p_value"], p_value, rtol=0.02):
            print(f"{label} {name}: KS p-value {scale['ks_p_value']}, scipy {p_value}")
            failures += 1
    return failures


def run(driftctl, ref, cur, extra):
    out = subprocess.run(
        [driftctl, "compare", "--reference", str(ref), "--current", str(cur), "--format", "json",
         "--pairs", "normal:country", *extra], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    driftctl = sys.argv[1]
    configurations = [("quantile", 10), ("quantile", 64), ("uniform", 10), ("uniform", 64)]
    if sys.argv[2:] == ["--sanitized"]:
        configurations = [("quantile", 64), ("uniform", 10)]
    rng = np.random.default_rng(7)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="driftctl-bounded-") as scratch:
        ref, cur = pathlib.Path(scratch, "ref.csv"), pathlib.Path(scratch, "cur.csv")
        reference = make_columns(rng, 0.0)
        current = make_columns(rng, 0.3)
        write_csv(ref, reference)
        write_csv(cur, current)
        exact = scipy_value_scale(reference, current)
        for binning, bins in configurations:
            common = ["--binning", binning, "--bins", str(bins)]
            held = run(driftctl, ref, cur, common)
            if held["reads"]["reference"] != 1:
                print(f"{binning}/{bins}: the default budget read the reference "
                      f"{held['reads']['reference']} times")
                failures += 1
            for threads in ("1", "2"):
                bounded = run(driftctl, ref, cur, common + ["--memory", "16M", "--threads", threads])
                label = f"{binning}/{bins}/threads {threads}"
                if bounded["reads"]["reference"] < 2:
                    print(f"{label}: --memory 16M read the reference once: nothing was bounded")
                    failures += 1
                for key in ("features", "pairs", "skipped"):
                    same = (without_value_scale(bounded[key]) == without_value_scale(held[key])
                            if key == "features" else bounded[key] == held[key])
                    if not same:
                        print(f"{label}: '{key}' differs between --memory 16M and the default")
                        failures += 1
                failures += check_value_scale(label, bounded["features"], exact)
            failures += check_value_scale(f"{binning}/{bins}", held["features"], exact)
            if binning == "quantile":
                for name in ("normal", "one_bucket", "ties", "special", "rising"):
                    want = numpy_edges(reference[name], bins).tolist()
                    got = held["features"][name]["histogram"]["edges"]
                    if got != want:
                        print(f"{binning}/{bins} {name}: edges {got[:4]}... numpy {want[:4]}...")
                        failures += 1
    print("bounded-memory compare matches" if failures == 0 else f"{failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
