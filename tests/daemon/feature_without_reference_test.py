#!/usr/bin/python3
"""A feature absent from every event does not stall the reference capture:
the real daemon, curl, driftctl and the SQLite file.

  * the capture ends at reference.events although feature "ghost" never
    has a value; the request that completes it is answered durable;
  * "ghost" has no reference, and says so in the log, in /v1/streams (per
    feature), in /readyz (ready, with the reason) and in
    driftd_features_without_reference;
  * the other features are monitored: drift of "x" fires an alert, and the
    windows store rows for "x" and "c" but none for "ghost";
  * a restart keeps it so (the stored references and the checkpoint of the
    open windows are used, no new capture);
  * driftctl reference import from a file with a "ghost" column, then a
    restart, gives "ghost" a reference: it is monitored from then on.

usage: feature_without_reference_test.py DRIFTD_BINARY DRIFTCTL_BINARY
"""
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile

from driftd_harness import Daemon, check, curl, fail, run, write_config

CAPTURE = 300
WINDOW = 200


def main():
    binary = os.path.abspath(sys.argv[1])
    driftctl = os.path.abspath(sys.argv[2])
    workdir = tempfile.mkdtemp(prefix="driftd-ghost-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": CAPTURE},
            "features": [
                {"name": "x", "path": "/x", "type": "numeric", "bins": 10},
                {"name": "ghost", "path": "/ghost", "type": "numeric", "bins": 10},
                {"name": "c", "path": "/c", "type": "categorical"}],
            "alerts": [{"metric": "jsd", "warn": 0.05, "critical": 0.2}]}]})
    rng = random.Random(5)

    def body(n, shift=0.0, ghost=False):
        lines = []
        for _ in range(n):
            event = {"x": rng.gauss(shift, 1.0), "c": rng.choice("abc")}
            if ghost:
                event["ghost"] = rng.gauss(0.0, 1.0)
            lines.append(json.dumps(event) + "\n")
        return "".join(lines).encode()

    def send(daemon, text):
        status, answer = curl(daemon.url("/v1/streams/s/events"), text)
        if status != 202:
            fail(f"ingest answered {status}: {answer}")
        return json.loads(answer)

    def get(daemon, path):
        status, text = curl(daemon.url(path))
        return status, text

    def stream(daemon):
        return json.loads(get(daemon, "/v1/streams")[1])["streams"][0]

    def references(stream_json):
        return {f["name"]: f["reference"] for f in stream_json["features"]}

    def without_reference_metric(daemon):
        found = re.search(r'^driftd_features_without_reference{stream="s"} (\d+)$',
                          get(daemon, "/metrics")[1], re.MULTILINE)
        if not found:
            fail("/metrics has no driftd_features_without_reference")
        return int(found.group(1))

    log_path = os.path.join(workdir, "driftd.log")
    daemon = Daemon(binary, workdir, config_path)
    check(references(stream(daemon)) == {"x": "capturing", "ghost": "capturing",
                                         "c": "capturing"}, "every feature is capturing")
    send(daemon, body(CAPTURE - 50))
    answer = send(daemon, body(50))
    check(answer.get("durable") is True,
          f"the request that completes the capture is answered durable: {answer}")
    s = stream(daemon)
    check(s["phase"] == "monitoring" and s["events"] == CAPTURE,
          f"the capture ended at reference.events ({CAPTURE}) without a value of ghost: {s}")
    check(references(s) == {"x": "active", "ghost": "none", "c": "active"},
          f"/v1/streams: ghost has no reference: {s['features']}")
    status, text = get(daemon, "/readyz")
    ready = json.loads(text)
    check(status == 200 and ready["status"] == "ready" and len(ready["reasons"]) == 1 and
          "'ghost'" in ready["reasons"][0], f"/readyz: ready, with the reason: {text}")
    check(without_reference_metric(daemon) == 1, "driftd_features_without_reference is 1")
    with open(log_path) as log:
        text = log.read()
    check("stream 's': feature 'ghost' has no reference: 0 value(s) in the 300 captured events"
          in text, "the log names the stream and the feature")

    # Drift of x: the first window alerts; ghost has no rows, raises nothing.
    send(daemon, body(WINDOW, shift=3.0))
    db = sqlite3.connect(os.path.join(workdir, "test.db"))
    rows = dict(db.execute("SELECT feature, count(*) FROM window_metrics GROUP BY feature"))
    check(rows == {"x": 1, "c": 1}, f"one window row for x and c, none for ghost: {rows}")
    alerts = db.execute("SELECT feature, state FROM alerts").fetchall()
    check(alerts == [("x", "firing")], f"x's drift fires an alert, nothing else does: {alerts}")
    refs = dict(db.execute(
        "SELECT feature, count(*) FROM reference_distributions GROUP BY feature"))
    check(refs == {"x": 1, "c": 1}, f"no reference row for ghost: {refs}")
    send(daemon, body(WINDOW // 2))  # half a window open at the restart
    check(daemon.stop() == 0, "driftd stops cleanly")

    offset = os.path.getsize(log_path)
    daemon = Daemon(binary, workdir, config_path)
    log = daemon.log_since(offset)
    check("feature 'ghost' has no stored reference" in log and "open windows restored" in log,
          f"the restart installs the stored references and the open windows: {log}")
    s = stream(daemon)
    check(s["phase"] == "monitoring" and references(s)["ghost"] == "none",
          f"no new capture after the restart: {s}")
    send(daemon, body(WINDOW // 2))
    rows = dict(db.execute("SELECT feature, count(*) FROM window_metrics GROUP BY feature"))
    check(rows == {"x": 2, "c": 2}, f"the restored window closes with its 200 events: {rows}")
    n = db.execute("SELECT n FROM window_metrics WHERE feature = 'x' ORDER BY id DESC").fetchone()
    check(n == (WINDOW,), f"the window restored across the restart holds {WINDOW} values: {n}")
    check(daemon.stop() == 0, "driftd stops cleanly")

    # A reference for ghost: driftctl reference import, then a restart.
    csv_path = os.path.join(workdir, "reference.csv")
    with open(csv_path, "w") as f:
        f.write("x,ghost,c\n")
        for _ in range(500):
            f.write(f"{rng.gauss(0, 1)},{rng.gauss(0, 1)},{rng.choice('abc')}\n")
    imported = subprocess.run([driftctl, "reference", "import", "--config", config_path,
                               "--stream", "s", "--file", csv_path, "--db",
                               os.path.join(workdir, "test.db")],
                              capture_output=True, text=True)
    check(imported.returncode == 0, f"driftctl reference import: {imported.stderr}")
    daemon = Daemon(binary, workdir, config_path)
    s = stream(daemon)
    check(references(s) == {"x": "active", "ghost": "active", "c": "active"},
          f"after the import and a restart ghost has a reference: {s['features']}")
    status, text = get(daemon, "/readyz")
    check(status == 200 and json.loads(text) == {"status": "ready"}, f"/readyz: ready: {text}")
    check(without_reference_metric(daemon) == 0, "driftd_features_without_reference is 0")
    send(daemon, body(WINDOW, ghost=True))
    rows = dict(db.execute("SELECT feature, count(*) FROM window_metrics GROUP BY feature"))
    check(rows.get("ghost") == 1, f"ghost's windows are evaluated and stored: {rows}")
    check(daemon.stop() == 0, "driftd stops cleanly")
    db.close()


if __name__ == "__main__":
    run(main)
