#!/usr/bin/python3
"""Cluster mode under load, on the real broker: the figures of issue 15.

  /usr/bin/python3 bench/cluster_scenario.py [BUILD_DIR] [--scenarios failover,throughput]
                                             [--events N] [--throughput-events N]

BUILD_DIR (default build/) holds bin/driftd and bin/loadgen; the broker is
scripts/kafka's (started here when none runs).

  failover    The scenario the issue measured before cluster mode: two
              instances in one group, event-time windows of 1 s on the
              message timestamps, each stream capturing its reference from
              its first window, 10,000 events/s for N events (default
              600,000: 60 s), the second half drifted; instance 2 is killed
              with SIGKILL at 35 s and restarted at 45 s. Then one driftd on
              its own reads the same topic. Reported: events produced, in
              closed windows on each instance and on the single driftd, late,
              windows, alert episodes and alert events on each, the
              reference versions each stored and whether they are the
              single driftd's (bins and counts).
  throughput  N events (default 3,000,000) on a 6-partition topic, read by
              1, 2 and 3 instances in cluster mode (a new group each time)
              and by one driftd without the cluster section: wall time until
              every event is counted (the instances' /v1/streams counts
              summed) and events per CPU-second of the instances (utime +
              stime from /proc), as ratios to the single driftd's. Every
              driftd reads the stream's reference from one file: 100,000
              undrifted loadgen events dumped from a topic of their own.

The machine has 2 cores: 3 instances share them, so wall time says little
beyond 2; events per CPU-second is the figure that carries to more machines.
"""
import argparse
import importlib.machinery
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# scripts/loadgen's daemon, broker and query helpers (a script without .py).
loadgen = importlib.machinery.SourceFileLoader(
    "loadgen_script", os.path.join(REPO, "scripts", "loadgen")).load_module()
Daemon, Broker, log, die, query = (loadgen.Daemon, loadgen.Broker, loadgen.log, loadgen.die,
                                   loadgen.query)

EVENT_RATE = 10_000


