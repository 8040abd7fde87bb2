#!/usr/bin/env python3
"""Recomputes `driftctl compare --pairs ... --groups ...` with numpy and scipy.

Two generated CSV files in which every column keeps its distribution but
the dependence between x and y flips (correlation +0.8 in the reference,
-0.8 in the current file), and the categorical c, the quartile of x in the
reference, is the reversed quartile in the current file. z and w do not
change; some cells are empty, "nan" or "inf".

Checked, independently of driftctl's code:
- the single columns show no drift: jsd_corrected < 0.003;
- each pair's joint tables (bins recomputed as metrics.md defines them,
  with check_compare_with_numpy.py's edges and category dictionary), its
  complete and incomplete row counts, every joint measure and the G-tests
  (check_compare_with_numpy.py's expected_measures on the flattened cells),
  the chain-rule split in both orders from the smoothed joint, to 1e-9
  relative, the identity joint = marginal + conditional, and the top x bins;
  for x:y and x:c a large conditional term and a small marginal one;
- each group's complete rows, Gaussian KL and its parts, the location part
  by feature (numpy means and covariances), Hotelling's T^2 and its p-value
  (scipy's F distribution) to 1e-9 relative, Box's M and its p-value
  (scipy's chi-square) to 1e-6; for x,y,z a large shape term.
Exits non-zero on any difference.

usage: /usr/bin/python3 check_joint_compare_with_numpy.py DRIFTCTL
"""
import csv
import importlib.util
import json
import math
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
from scipy.special import rel_entr
from scipy.stats import chi2, f as f_distribution

BINS = 8  # 8 x 8 joint cells: within the 64 bins the calibrated oracle covers
PAIRS = [("x", "y"), ("x", "c"), ("c", "y")]
GROUPS = [("x", "y", "z"), ("z", "w")]

_compare_path = pathlib.Path(__file__).resolve().parent / "check_compare_with_numpy.py"
_spec = importlib.util.spec_from_file_location("compare_oracle", _compare_path)
compare_oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_oracle)
ALPHA = compare_oracle.ALPHA

failures = []


def close(what, got, want, rel_tol, abs_tol=0.0):
    if got is None or not math.isclose(got, want, rel_tol=rel_tol, abs_tol=abs_tol):
        failures.append(f"{what}: driftctl {got!r}, numpy/scipy {want!r}")


def require(what, condition):
    if not condition:
        failures.append(what)


def generate(rows, rho, reverse, seed):
    """Columns as CSV text cells: x and y with correlation rho, c the quartile
    of x (reversed when asked) with noise, z and w independent of them."""
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(rows)
    v = rho * u + math.sqrt(1 - rho * rho) * rng.standard_normal(rows)
    quartile = np.searchsorted([-0.6744897501960817, 0.0, 0.6744897501960817], u)
    if reverse:
        quartile = 3 - quartile
    noise = rng.random(rows) < 0.2
    quartile[noise] = rng.integers(0, 4, noise.sum())
    z = rng.standard_normal(rows)
    columns = {
        "x": [repr(value) for value in 50 + 10 * u],
        "y": [repr(value) for value in 3 + 2 * v],
        "c": ["abcd"[q] for q in quartile],
        "z": [repr(value) for value in 0.5 * z],
        "w": [repr(value) for value in 100 + 5 * (0.6 * z + 0.8 * rng.standard_normal(rows))],
    }
    for name, rate in (("x", 0.01), ("y", 0.01), ("c", 0.005), ("z", 0.01)):
        for row in np.flatnonzero(rng.random(rows) < rate):
            columns[name][row] = ""
    for row in rng.choice(rows, 20, replace=False):
        columns["y"][row] = "nan"
    for row in rng.choice(rows, 5, replace=False):
        columns["z"][row] = "inf" if row % 2 else "-inf"
    return columns


def write_csv(path, columns):
    names = list(columns)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(names)
        out.writerows(zip(*(columns[name] for name in names)))


def row_bins(name, ref, cur):
    """Each row's bin on both sides (-1: missing) and the bin count."""
    if name == "c":
        index, other = compare_oracle.category_bins(ref[name], cur[name])
        bins = lambda cells: np.array([index.get(v, other) if v != "" else -1 for v in cells])
        return bins(ref[name]), bins(cur[name]), other + 1
    edges = compare_oracle.numeric_edges(ref[name], BINS, "quantile")
    def bins(cells):
        values = np.array([float(v) if v != "" else np.nan for v in cells])
        return np.where(np.isnan(values), -1, np.searchsorted(edges, values, side="right"))
    return bins(ref[name]), bins(cur[name]), len(edges) + 1


def joint_table(x_rows, y_rows, x_bins, y_bins):
    complete = (x_rows >= 0) & (y_rows >= 0)
    cells = np.zeros((x_bins, y_bins), dtype=np.int64)
    np.add.at(cells, (x_rows[complete], y_rows[complete]), 1)
    return cells, int((~complete).sum())


