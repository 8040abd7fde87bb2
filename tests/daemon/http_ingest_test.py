#!/usr/bin/python3
"""driftd end to end over HTTP ingest, with curl as the client.

Starts the real daemon on an ephemeral port with a fresh SQLite file, feeds
it a stream in which `amount` drifts from a known point while `latency` never
does, and checks what a user would check:
  * the drifted feature raises an alert in the first drifted window, the
    stable one never does;
  * window_metrics.n summed per feature equals the events produced after the
    reference capture, window by window;
  * malformed lines are counted with their line numbers, others accepted;
  * unknown stream 404, non-NDJSON 400, oversized body 413, /healthz,
    /readyz, /metrics;
  * SIGTERM drains and exits 0; a restart reuses the stored reference
    (no second capture) and keeps counting windows.
  * `driftctl reference list|show` read the stored references from the
    database file;
  * every worked query of docs/schema.md runs in the sqlite3 shell on the
    database and returns rows.
usage: /usr/bin/python3 http_ingest_test.py DRIFTD_BINARY DRIFTCTL_BINARY
"""
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

from driftd_harness import Daemon, check, curl, run, wait_for_windows, write_config

WINDOW = 500
CAPTURE = 1000


def events(rng, count, drifted):
    lines = []
    for _ in range(count):
        amount = rng.gauss(100.0, 10.0) + (25.0 if drifted else 0.0)
        latency = rng.gauss(50.0, 5.0)
        lines.append(json.dumps({"amount": round(amount, 3), "latency": round(latency, 3),
                                 "country": rng.choice(["US", "DE", "FR"])}))
    return "\n".join(lines) + "\n"


