#!/usr/bin/python3
"""Reference switches in cluster mode, end to end on a real broker. Two
driftd instances read a 2-partition topic in processing-time windows of 2 s,
with a reference file of N(0, 1); events of N(0, 1) flow throughout. Four
seconds in, `driftctl reference import` publishes references of N(3, 1)
(cluster.switch_lead 3 s); once that switch is in effect, `driftctl
reference promote` publishes its first window as the next references:

  * the reference file itself is refused (it is the stream's first);
  * import prints the switch's time, a pane boundary at least the lead
    ahead; the same file again is refused (its version is already the
    stream's), and so is a third file while the switch is not in effect;
  * promote, given an instance's database and the cluster's configuration,
    publishes the promoted window's counts (in the imported bins) as a
    switch of its own;
  * every instance logs both switches and stores the same windows: before
    the first compared with the file's references (jsd small), then with
    the imported ones (jsd large), then with the promoted window (jsd small
    again), which are then its active references.

usage: /usr/bin/python3 cluster_switch_test.py DRIFTD_BINARY DRIFTCTL_BINARY
"""
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from driftd_harness import Daemon, kafka, check, run, write_config  # noqa: E402

WINDOW_MS = 2000
FLOW_S = 16


def write_reference(path, mean, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("x\n")
        for _ in range(2000):
            f.write(f"{rng.gauss(mean, 1.0)}\n")


def instance_config(workdir, broker, group, topic, reference):
    return write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "kafka": {"brokers": broker, "group_id": group,
                  "properties": {"session.timeout.ms": "6000"}},
        "cluster": {"commit_interval": "200ms", "topic_partitions": 2, "switch_lead": "3s"},
        "streams": [{"name": "s", "source": {"type": "kafka", "topic": topic},
                     "window": {"type": "tumbling", "size": "2s"},
                     "reference": {"type": "file", "path": reference},
                     "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})


def produce(broker, topic, stop):
    rng = random.Random(3)
    while not stop.is_set():
        lines = "".join(json.dumps({"x": rng.gauss(0.0, 1.0)}) + "\n" for _ in range(40))
        subprocess.run(["kcat", "-P", "-b", broker, "-t", topic], input=lines, text=True,
                       check=True)
        time.sleep(0.2)


def windows(db_path):
    """(start, n, jsd, reference origin) of every stored window."""
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT m.window_start, m.n, m.jsd, r.origin FROM window_metrics m "
            "JOIN reference_distributions r ON r.id = m.reference_id "
            "ORDER BY m.window_start").fetchall()


def driftctl(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)


def wait_for_window(db_path, start, seconds):
    """Whether a window starting at `start` or later is stored within `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if os.path.exists(db_path) and any(row[0] >= start for row in windows(db_path)):
            return True
        time.sleep(0.2)
    return False


def main():
    driftd, driftctl_binary = (os.path.abspath(path) for path in sys.argv[1:3])
    broker = kafka("bootstrap")
    run_id = f"{os.getpid()}-{int(time.time())}"
    topic = f"cluster-switch-{run_id}"
    kafka("create-topic", topic, "2")
    base = tempfile.mkdtemp(prefix="driftd-cluster-switch-")
    reference, imported, third = (os.path.join(base, name)
                                  for name in ("reference.csv", "imported.csv", "third.csv"))
    write_reference(reference, 0.0, 1)
    write_reference(imported, 3.0, 2)
    write_reference(third, -3.0, 3)
    group = f"switch-{run_id}"
    instances = []
    for name in "ab":
        workdir = os.path.join(base, name)
        os.makedirs(workdir)
        path = instance_config(workdir, broker, group, topic, reference)
        instances.append((workdir, path, Daemon(driftd, workdir, path)))
    a_dir, a_config, _ = instances[0]
    a_db = os.path.join(a_dir, "test.db")
    stop = threading.Event()
    producer = threading.Thread(target=produce, args=(broker, topic, stop))
    producer.start()
    try:
        check(wait_for_window(a_db, 0, 30), "windows compared with the file's references are stored")
        own = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                       "--stream", "s", "--file", reference)
        check(own.returncode == 2 and "its first" in own.stderr,
              f"the stream's own reference file is refused ({own.stderr.strip()!r})")
        asked = int(time.time() * 1000)
        imported_run = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                                "--db", a_db, "--stream", "s", "--file", imported,
                                "--format", "json")
        check(imported_run.returncode == 0, f"driftctl publishes the switch ({imported_run.stderr!r})")
        from_ms = json.loads(imported_run.stdout)["switch"]["from_ms"]
        check(from_ms % WINDOW_MS == 0 and from_ms >= asked + 3000,
              f"at a pane boundary at least the lead ahead ({from_ms - asked} ms)")
        again = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                         "--stream", "s", "--file", imported)
        check(again.returncode == 2 and "were already its own" in again.stderr,
              f"the same references again are refused ({again.stderr.strip()!r})")
        early = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                         "--db", a_db, "--stream", "s", "--file", third)
        check(early.returncode == 2 and "is not in effect in this database yet" in early.stderr,
              f"another while the switch is not in effect is refused ({early.stderr.strip()!r})")
        check(wait_for_window(a_db, from_ms, 30), "the switch's first window is stored")
        promoted_run = driftctl(driftctl_binary, "reference", "promote", "--config", a_config,
                                "--db", a_db, "--stream", "s", "--window-start", str(from_ms), "--format", "json")
        check(promoted_run.returncode == 0,
              f"once it is in effect, promote publishes the next switch ({promoted_run.stderr!r})")
        promoted_from = json.loads(promoted_run.stdout)["switch"]["from_ms"]
        check(promoted_from > from_ms and promoted_from % WINDOW_MS == 0,
              f"at a later pane boundary ({promoted_from - from_ms} ms after the first)")
        check(wait_for_window(a_db, promoted_from + 2 * WINDOW_MS, 30),
              "windows after the promoted switch are stored")
    finally:
        stop.set()
        producer.join()
    # The last windows with events close, on both instances, which store the
    # same rows once both have read the results topic that far.
    stopped_ms = int(time.time() * 1000)
    last_start = stopped_ms - stopped_ms % WINDOW_MS - WINDOW_MS
    dbs = [os.path.join(workdir, "test.db") for workdir, _, _ in instances]
    check(all(wait_for_window(db, last_start, 30) for db in dbs), "the last windows are stored")
    deadline = time.time() + 30
    rows = [windows(db) for db in dbs]
    while rows[0] != rows[1] and time.time() < deadline:
        time.sleep(0.2)
        rows = [windows(db) for db in dbs]
    check(rows[0] == rows[1] and len(rows[0]) >= 8,
          f"both instances store the same {len(rows[0])} windows")
    before = [row for row in rows[0] if row[0] < from_ms]
    imported_windows = [row for row in rows[0] if from_ms <= row[0] < promoted_from]
    promoted_windows = [row for row in rows[0] if row[0] >= promoted_from]
    check(len(before) >= 2 and len(imported_windows) >= 1 and len(promoted_windows) >= 2,
          f"windows in each period ({len(before)}, {len(imported_windows)}, {len(promoted_windows)})")
    check(all(row[3] == "file:" + reference and row[2] < 0.05 for row in before),
          "before the first switch: compared with the file's references, no drift")
    check(all(row[3] == "switch (cluster)" and row[2] > 0.2 for row in imported_windows),
          "from it on: compared with the imported ones, drift")
    check(all(row[3] == "switch (cluster)" and row[2] < 0.05 for row in promoted_windows),
          "from the promoted switch on: compared with the promoted window, no drift")
    for workdir, _, daemon in instances:
        log = daemon.log_since(0)
        check(f"from {from_ms} ms" in log and f"from {promoted_from} ms" in log,
              f"{os.path.basename(workdir)} logs both switches")
    for workdir, _, daemon in instances:
        check(daemon.stop() == 0, f"{os.path.basename(workdir)} drains and exits 0")
    print("PASS")


if __name__ == "__main__":
    run(main)
