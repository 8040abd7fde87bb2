#!/usr/bin/python3
"""driftd's alerts in the real Prometheus Alertmanager (Debian's
prometheus-alertmanager), end to end:

  * a drifting stream fires an alert: it appears in Alertmanager's
    GET /api/v2/alerts with driftd's labels (alertname, stream, feature,
    severity, metric) and annotations (summary, direction, value, threshold,
    window_id, dashboard), startsAt when it opened, endsAt 4 resend intervals
    ahead, generatorURL the dashboard link; Alertmanager notifies its own
    webhook receiver of it;
  * the stream goes back to normal: the alert resolves, Alertmanager notifies
    "resolved" with endsAt = when driftd resolved it, and stops listing it;
  * Alertmanager is down while an alert fires: once it is back (same
    storage), the alert arrives from driftd's outbox;
  * driftd stopped, Alertmanager restarted (it keeps no alerts): driftd's
    start sends the firing alert again (resend_interval is 1h, so nothing
    else could).
usage: /usr/bin/python3 alertmanager_test.py DRIFTD_BINARY
"""
import datetime
import http.server
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import urllib.request

from driftd_harness import (RUNNING, Daemon, check, curl, fail, free_port, run, wait_for,
                            write_config)

WINDOW = 200
EXTERNAL_URL = "http://driftd.example:8080"
ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"


def epoch_ms(rfc3339):
    """Alertmanager's times ("2025-11-28T12:00:00.123Z", maybe with more
    digits) as ms since the epoch."""
    text = rfc3339.replace("Z", "+00:00")
    if "." in text:
        head, tail = text.split(".", 1)
        digits, zone = tail[:tail.index("+")], tail[tail.index("+"):]
        text = f"{head}.{(digits + '000000')[:6]}{zone}"
    moment = datetime.datetime.fromisoformat(text)
    return round(moment.timestamp() * 1000)


class Notifications:
    """Alertmanager's webhook receiver: collects the notifications it sends."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        notifications = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with notifications.lock:
                    notifications.received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self, status):
        """Every alert notified with `status` ("firing" | "resolved")."""
        with self.lock:
            return [alert for message in self.received for alert in message["alerts"]
                    if alert["status"] == status]


class Alertmanager:
    """prometheus-alertmanager on a fixed port with its own configuration and
    storage in workdir, clustering off."""

    def __init__(self, workdir, receiver_port):
        self.port = free_port()
        self.workdir = workdir
        self.config = os.path.join(workdir, "alertmanager.yml")
        with open(self.config, "w") as f:
            f.write(f"""route:
  receiver: hook
  group_by: ['alertname', 'stream', 'feature', 'severity']
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:{receiver_port}/
        send_resolved: true
