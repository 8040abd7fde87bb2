#!/usr/bin/python3
"""Writes tests/fixtures/divergence_oracle.json: divergence measures and G-tests
computed with scipy, the oracle test_divergence compares the C++ code with.

Run with Debian's interpreter, which has scipy and numpy:
    /usr/bin/python3 tests/divergence/make_oracle.py

Every measure follows docs/metrics.md, from scipy's own functions where scipy
has one: rel_entr (KL), jensenshannon (natural log), entropy, xlogy (cross
entropy) and chi2_contingency(correction=False, lambda_="log-likelihood")
(G-test). The calibrated G-test pools adjacent bins until both expected
counts reach 5 and applies Williams' correction (lib/divergence/calibrated_g_test.h),
here with numpy and scipy's chi2_contingency on the pooled table. The null
expectation behind jsd_corrected and psi_corrected (lib/divergence/null_expectation.h)
is computed from scipy's binomial pmf (small counts) and fourth-order expansions
(large ones); for cases small enough, "null_exact" also holds it from every point
of the binomials' supports, which bounds the error of the expansions. Hellinger is sqrt(sum (sqrt p - sqrt q)^2 / 2); the script checks
that it agrees with the metrics.md form sqrt(1 - sum sqrt(p q)).

JSON has no infinity: +inf is written as the string "inf".
"""

import json
import math
import pathlib

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr, xlogy
from scipy.stats import binom, chi2, chi2_contingency, entropy, mannwhitneyu

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "divergence_oracle.json"
rng = np.random.default_rng(20240611)


def number(x):
    x = float(x)
    assert not math.isnan(x)
    if math.isinf(x):
        assert x > 0
        return "inf"
    return x


def measures(p, q):
    """Every measure of metrics.md for two distributions (each summing to 1)."""
    kl_pq = rel_entr(p, q).sum()
    kl_qp = rel_entr(q, p).sum()
    js_distance = jensenshannon(p, q)
    hellinger = math.sqrt(0.5 * ((np.sqrt(p) - np.sqrt(q)) ** 2).sum())
    definition = math.sqrt(max(0.0, 1.0 - math.fsum(np.sqrt(p * q))))
    assert abs(hellinger - definition) < 1e-7, (hellinger, definition)
    return {
        "kl_pq": number(kl_pq),
        "kl_qp": number(kl_qp),
        "jsd": number(js_distance**2),
        "js_distance": number(js_distance),
        "tv": number(0.5 * np.abs(p - q).sum()),
        "pinsker_bound": number(math.sqrt(kl_pq / 2)),
        "hellinger": number(hellinger),
        "psi": number(kl_pq + kl_qp),
        "entropy_p": number(entropy(p)),
        "entropy_q": number(entropy(q)),
        "cross_entropy_pq": number(-xlogy(p, q).sum()),
    }


def probability_case(name, p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    return {
        "name": name,
        "p": [float(x) for x in p],
        "q": [float(x) for x in q],
        "measures": measures(p / p.sum(), q / q.sum()),
    }


def rank_p_value(c, d):
    """Two-sided Mann-Whitney U on the bin indices, ties by mid-rank, normal
    approximation without continuity correction (scipy)."""
    if ((c + d) > 0).sum() < 2:
        return 1.0
    bins = np.arange(len(c))
    x, y = np.repeat(bins, c.astype(np.int64)), np.repeat(bins, d.astype(np.int64))
    return float(mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                              use_continuity=False).pvalue)


