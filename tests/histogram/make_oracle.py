#!/usr/bin/python3
"""Writes tests/fixtures/binning_oracle.json: numpy's answers for driftd's binning.

The C++ tests (numeric_binning_test.cc, batch_binner_test.cc) must reproduce
these exactly. Definitions (docs/metrics.md, "Binning"):
  quantile  q = np.quantile(finite reference, i / B), i = 1..B-1 (numpy's
            default method, "linear"); u, c = np.unique(q, return_counts=True);
            edges = np.union1d(u, np.nextafter(u[c > 1], np.inf)): a point
            mass has a bin [e, nextafter(e)) of its own. Edges are finite:
            a mass at DBL_MAX gets no +inf edge.
  uniform   edges = np.unique(np.linspace(min, max, B + 1)[1:-1]) over the
            finite reference; none when min == max
  bin of x  np.searchsorted(edges, x, side="right"); NaN is missing, counted
            in an extra slot after the bins ("value_bins" holds each value's
            bin, NaN as len(edges) + 1; "counts" the totals)
  layout fingerprint  FNV-1a 64 over the canonical encoding of bin_layout.h
Only finite reference values shape edges. JSON has no NaN or infinities, so
they are written as the strings "nan", "inf" and "-inf".

Run with Debian's Python (it has numpy):
  /usr/bin/python3 tests/histogram/make_oracle.py tests/fixtures/binning_oracle.json
"""
import json
import struct
import sys

import numpy as np

rng = np.random.default_rng(20240611)
np.seterr(over="ignore")  # nextafter(DBL_MAX, inf) is inf, as intended
MAX = np.finfo(np.float64).max


def encode(values):
    out = []
    for x in np.asarray(values, dtype=np.float64).tolist():
        if np.isnan(x):
            out.append("nan")
        elif np.isinf(x):
            out.append("inf" if x > 0 else "-inf")
        else:
            out.append(x)
    return out


def finite(reference):
    reference = np.asarray(reference, dtype=np.float64)
    return reference[np.isfinite(reference)]


def quantile_edges(reference, bins):
    q = np.quantile(finite(reference), np.arange(1, bins) / bins)
    u, c = np.unique(q, return_counts=True)
    edges = np.union1d(u, np.nextafter(u[c > 1], np.inf))
    return edges[np.isfinite(edges)]


def uniform_edges(reference, bins):
    values = finite(reference)
    low, high = values.min(), values.max()
    if low == high:
        return np.array([], dtype=np.float64)
    return np.unique(np.linspace(low, high, bins + 1)[1:-1])


def bin_indices(edges, values):
    values = np.asarray(values, dtype=np.float64)
    bins = np.searchsorted(edges, values, side="right")
    return np.where(np.isnan(values), len(edges) + 1, bins)


def binned(edges, values):
    """Edges, values, each value's bin and the counts (bins, then missing)."""
    bins = bin_indices(edges, values)
    return {
        "edges": encode(edges),
        "values": encode(values),
        "value_bins": bins.tolist(),
        "counts": np.bincount(bins, minlength=len(edges) + 2).tolist(),
    }


def probes(reference, edges):
    """Test values: the reference itself, every edge, their neighbours, the
    specials, and random points over and beyond the range."""
    finite_reference = finite(reference)
    low, high = finite_reference.min(), finite_reference.max()
    span = max(high - low, 1.0)
    random_low, random_high = np.clip([low - span, high + span], -MAX / 2, MAX / 2)  # finite width
    return np.concatenate([
        np.asarray(reference, dtype=np.float64),
        edges,
        np.nextafter(edges, -np.inf),
        np.nextafter(edges, np.inf),
        [np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324],
        rng.uniform(random_low, random_high, 64),
    ])


def case(name, reference, bins, edges_of):
    edges = edges_of(reference, bins)
    return {"name": name, "reference": encode(reference), "bins": bins,
            **binned(edges, probes(reference, edges))}


