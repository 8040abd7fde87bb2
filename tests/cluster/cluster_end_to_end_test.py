#!/usr/bin/python3
"""Cluster mode end to end on the real broker (issue 15's proof): several
driftd processes as one monitor, against one driftd on its own.

A 6-partition topic carries PER_PARTITION events per partition, in event-time
order per partition (10 ms apart, 1 s tumbling windows), the second half
drifted. Two streams read it: "payments" compares with a reference file,
"captured" captures its reference from its first CAPTURE_EVENTS events (at
the stream's owner, from the rows every instance spools, then published to
the references topic). Three instances (A, B, C) with the same cluster configuration start
on the first third. Then A is killed with SIGKILL, a fourth (D) starts, the
second third is produced, the broker is stopped (SIGSTOP) for BROKER_PAUSE_S
seconds, and the last third is produced. Finally A restarts on its own
database.

Checked:
  * every instance's SQLite holds every window that can close (all but the
    last; the captured stream's start after its reference's window), each
    exactly once, with the count the events produced give it (computed here
    from the events, independently): produced = counted, and no event late;
  * every instance stores the captured reference the single driftd captures
    (bins and counts);
  * a single driftd (no cluster section, its own group) over the same topic
    stores the same windows: counts, missing, invalid and histograms, bin by
    bin, for every feature;
  * every instance answers /v1/alerts with the same list, which is the single
    driftd's (the same alerts on the same windows), and the drift fired one;
  * every instance stores the same alert events (ids from the results topic)
    and delivers only those it published as the stream's owner;
  * each instance's /metrics counts the results it stored and its cuts.
usage: /usr/bin/python3 cluster_end_to_end_test.py DRIFTD_BINARY
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from driftd_harness import Daemon, kafka, check, curl, fail, run, write_config  # noqa: E402

PARTITIONS = 6
PER_PARTITION = 2400
STEP_MS = 10
T0 = 1_700_000_000_000
WINDOW_MS = 1000
BROKER_PAUSE_S = 30
CATEGORIES = ["a", "b", "c", "d"]
# The captured reference: the first window's events (the 600th earliest
# event is the first window's last, and a capture ends at its pane's end).
CAPTURE_EVENTS = 600


def event(partition, i):
    """Event i of a partition: deterministic, drifted from the second half on."""
    rng = random.Random(partition * 1_000_003 + i)
    drifted = i >= PER_PARTITION // 2
    x = rng.gauss(1.0 if drifted else 0.0, 1.0)
    weights = [1, 1, 1, 3] if drifted else [1, 1, 1, 1]
    return {"t": T0 + i * STEP_MS + partition, "x": x, "c": rng.choices(CATEGORIES, weights)[0]}


def produce(broker, topic, first, last, workdir):
    for partition in range(PARTITIONS):
        path = os.path.join(workdir, f"events-{partition}-{first}.ndjson")
        with open(path, "w") as f:
            for i in range(first, last):
                f.write(json.dumps(event(partition, i)) + "\n")
        subprocess.run(["kcat", "-P", "-b", broker, "-t", topic, "-p", str(partition), "-l", path],
                       check=True)


def expected_windows():
    """Events per window that can close, by stream: every window but the one
    holding the latest event time (no watermark passes it); the captured
    stream's from the end of its reference's window on."""
    counts = {}
    latest = 0
    for partition in range(PARTITIONS):
        for i in range(PER_PARTITION):
            t = T0 + i * STEP_MS + partition
            start = t - t % WINDOW_MS
            counts[start] = counts.get(start, 0) + 1
            latest = max(latest, t)
    closed = {start: n for start, n in counts.items() if start + WINDOW_MS <= latest}
    earliest = sorted(T0 + i * STEP_MS + p for p in range(PARTITIONS) for i in range(PER_PARTITION))
    last_captured = earliest[CAPTURE_EVENTS - 1]
    cut = last_captured - last_captured % WINDOW_MS + WINDOW_MS
    return {"payments": closed,
            "captured": {start: n for start, n in closed.items() if start >= cut}}


def config(workdir, broker, group, topic, reference, cluster):
    settings = {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        # A dead member's partitions move after 6 s (the broker's minimum).
        "kafka": {"brokers": broker, "group_id": group,
                  "properties": {"session.timeout.ms": "6000"}},
        "streams": [{
            "name": name, "source": {"type": "kafka", "topic": topic},
            "event_time": {"field": "/t", "idle_timeout": "3s"},
            "window": {"type": "tumbling", "size": "1s"},
            "reference": stream_reference,
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8},
                         {"name": "c", "path": "/c", "type": "categorical"}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.1, "max_p_value": 0.01,
                        "for": 2}]}
            for name, stream_reference in (
                ("payments", {"type": "file", "path": reference}),
                ("captured", {"type": "capture", "events": CAPTURE_EVENTS}))]}
    if cluster:
        settings["cluster"] = {"commit_interval": "200ms", "topic_partitions": 3}
    return write_config(workdir, settings)


def windows(db_path):
    """(stream, feature, start, end, n, missing, invalid, late, histogram) of
    every stored window."""
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT stream, feature, window_start, window_end, n, missing, invalid, late, "
            "histogram FROM window_metrics ORDER BY stream, feature, window_start").fetchall()


def captured_reference(db_path):
    """The captured stream's active reference: bins, counts, n, missing of
    each feature (its moments' last bits depend on the order rows came in)."""
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT feature, version, bins_json, histogram, n, missing FROM reference_distributions "
            "WHERE stream = 'captured' AND active = 1 ORDER BY feature").fetchall()


