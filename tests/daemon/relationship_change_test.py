#!/usr/bin/python3
"""Joint drift end to end: two features keep their own distributions exactly
while their relationship flips, and only the pair and the group see it. The
real daemon, curl and the SQLite file.

  x ~ N(0, 1) and y = rho x + sqrt(1 - rho^2) e, e ~ N(0, 1): y ~ N(0, 1)
  whatever rho. The reference and the first windows have rho = +0.8, the
  drifted windows rho = -0.8. Nothing univariate can tell them apart.

  * no feature alert, ever (the default feature rule on x and y);
  * the pair "y|x" (kl_conditional) and the group "xy" (gaussian_shape)
    alert within 2 windows of 1,000 events, and not before the drift;
  * the pair's rows say "relationship changed", with the alert's direction;
  * every stored pair row holds the chain rule to 1e-12 relative, in both
    orders: kl_joint = kl_marginal_x + kl_conditional_y_given_x
                     = kl_marginal_y + kl_conditional_x_given_y;
  * GET /v1/metrics and /v1/joint-windows/{id} answer for them;
  * kill -9 with a window half full, then a restart: the window closes with
    exactly 1,000 events in every row (the checkpoint holds the pair's cells
    and the group's sums), and the references are the stored ones.

usage: relationship_change_test.py DRIFTD_BINARY
"""
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile

from driftd_harness import Daemon, check, curl, fail, run, wait_for, write_config

