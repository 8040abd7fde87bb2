#!/usr/bin/python3
"""Writes tests/fixtures/conditional_g_test_oracle.json: the stratified G-test
of "P(Y|x) = Q(Y|x) for every x" computed independently with scipy for
tests/joint/conditional_g_test_oracle_test.cc.

Run with Debian's python3 (numpy, scipy):
/usr/bin/python3 tests/joint/make_conditional_g_oracle.py

Each case is a hand-chosen pair of joint tables of raw counts, x_bins x y_bins
row-major: the current window (P) and the reference (Q). Every row where both
sides have mass is large enough that the C++ test pools nothing (the script
asserts it), so each row's statistic is scipy.stats.chi2_contingency(...,
lambda_="log-likelihood", correction=False) on the 2 x y table of the row's
occupied columns, divided by Williams' q; the p-value is chi2.sf of their sum
with the summed dof. Rows where one side has no mass are not tested.
"""
import json
import pathlib

import numpy as np
from scipy.stats import chi2, chi2_contingency

OUTPUT = (pathlib.Path(__file__).resolve().parents[1] / "fixtures" /
          "conditional_g_test_oracle.json")
MIN_EXPECTED_COUNT = 5.0  # kMinExpectedCount of lib/divergence/calibrated_g_test.h

CASES = [
    ("2 x 3, mild change",
     [[40, 55, 30], [25, 60, 45]],
     [[120, 90, 100], [80, 150, 70]]),
    ("3 x 4, X marginal shifted",
     [[30, 42, 25, 51], [60, 33, 47, 28], [22, 35, 41, 30]],
     [[95, 110, 88, 102], [140, 120, 75, 90], [60, 85, 130, 95]]),
    ("4 x 2",
     [[50, 20], [35, 45], [28, 60], [70, 30]],
     [[200, 110], [150, 160], [90, 210], [180, 150]]),
    ("3 x 3, row 0 only in the window, row 2 only in the reference",
     [[30, 40, 50], [45, 35, 60], [0, 0, 0]],
     [[0, 0, 0], [100, 140, 90], [80, 60, 70]]),
    ("2 x 3, the relationship reversed",
     [[90, 10, 20], [15, 85, 30]],
     [[100, 100, 100], [100, 100, 100]]),
    ("1 x 5, a single feature",
     [[25, 30, 45, 20, 40]],
     [[300, 250, 400, 350, 310]]),
    ("2 x 4, an empty column in one row",
     [[40, 0, 35, 50], [20, 30, 25, 40]],
     [[110, 0, 90, 130], [60, 70, 65, 80]]),
]


def row_test(row_p, row_q):
    """Williams-corrected G of the 2 x y table and its dof."""
    table = np.array([row_p, row_q], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    n, m = table.sum(axis=1)
    columns = table.sum(axis=0)
    total = n + m
    assert (min(n, m) * columns / total >= MIN_EXPECTED_COUNT).all(), "would be pooled"
    g, _, dof, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    williams = 1 + (total * (1 / n + 1 / m) - 1) * (total * (1 / columns).sum() - 1) / (
        6 * total * dof)
    return float(g / williams), int(dof)


def case(name, current, reference):
    rows = []
    for x, (row_p, row_q) in enumerate(zip(current, reference)):
        if sum(row_p) == 0 or sum(row_q) == 0:
            continue
        g_corrected, dof = row_test(row_p, row_q)
        rows.append({"x": x, "g_corrected": g_corrected, "dof": dof})
    g = sum(row["g_corrected"] for row in rows)
    dof = sum(row["dof"] for row in rows)
    return {
        "name": name,
        "x_bins": len(current),
        "y_bins": len(current[0]),
        "current": [c for row in current for c in row],
        "reference": [c for row in reference for c in row],
        "expected": {"rows": rows, "dof": dof,
                     "p_value": float(chi2.sf(g, dof)) if dof > 0 else 1.0},
    }


def main():
    oracle = {"cases": [case(*c) for c in CASES]}
    OUTPUT.write_text(json.dumps(oracle, indent=1) + "\n")


if __name__ == "__main__":
    main()