def count_case(name, p_counts, q_counts, alpha, ordered=False):
    p_counts = [int(c) for c in p_counts]
    q_counts = [int(c) for c in q_counts]
    c = np.asarray(p_counts, dtype=float)
    d = np.asarray(q_counts, dtype=float)
    bins = len(c)
    n, m = c.sum(), d.sum()
    p = (c + alpha) / (n + bins * alpha)
    q = (d + alpha) / (m + bins * alpha)
    result = measures(p, q)

    occupied = (c + d) > 0
    if occupied.sum() >= 2:
        table = np.vstack([c[occupied], d[occupied]])
        g, p_value, dof, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    else:
        g, p_value, dof = 0.0, 1.0, 0
    assert dof == occupied.sum() - 1
    kl_pq = rel_entr(p, q).sum()
    dof_pooled, p_value_pooled = calibrated_g_test(c, d)
    p_value_rank = rank_p_value(c, d) if ordered else 1.0
    p_value_calibrated = min(1.0, 2 * min(p_value_pooled, p_value_rank)) if ordered else p_value_pooled
    null_jsd, null_psi = null_expectation(c, d, alpha)
    psi = kl_pq + rel_entr(q, p).sum()
    extra = {}
    if n <= 20000 and m <= 20000:
        extra["null_exact"] = dict(zip(("jsd", "psi"), map(number, null_expectation(c, d, alpha, True))))
    return extra | {
        "name": name,
        "p_counts": p_counts,
        "q_counts": q_counts,
        "alpha": alpha,
        "order": "ordered" if ordered else "unordered",
        "measures": result,
        "significance": {
            "g_statistic": number(g),
            "dof": int(dof),
            "p_value": number(p_value),
            "kl_pq_corrected": number(max(0.0, kl_pq - dof / 2 * (1 / n + 1 / m))),
            "dof_pooled": dof_pooled,
            "p_value_calibrated": number(p_value_calibrated),
            "p_value_rank": number(p_value_rank),
            "jsd_corrected": number(result["jsd"] - null_jsd),
            "psi_corrected": number(psi - null_psi if alpha > 0 else psi),
        },
        "null": {"jsd": number(null_jsd), "psi": number(null_psi)},
    }


MIN_EXPECTED = 5.0
EXACT_BELOW_SD = 3.0
PAIR_EXPAND_FROM_SD = 1.5


def calibrated_g_test(c, d):
    """Pools adjacent bins until min(n, m) C_g / N >= 5, then Williams-corrected G."""
    n, m = c.sum(), d.sum()
    total = n + m
    groups, open_group = [], np.zeros(2)
    for k in range(len(c)):
        open_group += (c[k], d[k])
        if min(n, m) * open_group.sum() / total >= MIN_EXPECTED:
            groups.append(open_group)
            open_group = np.zeros(2)
    if open_group.sum() > 0 and groups:
        groups[-1] = groups[-1] + open_group
    if len(groups) < 2:
        return 0, 1.0
    table = np.array(groups).T
    g, _, dof, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert dof == len(groups) - 1
    columns = table.sum(axis=0)
    williams = 1 + (total * (1 / n + 1 / m) - 1) * (total * (1 / columns).sum() - 1) / (6 * total * dof)
    return int(dof), float(chi2.sf(g / williams, dof))


def side(trials, pi, alpha, denominator, exact=False):
    """One side of a bin: ("points", values, weights) for an exact count
    distribution, else ("moments", mean, m2, m3, m4) on the scale of smoothed
    probabilities."""
    mean = trials * pi
    variance = trials * pi * (1 - pi)
    sd = math.sqrt(variance)
    if sd == 0:
        return "points", np.array([(mean + alpha) / denominator]), np.array([1.0])
    if not exact:
        d = denominator
        m4 = 3 * variance ** 2 + variance * (1 - 6 * pi * (1 - pi))
        return "moments", (mean + alpha) / d, variance / d**2, variance * (1 - 2 * pi) / d**3, m4 / d**4
    reach = 40 * max(sd, 1.0) + 40
    counts = np.arange(max(0, math.floor(mean - reach)), min(trials, math.ceil(mean + reach)) + 1)
    pmf = binom.pmf(counts, trials, pi)
    keep = pmf >= 1e-16 * pmf.max()
    return "points", (counts[keep] + alpha) / denominator, pmf[keep] / pmf[keep].sum()


def jsd_term(x, y):
    half = (x + y) / 2
    return 0.5 * (xlogy(x, x) + xlogy(y, y)) - xlogy(half, half)


def psi_term(x, y):
    return (x - y) * (np.log(x) - np.log(y))