def window_count(db_path):
    if not os.path.exists(db_path):
        return 0
    with sqlite3.connect(db_path) as db:
        try:
            return db.execute("SELECT count(*) FROM window_metrics WHERE feature = 'x'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def wait_for_window_count(daemons, count, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        counts = [window_count(os.path.join(d.workdir, "test.db")) for d in daemons]
        if all(c >= count for c in counts):
            return counts
        time.sleep(0.5)
    return [window_count(os.path.join(d.workdir, "test.db")) for d in daemons]


def alerts(daemon):
    status, text = curl(daemon.url("/v1/alerts"))
    if status != 200:
        fail(f"/v1/alerts answers {status}: {text}")
    return json.loads(text)


def alert_summary(listed):
    """What must agree between a cluster and one driftd: which alert, on
    which window, how it ended (ids and wall-clock times differ)."""
    out = []
    for alert in listed["alerts"]:
        out.append((alert["stream"], alert["feature"], alert["rule"], alert["severity"],
                    alert["state"], alert["window_start"], alert["window_end"]))
    return sorted(out)


def metric_samples(instance):
    """/metrics as {series: value}."""
    status, text = curl(instance.url("/metrics"))
    if status != 200:
        fail(f"/metrics answers {status}")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            out[series] = float(value)
    return out


def events_of(db_path):
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT id, alert_id, transition, severity, at, payload, delivered_here "
                          "FROM alert_events ORDER BY id").fetchall()


class Instance:
    def __init__(self, binary, base, name, config_args):
        self.workdir = os.path.join(base, name)
        os.makedirs(self.workdir, exist_ok=True)
        self.config_path = config(self.workdir, *config_args)
        self.binary = binary
        self.daemon = None

    def start(self):
        self.daemon = Daemon(self.binary, self.workdir, self.config_path)
        return self

    def url(self, path):
        return self.daemon.url(path)


