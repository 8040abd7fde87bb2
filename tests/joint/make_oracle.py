#!/usr/bin/python3
"""Writes tests/fixtures/chain_rule_oracle.json: the chain-rule split of the
joint KL computed independently with numpy/scipy for
tests/joint/chain_rule_oracle_test.cc.

Run with Debian's python3 (numpy, scipy): /usr/bin/python3 tests/joint/make_oracle.py

For each case: raw joint counts of the current window (P) and the reference
(Q), x_bins x y_bins row-major, and alpha. Smoothing is applied to the joint
cells; the joint KL is scipy.special.rel_entr summed over the smoothed joint,
the marginal KL uses the row sums of the smoothed joint, and each row's
conditional term is P(x) * rel_entr(P(Y|x), Q(Y|x)) with the conditionals
taken from the smoothed joint. All cases are finite (alpha = 0 cases have no
empty reference cell).
"""
import json
import pathlib

import numpy as np
from scipy.special import rel_entr

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "chain_rule_oracle.json"
rng = np.random.default_rng(20240612)


def split(counts_p, counts_q, alpha):
    p = (counts_p + alpha) / (counts_p.sum() + counts_p.size * alpha)
    q = (counts_q + alpha) / (counts_q.sum() + counts_q.size * alpha)
    p_x, q_x = p.sum(axis=1), q.sum(axis=1)
    joint = float(rel_entr(p, q).sum())
    marginal = float(rel_entr(p_x, q_x).sum())
    by_x = []
    for x in range(p.shape[0]):
        if p_x[x] == 0:
            by_x.append(0.0)
        else:
            by_x.append(float(p_x[x] * rel_entr(p[x] / p_x[x], q[x] / q_x[x]).sum()))
    return {"joint": joint, "marginal": marginal, "conditional": float(sum(by_x)),
            "conditional_by_x": by_x}


def case(x_bins, y_bins, alpha):
    rate_p = rng.uniform(0.5, 30.0, size=(x_bins, y_bins))
    rate_q = rate_p * rng.uniform(0.3, 3.0, size=(x_bins, y_bins))
    counts_p = rng.poisson(rate_p)
    counts_q = rng.poisson(rate_q)
    if alpha == 0:
        counts_q += 1  # keep every reference cell nonempty: a finite case
    for counts in (counts_p, counts_q):
        if counts.sum() == 0:
            counts[0, 0] = 1
    return {
        "x_bins": x_bins,
        "y_bins": y_bins,
        "alpha": alpha,
        "current": counts_p.flatten().tolist(),
        "reference": counts_q.flatten().tolist(),
        "expected": split(counts_p.astype(float), counts_q.astype(float), alpha),
    }


def main():
    shapes = [(1, 1), (1, 6), (6, 1), (2, 2), (3, 4), (5, 3), (8, 8), (12, 5)]
    alphas = [0.5, 1.0, 0.01, 0.0]
    oracle = {"cases": [case(x, y, alpha) for x, y in shapes for alpha in alphas]}
    OUTPUT.write_text(json.dumps(oracle, indent=1) + "\n")


if __name__ == "__main__":
    main()
