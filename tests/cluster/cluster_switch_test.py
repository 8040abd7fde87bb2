#!/usr/bin/python3
"""A reference switch in cluster mode, end to end on a real broker. Two
driftd instances read a 2-partition topic in processing-time windows of 2 s,
with a reference file of N(0, 1); events of N(0, 1) flow for 16 s. Four
seconds in, `driftctl reference import` publishes references of N(3, 1)
(cluster.switch_lead 3 s):

  * it prints the switch's time, a pane boundary at least the lead ahead;
  * the same file again is refused (its version is already the stream's),
    and so is a third file while the switch is not in effect;
  * every instance logs the switch and stores the same windows: before its
    time compared with the file's references (jsd small), from it on with
    the imported ones (jsd large), which are then its active ones;
  * once in effect, a third file is accepted.

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
from driftd_harness import Daemon, check, run, write_config  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
KAFKA = os.path.join(REPO, "scripts", "kafka")
WINDOW_MS = 2000
FLOW_S = 16


def kafka(*args):
    return subprocess.run([KAFKA, *args], check=True, capture_output=True, text=True).stdout.strip()


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
    stop = threading.Event()
    producer = threading.Thread(target=produce, args=(broker, topic, stop))
    producer.start()
    try:
        time.sleep(4)
        a_dir, a_config, _ = instances[0]
        asked = int(time.time() * 1000)
        imported_run = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                                "--db", os.path.join(a_dir, "test.db"), "--stream", "s",
                                "--file", imported, "--format", "json")
        check(imported_run.returncode == 0, f"driftctl publishes the switch ({imported_run.stderr!r})")
        switch = json.loads(imported_run.stdout)["switch"]
        from_ms = switch["from_ms"]
        check(from_ms % WINDOW_MS == 0 and from_ms >= asked + 3000,
              f"at a pane boundary at least the lead ahead ({from_ms - asked} ms)")
        again = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                         "--stream", "s", "--file", imported)
        check(again.returncode == 2 and "were already its own" in again.stderr,
              f"the same references again are refused ({again.stderr.strip()!r})")
        early = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                         "--db", os.path.join(a_dir, "test.db"), "--stream", "s", "--file", third)
        check(early.returncode == 2 and "is not in effect in this database yet" in early.stderr,
              f"another while the switch is not in effect is refused ({early.stderr.strip()!r})")
        time.sleep(max(0.0, FLOW_S - 4 - (time.time() * 1000 - asked) / 1000))
    finally:
        stop.set()
        producer.join()
    time.sleep(5)  # the last windows close

    rows = [windows(os.path.join(workdir, "test.db")) for workdir, _, _ in instances]
    check(rows[0] == rows[1] and len(rows[0]) >= 6,
          f"both instances store the same {len(rows[0])} windows")
    before = [row for row in rows[0] if row[0] < from_ms]
    after = [row for row in rows[0] if row[0] >= from_ms]
    check(len(before) >= 2 and len(after) >= 2, f"windows on both sides ({len(before)}, {len(after)})")
    check(all(row[3] == "file:" + reference and row[2] < 0.05 for row in before),
          "before the switch: compared with the file's references, no drift")
    check(all(row[3] == "switch (cluster)" and row[2] > 0.2 for row in after),
          "from the switch on: compared with the imported ones, drift")
    for workdir, _, daemon in instances:
        log = daemon.log_since(0)
        check(f"from {from_ms} ms" in log, f"{os.path.basename(workdir)} logs the switch")
    third_run = driftctl(driftctl_binary, "reference", "import", "--config", a_config,
                         "--db", os.path.join(a_dir, "test.db"), "--stream", "s", "--file", third)
    check(third_run.returncode == 0, f"once in effect, the next switch is accepted ({third_run.stderr!r})")
    for workdir, _, daemon in instances:
        check(daemon.stop() == 0, f"{os.path.basename(workdir)} drains and exits 0")
    print("PASS")


if __name__ == "__main__":
    run(main)
