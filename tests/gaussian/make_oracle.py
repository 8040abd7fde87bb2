#!/usr/bin/python3
"""Writes tests/fixtures/gaussian_oracle.json: Gaussian KL values computed
independently with numpy (explicit inverse, LU-based slogdet) for
tests/gaussian/gaussian_oracle_test.cc.

Run with Debian's python3 (numpy): /usr/bin/python3 tests/gaussian/make_oracle.py

Two kinds of cases:
- "parameters": random means and covariances, d in {1, 2, 5, 10}, feature
  scales spread over six orders of magnitude.
- "samples": random data sets (rows) for the current window and the
  reference; the expected mean and covariance are numpy.mean and numpy.cov
  (ddof = 1), and the KL is computed from them.
"""
import json
import pathlib

import numpy as np

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "gaussian_oracle.json"
rng = np.random.default_rng(20240611)


def random_scales(d):
    return 10.0 ** rng.uniform(-3, 3, size=d)


def random_covariance(scales):
    d = len(scales)
    a = rng.normal(size=(d, d))
    correlation_like = a @ a.T / d + 0.2 * np.eye(d)
    return correlation_like * np.outer(scales, scales)


def gaussian_kl(mean_p, cov_p, mean_q, cov_q):
    d = len(mean_p)
    inverse_q = np.linalg.inv(cov_q)
    diff = mean_q - mean_p
    _, logdet_p = np.linalg.slogdet(cov_p)
    _, logdet_q = np.linalg.slogdet(cov_q)
    location = 0.5 * float(diff @ inverse_q @ diff)
    shape = 0.5 * (float(np.trace(inverse_q @ cov_p)) - d)
    scale = 0.5 * float(logdet_q - logdet_p)
    return {"total": location + shape + scale, "location": location, "shape": shape, "scale": scale}


def parameter_case(d):
    scales = random_scales(d)
    cov_q = random_covariance(scales)
    mean_q = rng.normal(size=d) * scales
    # P on the same feature scales, so every part is of a moderate size.
    cov_p = random_covariance(scales * rng.uniform(0.7, 1.4, size=d))
    mean_p = mean_q + rng.normal(size=d) * scales * 0.5
    return {
        "dimension": d,
        "current": {"mean": mean_p.tolist(), "covariance": cov_p.flatten().tolist()},
        "reference": {"mean": mean_q.tolist(), "covariance": cov_q.flatten().tolist()},
        "expected": gaussian_kl(mean_p, cov_p, mean_q, cov_q),
    }


def random_rows(d, mean, cov):
    n = int(rng.integers(d + 20, d + 120))
    rows = rng.multivariate_normal(mean, cov, size=n)
    # Four significant digits keep the fixture small; the oracle uses the
    # rounded values, exactly as stored.
    return np.vectorize(lambda v: float(f"{v:.4g}"))(rows)


def sample_case(d):
    scales = random_scales(d)
    cov_q = random_covariance(scales)
    mean_q = rng.normal(size=d) * scales
    mean_p = mean_q + rng.normal(size=d) * scales * 0.3
    rows_p = random_rows(d, mean_p, cov_q * 1.3)
    rows_q = random_rows(d, mean_q, cov_q)
    sides = {}
    for name, rows in (("current", rows_p), ("reference", rows_q)):
        sides[name] = {
            "rows": rows.tolist(),
            "mean": rows.mean(axis=0).tolist(),
            "covariance": np.atleast_2d(np.cov(rows, rowvar=False, ddof=1)).flatten().tolist(),
        }
    expected = gaussian_kl(
        np.array(sides["current"]["mean"]),
        np.array(sides["current"]["covariance"]).reshape(d, d),
        np.array(sides["reference"]["mean"]),
        np.array(sides["reference"]["covariance"]).reshape(d, d),
    )
    return {"dimension": d, **sides, "expected": expected}


def main():
    dimensions = [1, 2, 5, 10]
    oracle = {
        "parameters": [parameter_case(d) for d in dimensions for _ in range(5)],
        "samples": [sample_case(d) for d in dimensions for _ in range(2)],
    }
    OUTPUT.write_text(json.dumps(oracle, indent=1) + "\n")


if __name__ == "__main__":
    main()