CAPTURE = 5000
WINDOW = 1000
P_GATE = 0.0002


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-joint-")
    gated = {"min_samples": 100, "max_p_value": P_GATE, "resolve_p_value": 0.01,
             "resolve_after": 2}
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": CAPTURE},
            "features": [
                {"name": "x", "path": "/x", "type": "numeric", "bins": 8},
                {"name": "y", "path": "/y", "type": "numeric", "bins": 8}],
            "pairs": [{"name": "y|x", "x": "x", "y": "y"}],
            "groups": [{"name": "xy", "features": ["x", "y"]}],
            "alerts": [
                dict({"metric": "jsd_corrected", "warn": 0.003, "critical": 0.05,
                      "resolve_below": 0.0015}, **gated),
                dict({"metric": "kl_conditional", "warn": 0.01, "critical": 0.5}, **gated),
                dict({"metric": "gaussian_shape", "warn": 0.01, "critical": 0.5}, **gated)]}]})
    rng = random.Random(11)

    def body(n, rho):
        lines = []
        spread = math.sqrt(1 - rho * rho)
        for _ in range(n):
            x = rng.gauss(0.0, 1.0)
            y = rho * x + spread * rng.gauss(0.0, 1.0)
            lines.append(json.dumps({"x": x, "y": y}) + "\n")
        return "".join(lines).encode()

    def send(daemon, text):
        status, answer = curl(daemon.url("/v1/streams/s/events"), text)
        if status != 202:
            fail(f"ingest answered {status}: {answer}")

    db = sqlite3.connect(os.path.join(workdir, "test.db"))

    def joint_rows():
        return db.execute("SELECT count(*) FROM joint_window_metrics").fetchone()[0]

    def alerts():
        return db.execute("SELECT feature, metric, state FROM alerts ORDER BY id").fetchall()

    daemon = Daemon(binary, workdir, config_path)
    send(daemon, body(CAPTURE, 0.8))
    refs = db.execute("SELECT name, kind, n FROM joint_references ORDER BY name").fetchall()
    check(refs == [("xy", "group", CAPTURE), ("y|x", "pair", CAPTURE)],
          f"the capture stores the pair's and the group's references: {refs}")

    # Three windows without drift: nothing fires.
    for window in range(3):
        send(daemon, body(WINDOW, 0.8))
    wait_for(lambda: joint_rows() == 6, 30, "3 windows of the pair and the group")
    check(alerts() == [], f"no alert before the drift: {alerts()}")

    # The relationship flips; the marginals do not move.
    for window in range(2):
        send(daemon, body(WINDOW, -0.8))
    wait_for(lambda: joint_rows() == 10, 30, "2 drifted windows")
    fired = {(feature, metric) for feature, metric, state in alerts()}
    check(fired == {("y|x", "kl_conditional"), ("xy", "gaussian_shape")},
          f"the pair and the group alert within 2 windows, no feature does: {alerts()}")
    verdicts = [v for (v,) in db.execute(
        "SELECT verdict FROM joint_window_metrics WHERE kind = 'pair' ORDER BY window_start")]
    check(verdicts[3:] == ["relationship changed"] * 2 and
          all(v != "relationship changed" for v in verdicts[:3]),
          f"the drifted pair rows say 'relationship changed', the others do not: {verdicts}")
    evidence = json.loads(db.execute(
        "SELECT evidence FROM alerts WHERE feature = 'y|x'").fetchone()[0])
    check(evidence["direction"].startswith("relationship changed: how y depends on x moved"),
          f"the pair alert's direction says what moved: {evidence['direction']}")
    shape = db.execute("SELECT gaussian_shape, gaussian_location, box_m_p_value "
                       "FROM joint_window_metrics WHERE kind = 'group' "
                       "ORDER BY window_start DESC LIMIT 1").fetchone()
    check(shape[0] > 10 * shape[1] and shape[2] < 1e-6,
          f"the group's shape term carries the drift, Box's M sees it: {shape}")

    # The API: a pair's series and one joint window in full.
    status, text = curl(daemon.url("/v1/metrics?stream=s&feature=y%7Cx&metric=kl_conditional_y_given_x"))
    series = json.loads(text)
    check(status == 200 and series["kind"] == "pair" and len(series["points"]) == 5,
          f"/v1/metrics answers for a pair: {status} {text[:300]}")
    window_id = series["points"][-1]["window_id"]
    status, text = curl(daemon.url(f"/v1/joint-windows/{window_id}"))
    window = json.loads(text)
    cells = window["detail"]["cells"]
    check(status == 200 and window["verdict"] == "relationship changed" and
          [len(row) for row in cells] == [8] * 8 and sum(map(sum, cells)) == window["n"],
          f"/v1/joint-windows/{{id}} shows the row and its cells: {status} {text[:300]}")

    # Half a window, kill -9, restart, the other half.
    send(daemon, body(WINDOW // 2, -0.8))
    daemon.kill()
    daemon = Daemon(binary, workdir, config_path)
    send(daemon, body(WINDOW // 2, -0.8))
    wait_for(lambda: joint_rows() == 12, 30, "the window across the restart")
    last = db.execute("SELECT kind, n, incomplete FROM joint_window_metrics "
                      "ORDER BY window_start DESC, kind LIMIT 2").fetchall()
    check(last == [("group", WINDOW, 0), ("pair", WINDOW, 0)],
          f"the window across kill -9 holds exactly {WINDOW} events in both rows: {last}")
    versions = db.execute("SELECT count(*) FROM joint_references").fetchone()[0]
    check(versions == 2, f"the restart used the stored references, captured none: {versions}")

    # The chain rule on every stored pair row, both orders.
    for row in db.execute("SELECT kl_joint, kl_marginal_x, kl_conditional_y_given_x, "
                          "kl_marginal_y, kl_conditional_x_given_y "
                          "FROM joint_window_metrics WHERE kind = 'pair'"):
        joint, mx, cx, my, cy = row
        for split in (mx + cx, my + cy):
            check(abs(split - joint) <= 1e-12 * joint,
                  f"kl_joint = marginal + conditional to 1e-12 relative: {row}")
    check(daemon.stop() == 0, "driftd stops cleanly")

    # docs/schema.md's queries of pairs and groups run and find rows.
    schema_doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                              "schema.md")
    queries = [query for query in re.findall(r"```sql\n(.*?)```", open(schema_doc).read(), re.S)
               if "joint_" in query]
    check(len(queries) >= 2, "docs/schema.md has worked queries of pairs and groups")
    for query in queries:
        result = subprocess.run(
            ["sqlite3", "-readonly", "-bail", os.path.join(workdir, "test.db")],
            input=query.replace("'demo'", "'s'").replace("'vitals'", "'xy'"),
            capture_output=True, text=True)
        check(result.returncode == 0 and result.stdout.strip() != "",
              f"documented query runs and finds rows: {query.splitlines()[0][:60]} "
              f"{result.stderr}")


if __name__ == "__main__":
    run(main)