def term_derivatives(measure, x, y):
    """d2, d3, d4 of the term in x at (x, y), and d4/dx2dy2."""
    if measure is psi_term:
        return 1 / x + y / x**2, -1 / x**2 - 2 * y / x**3, 2 / x**3 + 6 * y / x**4, 0.0
    s = (x + y) / 2
    return 1 / (2 * x) - 1 / (4 * s), -1 / (2 * x**2) + 1 / (8 * s**2), 1 / x**3 - 1 / (16 * s**3), -1 / (8 * s**3)


def expand(measure, moments, y):
    _, mean, m2, m3, m4 = moments
    d2, d3, d4, _ = term_derivatives(measure, mean, y)
    return measure(mean, y) + d2 * m2 / 2 + d3 * m3 / 6 + d4 * m4 / 24


def expectation(measure, p, q):
    if p[0] == "points" and q[0] == "points":
        weights = p[2][:, None] * q[2][None, :]
        return (weights * measure(p[1][:, None], q[1][None, :])).sum()
    if p[0] == "points":
        return sum(w * expand(measure, q, x) for x, w in zip(p[1], p[2]))
    if q[0] == "points":
        return sum(w * expand(measure, p, y) for y, w in zip(q[1], q[2]))
    d2, d3, d4, mixed = term_derivatives(measure, q[1], p[1])
    return expand(measure, p, q[1]) + d2 * q[2] / 2 + d3 * q[3] / 6 + d4 * q[4] / 24 + mixed * p[2] * q[2] / 4


def null_expectation(c, d, alpha, exact=False):
    """E[jsd] and E[psi] of the smoothed measures when both sides follow the pooled pi:
    exact sums over small binomials (sd < 3; of two, only the smaller if the larger
    is at least 1.5), fourth-order expansions over the others; exact=True sums over
    every count of both."""
    n, m, bins = int(c.sum()), int(d.sum()), len(c)
    jsd = psi = 0.0
    for k in range(bins):
        pi = (c[k] + d[k]) / (n + m)
        sd_p, sd_q = math.sqrt(n * pi * (1 - pi)), math.sqrt(m * pi * (1 - pi))
        exact_p, exact_q = exact or sd_p < EXACT_BELOW_SD, exact or sd_q < EXACT_BELOW_SD
        if not exact and exact_p and exact_q and max(sd_p, sd_q) >= PAIR_EXPAND_FROM_SD:
            if sd_p >= sd_q:
                exact_p = False
            else:
                exact_q = False
        p = side(n, pi, alpha, n + bins * alpha, exact_p)
        q = side(m, pi, alpha, m + bins * alpha, exact_q)
        jsd += expectation(jsd_term, p, q)
        if alpha > 0:
            psi += expectation(psi_term, p, q)
    return jsd, (psi if alpha > 0 else math.inf)


def dirichlet(bins, concentration=1.0):
    return rng.dirichlet(np.full(bins, concentration))


def multinomial(total, probabilities):
    return rng.multinomial(total, probabilities)


