#!/usr/bin/python3
"""The cluster section as the configuration sees it:

  * `driftd --check-config` validates a configuration with "cluster" as any
    other (exit 0 when valid; exit 78 naming the field for a cluster rule);
  * `driftd --print-config-schema` describes the section;
  * SIGHUP to a running driftd with a configuration that breaks a cluster
    rule: reported in one line naming the field, the running configuration
    kept, the daemon still serving.

usage: /usr/bin/python3 cluster_config_test.py DRIFTD_BINARY
"""
import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from driftd_harness import Daemon, check, curl, run, write_config

EX_CONFIG = 78
REFUSED = ("streams[0].window.type: count windows have no order across partitions; cluster mode "
           "needs tumbling or sliding windows")
FEATURES = [{"name": "amount", "path": "/amount", "type": "numeric"}]


def cluster_config(workdir):
    """A valid cluster configuration with a captured reference (the
    default) in processing-time windows; nothing listens on its broker."""
    return {
        "storage": {"path": os.path.join(workdir, "cluster.db")},
        "http": {"listen": "127.0.0.1:0"},
        "kafka": {"brokers": "127.0.0.1:1", "group_id": "driftd", "instance_id": "driftd-0"},
        "cluster": {"commit_interval": "500ms", "replication_factor": 3},
        "streams": [{"name": "payments", "source": {"type": "kafka", "topic": "payments"},
                     "window": {"type": "tumbling", "size": "1m"}, "features": FEATURES}],
    }


def driftd(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="driftd-cluster-") as workdir:
        config = cluster_config(workdir)
        path = write_config(workdir, config)

        checked = driftd(binary, "--check-config", path)
        check(checked.returncode == 0 and checked.stdout == f"{path}: valid (1 stream(s))\n",
              f"--check-config accepts a valid cluster section ({checked.stderr.strip()!r})")

        count_window = copy.deepcopy(config)
        count_window["streams"][0]["window"] = {"type": "count", "events": 100}
        write_config(workdir, count_window)
        refused = driftd(binary, "--check-config", path)
        check(refused.returncode == EX_CONFIG and refused.stderr == f"driftd: {path}: {REFUSED}\n",
              f"--check-config refuses a cluster rule, naming the field ({refused.stderr!r})")

        schema = json.loads(driftd(binary, "--print-config-schema").stdout)
        check("cluster" in schema["properties"] and "cluster" in schema["$defs"] and
              "commit_interval" in schema["$defs"]["cluster"]["properties"],
              "--print-config-schema describes the cluster section")

        # SIGHUP: a running driftd (one HTTP stream) asked to turn cluster
        # mode on with count windows keeps its configuration and keeps
        # serving.
        alone = {"storage": {"path": os.path.join(workdir, "alone.db")},
                 "http": {"listen": "127.0.0.1:0"},
                 "streams": [{"name": "clicks", "source": {"type": "http"},
                              "window": {"type": "tumbling", "size": "1m"},
                              "features": FEATURES}]}
        write_config(workdir, alone)
        daemon = Daemon(binary, workdir, path)
        write_config(workdir, count_window)
        offset = daemon.log_size()
        daemon.process.send_signal(signal.SIGHUP)
        expected = f"driftd: SIGHUP: {path}: {REFUSED} (keeping the running configuration)\n"
        deadline = time.time() + 10
        while expected not in daemon.log_since(offset) and time.time() < deadline:
            time.sleep(0.1)
        status, _ = curl(daemon.url("/healthz"))
        check(expected in daemon.log_since(offset) and status == 200 and
              daemon.process.poll() is None,
              "SIGHUP with a cluster rule broken: refused, the running configuration kept")
        check(daemon.stop() == 0, "driftd drains and exits 0")
    print("PASS")


if __name__ == "__main__":
    run(main)