def main():
    binary = os.path.abspath(sys.argv[1])
    broker = kafka("bootstrap")
    run_id = f"{os.getpid()}-{int(time.time())}"
    topic = f"cluster-e2e-{run_id}"
    kafka("create-topic", topic, str(PARTITIONS))
    base = tempfile.mkdtemp(prefix="driftd-cluster-e2e-")
    reference = os.path.join(base, "reference.csv")
    rng = random.Random(7)
    with open(reference, "w") as f:
        f.write("x,c\n")
        for _ in range(5000):
            f.write(f"{rng.gauss(0.0, 1.0)},{rng.choice(CATEGORIES)}\n")
    expected = expected_windows()
    closing = sum(len(by_start) for by_start in expected.values())  # windows of x, both streams
    cluster_args = (broker, f"cluster-{run_id}", topic, reference, True)

    third = PER_PARTITION // 3
    produce(broker, topic, 0, third, base)
    a, b, c = (Instance(binary, base, name, cluster_args).start() for name in "abc")
    counts = wait_for_window_count([a, b, c], 3, 120)
    check(all(n >= 3 for n in counts), f"three instances commit their first windows ({counts})")

    a.daemon.kill()
    d = Instance(binary, base, "d", cluster_args).start()
    produce(broker, topic, third, 2 * third, base)
    time.sleep(3)
    broker_pid = int(kafka("pid"))
    os.kill(broker_pid, signal.SIGSTOP)
    time.sleep(BROKER_PAUSE_S)
    os.kill(broker_pid, signal.SIGCONT)
    produce(broker, topic, 2 * third, PER_PARTITION, base)

    live = [b, c, d]
    counts = wait_for_window_count(live, closing, 300)
    check(all(n == closing for n in counts),
          f"after A's SIGKILL, D's start and {BROKER_PAUSE_S} s without the broker, every live "
          f"instance holds the {closing} windows that can close ({counts})")
    a.start()  # on its own database: it catches up from its stored position
    everyone = [a, b, c, d]
    counts = wait_for_window_count(everyone, closing, 120)
    check(counts == [closing] * 4, f"A, restarted, catches up too ({counts})")

    rows = windows(os.path.join(b.workdir, "test.db"))
    for instance in everyone:
        check(windows(os.path.join(instance.workdir, "test.db")) == rows,
              f"instance {os.path.basename(instance.workdir)} stores the same windows, "
              "histograms included")
    for name, by_start in expected.items():
        counted = {start: n for stream, feature, start, _, n, _, _, _, _ in rows
                   if stream == name and feature == "x"}
        check(counted == by_start,
              f"each window of {name} counts exactly its produced events "
              f"({sum(counted.values())} counted, {sum(by_start.values())} produced in its windows)")
    check(sum(row[7] for row in rows) == 0, "no event late")
    reference_rows = captured_reference(os.path.join(b.workdir, "test.db"))
    check(len(reference_rows) == 2 and all(row[4] == CAPTURE_EVENTS for row in reference_rows),
          f"the captured reference holds the first window's {CAPTURE_EVENTS} events")
    check(all(captured_reference(os.path.join(i.workdir, "test.db")) == reference_rows
              for i in everyone), "every instance stores the same captured reference")

    single = Instance(binary, base, "single",
                      (broker, f"single-{run_id}", topic, reference, False)).start()
    counts = wait_for_window_count([single], closing, 180)
    check(counts == [closing], f"one driftd on its own closes the same {closing} windows")
    check(windows(os.path.join(single.workdir, "test.db")) == rows,
          "its windows equal the cluster's, bin by bin")
    check([row[:1] + row[2:] for row in captured_reference(os.path.join(single.workdir, "test.db"))]
          == [row[:1] + row[2:] for row in reference_rows],
          "it captures the reference the cluster captured (bins and counts)")

    listed = [alerts(instance) for instance in everyone]
    check(all(alert_list == listed[0] for alert_list in listed),
          "every instance answers /v1/alerts with the same list")
    summary = alert_summary(listed[0])
    check(len(summary) >= 1, f"the drift fired an alert ({summary})")
    check(alert_summary(alerts(single)) == summary, "the single driftd raised the same alerts")

    stored = [events_of(os.path.join(i.workdir, "test.db")) for i in everyone]
    without_delivery = [[event[:6] for event in events] for events in stored]
    check(all(events == without_delivery[0] for events in without_delivery),
          "every instance stores the same alert events, ids included")
    delivered = [sum(event[6] for event in events) for events in stored]
    check(sum(delivered) == len(stored[0]),
          f"each event is delivered by exactly one instance, its owner ({delivered})")

    samples = {os.path.basename(i.workdir): metric_samples(i) for i in everyone}
    check(all(samples[name].get('driftd_cluster_results_total{outcome="stored"}') == closing
              for name in "bcd"),
          f"/metrics of B, C and D: {closing} results stored since their start")
    check(all(s.get('driftd_cluster_results_total{outcome="skipped"}') == 0 and
              s.get('driftd_cluster_cuts_total{outcome="committed"}', 0) > 0 and
              s.get("driftd_cluster_results_next_offset") ==
              samples["b"].get("driftd_cluster_results_next_offset") for s in samples.values()),
          "every instance's /metrics: no result skipped, cuts committed, the same results position")
    firing = {"warn": 0, "critical": 0}
    for alert in listed[0]["alerts"]:
        if alert["state"] == "firing":
            firing[alert["severity"]] += 1
    check(all(s.get(f'driftd_alerts_open{{severity="{level}"}}') == count
              for s in samples.values() for level, count in firing.items()),
          f"every instance's alert gauges count the firing alerts ({firing})")

    for instance in everyone + [single]:
        check(instance.daemon.stop() == 0,
              f"{os.path.basename(instance.workdir)} drains and exits 0")
    print("PASS")


if __name__ == "__main__":
    run(main)
