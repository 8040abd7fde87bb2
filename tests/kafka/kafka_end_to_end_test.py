#!/usr/bin/python3
"""driftd end to end through a real Kafka broker, with a crash in the middle.

The broker is the one scripts/kafka runs (the kafka_broker ctest fixture).
The test creates a fresh 3-partition topic and produces, with kcat, 120,000
events spread over 120 s of event time (one per millisecond, event i on
partition i % 3), in 12 chunks of 10 s, so that every 10 s tumbling window
holds exactly 10,000 events. `amount` drifts from t0 + 60 s on; `latency`
never does. The reference is a file, so every produced event belongs to a
window and the expected count of each window is exact.

Half-way, while chunks are still being produced, driftd is killed with
SIGKILL and restarted. The checks:
  * every window of every feature holds exactly 10,000 values: nothing lost,
    nothing counted twice across the crash;
  * the drifted feature fires in the first drifted window, the stable one
    never alerts;
  * the positions stored in SQLite after the final SIGTERM are the offsets
    produced on each partition;
  * a malformed message is counted and skipped; HTTP ingest into a Kafka
    stream is 409; /readyz is 200 and /metrics reports the consumer and
    both threads' partitions.
usage: /usr/bin/python3 kafka_end_to_end_test.py DRIFTD_BINARY
"""
import csv
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
from driftd_harness import Daemon, check, curl, fail, run, wait_for, write_config  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
KAFKA = os.path.join(REPO, "scripts", "kafka")
PARTITIONS = 3
T0 = 1_700_000_000_000  # a multiple of the window size
WINDOW_MS = 10_000
CHUNKS = 12
DRIFT_FROM = T0 + 60_000
FLUSH_TS = T0 + 3_600_000  # closes every window of the test


def bootstrap():
    return subprocess.run([KAFKA, "bootstrap"], check=True, capture_output=True,
                          text=True).stdout.strip()


def event(rng, ts):
    amount = rng.gauss(100.0, 10.0) + (25.0 if ts >= DRIFT_FROM else 0.0)
    return json.dumps({"ts": ts, "amount": round(amount, 3),
                       "latency": round(rng.gauss(50.0, 5.0), 3),
                       "country": rng.choice(["US", "DE", "FR"])})


def produce(broker, topic, partition, lines, workdir):
    path = os.path.join(workdir, f"produce-{partition}.ndjson")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(["kcat", "-P", "-b", broker, "-t", topic, "-p", str(partition), "-l", path],
                   check=True)


def produce_chunk(broker, topic, chunk, workdir, rng, extra=None):
    """Events of [t0 + 10 s * chunk, t0 + 10 s * (chunk + 1)), event i on partition i % 3."""
    by_partition = [[] for _ in range(PARTITIONS)]
    for i in range(chunk * WINDOW_MS, (chunk + 1) * WINDOW_MS):
        by_partition[i % PARTITIONS].append(event(rng, T0 + i))
    for partition, line in extra or []:
        by_partition[partition].append(line)
    for partition in range(PARTITIONS):
        produce(broker, topic, partition, by_partition[partition], workdir)
    return [len(lines) for lines in by_partition]


def window_rows(db_path, feature):
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT window_start, n, late FROM window_metrics WHERE feature = ? "
                          "ORDER BY window_start", (feature,)).fetchall()


def check_degraded_without_broker(binary):
    """No broker reachable: driftd still starts, serves HTTP and ingests into
    its HTTP streams, and /readyz says it is degraded and why."""
    workdir = tempfile.mkdtemp(prefix="driftd-kafka-down-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "kafka": {"brokers": "127.0.0.1:1", "group_id": "nobody"},  # nothing listens
        "streams": [
            {"name": "payments", "source": {"type": "kafka", "topic": "payments"},
             "window": {"type": "count", "events": 100},
             "features": [{"name": "amount", "path": "/amount", "type": "numeric"}]},
            {"name": "clicks", "source": {"type": "http"},
             "window": {"type": "count", "events": 100},
             "features": [{"name": "latency", "path": "/latency", "type": "numeric"}]}]})
    daemon = Daemon(binary, workdir, config_path)

    def degraded():
        status, text = curl(daemon.url("/readyz"))
        return status == 503 and json.loads(text)["status"] == "degraded"
    wait_for(degraded, 30, "/readyz to report the broker outage")
    _, text = curl(daemon.url("/readyz"))
    check(any("no Kafka broker reachable" in reason for reason in json.loads(text)["reasons"]),
          "/readyz is 503 degraded and names the unreachable broker")
    status, _ = curl(daemon.url("/healthz"))
    check(status == 200, "/healthz still answers")
    status, text = curl(daemon.url("/v1/streams/clicks/events"), b'{"latency": 12.5}\n')
    check(status == 202 and json.loads(text)["accepted"] == 1,
          "HTTP ingest keeps working while Kafka is down")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0 with the broker down")


