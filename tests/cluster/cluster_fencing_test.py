#!/usr/bin/python3
"""A fenced cluster instance leaves the cluster, end to end on a real broker.

Two driftd processes are given the same kafka.instance_id (a copied
configuration, the classic mistake; or a zombie whose replacement started).
The second one's transactional producers fence the first one's, which can
then commit nothing: were it to stay in the groups, the partitions and
streams it holds would hold every instance's windows back for good. So:

  * the first instance logs that it was fenced and why, drains, leaves the
    groups and exits with 75 (EX_TEMPFAIL: systemd's Restart=on-failure
    starts it again);
  * the second one takes its partitions and streams over and closes every
    window that can close, each with exactly the events produced in it (the
    first one's last transaction, aborted by the fence, is read again), none
    late;
  * the second one drains and exits 0.

usage: /usr/bin/python3 cluster_fencing_test.py DRIFTD_BINARY
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from driftd_harness import Daemon, kafka, check, run, wait_for_windows, write_config  # noqa: E402

PARTITIONS = 2
PER_PARTITION = 1200
STEP_MS = 10
T0 = 1_700_000_000_000
WINDOW_MS = 1000


def produce(broker, topic, first, last):
    for partition in range(PARTITIONS):
        lines = "".join(json.dumps({"t": T0 + i * STEP_MS + partition, "x": (i * 7 + partition) % 13})
                        + "\n" for i in range(first, last))
        subprocess.run(["kcat", "-P", "-b", broker, "-t", topic, "-p", str(partition)],
                       input=lines, text=True, check=True)


def expected_windows():
    """Events per window that can close (all but the one of the latest event)."""
    counts = {}
    for partition in range(PARTITIONS):
        for i in range(PER_PARTITION):
            t = T0 + i * STEP_MS + partition
            counts[t - t % WINDOW_MS] = counts.get(t - t % WINDOW_MS, 0) + 1
    latest = T0 + (PER_PARTITION - 1) * STEP_MS + PARTITIONS - 1
    return {start: n for start, n in counts.items() if start + WINDOW_MS <= latest}


def config(workdir, broker, group, topic):
    return write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "kafka": {"brokers": broker, "group_id": group, "instance_id": "copied-id",
                  "properties": {"session.timeout.ms": "6000"}},
        "cluster": {"commit_interval": "200ms", "topic_partitions": 1},
        "streams": [{"name": "s", "source": {"type": "kafka", "topic": topic},
                     "event_time": {"field": "/t", "idle_timeout": "3s"},
                     "window": {"type": "tumbling", "size": "1s"},
                     "reference": {"type": "file", "path": os.path.join(workdir, "..", "ref.csv")},
                     "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})


def windows(db_path):
    """{start: (n, late)} of the stored windows."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT window_start, n, late FROM window_metrics").fetchall()
    return {start: (n, late) for start, n, late in rows}


def main():
    binary = os.path.abspath(sys.argv[1])
    broker = kafka("bootstrap")
    run_id = f"{os.getpid()}-{int(time.time())}"
    topic = f"cluster-fencing-{run_id}"
    kafka("create-topic", topic, str(PARTITIONS))
    base = tempfile.mkdtemp(prefix="driftd-cluster-fencing-")
    with open(os.path.join(base, "ref.csv"), "w") as f:
        f.write("x\n" + "".join(f"{i % 13}\n" for i in range(1000)))
    group = f"fencing-{run_id}"
    expected = expected_windows()

    half = PER_PARTITION // 2
    produce(broker, topic, 0, half)
    first_dir = os.path.join(base, "first")
    os.makedirs(first_dir)
    first = Daemon(binary, first_dir, config(first_dir, broker, group, topic))
    stored = wait_for_windows(os.path.join(first_dir, "test.db"), "x", 3, 60)
    check(stored >= 3, f"the first instance commits windows ({stored})")

    second_dir = os.path.join(base, "second")
    os.makedirs(second_dir)
    second = Daemon(binary, second_dir, config(second_dir, broker, group, topic))
    code = first.wait(60)
    log = first.log_since(0)
    check(code == 75, f"the fenced instance exits with 75 (EX_TEMPFAIL), not {code}")
    check("fenced" in log and "leaving the groups and exiting with 75" in log,
          "it logs that it was fenced and leaves")
    check("driftd: stopped" in log, "after a drain")

    produce(broker, topic, half, PER_PARTITION)
    second_db = os.path.join(second_dir, "test.db")
    wait_for_windows(second_db, "x", len(expected), 120)
    stored = windows(second_db)
    check(sorted(stored) == sorted(expected),
          f"the second instance closes every window that can close ({len(stored)} of "
          f"{len(expected)})")
    wrong = {start: (stored[start][0], n) for start, n in expected.items()
             if stored[start][0] != n}
    check(not wrong, f"each with exactly its events, counted once (stored, produced: {wrong})")
    check(all(late == 0 for _, late in stored.values()), "none late")
    check(second.stop() == 0, "the second instance drains and exits 0")
    print("PASS")


if __name__ == "__main__":
    run(main)