""")
        self.process = None

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        log = open(os.path.join(self.workdir, "alertmanager.log"), "a")
        self.process = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={self.config}",
             f"--storage.path={os.path.join(self.workdir, 'am-data')}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address="],
            stdout=log, stderr=log)
        RUNNING.append(self.process)
        wait_for(self.ready, 30, "Alertmanager to be ready")

    def ready(self):
        if self.process.poll() is not None:
            fail(f"Alertmanager exited with {self.process.returncode}")
        try:
            with urllib.request.urlopen(self.url("/-/ready"), timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        RUNNING.remove(self.process)

    def alerts(self):
        """GET /api/v2/alerts: the alerts it holds that have not ended."""
        with urllib.request.urlopen(self.url("/api/v2/alerts"), timeout=5) as answer:
            return json.loads(answer.read())

    def drift_alerts(self, **labels):
        return [a for a in self.alerts() if a["labels"].get("alertname") == "DataDrift" and
                all(a["labels"].get(k) == v for k, v in labels.items())]


def main():
    binary = os.path.abspath(sys.argv[1])
    if not os.path.exists(ALERTMANAGER):
        fail(f"{ALERTMANAGER} is missing: scripts/install-deps installs prometheus-alertmanager")
    workdir = tempfile.mkdtemp(prefix="driftd-alertmanager-")
    notifications = Notifications()
    alertmanager = Alertmanager(workdir, notifications.port)
    alertmanager.start()

    token_file = os.path.join(workdir, "am.token")
    with open(token_file, "w") as f:
        f.write("a-token-never-logged\n")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "alertmanager": {"url": alertmanager.url("/"), "bearer_token_file": token_file,
                         "resend_interval": "1h", "retry_initial": "100ms",
                         "retry_max": "500ms", "timeout": "5s", "external_url": EXTERNAL_URL},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05}]}]})
    status = subprocess.run([binary, "--check-config", config_path], capture_output=True)
    check(status.returncode == 0, "--check-config accepts the alertmanager section")
    with open(config_path) as f:
        broken = json.load(f)
    broken["alertmanager"]["bearer_token_file"] = os.path.join(workdir, "missing.token")
    broken_path = os.path.join(workdir, "broken.json")
    with open(broken_path, "w") as f:
        json.dump(broken, f)
    status = subprocess.run([binary, "--check-config", broken_path], capture_output=True)
    check(status.returncode == 78 and
          b"alertmanager.bearer_token_file: cannot read" in status.stderr,
          "--check-config exits 78 naming an unreadable alertmanager.bearer_token_file")
    daemon = Daemon(binary, workdir, config_path)
    db_path = os.path.join(workdir, "test.db")
    rng = random.Random(7)

    def post_window(drifted):
        body = "".join(json.dumps({"x": rng.gauss(5.0 if drifted else 0.0, 1.0)}) + "\n"
                       for _ in range(WINDOW))
        status, _ = curl(daemon.url("/v1/streams/s/events"), body.encode())
        if status != 202:
            fail(f"ingest answered {status}")

    def alert_rows():
        with sqlite3.connect(db_path) as db:
            return db.execute("SELECT id, severity, state, opened_at, resolved_at, window_start, "
                              "window_end FROM alerts ORDER BY id").fetchall()

    def window_id(start, end):
        with sqlite3.connect(db_path) as db:
            return db.execute("SELECT id FROM window_metrics WHERE feature = 'x' AND "
                              "window_start = ? AND window_end = ?", (start, end)).fetchone()[0]

    # ---- fires
    post_window(False)  # the reference
    post_window(True)
    rows = alert_rows()
    check(len(rows) == 1 and rows[0][2] == "firing", "driftd opened an alert on x")
    alert_id, severity, _, opened_at, _, start, end = rows[0]
    wait_for(lambda: alertmanager.drift_alerts(stream="s", feature="x"), 30,
             "the alert in Alertmanager's /api/v2/alerts")
    [alert] = alertmanager.drift_alerts(stream="s", feature="x")
    check(alert["labels"] == {"alertname": "DataDrift", "stream": "s", "feature": "x",
                              "severity": severity, "metric": "jsd"},
          f"its labels are driftd's ({alert['labels']})")
    link = f"{EXTERNAL_URL}/ui/#/windows/{window_id(start, end)}"
    annotations = alert["annotations"]
    check(annotations["summary"].startswith("feature x of stream s drifted: jsd ") and
          f"({severity} threshold 0.05)" in annotations["summary"],
          f"the summary is one sentence ({annotations['summary']})")
    check(annotations["direction"].startswith("kl_"), "the direction sentence is annotated")
    check(float(annotations["value"]) > 0.05 and annotations["threshold"] == "0.05",
          "value and threshold are annotated")
    check(annotations["window_id"] == str(window_id(start, end)) and
          annotations["dashboard"] == link and alert["generatorURL"] == link,
          f"window_id, dashboard and generatorURL point at the window ({link})")
    check(epoch_ms(alert["startsAt"]) == opened_at, "startsAt is when the alert opened")
    check(epoch_ms(alert["endsAt"]) >= opened_at + 4 * 3_600_000,
          "endsAt is 4 resend intervals ahead")
    wait_for(lambda: notifications.alerts("firing"), 30, "Alertmanager's firing notification")

    # ---- resolves
    post_window(False)
    rows = alert_rows()
    check(rows[0][2] == "resolved", "driftd resolved the alert")
    resolved_at = rows[0][4]
    wait_for(lambda: notifications.alerts("resolved"), 30, "Alertmanager's resolved notification")
    [resolved] = notifications.alerts("resolved")
    check(resolved["labels"]["feature"] == "x" and resolved["labels"]["severity"] == severity and
          epoch_ms(resolved["endsAt"]) == resolved_at and
          epoch_ms(resolved["startsAt"]) == opened_at,
          "Alertmanager notified it resolved, ending when driftd resolved it")
    check(not alertmanager.drift_alerts(stream="s", feature="x"),
          "Alertmanager no longer lists it as active")

    # ---- Alertmanager down while an alert fires
    alertmanager.stop()
    log_offset = daemon.log_size()
    post_window(True)
    rows = alert_rows()
    check(len(rows) == 2 and rows[1][2] == "firing", "a second alert fired during the outage")
    wait_for(lambda: "driftd: alertmanager: " in daemon.log_since(log_offset), 30,
             "driftd to log the failed attempt")
    check("a-token-never-logged" not in daemon.log_since(0), "the bearer token is never logged")
    alertmanager.start()
    wait_for(lambda: alertmanager.drift_alerts(stream="s", feature="x"), 30,
             "the alert fired during the outage, delivered from the outbox")
    [alert] = alertmanager.drift_alerts(stream="s", feature="x")
    check(epoch_ms(alert["startsAt"]) == rows[1][3], "it is the alert fired during the outage")
    wait_for(lambda: "accepts alerts again" in daemon.log_since(log_offset), 30,
             "driftd to log that Alertmanager accepts alerts again")
    metrics = curl(daemon.url("/metrics"))[1]
    delivered = re.search(r'^driftd_alertmanager_posts_total\{result="delivered"\} (\S+)$', metrics, re.M)
    failed = re.search(r'^driftd_alertmanager_posts_total\{result="failed"\} (\S+)$', metrics, re.M)
    check(delivered and float(delivered.group(1)) >= 3 and failed and float(failed.group(1)) >= 1,
          "/metrics counts the delivered posts and the failed attempt")

    # ---- driftd restarted: what fires is sent again at start
    check(daemon.stop() == 0, "driftd stops cleanly")
    alertmanager.stop()
    alertmanager.start()
    check(not alertmanager.drift_alerts(), "a restarted Alertmanager holds no alert")
    daemon = Daemon(binary, workdir, config_path)
    wait_for(lambda: alertmanager.drift_alerts(stream="s", feature="x"), 30,
             "driftd's start to send the firing alert again")
    [alert] = alertmanager.drift_alerts(stream="s", feature="x")
    check(epoch_ms(alert["startsAt"]) == rows[1][3], "with the startsAt it opened at")

    check(daemon.stop() == 0, "driftd stops cleanly")
    alertmanager.stop()
    print("PASS")


run(main)
