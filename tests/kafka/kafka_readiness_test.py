#!/usr/bin/python3
"""What /readyz and the log say about the Kafka consumer, through the real
broker of scripts/kafka:
  * driftd on a topic that does not exist: /readyz is 503 degraded with
    "topic '<topic>' does not exist", and the log says so once; once the
    topic is created (scripts/kafka create-topic) it becomes ready (200)
    and consumes what is produced to it;
  * driftd with no broker listening: each librdkafka event is one line
    prefixed "driftd: kafka:", in driftd's words ("broker 127.0.0.1:P
    unreachable (connection refused); retrying"), none of librdkafka's own
    "%N|...|FAC|" lines, none twice.
usage: /usr/bin/python3 kafka_readiness_test.py DRIFTD_BINARY
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from driftd_harness import Daemon, kafka, check, curl, run, wait_for, write_config  # noqa: E402


def config(workdir, broker, group, topic):
    return write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "kafka": {"brokers": broker, "group_id": group},
        "streams": [{
            "name": "s", "source": {"type": "kafka", "topic": topic},
            "window": {"type": "count", "events": 10},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 4}]}]})


def readyz(daemon):
    status, text = curl(daemon.url("/readyz"))
    return status, json.loads(text)


def missing_topic(binary, broker, run_id):
    topic = f"readiness-{run_id}"  # not created yet
    workdir = tempfile.mkdtemp(prefix="driftd-readiness-")
    daemon = Daemon(binary, workdir, config(workdir, broker, f"readiness-{run_id}", topic))
    missing = f"topic '{topic}' does not exist"
    wait_for(lambda: readyz(daemon)[0] == 503 and missing in readyz(daemon)[1].get("reasons", []),
             20, "/readyz to name the missing topic")
    status, answer = readyz(daemon)
    check(status == 503 and answer["status"] == "degraded" and missing in answer["reasons"],
          f"/readyz is 503 degraded: {answer['reasons']}")

    kafka("create-topic", topic, "2")
    created = time.monotonic()
    wait_for(lambda: readyz(daemon)[0] == 200, 40, "/readyz to be ready once the topic exists")
    check(readyz(daemon)[1] == {"status": "ready"},
          f"once the topic is created /readyz is 200 ready "
          f"({time.monotonic() - created:.1f} s after scripts/kafka create-topic)")

    path = os.path.join(workdir, "events.ndjson")
    with open(path, "w") as f:
        f.write("".join(json.dumps({"x": i % 7}) + "\n" for i in range(30)))
    subprocess.run(["kcat", "-P", "-b", broker, "-t", topic, "-l", path], check=True)

    def consumed():
        _, text = curl(daemon.url("/v1/streams"))
        return json.loads(text)["streams"][0]["events"] == 30
    wait_for(consumed, 30, "the events produced to the new topic")
    check(consumed(), "it consumes the topic's events")
    log = daemon.log_since(0)
    check(log.count(f"driftd: kafka: {missing}; it is consumed once it is created") == 1,
          "the log names the missing topic, once")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")


def unreachable_broker(binary, run_id):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="driftd-unreachable-")
    daemon = Daemon(binary, workdir,
                    config(workdir, f"127.0.0.1:{port}", f"nobody-{run_id}", "payments"))
    wait_for(lambda: readyz(daemon)[0] == 503, 30, "/readyz to report the outage")
    time.sleep(3)  # librdkafka retries (reconnect.backoff.ms 100 ms, up to 10 s)
    check(daemon.stop() == 0, "SIGTERM drains and exits 0 with no broker")
    lines = daemon.log_since(0).splitlines()
    client = [line for line in lines if "kafka" in line or line.startswith("%")]
    check(not [line for line in lines if line.startswith("%")],
          "none of librdkafka's own log lines reach stderr")
    check(all(line.startswith("driftd: kafka: ") for line in client),
          "every Kafka line is prefixed driftd: kafka:")
    unreachable = f"driftd: kafka: broker 127.0.0.1:{port} unreachable (connection refused); retrying"
    check(client.count(unreachable) == 1, f"the outage is said once: {unreachable!r}")
    check(client.count("driftd: kafka: no broker reachable; retrying") == 1,
          "and that no broker is reachable, once")
    check(len(client) == len(set(client)), f"no line twice: {client}")


def main():
    binary = os.path.abspath(sys.argv[1])
    run_id = f"{os.getpid()}-{int(time.time())}"
    unreachable_broker(binary, run_id)
    missing_topic(binary, kafka("bootstrap"), run_id)


if __name__ == "__main__":
    run(main)