def chain_rule(p_cells, q_cells):
    """marginal, conditional, joint and the conditional by x, from the
    smoothed joint (rows: the conditioning variable)."""
    p = (p_cells + ALPHA) / (p_cells.sum() + p_cells.size * ALPHA)
    q = (q_cells + ALPHA) / (q_cells.sum() + q_cells.size * ALPHA)
    p_x, q_x = p.sum(axis=1), q.sum(axis=1)
    by_x = p_x * rel_entr(p / p_x[:, None], q / q_x[:, None]).sum(axis=1)
    return rel_entr(p_x, q_x).sum(), by_x.sum(), rel_entr(p, q).sum(), by_x


def check_label(what, label, x, ref, cur, x_name):
    if x_name == "c":
        index, other = compare_oracle.category_bins(ref["c"], cur["c"])
        names = {i: c for c, i in index.items()} | {other: "__other__"}
        require(f"{what}: label {label!r}, bin {x} is {names[x]!r}", label == names[x])
        return
    edges = [-math.inf] + list(compare_oracle.numeric_edges(ref[x_name], BINS, "quantile")) + [math.inf]
    low, high = (float(part) for part in label[1:-1].split(", "))
    require(f"{what}: label {label!r} is not bin {x}", (low, high) == (edges[x], edges[x + 1]))


def check_pair(got, ref, cur):
    x, y = got["x"], got["y"]
    name = f"pair {x}:{y}"
    x_ref, x_cur, x_bins = row_bins(x, ref, cur)
    y_ref, y_cur, y_bins = row_bins(y, ref, cur)
    q_cells, incomplete_ref = joint_table(x_ref, y_ref, x_bins, y_bins)
    p_cells, incomplete = joint_table(x_cur, y_cur, x_bins, y_bins)
    require(f"{name}: bins {got['x_bins']}x{got['y_bins']}, numpy {x_bins}x{y_bins}",
            (got["x_bins"], got["y_bins"]) == (x_bins, y_bins))
    require(f"{name}: cells differ", np.array_equal(np.array(got["cells"]), p_cells))
    require(f"{name}: cells_ref differ", np.array_equal(np.array(got["cells_ref"]), q_cells))
    counts = (got["n"], got["incomplete"], got["n_ref"], got["incomplete_ref"])
    want = (p_cells.sum(), incomplete, q_cells.sum(), incomplete_ref)
    require(f"{name}: n, incomplete, n_ref, incomplete_ref {counts}, numpy {want}", counts == want)

    measures = compare_oracle.expected_measures(p_cells.ravel(), q_cells.ravel(), False)
    for key, value in measures.items():
        close(f"{name} joint.{key}", got["joint"][key], value, 1e-9, 1e-12)
    for order, p_table, q_table in (("given_x", p_cells, q_cells),
                                    ("given_y", p_cells.T, q_cells.T)):
        split = got[order]
        marginal, conditional, joint, by_x = chain_rule(p_table, q_table)
        close(f"{name} {order}.marginal", split["marginal"], marginal, 1e-9)
        close(f"{name} {order}.conditional", split["conditional"], conditional, 1e-9)
        close(f"{name} {order}.joint", split["joint"], joint, 1e-9)
        close(f"{name} {order}: marginal + conditional = joint",
              split["marginal"] + split["conditional"], split["joint"], 1e-12)
        close(f"{name} {order}.joint = joint.kl_pq", split["joint"], got["joint"]["kl_pq"], 1e-12)
        if order == "given_x":
            top = [b for b in sorted(range(x_bins), key=lambda b: (-by_x[b], b)) if by_x[b] > 0][:5]
            require(f"{name} top_x bins {[t['bin'] for t in got['top_x']]}, numpy {top}",
                    [t["bin"] for t in got["top_x"]] == top)
            for entry in got["top_x"]:
                close(f"{name} top_x[{entry['bin']}]", entry["contribution"], by_x[entry["bin"]], 1e-9)
                check_label(f"{name} top_x", entry["label"], entry["bin"], ref, cur, x)
    return got["given_x"]


def complete_rows(columns, features):
    values = np.array([[float(v) if v != "" else np.nan for v in columns[name]]
                       for name in features]).T
    complete = np.isfinite(values).all(axis=1)
    return values[complete], int((~complete).sum())