normal = rng.normal(size=1000)
QUANTILE_CASES = [
    case("one value", [3.0], 4, quantile_edges),
    case("two values", [2.0, 1.0], 4, quantile_edges),
    case("ties", [1, 1, 1, 2, 2, 3, 3, 3, 3, 10], 5, quantile_edges),
    case("duplicates collapse", [0.0] * 90 + list(range(1, 11)), 10, quantile_edges),
    case("one bin", [1.0, 2.0, 3.0], 1, quantile_edges),
    case("non-finite excluded", [np.nan, 4.0, np.inf, 1.0, -np.inf, 3.0, 2.0], 3, quantile_edges),
    case("signed zeros", [-0.0, 0.0, 0.0, 1.0, -1.0], 2, quantile_edges),
    case("wide magnitudes", [-1e300, -1.0, 0.0, 5e-324, 1e-300, 1e300], 4, quantile_edges),
    case("normal 10 bins", normal, 10, quantile_edges),
    case("normal 64 bins", normal, 64, quantile_edges),
    case("lognormal 256 bins", rng.lognormal(size=1000), 256, quantile_edges),
    case("integers 16 bins", rng.integers(0, 7, size=500).astype(np.float64), 16, quantile_edges),
    # Point masses: each gets [e, nextafter(e)).
    case("95% zeros", [0.0] * 950 + rng.exponential(size=50).tolist(), 10, quantile_edges),
    case("95% zeros 40 bins", [0.0] * 950 + rng.exponential(size=50).tolist(), 40,
         quantile_edges),
    case("rounded to 0.1", np.round(rng.normal(size=1000), 1), 64, quantile_edges),
    case("rounded to 0.1 with a mass at 0",
         [0.0] * 300 + np.round(rng.normal(size=700), 1).tolist(), 20, quantile_edges),
    case("poisson 3", rng.poisson(3.0, size=1000).astype(np.float64), 10, quantile_edges),
    case("mass at the maximum", rng.uniform(size=700).tolist() + [1.0] * 300, 10,
         quantile_edges),
    case("mass at the minimum", [-2.0] * 300 + rng.uniform(size=700).tolist(), 10,
         quantile_edges),
    case("several masses", [1.0] * 200 + [2.0] * 200 + [5.0] * 200 +
         rng.normal(size=400).tolist(), 20, quantile_edges),
    case("negative mass", [-3.5] * 400 + rng.normal(size=600).tolist(), 16, quantile_edges),
    case("signed zero mass", [-0.0] * 30 + [0.0] * 30 + rng.normal(size=40).tolist(), 10,
         quantile_edges),
    case("mass at -5e-324", [-5e-324] * 50 + rng.normal(size=50).tolist(), 8, quantile_edges),
    case("mass one ulp below another", [1.0] * 50 + [float(np.nextafter(1.0, 2.0))] * 50, 8,
         quantile_edges),
    case("mass at DBL_MAX", rng.normal(size=500).tolist() + [MAX] * 500, 8, quantile_edges),
]

UNIFORM_CASES = [
    case("zero to ten", [0.0, 10.0, 3.0], 4, uniform_edges),
    case("one bin", [1.0, 2.0], 1, uniform_edges),
    case("constant", [5.0, 5.0, 5.0], 4, uniform_edges),
    case("non-finite excluded", [np.nan, -np.inf, 0.1, 0.7, np.inf], 3, uniform_edges),
    case("subnormal range", [0.0, 5e-324], 4, uniform_edges),
    case("few ulps wide", [1.0, float(np.nextafter(np.nextafter(1.0, 2.0), 2.0))], 8,
         uniform_edges),
    case("normal 10 bins", normal, 10, uniform_edges),
    case("normal 100 bins", normal, 100, uniform_edges),
]

EXPLICIT_CASES = [
    {"name": "duplicated edges and specials",
     **binned(np.array([-1.0, 0.0, 1.0, 1.0, 2.5]),
              [-2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, np.nan,
               np.inf, -np.inf, 5e-324, -5e-324, 2.2250738585072014e-308])},
    {"name": "no edges", **binned(np.array([]), [np.nan, -np.inf, 0.0, 1e308, np.inf])},
]


FNV_OFFSET_BASIS = 14695981039346656037
FNV_PRIME = 1099511628211
KIND_NUMERIC, KIND_CATEGORICAL = 1, 2


def fnv1a64(data):
    value = FNV_OFFSET_BASIS
    for byte in data:
        value = ((value ^ byte) * FNV_PRIME) % 2**64
    return value


def numeric_fingerprint(edges):
    """bin_layout.h: kind byte, edge count (u64 LE), each edge's IEEE bits (LE)."""
    data = bytes([KIND_NUMERIC]) + struct.pack("<Q", len(edges))
    data += b"".join(struct.pack("<d", edge) for edge in edges)
    return "0x%016x" % fnv1a64(data)


def categorical_fingerprint(categories):
    """bin_layout.h: kind byte, count (u64 LE), each category's length (u64 LE) and bytes."""
    data = bytes([KIND_CATEGORICAL]) + struct.pack("<Q", len(categories))
    for category in categories:
        encoded = category.encode("utf-8")
        data += struct.pack("<Q", len(encoded)) + encoded
    return "0x%016x" % fnv1a64(data)


FINGERPRINT_CASES = [
    {"kind": "numeric", "edges": [], "fingerprint": numeric_fingerprint([])},
    {"kind": "numeric", "edges": [-1.0, 0.0, 1.0, 1.0, 2.5],
     "fingerprint": numeric_fingerprint([-1.0, 0.0, 1.0, 1.0, 2.5])},
    {"kind": "categorical", "categories": ["red", "", "gr\u00fcn"],
     "fingerprint": categorical_fingerprint(["red", "", "gr\u00fcn"])},
]


def main():
    oracle = {
        "generator": "tests/histogram/make_oracle.py",
        "numpy": np.__version__,
        "quantile": QUANTILE_CASES,
        "uniform": UNIFORM_CASES,
        "explicit": EXPLICIT_CASES,
        "fingerprints": FINGERPRINT_CASES,
    }
    with open(sys.argv[1], "w") as out:
        json.dump(oracle, out, allow_nan=False)
        out.write("\n")


if __name__ == "__main__":
    main()