def cases():
    seed_p, seed_q = [0.5, 0.25, 0.25], [0.4, 0.4, 0.2]
    yield probability_case("seed example", seed_p, seed_q)
    yield probability_case("seed example reversed", seed_q, seed_p)
    yield probability_case("identical uniform", [0.25] * 4, [0.25] * 4)
    yield probability_case("one bin", [1.0], [1.0])
    yield probability_case("two bins", [0.3, 0.7], [0.6, 0.4])
    yield probability_case("zero in p only", [0.5, 0.0, 0.5], [0.2, 0.3, 0.5])
    yield probability_case("zero in q only", [0.2, 0.3, 0.5], [0.5, 0.0, 0.5])
    yield probability_case("disjoint supports", [0.6, 0.4, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7])
    yield probability_case("very skewed", [1 - 3e-12, 1e-12, 1e-12, 1e-12], [0.25] * 4)
    yield probability_case("sums to 1 within 1e-6 (renormalised)",
                           [0.5 + 4e-7, 0.3, 0.2], [0.1, 0.6, 0.3 - 3e-7])
    yield probability_case("random 10 bins", dirichlet(10), dirichlet(10))
    yield probability_case("random 1000 bins", dirichlet(1000), dirichlet(1000))
    yield probability_case("random 1031 bins, sparse", dirichlet(1031, 0.1), dirichlet(1031, 0.1))

    seed_counts = ([50, 25, 25], [40, 40, 20])
    for alpha in (0.0, 0.5, 1.0):
        yield count_case(f"seed counts, alpha {alpha}", *seed_counts, alpha)
    zeros = ([10, 0, 5, 0], [0, 8, 4, 0])
    for alpha in (0.0, 0.5, 1.0):
        yield count_case(f"zeros on both sides and an empty bin, alpha {alpha}", *zeros, alpha)
    yield count_case("empty reference bin, alpha 0", [3, 4, 5], [6, 0, 9], 0.0)
    yield count_case("identical counts", [7, 1, 0, 12], [7, 1, 0, 12], 0.5)
    yield count_case("proportional counts", [20, 6, 14], [10, 3, 7], 0.0)
    yield count_case("one occupied bin", [0, 7, 0], [0, 3, 0], 0.5)
    yield count_case("two bins", [30, 70], [55, 45], 0.5)
    reference = dirichlet(10, 2.0)
    yield count_case("small window against a large reference",
                     multinomial(12, reference), multinomial(10000, reference), 0.5)
    shape = dirichlet(64, 2.0)
    yield count_case("64 bins, same distribution",
                     multinomial(5000, shape), multinomial(5000, shape), 0.5)
    yield count_case("64 bins, shifted",
                     multinomial(5000, np.roll(shape, 3)), multinomial(5000, shape), 0.5)
    yield count_case("256 bins, sparse, alpha 0.5",
                     multinomial(800, dirichlet(256, 0.2)), multinomial(900, dirichlet(256, 0.2)), 0.5)
    yield count_case("1000 bins, alpha 0", multinomial(10**6, dirichlet(1000)),
                     multinomial(10**6, dirichlet(1000)), 0.0)
    yield count_case("very skewed counts", [10**9, 1, 0, 0], [1, 10**9, 0, 2], 0.5)
    yield count_case("huge counts", multinomial(10**13, dirichlet(20)),
                     multinomial(3 * 10**12, dirichlet(20)), 0.5)
    yield count_case("tiny p-value", [400, 100, 100, 400], [100, 400, 400, 100], 0.5)
    yield count_case("p-value near 0.5", [52, 48, 50, 50], [50, 50, 49, 51], 0.5)
    zipf = 1 / np.arange(1, 65) ** 1.6
    zipf /= zipf.sum()
    yield count_case("64 Zipf bins, sparse window", multinomial(150, zipf), multinomial(10000, zipf), 0.5)
    yield count_case("64 Zipf bins, window larger than the reference",
                     multinomial(10000, zipf), multinomial(1000, zipf), 0.5)
    yield count_case("10 bins, moderate counts on both sides",
                     multinomial(2000, dirichlet(10, 5.0)), multinomial(2500, dirichlet(10, 5.0)), 0.5)
    yield count_case("nothing pools to two groups", [1, 2, 0, 1], [3, 1, 2, 0], 0.5)
    yield count_case("a remainder joins the last group", [9, 8, 7, 1, 0], [10, 9, 8, 0, 1], 0.5)
    normal = np.diff(np.concatenate([[0.0], np.linspace(0.05, 0.95, 19), [1.0]]))
    yield count_case("ordered: no shift", multinomial(500, normal), multinomial(10000, normal), 0.5, True)
    shifted = np.roll(normal, 1) * 0.3 + normal * 0.7
    yield count_case("ordered: shifted up", multinomial(200, shifted), multinomial(10000, normal), 0.5, True)
    yield count_case("ordered: ties in one bin", [950, 30, 20], [9500, 320, 180], 0.5, True)
    yield count_case("ordered: one occupied bin", [0, 40, 0], [0, 90, 0], 0.5, True)
    yield count_case("ordered: rank test decides", [10, 20, 30, 40, 50, 60], [60, 50, 40, 30, 20, 10], 0.5, True)


def main():
    document = {
        "generator": "tests/divergence/make_oracle.py",
        "cases": list(cases()),
    }
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {len(document['cases'])} cases to {OUTPUT}")


if __name__ == "__main__":
    main()