def check_group(got, ref, cur):
    features = got["features"]
    name = "group " + ",".join(features)
    rows_q, incomplete_ref = complete_rows(ref, features)
    rows_p, incomplete = complete_rows(cur, features)
    n, m, d = len(rows_p), len(rows_q), len(features)
    counts = (got["n"], got["incomplete"], got["n_ref"], got["incomplete_ref"])
    require(f"{name}: n, incomplete, n_ref, incomplete_ref {counts}, numpy "
            f"{(n, incomplete, m, incomplete_ref)}", counts == (n, incomplete, m, incomplete_ref))
    mu_p, mu_q = rows_p.mean(axis=0), rows_q.mean(axis=0)
    s_p, s_q = np.cov(rows_p.T, ddof=1), np.cov(rows_q.T, ddof=1)
    delta = mu_q - mu_p
    s_q_delta = np.linalg.solve(s_q, delta)
    logdet = lambda s: np.linalg.slogdet(s)[1]
    location = 0.5 * delta @ s_q_delta
    shape = 0.5 * (np.trace(np.linalg.solve(s_q, s_p)) - d)
    scale = 0.5 * (logdet(s_q) - logdet(s_p))
    gaussian = got["gaussian"]
    close(f"{name} gaussian.location", gaussian["location"], location, 1e-9)
    close(f"{name} gaussian.shape", gaussian["shape"], shape, 1e-9)
    close(f"{name} gaussian.scale", gaussian["scale"], scale, 1e-9, 1e-12)
    close(f"{name} gaussian.kl", gaussian["kl"], location + shape + scale, 1e-9)
    for i, feature in enumerate(features):
        close(f"{name} location_by_feature.{feature}", got["location_by_feature"][feature],
              0.5 * delta[i] * s_q_delta[i], 1e-9, 1e-15)

    big_n = n + m
    pooled = ((n - 1) * s_p + (m - 1) * s_q) / (big_n - 2)
    t2 = n * m / big_n * delta @ np.linalg.solve(pooled, delta)
    f_value = (big_n - d - 1) / (d * (big_n - 2)) * t2
    close(f"{name} t2.statistic", got["t2"]["statistic"], t2, 1e-9)
    close(f"{name} t2.f", got["t2"]["f"], f_value, 1e-9)
    require(f"{name} t2 dof", (got["t2"]["dof1"], got["t2"]["dof2"]) == (d, big_n - d - 1))
    close(f"{name} t2.p_value", got["t2"]["p_value"],
          f_distribution.sf(f_value, d, big_n - d - 1), 1e-9)
    box_m = (big_n - 2) * logdet(pooled) - (n - 1) * logdet(s_p) - (m - 1) * logdet(s_q)
    c = (2 * d * d + 3 * d - 1) / (6 * (d + 1)) * (1 / (n - 1) + 1 / (m - 1) - 1 / (big_n - 2))
    dof = d * (d + 1) / 2
    close(f"{name} box_m.uncorrected", got["box_m"]["uncorrected"], box_m, 1e-9)
    close(f"{name} box_m.statistic", got["box_m"]["statistic"], box_m * (1 - c), 1e-9)
    require(f"{name} box_m dof", got["box_m"]["dof"] == dof)
    close(f"{name} box_m.p_value", got["box_m"]["p_value"], chi2.sf(box_m * (1 - c), dof), 1e-6)
    return gaussian, got["box_m"]["p_value"]


def main():
    driftctl = sys.argv[1]
    with tempfile.TemporaryDirectory() as directory:
        ref = generate(20000, 0.8, False, seed=11)
        cur = generate(10000, -0.8, True, seed=12)
        write_csv(f"{directory}/reference.csv", ref)
        write_csv(f"{directory}/current.csv", cur)
        out = subprocess.run(
            [driftctl, "compare", "--reference", f"{directory}/reference.csv", "--current",
             f"{directory}/current.csv", "--bins", str(BINS), "--format", "json",
             "--pairs", ",".join(f"{x}:{y}" for x, y in PAIRS),
             *(arg for group in GROUPS for arg in ("--groups", ",".join(group)))],
            check=True, capture_output=True, text=True).stdout
    result = json.loads(out)

    for name, column in result["features"].items():
        require(f"column {name}: jsd_corrected {column['jsd_corrected']} >= 0.003",
                column["jsd_corrected"] < 0.003)
    require("pairs in the order given",
            [(p["x"], p["y"]) for p in result["pairs"]] == PAIRS)
    for got in result["pairs"]:
        given_x = check_pair(got, ref, cur)
        if got["x"] == "x":  # y and c given x: the relationship flipped, x did not move
            require(f"pair {got['name']}: conditional {given_x['conditional']} not large",
                    given_x["conditional"] > 0.3)
            require(f"pair {got['name']}: marginal {given_x['marginal']} not small",
                    given_x["marginal"] < 0.003)
    require("groups in the order given",
            [tuple(g["features"]) for g in result["groups"]] == GROUPS)
    for got in result["groups"]:
        gaussian, box_m_p_value = check_group(got, ref, cur)
        if got["name"] == "x,y,z":
            require(f"group x,y,z: shape {gaussian['shape']} not large", gaussian["shape"] > 1)
            require(f"group x,y,z: Box's M p-value {box_m_p_value} not tiny", box_m_p_value < 1e-12)
        else:
            require(f"group z,w: shape {gaussian['shape']} not small", abs(gaussian["shape"]) < 0.05)

    for failure in failures:
        print(failure)
    print("driftctl compare --pairs/--groups matches numpy/scipy" if not failures
          else f"{len(failures)} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