def main():
    binary = os.path.abspath(sys.argv[1])
    check_degraded_without_broker(binary)
    broker = bootstrap()
    run_id = f"{os.getpid()}-{int(time.time())}"
    topic = f"e2e-{run_id}"
    subprocess.run([KAFKA, "create-topic", topic, str(PARTITIONS)], check=True,
                   capture_output=True)
    alert_topic = f"e2e-alerts-{run_id}"
    subprocess.run([KAFKA, "create-topic", alert_topic, "1"], check=True, capture_output=True)
    workdir = tempfile.mkdtemp(prefix="driftd-kafka-")
    rng = random.Random(11)

    reference_path = os.path.join(workdir, "reference.csv")
    with open(reference_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["amount", "latency", "country"])
        for _ in range(5000):
            writer.writerow([round(rng.gauss(100.0, 10.0), 3), round(rng.gauss(50.0, 5.0), 3),
                             rng.choice(["US", "DE", "FR"])])
    config_path = write_config(workdir, {
        "storage": {"path": "test.db", "checkpoint_interval": "300ms"},
        "http": {"listen": "127.0.0.1:0"},
        # The restart after the kill takes the killed member's place at once
        # (static membership, driftd's default).
        "kafka": {"brokers": broker, "group_id": f"e2e-{run_id}", "alert_topic": alert_topic,
                  "threads": 2},
        "streams": [{
            "name": "payments", "source": {"type": "kafka", "topic": topic},
            "event_time": {"field": "/ts", "unit": "ms"},
            "window": {"type": "tumbling", "size": "10s", "allowed_lateness": "30s"},
            "reference": {"type": "file", "path": reference_path},
            "features": [
                {"name": "amount", "path": "/amount", "type": "numeric", "bins": 10},
                {"name": "latency", "path": "/latency", "type": "numeric", "bins": 10},
                {"name": "country", "path": "/country", "type": "categorical"}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05,
                        "min_samples": 500, "max_p_value": 0.001}]}]})
    db_path = os.path.join(workdir, "test.db")

    produced = [0] * PARTITIONS  # messages per partition, malformed and flush included

    def count(per_partition):
        for partition, messages in enumerate(per_partition):
            produced[partition] += messages

    daemon = Daemon(binary, workdir, config_path)
    status, _ = curl(daemon.url("/readyz"))
    check(status == 200, "/readyz answers 200 with the broker up")
    status, text = curl(daemon.url("/v1/streams/payments/events"), b'{"amount": 1}\n')
    check(status == 409, "HTTP ingest into a Kafka stream is 409")

    for chunk in range(6):
        count(produce_chunk(broker, topic, chunk, workdir, rng))
    # Windows close once the watermark (latest event time - 30 s) passes them.
    wait_for(lambda: len(window_rows(db_path, "amount")) >= 1, 60, "the first window")

    # Crash while the next chunks are being produced and consumed.
    producer_error = []
    def produce_more():
        try:
            for chunk in range(6, 9):
                count(produce_chunk(broker, topic, chunk, workdir, rng))
        except Exception as error:  # reported by the main thread
            producer_error.append(error)
    producer = threading.Thread(target=produce_more)
    producer.start()
    time.sleep(0.3)
    daemon.kill()
    print("ok: driftd killed with SIGKILL in the middle of the stream")
    producer.join()
    check(not producer_error, f"chunks 6-8 produced ({producer_error})")

    daemon = Daemon(binary, workdir, config_path)
    malformed = [(1, "this is not JSON")]
    for chunk in range(9, CHUNKS):
        count(produce_chunk(broker, topic, chunk, workdir, rng,
                            extra=malformed if chunk == 9 else None))
    for partition in range(PARTITIONS):
        produce(broker, topic, partition, [json.dumps({"ts": FLUSH_TS, "amount": 100.0,
                                                       "latency": 50.0, "country": "US"})],
                workdir)
        produced[partition] += 1
    wait_for(lambda: len(window_rows(db_path, "amount")) >= CHUNKS, 90, "all 12 windows")

    status, metrics = curl(daemon.url("/metrics"))
    check(status == 200 and 'driftd_events_malformed_total{stream="payments"} 1' in metrics,
          "the malformed message is counted")
    check("driftd_kafka_messages_total" in metrics and "driftd_kafka_consumer_lag" in metrics,
          "/metrics reports the Kafka consumer")
    check('driftd_kafka_thread_partitions{thread="0"} 2' in metrics and
          'driftd_kafka_thread_partitions{thread="1"} 1' in metrics,
          "/metrics: the 3 partitions are spread over the 2 consumer threads")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")

    for feature in ("amount", "latency", "country"):
        rows = window_rows(db_path, feature)
        check([r[0] for r in rows] == [T0 + k * WINDOW_MS for k in range(CHUNKS)],
              f"{feature}: the 12 windows of the stream, once each")
        check([r[1] for r in rows] == [WINDOW_MS] * CHUNKS,
              f"{feature}: every window holds exactly 10,000 values across the crash")
        check(sum(r[2] for r in rows) == 0, f"{feature}: no event was late")
    with sqlite3.connect(db_path) as db:
        alerts = db.execute("SELECT feature, window_start FROM alerts ORDER BY id").fetchall()
        check([a[0] for a in alerts] == ["amount"], "only the drifted feature alerts")
        check(alerts[0][1] == DRIFT_FROM, "the alert fires in the first drifted window")
        positions = db.execute("SELECT partition, next_offset FROM source_positions "
                               "WHERE stream = 'payments' AND topic = ? ORDER BY partition",
                               (topic,)).fetchall()
        check(positions == list(enumerate(produced)),
              f"stored positions are the produced offsets ({positions} vs {produced})")
        stored_events = {row[0]: json.loads(row[1]) for row in db.execute(
            "SELECT id, payload FROM alert_events ORDER BY id")}
    consumed = subprocess.run(
        ["kcat", "-C", "-b", broker, "-t", alert_topic, "-o", "beginning", "-e", "-q",
         "-f", "%k\t%s\n"], check=True, capture_output=True, text=True).stdout.splitlines()
    on_topic = {}
    for line in consumed:
        key, _, value = line.partition("\t")
        document = json.loads(value)
        if key != f"{document['stream']}/{document['feature']}":
            fail(f"alert topic message keyed {key!r} for {document['stream']}/{document['feature']}")
        on_topic[document["event_id"]] = document
    check(stored_events and on_topic == stored_events,
          f"the alert topic holds every alert event ({len(stored_events)}), keyed stream/feature, "
          "as stored")
    print("kafka end to end: all checks passed")


if __name__ == "__main__":
    run(main)
