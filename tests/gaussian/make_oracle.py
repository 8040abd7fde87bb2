#!/usr/bin/python3
"""Writes the fixtures of tests/gaussian/gaussian_oracle_test.cc, computed
independently with numpy and scipy:

- tests/fixtures/gaussian_oracle.json: Gaussian KL values (explicit inverse,
  LU-based slogdet). Two kinds of cases:
  - "parameters": random means and covariances, d in {1, 2, 5, 10}, feature
    scales spread over six orders of magnitude.
  - "samples": random data sets (rows) for the current window and the
    reference; the expected mean and covariance are numpy.mean and numpy.cov
    (ddof = 1), and the KL is computed from them.
- tests/fixtures/group_tests_oracle.json: the group tests of
  gaussian/group_tests.h on random data sets, d in {1, 2, 3, 8}, from the
  fewest rows each test takes to a few hundred: Hotelling's T^2 with
  scipy.stats.f.sf, Box's M from numpy.linalg.slogdet with
  scipy.stats.chi2.sf, the location contributions from numpy.linalg.solve;
  some cases with a ridge, and a correlated case where a contribution is
  negative.

Run with Debian's python3 (numpy, scipy): /usr/bin/python3 tests/gaussian/make_oracle.py
"""
import json
import pathlib

import numpy as np
from scipy import stats

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
OUTPUT = FIXTURES / "gaussian_oracle.json"
GROUP_OUTPUT = FIXTURES / "group_tests_oracle.json"
rng = np.random.default_rng(20240611)
# A generator of its own, so that the Gaussian KL cases stay as they were.
group_rng = np.random.default_rng(20250311)


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


def four_digits(rows):
    return np.vectorize(lambda v: float(f"{v:.4g}"))(rows)


def random_rows(d, mean, cov):
    n = int(rng.integers(d + 20, d + 120))
    rows = rng.multivariate_normal(mean, cov, size=n)
    # Four significant digits keep the fixture small; the oracle uses the
    # rounded values, exactly as stored.
    return four_digits(rows)


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


def sample_covariance(rows):
    """numpy.cov with ddof = 1; zero for a single row, which has no spread."""
    d = rows.shape[1]
    if len(rows) < 2:
        return np.zeros((d, d))
    return np.atleast_2d(np.cov(rows, rowvar=False, ddof=1))


def group_tests(rows_p, rows_q, ridge):
    """Hotelling's T^2, Box's M and the location contributions of the
    textbook formulas, every covariance with ridge x diag(S_q) added."""
    n, d = rows_p.shape
    m = len(rows_q)
    total = n + m
    mean_p, mean_q = rows_p.mean(axis=0), rows_q.mean(axis=0)
    cov_p, cov_q = sample_covariance(rows_p), sample_covariance(rows_q)
    ridge_diagonal = np.diag(ridge * np.diag(cov_q))
    pooled = ((n - 1) * cov_p + (m - 1) * cov_q) / (total - 2) + ridge_diagonal

    diff = mean_p - mean_q
    t2 = n * m / total * float(diff @ np.linalg.solve(pooled, diff))
    dof2 = total - d - 1
    f = dof2 / (d * (total - 2)) * t2
    hotelling = {"t2": t2, "f": f, "dof1": d, "dof2": dof2,
                 "p_value": float(stats.f.sf(f, d, dof2))}

    box_m = None
    if n >= d + 1 and m >= d + 1:
        _, logdet_pooled = np.linalg.slogdet(pooled)
        _, logdet_p = np.linalg.slogdet(cov_p + ridge_diagonal)
        _, logdet_q = np.linalg.slogdet(cov_q + ridge_diagonal)
        uncorrected = float((total - 2) * logdet_pooled - (n - 1) * logdet_p - (m - 1) * logdet_q)
        c = (2 * d * d + 3 * d - 1) / (6 * (d + 1)) * (1 / (n - 1) + 1 / (m - 1) - 1 / (total - 2))
        statistic = uncorrected * (1 - c)
        dof = d * (d + 1) // 2
        box_m = {"uncorrected": uncorrected, "statistic": statistic, "dof": dof,
                 "p_value": float(stats.chi2.sf(statistic, dof))}

    delta = mean_q - mean_p
    contributions = 0.5 * delta * np.linalg.solve(cov_q + ridge_diagonal, delta)
    return {"hotelling_t2": hotelling, "box_m": box_m,
            "location_contributions": contributions.tolist()}


def group_case(d, n, m, shift, spread, ridge=0.0):
    """Rows for a window of n and a reference of m rows: the window's mean
    moved by about `shift` standard deviations per feature and its
    covariance scaled by spread^2."""
    scales = 10.0 ** group_rng.uniform(-3, 3, size=d)
    a = group_rng.normal(size=(d, d))
    cov_q = (a @ a.T / d + 0.2 * np.eye(d)) * np.outer(scales, scales)
    mean_q = group_rng.normal(size=d) * scales
    mean_p = mean_q + shift * group_rng.normal(size=d) * scales
    rows_p = four_digits(group_rng.multivariate_normal(mean_p, cov_q * spread**2, size=n))
    rows_q = four_digits(group_rng.multivariate_normal(mean_q, cov_q, size=m))
    return {
        "dimension": d,
        "ridge": ridge,
        "current": {"rows": rows_p.tolist()},
        "reference": {"rows": rows_q.tolist()},
        "expected": group_tests(rows_p, rows_q, ridge),
    }


def correlated_case(n, m):
    """Two features with correlation 0.9, both moved up, the second by less
    than the first predicts: its contribution is negative."""
    scales = np.array([1.0, 1e3])
    cov = np.array([[1.0, 0.9], [0.9, 1.0]]) * np.outer(scales, scales)
    mean_p = np.array([1.0, 0.3]) * scales
    rows_p = four_digits(group_rng.multivariate_normal(mean_p, cov, size=n))
    rows_q = four_digits(group_rng.multivariate_normal(np.zeros(2), cov, size=m))
    expected = group_tests(rows_p, rows_q, 0.0)
    assert expected["location_contributions"][1] < 0
    return {"dimension": 2, "ridge": 0.0, "current": {"rows": rows_p.tolist()},
            "reference": {"rows": rows_q.tolist()}, "expected": expected}


def group_cases():
    cases = []
    for d in [1, 2, 3, 8]:
        # (n, m, shift, spread): the fewest rows Box's M takes, then more;
        # no change, a moved mean, a changed spread, both.
        for n, m, shift, spread in [(d + 1, d + 2, 0.0, 1.0), (d + 4, 3 * d + 8, 1.0, 1.0),
                                    (40, 120, 0.0, 1.3), (100, 250, 0.2, 1.1)]:
            cases.append(group_case(d, n, m, shift, spread))
        cases.append(group_case(d, 60, 150, 0.3, 1.2, ridge=0.05))
    # Hotelling's T^2 with a window of one and two rows, too few for Box's M.
    cases.append(group_case(3, 1, 30, 1.0, 1.0))
    cases.append(group_case(3, 2, 30, 1.0, 1.0))
    cases.append(correlated_case(200, 300))
    return cases


def main():
    dimensions = [1, 2, 5, 10]
    oracle = {
        "parameters": [parameter_case(d) for d in dimensions for _ in range(5)],
        "samples": [sample_case(d) for d in dimensions for _ in range(2)],
    }
    OUTPUT.write_text(json.dumps(oracle, indent=1) + "\n")
    GROUP_OUTPUT.write_text(json.dumps({"cases": group_cases()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