def features(args):
    out = subprocess.run([os.path.join(args.build, "bin", "loadgen"), "features"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def reference_file(args, broker, workdir):
    """100,000 undrifted loadgen events as NDJSON, the reference every driftd reads."""
    topic = broker.new_topic(1)
    loadgen.run_loadgen(os.path.join(args.build, "bin", "loadgen"), "kafka", "--brokers",
                        broker.bootstrap, "--topic", topic, "--events", "100000", "--seed", "11")
    path = os.path.join(workdir, "reference.ndjson")
    with open(path, "w") as out:
        subprocess.run(["kcat", "-C", "-b", broker.bootstrap, "-t", topic, "-e", "-q", "-f", "%s\n"],
                       stdout=out, check=True)
    return path


CAPTURE = {"type": "capture"}


def config(args, broker, group, topic, reference, cluster):
    """`reference`: the stream's reference section."""
    settings = {
        "kafka": {"brokers": broker.bootstrap, "group_id": group,
                  "properties": {"auto.offset.reset": "earliest", "session.timeout.ms": "6000"}},
        "streams": [{"name": "load", "source": {"type": "kafka", "topic": topic},
                     "event_time": {"kafka_timestamp": True},
                     "window": {"type": "tumbling", "size": "1s"},
                     "reference": reference,
                     "features": features(args)}]}
    if cluster:
        settings["cluster"] = {"commit_interval": "500ms", "topic_partitions": 4}
    return settings


def start(args, base, name, settings):
    workdir = os.path.join(base, name)
    os.makedirs(workdir, exist_ok=True)
    return Daemon(os.path.join(args.build, "bin", "driftd"), workdir, json.loads(json.dumps(settings)))


def counted(daemon):
    return json.loads(daemon.get("/v1/streams"))["streams"][0]["events"]


def closed(db_path):
    """(windows, events in them, late) for the feature amount."""
    rows = query(db_path, "SELECT count(*), coalesce(sum(n + missing + invalid), 0), "
                          "coalesce(sum(late), 0) FROM window_metrics WHERE feature = 'amount'")
    return rows[0] if rows else (0, 0, 0)


def alert_counts(db_path):
    episodes = query(db_path, "SELECT count(*) FROM alerts")
    events = query(db_path, "SELECT count(*) FROM alert_events")
    return (episodes[0][0] if episodes else 0, events[0][0] if events else 0)


def wait_stable(db_paths, seconds, timeout):
    """Until the closed windows of every database stop changing for `seconds`."""
    last, since = None, time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = [closed(path) for path in db_paths]
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return now
        time.sleep(0.5)
    die(f"the windows did not settle in {timeout} s: {last}")


def reference_rows(db_path):
    """The active reference's bins and counts, feature by feature (its
    moments' last bits depend on the order rows came in)."""
    return query(db_path, "SELECT feature, bins_json, histogram, n, missing FROM "
                          "reference_distributions WHERE active = 1 ORDER BY feature")


def scenario_failover(args, broker, base, _reference):
    topic = broker.new_topic(4)
    group = f"cluster-{uuid.uuid4().hex[:12]}"
    settings = config(args, broker, group, topic, CAPTURE, cluster=True)
    instances = [start(args, base, f"failover-{i}", settings) for i in (1, 2)]
    produced = {}

    def produce():
        produced.update(loadgen.run_loadgen(
            os.path.join(args.build, "bin", "loadgen"), "kafka", "--brokers", broker.bootstrap,
            "--topic", topic, "--events", str(args.events), "--rate", str(EVENT_RATE),
            "--event-rate", str(EVENT_RATE), "--drift-after", str(args.events // 2)))

    producer = threading.Thread(target=produce)
    started = time.monotonic()
    producer.start()
    time.sleep(max(0.0, 35 - (time.monotonic() - started)))
    log("killing instance 2 (SIGKILL) at 35 s")
    instances[1].kill()
    time.sleep(max(0.0, 45 - (time.monotonic() - started)))
    log("restarting instance 2 at 45 s")
    instances[1] = start(args, base, "failover-2", settings)
    producer.join()
    cluster = wait_stable([d.db_path for d in instances], 15, 300)

    single = start(args, base, "failover-single",
                   config(args, broker, f"single-{uuid.uuid4().hex[:12]}", topic, CAPTURE, False))
    alone = wait_stable([single.db_path], 15, 300)[0]
    result = {"produced": args.events,
              "instances": [{"windows": w, "in_closed_windows": n, "late": late,
                             "alert_episodes": alert_counts(d.db_path)[0],
                             "alert_events": alert_counts(d.db_path)[1],
                             "references": query(d.db_path, "SELECT count(DISTINCT version) FROM "
                                                            "reference_distributions")[0][0],
                             "reference_is_single_driftds": reference_rows(d.db_path) ==
                                                           reference_rows(single.db_path)}
                            for d, (w, n, late) in zip(instances, cluster)],
              "single": {"windows": alone[0], "in_closed_windows": alone[1], "late": alone[2],
                         "alert_episodes": alert_counts(single.db_path)[0]}}
    for daemon in instances + [single]:
        daemon.stop()
    return result


def scenario_throughput(args, broker, base, reference):
    topic = broker.new_topic(6)
    loadgen.run_loadgen(os.path.join(args.build, "bin", "loadgen"), "kafka", "--brokers",
                        broker.bootstrap, "--topic", topic, "--events", str(args.throughput_events),
                        "--event-rate", str(EVENT_RATE))
    runs = {}
    for label, count, cluster in (("single", 1, False), ("1", 1, True), ("2", 2, True),
                                  ("3", 3, True)):
        settings = config(args, broker, f"throughput-{uuid.uuid4().hex[:12]}", topic,
                          {"type": "file", "path": reference}, cluster)
        began = time.time()
        daemons = [start(args, base, f"throughput-{label}-{i}", settings) for i in range(count)]
        deadline = time.monotonic() + 600
        while sum(counted(d) for d in daemons) < args.throughput_events:
            if time.monotonic() > deadline:
                die(f"{label}: not every event counted in 600 s")
            for d in daemons:
                d.check_alive()
            time.sleep(0.1)
        seconds = time.time() - began
        cpu = sum(d.cpu_seconds() for d in daemons)
        total = sum(counted(d) for d in daemons)
        runs[label] = {"instances": count, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                       "events": total,
                       "events_per_cpu_second": round(total / cpu),
                       "events_per_cpu_second_per_instance": [
                           round(counted(d) / d.cpu_seconds()) for d in daemons]}
        for d in daemons:
            d.stop()
        log(f"throughput {label}: {runs[label]}")
    for run in runs.values():
        run["cpu_ratio_to_single"] = round(run["events_per_cpu_second"] /
                                           runs["single"]["events_per_cpu_second"], 3)
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", nargs="?", default=os.path.join(REPO, "build"))
    parser.add_argument("--scenarios", default="failover,throughput")
    parser.add_argument("--events", type=int, default=600_000)
    parser.add_argument("--throughput-events", type=int, default=3_000_000)
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    broker = Broker()
    base = tempfile.mkdtemp(prefix="driftd-cluster-scenario-")
    try:
        reference = reference_file(args, broker, base)
        results = {}
        for scenario in args.scenarios.split(","):
            results[scenario] = {"failover": scenario_failover,
                                 "throughput": scenario_throughput}[scenario](args, broker, base,
                                                                            reference)
            log(f"{scenario}: {json.dumps(results[scenario])}")
        print(json.dumps(results, indent=1))
    finally:
        broker.close()


if __name__ == "__main__":
    main()
