#!/usr/bin/python3
"""driftd's /metrics end to end, read by a real Prometheus.

Starts the real daemon (one HTTP stream, count windows of 1,000 events, a
reference captured from 5,000), sends two clean windows, then two where
`amount` moved by 2 standard deviations, and checks:
  * /metrics is valid exposition text (`promtool check metrics`, and
    prometheus_client's parser from Debian's python3-prometheus-client);
    every family it serves is in `driftd --print-metrics`;
  * the per-feature gauges equal the latest committed window in SQLite:
    driftd_feature_jsd, driftd_feature_psi, driftd_feature_p_value (the
    calibrated p-value), driftd_feature_window_values, and
    driftd_feature_alert_severity is the open alert's severity (2 for
    `amount`, critical; 0 for the stable `country`);
  * a real Prometheus (Debian's prometheus package) scraping driftd every
    second answers an instant query for driftd_feature_jsd with the same
    value, and evaluating contrib/prometheus/driftd-rules.yml it fires
    DataDrift for `amount` (severity critical) and not for `country`.
usage: /usr/bin/python3 prometheus_test.py DRIFTD_BINARY
"""
import json
import math
import os
import pathlib
import random
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from driftd_harness import (RUNNING, Daemon, check, curl, fail, free_port, run, wait_for,
                            wait_for_windows, write_config)

RULES = pathlib.Path(__file__).resolve().parents[2] / "contrib" / "prometheus" / "driftd-rules.yml"
WINDOW = 1000
CAPTURE = 5000


def events(rng, count, shift):
    return ("\n".join(json.dumps({"amount": round(rng.gauss(shift, 1.0), 6),
                                  "country": rng.choice(["DE", "FR", "US"])})
                      for _ in range(count)) + "\n").encode()


def samples(text):
    """{(name, frozenset(labels)): value} of every sample in `text`."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def prometheus_get(port, path, **params):
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        answer = json.load(response)
    if answer.get("status") != "success":
        fail(f"Prometheus {path}: {answer}")
    return answer["data"]


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-prometheus-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0", "max_body_bytes": 10_000_000},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": CAPTURE},
            "features": [
                {"name": "amount", "path": "/amount", "type": "numeric"},
                {"name": "country", "path": "/country", "type": "categorical"}]}]})
    daemon = Daemon(binary, workdir, config_path)
    rng = random.Random(20261204)
    for count, shift in [(CAPTURE, 0.0), (WINDOW, 0.0), (WINDOW, 0.0), (WINDOW, 2.0), (WINDOW, 2.0)]:
        status, _ = curl(daemon.url("/v1/streams/s/events"), events(rng, count, shift))
        check(status == 202, f"{count} events (shift {shift}) accepted")
    db_path = os.path.join(workdir, "test.db")
    check(wait_for_windows(db_path, "amount", 4) == 4, "four windows of amount committed")

    status, text = curl(daemon.url("/metrics"))
    check(status == 200, "/metrics answers")
    lint = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                          capture_output=True)
    check(lint.returncode == 0, f"promtool check metrics accepts it {lint.stdout + lint.stderr}")
    served = samples(text)
    listed = subprocess.run([binary, "--print-metrics"], capture_output=True, text=True,
                            check=True).stdout
    names = {family.name for family in text_string_to_metric_families(text)}
    unlisted = sorted(n for n in names if f"`{n}`" not in listed and f"`{n}_total`" not in listed)
    check(not unlisted, f"every family served is listed by --print-metrics {unlisted}")

    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        for feature in ["amount", "country"]:
            row = db.execute("SELECT * FROM window_metrics WHERE stream = 's' AND feature = ? "
                             "ORDER BY window_end DESC LIMIT 1", (feature,)).fetchone()
            labels = frozenset({"stream": "s", "feature": feature}.items())
            for gauge, column in [("driftd_feature_jsd", "jsd"), ("driftd_feature_psi", "psi"),
                                  ("driftd_feature_p_value", "p_value_calibrated"),
                                  ("driftd_feature_window_values", "n")]:
                value = served.get((gauge, labels))
                check(value is not None and math.isclose(value, row[column], rel_tol=1e-12,
                                                         abs_tol=1e-300),
                      f"{gauge}{{feature={feature}}} = {value}, the latest window's {column} "
                      f"{row[column]}")
        open_alerts = {r["feature"]: r["severity"] for r in db.execute(
            "SELECT feature, severity FROM alerts WHERE resolved_at IS NULL")}
    check(open_alerts.get("amount") == "critical", f"amount's alert is open {open_alerts}")
    check(served[("driftd_feature_alert_severity",
                  frozenset({"stream": "s", "feature": "amount"}.items()))] == 2,
          "driftd_feature_alert_severity of amount is 2 (critical)")
    check(served[("driftd_feature_alert_severity",
                  frozenset({"stream": "s", "feature": "country"}.items()))] == 0,
          "driftd_feature_alert_severity of country is 0")
    jsd_amount = served[("driftd_feature_jsd", frozenset({"stream": "s", "feature": "amount"}.items()))]

    port = free_port()
    prometheus_dir = os.path.join(workdir, "prometheus")
    os.makedirs(prometheus_dir)
    with open(os.path.join(prometheus_dir, "prometheus.yml"), "w") as f:
        json.dump({"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                   "rule_files": [str(RULES)],
                   "scrape_configs": [{"job_name": "driftd", "static_configs": [
                       {"targets": [f"127.0.0.1:{daemon.port}"]}]}]}, f)
    log = open(os.path.join(prometheus_dir, "prometheus.log"), "w")
    prometheus = subprocess.Popen(
        ["prometheus", f"--config.file={prometheus_dir}/prometheus.yml",
         f"--storage.tsdb.path={prometheus_dir}/data", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=log)
    RUNNING.append(prometheus)

    def queried_jsd():
        try:
            result = prometheus_get(port, "/api/v1/query",
                                    query='driftd_feature_jsd{job="driftd",feature="amount"}')
        except OSError:
            return None
        return float(result["result"][0]["value"][1]) if result["result"] else None

    wait_for(lambda: queried_jsd() is not None, 60, "Prometheus to scrape driftd_feature_jsd")
    check(math.isclose(queried_jsd(), jsd_amount, rel_tol=1e-12),
          f"Prometheus answers driftd_feature_jsd{{feature=amount}} = {jsd_amount}")

    def firing():
        alerts = prometheus_get(port, "/api/v1/alerts")["alerts"]
        return [a["labels"] for a in alerts
                if a["labels"]["alertname"] == "DataDrift" and a["state"] == "firing"]

    wait_for(lambda: firing(), 60, "the DataDrift rule to fire")
    fired = firing()
    check([(a["feature"], a["severity"]) for a in fired] == [("amount", "critical")],
          f"DataDrift fires for amount (critical) and nothing else: {fired}")
    prometheus.terminate()
    prometheus.wait(timeout=30)
    RUNNING.remove(prometheus)
    check(daemon.stop() == 0, "driftd stops cleanly")


if __name__ == "__main__":
    run(main)
