#!/usr/bin/python3
"""A driftd killed with SIGKILL and restarted resumes consuming at once
(static membership, the default), through the real broker of scripts/kafka;
a dynamic member restarted the same way says in /readyz that it waits for
the consumer group.

Static (the default configuration, librdkafka's 45 s session timeout):
  * driftd consumes 1,000 events (a reference of 100, 9 count windows of
    100) and logs its group.instance.id, driftd-<host>-<16 hex digits>;
  * it is killed with SIGKILL once the windows are in SQLite, restarted with
    the same configuration (same id), and 500 more events are produced:
    the restarted driftd counts exactly those 500 within RESUME_BOUND_S,
    well under the session timeout a dynamic member would wait.
Dynamic ("instance_id": ""), in another group: after the same SIGKILL and
restart, /readyz is 503 degraded within 25 s, saying it waits for the
consumer group to assign partitions of the topic (the dead member holds
them for 45 s).
usage: /usr/bin/python3 kafka_restart_test.py DRIFTD_BINARY
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from driftd_harness import (Daemon, kafka, check, curl, run, wait_for,  # noqa: E402
                            wait_for_windows, write_config)

RESUME_BOUND_S = 10  # librdkafka's session.timeout.ms is 45 s


def produce(broker, topic, first, count, workdir):
    path = os.path.join(workdir, f"produce-{first}.ndjson")
    with open(path, "w") as f:
        f.write("".join(json.dumps({"x": (i * 37) % 101}) + "\n" for i in range(first, first + count)))
    subprocess.run(["kcat", "-P", "-b", broker, "-t", topic, "-l", path], check=True)


def stream_events(daemon):
    _, text = curl(daemon.url("/v1/streams"))
    return json.loads(text)["streams"][0]["events"]


def config(workdir, broker, group, topic, kafka_extra=None):
    return write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "kafka": {"brokers": broker, "group_id": group, **(kafka_extra or {})},
        "streams": [{
            "name": "s", "source": {"type": "kafka", "topic": topic},
            "window": {"type": "count", "events": 100},
            "reference": {"type": "capture", "events": 100},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})


def static_membership(binary, broker, run_id):
    topic = f"restart-{run_id}"
    kafka("create-topic", topic, "2")
    workdir = tempfile.mkdtemp(prefix="driftd-restart-")
    config_path = config(workdir, broker, f"restart-{run_id}", topic)

    daemon = Daemon(binary, workdir, config_path)
    produce(broker, topic, 0, 1000, workdir)
    check(wait_for_windows(os.path.join(workdir, "test.db"), "x", 9) == 9,
          "the first driftd stores its 9 windows")
    ids = re.findall(r"static membership as group.instance.id '([^']*)'", daemon.log_since(0))
    check(len(ids) == 1 and re.fullmatch(r"driftd-[A-Za-z0-9._-]+-[0-9a-f]{16}", ids[0]),
          f"it joins as a static member under a derived id, logged once ({ids})")

    daemon.kill()
    offset = daemon.log_size()
    started = time.monotonic()
    daemon = Daemon(binary, workdir, config_path)
    produce(broker, topic, 1000, 500, workdir)
    wait_for(lambda: stream_events(daemon) >= 500, 40, "the restarted driftd to consume")
    resumed = time.monotonic() - started
    check(resumed < RESUME_BOUND_S,
          f"after kill -9 the restarted driftd consumes again {resumed:.2f} s after it starts "
          f"(bound {RESUME_BOUND_S} s; a dynamic member waits for the 45 s session timeout)")
    time.sleep(1)
    check(stream_events(daemon) == 500, "it counts exactly the 500 new events, none twice")
    check(f"static membership as group.instance.id '{ids[0]}'" in daemon.log_since(offset),
          "the restarted driftd presents the same id")
    status, _ = curl(daemon.url("/readyz"))
    check(status == 200, "/readyz is ready")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")


def dynamic_membership(binary, broker, run_id):
    topic = f"restart-dynamic-{run_id}"
    kafka("create-topic", topic, "1")
    workdir = tempfile.mkdtemp(prefix="driftd-restart-dynamic-")
    config_path = config(workdir, broker, f"restart-dynamic-{run_id}", topic, {"instance_id": ""})
    daemon = Daemon(binary, workdir, config_path)
    wait_for(lambda: "partition(s) assigned" in daemon.log_since(0), 20, "the first assignment")
    check("dynamic membership (no group.instance.id)" in daemon.log_since(0),
          "\"instance_id\": \"\" is dynamic membership")

    daemon.kill()
    daemon = Daemon(binary, workdir, config_path)
    reasons = []

    def waiting():
        status, text = curl(daemon.url("/readyz"))
        if status != 503:
            return False
        reasons[:] = json.loads(text)["reasons"]
        return any("waiting for the consumer group to assign partitions of " f"'{topic}'" in r
                   for r in reasons)
    wait_for(waiting, 25, "/readyz to say the restarted dynamic member waits for its partitions")
    check(bool(reasons), f"/readyz is 503 degraded: {reasons}")
    daemon.kill()  # its group waits for the dead member anyway; nothing to drain


def main():
    binary = os.path.abspath(sys.argv[1])
    broker = kafka("bootstrap")
    run_id = f"{os.getpid()}-{int(time.time())}"
    static_membership(binary, broker, run_id)
    dynamic_membership(binary, broker, run_id)


if __name__ == "__main__":
    run(main)