def main():
    binary = os.path.abspath(sys.argv[1])
    driftctl = os.path.abspath(sys.argv[2])
    workdir = tempfile.mkdtemp(prefix="driftd-http-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0", "max_body_bytes": 1_000_000},
        "streams": [{
            "name": "clicks", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": CAPTURE},
            "features": [
                {"name": "amount", "path": "/amount", "type": "numeric", "bins": 10},
                {"name": "latency", "path": "/latency", "type": "numeric", "bins": 10},
                {"name": "country", "path": "/country", "type": "categorical"}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05,
                        "min_samples": 200, "max_p_value": 0.001}]}]})

    rng = random.Random(5)
    daemon = Daemon(binary, workdir, config_path)
    status, _ = curl(daemon.url("/healthz"))
    check(status == 200, "/healthz answers 200")
    status, _ = curl(daemon.url("/readyz"))
    check(status == 200, "/readyz answers 200 once serving")

    # Reference capture, then 4 stable windows, then 4 drifted windows (amount only).
    sent_after_capture = 0
    status, text = curl(daemon.url("/v1/streams/clicks/events"), events(rng, CAPTURE, False).encode())
    check(status == 202 and json.loads(text)["accepted"] == CAPTURE, "capture batch accepted")
    for window in range(8):
        status, text = curl(daemon.url("/v1/streams/clicks/events"),
                            events(rng, WINDOW, window >= 4).encode())
        check(status == 202 and json.loads(text)["accepted"] == WINDOW, f"window {window} accepted")
        sent_after_capture += WINDOW

    # A body with a malformed line in the middle: counted with its line number.
    body = events(rng, 2, False) + "{not json\n" + events(rng, 2, False)
    status, text = curl(daemon.url("/v1/streams/clicks/events"), body.encode())
    reply = json.loads(text)
    check(status == 202 and reply["accepted"] == 4 and reply["rejected"] == 1,
          "malformed line rejected, others accepted")
    check(reply["errors"][0]["line"] == 3, "the malformed line is reported by number")
    sent_after_capture += 4

    status, _ = curl(daemon.url("/v1/streams/nope/events"), b'{"amount": 1}\n')
    check(status == 404, "unknown stream is 404")
    status, text = curl(daemon.url("/v1/streams/clicks/events"), b"this is not json\nat all\n")
    check(status == 400 and "error" in json.loads(text), "a body that is not NDJSON is 400")
    status, _ = curl(daemon.url("/v1/streams/clicks/events"), b" " * 1_100_000)
    check(status == 413, "a body over max_body_bytes is 413")

    db_path = os.path.join(workdir, "test.db")
    check(wait_for_windows(db_path, "amount", 8, 20) == 8, "8 complete windows closed")

    status, metrics = curl(daemon.url("/metrics"))
    # 1 malformed line in the mixed body + 2 in the body that is not NDJSON.
    check(status == 200 and 'driftd_events_malformed_total{stream="clicks"} 3' in metrics,
          "/metrics counts the malformed events")
    check('driftd_feature_missing_total{stream="clicks",feature="amount"} 0' in metrics,
          "/metrics has per-feature missing counts")
    open_alerts = {m.group(1): int(m.group(2)) for m in
                   re.finditer(r'driftd_alerts_open\{severity="(\w+)"\} (\d+)', metrics)}
    check(sum(open_alerts.values()) == 1, f"/metrics: one alert open ({open_alerts})")
    commits = re.search(r"driftd_sqlite_commit_seconds_count (\d+)", metrics)
    check(commits is not None and int(commits.group(1)) >= 1 and
          'driftd_sqlite_commit_seconds_bucket{le="+Inf"} ' + commits.group(1) in metrics,
          "/metrics: the SQLite commit latency histogram counts the commits")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")

    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT feature, window_start, n FROM window_metrics ORDER BY id").fetchall()
        for feature in ("amount", "latency", "country"):
            ns = [n for f, _, n in rows if f == feature]
            check(ns == [WINDOW] * 8, f"{feature}: every window holds exactly {WINDOW} values")
        alerts = db.execute("SELECT feature, window_start, severity, state FROM alerts").fetchall()
        check([a[0] for a in alerts] == ["amount"], "only the drifted feature alerts")
        check(alerts[0][1] == 4 * WINDOW, "the alert fires in the first drifted window")
        stable = db.execute("SELECT max(jsd), min(p_value) FROM window_metrics "
                            "WHERE feature='latency'").fetchone()
        check(stable[0] < 0.02, f"the stable feature stays below the threshold (max jsd {stable[0]:.4f})")
        versions = db.execute("SELECT count(*) FROM reference_distributions").fetchone()[0]
        check(versions == 3, "one reference per feature")

    # Restart: the stored reference is used at once and the open window (4
    # events) resumes from the checkpoint written at SIGTERM.
    daemon = Daemon(binary, workdir, config_path)
    status, text = curl(daemon.url("/v1/streams"))
    check(json.loads(text)["streams"][0]["phase"] == "monitoring",
          "after a restart the stream monitors with the stored reference")
    status, text = curl(daemon.url("/v1/streams/clicks/events"), events(rng, WINDOW, False).encode())
    check(status == 202, "ingest after restart")
    check(wait_for_windows(db_path, "amount", 9, 20) == 9, "a window closes after the restart")

    # SIGHUP with an invalid configuration: reported, the running one kept.
    with open(config_path) as f:
        good = json.load(f)
    bad = json.loads(json.dumps(good))
    bad["streams"][0]["features"][0]["bins"] = 1
    with open(config_path, "w") as f:
        json.dump(bad, f)
    offset = daemon.log_size()
    daemon.process.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    status, _ = curl(daemon.url("/healthz"))
    check(status == 200 and "keeping the running configuration" in daemon.log_since(offset) and
          "streams[0].features[0].bins" in daemon.log_since(offset),
          "SIGHUP with an invalid configuration names the field and keeps running")
    # SIGHUP with a valid new configuration (one more stream): applied in
    # place, same process, and the open window (4 events) carried over.
    good["streams"].append({"name": "extra", "source": {"type": "http"},
                            "window": {"type": "count", "events": 10},
                            "features": [{"name": "v", "path": "/v", "type": "numeric"}]})
    with open(config_path, "w") as f:
        json.dump(good, f)
    pid = daemon.process.pid
    reload_log = daemon.reload()
    check("restarting in place" in reload_log and daemon.process.poll() is None and
          daemon.process.pid == pid, "SIGHUP with a valid configuration restarts driftd in place")
    status, text = curl(daemon.url("/v1/streams"))
    check(sorted(s["name"] for s in json.loads(text)["streams"]) == ["clicks", "extra"],
          "the reloaded configuration is the one running")
    check(daemon.stop() == 0, "second SIGTERM exits 0")
    with sqlite3.connect(db_path) as db:
        versions = db.execute("SELECT count(*) FROM reference_distributions").fetchone()[0]
        check(versions == 3, "no second capture after the restart")
        total = db.execute("SELECT sum(n) FROM window_metrics WHERE feature='latency'").fetchone()[0]
        # 4004 events before the restart (4 of them in the open window that the
        # SIGTERM checkpoint carried over) + 500 after: 9 windows of 500 and 4
        # events still open.
        check(total == sent_after_capture + WINDOW - 4,
              "nothing lost or counted twice across the restart (open window resumed)")

    listed = json.loads(subprocess.run(
        [driftctl, "reference", "list", "--db", db_path, "--format", "json"],
        check=True, capture_output=True, text=True).stdout)
    check(sorted((r["feature"], r["version"], r["active"], r["n"]) for r in listed) ==
          [("amount", 1, True, CAPTURE), ("country", 1, True, CAPTURE), ("latency", 1, True, CAPTURE)],
          "driftctl reference list shows the three captured references")
    shown = json.loads(subprocess.run(
        [driftctl, "reference", "show", "--db", db_path, "--stream", "clicks", "--feature",
         "country", "--format", "json"], check=True, capture_output=True, text=True).stdout)
    check(sorted(b["label"] for b in shown["bins"]) == ["DE", "FR", "US", "__other__"] and
          sum(b["count"] for b in shown["bins"]) == CAPTURE,
          "driftctl reference show gives the categorical reference's bins and counts")
    schema_doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                              "schema.md")
    # Those of pairs and groups run in relationship_change_test.py.
    queries = [query for query in re.findall(r"```sql\n(.*?)```", open(schema_doc).read(), re.S)
               if "joint_" not in query]
    check(len(queries) >= 4, "docs/schema.md has its worked queries")
    answered = 0
    for query in queries:
        result = subprocess.run(["sqlite3", "-readonly", "-bail", db_path],
                                input=query.replace("'demo'", "'clicks'"), capture_output=True,
                                text=True)
        check(result.returncode == 0, f"documented query runs: {query.splitlines()[0][:60]}")
        answered += result.stdout.strip() != ""
    # All but the open-alerts query (the alert resolved after the restart).
    check(answered == len(queries) - 1, "the documented queries return rows")
    print("http ingest end to end: all checks passed")


if __name__ == "__main__":
    run(main)
