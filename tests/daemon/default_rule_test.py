#!/usr/bin/python3
"""The default alert rule end to end: a stream with no `alerts` is watched.

Starts the real daemon with a stream that sets no alert rule, captures a
reference of 10,000 events, then sends clean and drifted windows of 1,000
events in two episodes (a 0.3 sd shift of `amount`; `zeros` going from 95%
to 50% zeros; `country` never drifts) and checks, from the SQLite file and
the historical API, what the default rule promises (config/README.md):
  * each drifted feature fires in the first drifted window of each episode
    and resolves after the second clean window: it does not latch, so the
    second episode is reported too; the stable feature never alerts;
  * the zero-inflated feature's reference has a bin of its own for 0
    ("[0, 5e-324)"), so its change is seen at all;
  * p_value_calibrated, p_value_rank, dof_pooled, jsd_corrected and psi_corrected of stored
    windows equal an independent numpy/scipy computation from the window's
    and the reference's counts (tests/divergence/make_oracle.py).
The events come from a fixed seed: every run sends the same windows.
usage: /usr/bin/python3 default_rule_test.py DRIFTD_BINARY
"""
import importlib.util
import json
import math
import os
import pathlib
import random
import sqlite3
import sys
import tempfile

import numpy as np

from driftd_harness import Daemon, check, curl, run, wait_for_windows, write_config

WINDOW = 1000
CAPTURE = 10_000
COUNTRIES = [f"c{i}" for i in range(20)]
COUNTRY_WEIGHTS = [1 / (i + 1) for i in range(20)]

_oracle_path = pathlib.Path(__file__).resolve().parents[1] / "divergence" / "make_oracle.py"
_spec = importlib.util.spec_from_file_location("divergence_oracle", _oracle_path)
oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(oracle)


def events(rng, count, drifted):
    lines = []
    for _ in range(count):
        amount = rng.gauss(0.3 if drifted else 0.0, 1.0)
        zero = rng.random() < (0.5 if drifted else 0.95)
        lines.append(json.dumps({
            "amount": round(amount, 6),
            "zeros": 0.0 if zero else round(rng.lognormvariate(0, 1), 6),
            "country": rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]}))
    return "\n".join(lines) + "\n"


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-default-rule-")
    config_path = write_config(workdir, {
            "storage": {"path": "test.db"},
            "http": {"listen": "127.0.0.1:0", "max_body_bytes": 10_000_000},
            "streams": [{
                "name": "s", "source": {"type": "http"},
                "window": {"type": "count", "events": WINDOW},
                "reference": {"type": "capture", "events": CAPTURE},
                "features": [
                    {"name": "amount", "path": "/amount", "type": "numeric"},
                    {"name": "zeros", "path": "/zeros", "type": "numeric"},
                    {"name": "country", "path": "/country", "type": "categorical"}]}]})

    rng = random.Random(20261203)
    daemon = Daemon(binary, workdir, config_path)
    status, _ = curl(daemon.url("/v1/streams/s/events"), events(rng, CAPTURE, False).encode())
    check(status == 202, "reference capture accepted")
    # Windows 0-4 clean, 5-7 drifted, 8-11 clean, 12-14 drifted, 15-18 clean.
    plan = [False] * 5 + [True] * 3 + [False] * 4 + [True] * 3 + [False] * 4
    for drifted in plan:
        status, _ = curl(daemon.url("/v1/streams/s/events"), events(rng, WINDOW, drifted).encode())
        check(status == 202, "window accepted")
    db_path = os.path.join(workdir, "test.db")
    check(wait_for_windows(db_path, "amount", len(plan)) == len(plan), f"{len(plan)} windows closed")

    with sqlite3.connect(db_path) as db:
        for feature in ("amount", "zeros"):
            alerts = db.execute(
                "SELECT window_start / ?1, resolved_at IS NOT NULL FROM alerts "
                "WHERE feature = ?2 ORDER BY id", (WINDOW, feature)).fetchall()
            check([a[0] for a in alerts] == [5, 12],
                  f"{feature}: fired in the first drifted window of both episodes ({alerts})")
            resolved = db.execute(
                "SELECT payload FROM alert_events WHERE json_extract(payload, '$.feature') = ?1 "
                "AND json_extract(payload, '$.transition') = 'resolved' ORDER BY id",
                (feature,)).fetchall()
            windows = [json.loads(r[0])["window"]["start"] // WINDOW for r in resolved]
            check(windows == [9, 16], f"{feature}: resolved after two clean windows ({windows})")
        stable = db.execute("SELECT count(*) FROM alerts WHERE feature='country'").fetchone()[0]
        check(stable == 0, "the stable feature never alerts")
        ids = [row[0] for row in db.execute(
            "SELECT id FROM window_metrics ORDER BY id").fetchall()]

    status, text = curl(daemon.url("/v1/references/s/zeros"))
    labels = [b["label"] for b in json.loads(text)["bins"]] if status == 200 else []
    check("[0, 5e-324)" in labels, f"the zero-inflated reference has a bin for 0 ({labels})")

    compared = 0
    for window_id in ids[::7]:
        status, text = curl(daemon.url(f"/v1/windows/{window_id}"))
        check(status == 200, f"GET /v1/windows/{window_id}")
        window = json.loads(text)
        c = np.array([b["count"] for b in window["bins"]], dtype=float)
        d = np.array([b["reference_count"] for b in window["bins"]], dtype=float)
        dof_pooled, p_value = oracle.calibrated_g_test(c, d)
        numeric = window["feature"] != "country"
        p_value_rank = oracle.rank_p_value(c, d) if numeric else 1.0
        if numeric:  # ordered bins: the pooled G-test and the rank test, Bonferroni
            p_value = min(1.0, 2 * min(p_value, p_value_rank))
        null_jsd, null_psi = oracle.null_expectation(c, d, window["smoothing_alpha"])
        got = window["measures"]
        name = f"window {window_id} ({window['feature']})"
        check(got["dof_pooled"] == dof_pooled, f"{name}: dof_pooled as numpy")
        check(math.isclose(got["p_value_calibrated"], p_value, rel_tol=1e-9, abs_tol=1e-300),
              f"{name}: p_value_calibrated {got['p_value_calibrated']} as scipy {p_value}")
        check(math.isclose(got["p_value_rank"], p_value_rank, rel_tol=1e-9, abs_tol=1e-300),
              f"{name}: p_value_rank as scipy's mannwhitneyu")
        check(math.isclose(got["jsd_corrected"], got["jsd"] - null_jsd, rel_tol=1e-9, abs_tol=1e-12),
              f"{name}: jsd_corrected as numpy")
        check(math.isclose(got["psi_corrected"], got["psi"] - null_psi, rel_tol=1e-9, abs_tol=1e-12),
              f"{name}: psi_corrected as numpy")
        compared += 1
    check(compared >= 5, f"{compared} stored windows checked against numpy")
    check(daemon.stop() == 0, "SIGTERM exits 0")


if __name__ == "__main__":
    run(main)
