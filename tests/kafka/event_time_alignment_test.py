#!/usr/bin/python3
"""Event-time windows through a real Kafka broker, with uneven partitions: no
on-time event is ever late, every event produced is in the reference or in
exactly one window.

The topic has PARTITIONS partitions; windows are 10 s tumbling with no
allowed lateness (the strictest setting), the reference is captured (3,000
events). Each partition carries 50 events per second of event time, from
T0 on:
  * partition 0 runs far ahead: all its events, [T0, T0 + 160 s), are in
    Kafka before driftd starts (with one partition, it is the only one and
    runs like the others);
  * the others have [T0, T0 + 60 s) in Kafka before driftd starts (a backlog
    read in whatever order librdkafka fetches it), then [T0 + 60 s, T0 +
    160 s) is produced live, 10 s of event time at a time;
  * with 4 partitions, partition 3 is idle for a while: nothing before T0 +
    60 s;
  * in the live phase driftd is killed with SIGKILL and restarted, and the
    broker is stopped (SIGSTOP) for 4 s while producers for every partition
    wait to send, then resumed (they flush in whatever order);
  * finally every partition gets one event an hour later, which closes every
    window of the test (and stays in its own open window).
The checks:
  * the reference holds exactly the events before its cut (the end of the
    10 s pane its 3,000th earliest event falls in);
  * every window from the cut to T0 + 160 s is stored once and holds exactly
    the events produced for it; no event is late, malformed or invalid;
  * the positions stored in SQLite are the offsets produced.
With THREADS consumer threads (kafka.threads, default 1) the partitions are
read by different threads, which share the alignment.
usage: /usr/bin/python3 event_time_alignment_test.py DRIFTD_BINARY PARTITIONS [THREADS]
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
from driftd_harness import Daemon, kafka, check, curl, run, wait_for, write_config  # noqa: E402

T0 = 1_700_000_000_000  # a multiple of the window size
WINDOW_MS = 10_000
END_MS = 160_000  # event time covered, from T0
BACKLOG_MS = 60_000  # what the partitions other than 0 have before driftd starts
STEP_MS = 20  # 50 events per second per partition
REFERENCE_EVENTS = 3000
FLUSH_TS = T0 + 3_600_000


def events(partition, start_ms, end_ms, rng):
    """The events of `partition` with times in [T0 + start_ms, T0 + end_ms); the
    partition number offsets them so partitions never share a millisecond."""
    return [(T0 + t + partition, json.dumps({"ts": T0 + t + partition,
                                              "x": round(rng.gauss(100.0, 10.0), 3)}))
            for t in range(start_ms, end_ms, STEP_MS)]


class Producer:
    """Produces with kcat and keeps what went where."""

    def __init__(self, broker, topic, partitions, workdir):
        self.broker, self.topic, self.workdir = broker, topic, workdir
        self.times = [[] for _ in range(partitions)]  # event times produced, per partition
        self.lock = threading.Lock()

    def produce(self, partition, batch):
        if not batch:
            return
        path = os.path.join(self.workdir, f"produce-{partition}-{batch[0][0]}.ndjson")
        with open(path, "w") as f:
            f.write("".join(line + "\n" for _, line in batch))
        subprocess.run(["kcat", "-P", "-b", self.broker, "-t", self.topic, "-p", str(partition),
                        "-l", path], check=True)
        with self.lock:
            self.times[partition].extend(t for t, _ in batch)

    def produce_all(self, batches):
        """One producer per partition at once; they flush in whatever order."""
        errors = []

        def send(partition, batch):
            try:
                self.produce(partition, batch)
            except Exception as error:  # reported below
                errors.append(error)
        threads = [threading.Thread(target=send, args=item) for item in batches.items()]
        for thread in threads:
            thread.start()
        return threads, errors


def main():
    binary = os.path.abspath(sys.argv[1])
    partitions = int(sys.argv[2])
    consumer_threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    broker = kafka("bootstrap")
    run_id = f"{partitions}-{os.getpid()}-{int(time.time())}"
    topic = f"align-{run_id}"
    kafka("create-topic", topic, str(partitions))
    workdir = tempfile.mkdtemp(prefix=f"driftd-align-{partitions}-")
    rng = random.Random(partitions)
    producer = Producer(broker, topic, partitions, workdir)
    idle = 3 if partitions == 4 else None  # the partition with nothing before the live phase

    # The backlog: partition 0 far ahead, the others up to T0 + 60 s.
    producer.produce(0, events(0, 0, BACKLOG_MS if partitions == 1 else END_MS, rng))
    for partition in range(1, partitions):
        if partition != idle:
            producer.produce(partition, events(partition, 0, BACKLOG_MS, rng))

    config_path = write_config(workdir, {
        "storage": {"path": "test.db", "checkpoint_interval": "300ms"},
        "http": {"listen": "127.0.0.1:0"},
        # The restart after the kill takes the killed member's place at once
        # (static membership, driftd's default).
        "kafka": {"brokers": broker, "group_id": f"align-{run_id}",
                  "threads": consumer_threads},
        "streams": [{
            "name": "s", "source": {"type": "kafka", "topic": topic},
            "event_time": {"field": "/ts"},
            "window": {"type": "tumbling", "size": "10s"},
            "reference": {"type": "capture", "events": REFERENCE_EVENTS},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10}],
            "alerts": []}]})
    db_path = os.path.join(workdir, "test.db")
    daemon = Daemon(binary, workdir, config_path)

    def stream():
        status, text = curl(daemon.url("/v1/streams"))
        check(status == 200, "GET /v1/streams answers 200")
        return json.loads(text)["streams"][0]


    backlog = sum(len(times) for times in producer.times)
    wait_for(lambda: stream()["events"] == backlog, 60, f"the backlog of {backlog} events read")

    # The live phase, 10 s of event time at a time on every partition but 0.
    live = [p for p in range(partitions) if partitions == 1 or p != 0]
    for start in range(BACKLOG_MS, END_MS, WINDOW_MS):
        batches = {p: events(p, start, start + WINDOW_MS, rng) for p in live}
        if start == BACKLOG_MS + 3 * WINDOW_MS:
            daemon.kill()
            print("ok: driftd killed with SIGKILL in the live phase")
            daemon = Daemon(binary, workdir, config_path)
        if start == BACKLOG_MS + 6 * WINDOW_MS:
            broker_pid = int(kafka("pid"))
            os.kill(broker_pid, 19)  # SIGSTOP
            threads, errors = producer.produce_all(batches)
            time.sleep(4)
            os.kill(broker_pid, 18)  # SIGCONT
            for thread in threads:
                thread.join()
            check(not errors, f"the producers flush after the outage ({errors})")
            print("ok: the broker was stopped for 4 s while producers waited")
            continue
        threads, errors = producer.produce_all(batches)
        for thread in threads:
            thread.join()
        check(not errors, f"events of [{start}, {start + WINDOW_MS}) ms produced ({errors})")

    # The reference and the windows the test expects.
    all_times = sorted(t for times in producer.times for t in times)
    cut = (all_times[REFERENCE_EVENTS - 1] - T0) // WINDOW_MS * WINDOW_MS + WINDOW_MS
    expected_reference = sum(1 for t in all_times if t < T0 + cut)
    expected_windows = [(T0 + start, sum(1 for t in all_times
                                         if T0 + start <= t < T0 + start + WINDOW_MS))
                        for start in range(cut, END_MS, WINDOW_MS)]

    for partition in range(partitions):
        producer.produce(partition, [(FLUSH_TS, json.dumps({"ts": FLUSH_TS, "x": 100.0}))])

    def windows():
        with sqlite3.connect(db_path) as db:
            return db.execute("SELECT window_start, n, late FROM window_metrics "
                              "WHERE stream = 's' AND feature = 'x' ORDER BY window_start").fetchall()
    wait_for(lambda: len(windows()) >= len(expected_windows), 60,
             f"the {len(expected_windows)} windows after the reference")
    counters = stream()
    check(counters["late"] == 0 and counters["malformed"] == 0 and
          counters["invalid_event_time"] == 0,
          f"no event is late, malformed or invalid since the restart: {counters}")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")

    rows = windows()
    check([(start, n) for start, n, _ in rows] == expected_windows,
          f"every window from the cut holds exactly the events produced for it:\n"
          f"  stored   {[(s - T0, n) for s, n, _ in rows]}\n"
          f"  expected {[(s - T0, n) for s, n in expected_windows]}")
    check(sum(late for _, _, late in rows) == 0, "no window reports a late event")
    with sqlite3.connect(db_path) as db:
        reference = db.execute("SELECT n + missing FROM reference_distributions "
                               "WHERE stream = 's' AND feature = 'x' AND active = 1").fetchone()
        positions = db.execute("SELECT partition, next_offset FROM source_positions "
                               "WHERE stream = 's' AND topic = ? ORDER BY partition",
                               (topic,)).fetchall()
    check(reference == (expected_reference,),
          f"the reference holds the {expected_reference} events before the cut at "
          f"T0 + {cut // 1000} s ({reference})")
    produced = [(p, len(times)) for p, times in enumerate(producer.times)]
    check(positions == produced, f"stored positions are the produced offsets ({positions})")
    print(f"event-time alignment on {partitions} partition(s), {consumer_threads} consumer "
          "thread(s): all checks passed")


if __name__ == "__main__":
    run(main)
