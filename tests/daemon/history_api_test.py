#!/usr/bin/python3
"""The historical API end to end: the real daemon, curl, and the SQLite file
read independently with Python's sqlite3 as the oracle.

Feeds windows that alternate between drifted and stable (an alert fires and
resolves again and again), then checks:
  * GET /v1/alerts pages with a cursor through every alert exactly once,
    newest first, and filters by state and time;
  * GET /v1/metrics returns the stored values of a measure, window by window;
  * GET /v1/windows/{id}: the bins' counts add up to n, the reference counts
    to the reference's n, and the per-bin contributions sum to the window's
    stored kl_pq (the histogram is re-derived, not copied);
  * GET /v1/references and /v1/references/{stream}/{feature};
  * bad parameters are 400 naming the parameter, unknown ids 404;
  * driftctl alerts and history give the same JSON from the database file
    (--db) as from the API (--url); driftctl status; driftctl backup makes
    a consistent copy while the daemon runs.
usage: /usr/bin/python3 history_api_test.py DRIFTD_BINARY DRIFTCTL_BINARY
"""
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

from driftd_harness import Daemon, check, curl, fail, run, write_config

WINDOW = 300
WINDOWS = 12


def get(daemon, path, **params):
    query = urllib.parse.urlencode(params)
    status, text = curl(daemon.url(path + ("?" + query if query else "")))
    return status, json.loads(text)


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-history-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "smoothing_alpha": 0.25,
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 12},
                         {"name": "c", "path": "/c", "type": "categorical"}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05,
                        "features": ["x"]}]}]})
    rng = random.Random(9)
    daemon = Daemon(binary, workdir, config_path)
    for k in range(WINDOWS + 1):  # the reference, then drifted/stable alternating
        drifted = k % 2 == 1
        body = "".join(json.dumps({"x": rng.gauss(4.0 if drifted else 0.0, 1.0),
                                   "c": rng.choice("abc" if not drifted else "abd")}) + "\n"
                       for _ in range(WINDOW))
        status, _ = curl(daemon.url("/v1/streams/s/events"), body.encode())
        if status != 202:
            fail(f"ingest answered {status}")
    db_path = os.path.join(workdir, "test.db")
    deadline = time.time() + 20
    while True:
        with sqlite3.connect(db_path) as db:
            if db.execute("SELECT count(*) FROM window_metrics WHERE feature = 'x'").fetchone()[0] \
                    >= WINDOWS:
                break
        if time.time() > deadline:
            fail("the windows did not close")
        time.sleep(0.1)
    db = sqlite3.connect(db_path)

    # Alerts, paged 2 at a time.
    stored = [row[0] for row in db.execute("SELECT id FROM alerts ORDER BY id DESC")]
    check(len(stored) == WINDOWS // 2, f"{WINDOWS // 2} alert episodes stored")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        status, page = get(daemon, "/v1/alerts", **params)
        if status != 200:
            fail(f"/v1/alerts answered {status}: {page}")
        seen += [alert["id"] for alert in page["alerts"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    check(seen == stored and pages == 3, "the cursor pages through every alert once, newest first")
    status, page = get(daemon, "/v1/alerts", state="firing")
    check(status == 200 and len(page["alerts"]) <= 1 and
          all(a["state"] == "firing" for a in page["alerts"]), "state=firing filters")
    status, page = get(daemon, "/v1/alerts", to=0)
    check(status == 200 and page["alerts"] == [], "a time range before everything is empty")
    status, page = get(daemon, "/v1/alerts", **{"from": "2000-01-01T00:00:00Z"})
    check(status == 200 and len(page["alerts"]) == len(stored), "from= takes RFC 3339 times")

    # A metric's time series.
    status, series = get(daemon, "/v1/metrics", stream="s", feature="x", metric="jsd")
    expected = [list(row) for row in db.execute(
        "SELECT window_start, jsd FROM window_metrics WHERE feature = 'x' ORDER BY window_start")]
    check(status == 200 and [[p["start"], p["value"]] for p in series["points"]] == expected,
          "/v1/metrics returns the stored jsd of every window, in order")

    # One window in full, checked against its own stored measures.
    window_id, n, kl_pq = db.execute(
        "SELECT id, n, kl_pq FROM window_metrics WHERE feature = 'x' ORDER BY id LIMIT 1 OFFSET 2"
    ).fetchone()
    status, window = get(daemon, f"/v1/windows/{window_id}")
    bins = window["bins"]
    check(status == 200 and len(bins) == 12 and sum(b["count"] for b in bins) == n,
          "the window's bin counts add up to its n")
    check(sum(b["reference_count"] for b in bins) == WINDOW, "the reference counts add up to its n")
    check(math.isclose(sum(b["contribution"] for b in bins), kl_pq, rel_tol=1e-9),
          "per-bin contributions sum to the stored kl_pq")
    check(math.isclose(sum(b["p"] for b in bins), 1.0) and
          math.isclose(bins[0]["p"], (bins[0]["count"] + 0.25) / (n + 12 * 0.25)),
          "p is the window's distribution smoothed with the stream's alpha")
    status, body = get(daemon, "/v1/windows/999999")
    check(status == 404, "an unknown window is 404")

    status, refs = get(daemon, "/v1/references")
    check(status == 200 and sorted(r["feature"] for r in refs["references"]) == ["c", "x"],
          "/v1/references lists the stored references")
    status, ref = get(daemon, "/v1/references/s/c")
    check(status == 200 and sorted(b["label"] for b in ref["bins"]) == ["__other__", "a", "b", "c"],
          "/v1/references/{stream}/{feature} shows the bins")

    for path, params, word in [("/v1/metrics", {"stream": "s", "feature": "x", "metric": "nope"},
                                "metric"),
                               ("/v1/metrics", {"stream": "s", "feature": "x"}, "metric"),
                               ("/v1/alerts", {"limit": 0}, "limit"),
                               ("/v1/alerts", {"severity": "high"}, "severity"),
                               ("/v1/alerts", {"colour": "red"}, "colour")]:
        status, body = get(daemon, path, **params)
        check(status == 400 and word in body["error"]["message"],
              f"{path} {params}: 400 naming '{word}'")

    driftctl = os.path.abspath(sys.argv[2])

    def run_driftctl(*args):
        result = subprocess.run([driftctl, *args], capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    url = daemon.url("")
    for args in (["alerts", "--all", "--limit", "2"],
                 ["alerts", "--state", "resolved", "--since", "1d"],
                 ["history", "--stream", "s", "--feature", "x", "--metric", "psi"]):
        code_db, from_db, _ = run_driftctl(*args, "--db", db_path, "--format", "json")
        code_api, from_api, _ = run_driftctl(*args, "--url", url, "--format", "json")
        check(code_db == 0 and code_api == 0 and json.loads(from_db) == json.loads(from_api),
              f"driftctl {' '.join(args)}: the same JSON from --db and from --url")
    code, table, _ = run_driftctl("alerts", "--db", db_path, "--all")
    check(code == 0 and len(table.strip().splitlines()) == 1 + len(stored),
          "driftctl alerts --all prints a header and one line per alert")
    code, status, _ = run_driftctl("status", "--url", url, "--format", "json")
    status = json.loads(status)
    check(code == 0 and status["readiness"]["status"] == "ready" and
          status["streams"][0]["name"] == "s", "driftctl status --url reports readiness and streams")
    copy = os.path.join(workdir, "backup.db")
    code, out, _ = run_driftctl("backup", "--db", db_path, "--to", copy)
    with sqlite3.connect(copy) as backup:
        copied = backup.execute("SELECT count(*) FROM window_metrics").fetchone()[0]
    check(code == 0 and "integrity ok" in out and copied >= 2 * WINDOWS,
          "driftctl backup copies the database while the daemon runs")
    # A corrected measure can be negative (no drift, less than its bias): the
    # table draws no bar for it (it aborted drawing one of negative length).
    with sqlite3.connect(copy) as backup:
        backup.execute("UPDATE window_metrics SET jsd_corrected = -0.02 WHERE feature = 'x' "
                       "AND id = (SELECT min(id) FROM window_metrics WHERE feature = 'x')")
    code, table, err = run_driftctl("history", "--db", copy, "--stream", "s", "--feature", "x",
                                    "--metric", "jsd_corrected")
    check(code == 0 and "-0.02 " in table,
          f"driftctl history draws a table with a negative value ({code}, {err.strip()})")
    code, _, err = run_driftctl("backup", "--db", db_path, "--to", copy)
    check(code == 2 and "exists already" in err, "driftctl backup refuses to overwrite")
    code, _, err = run_driftctl("alerts", "--url", "http://127.0.0.1:1")
    check(code == 2 and "cannot reach driftd" in err and len(err.splitlines()) == 1,
          "an unreachable daemon is one line and exit 2")

    check(daemon.stop() == 0, "SIGTERM drains and exits 0")
    print("history api end to end: all checks passed")


if __name__ == "__main__":
    run(main)
