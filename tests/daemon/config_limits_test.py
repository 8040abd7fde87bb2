#!/usr/bin/python3
"""Configuration limits end to end (issue 9): whatever `driftd --check-config`
accepts must run, whatever it refuses must say where.

The example configurations (config/embedded.json, config/driftd.example.json,
the latter once as it is and once with its Kafka stream fed over HTTP), with
the defaults written out so that they are mutated too, have each number set
to 0, 1, max-1, max, max+1 (for fields with a known maximum), 2^32 - 1,
2^32, 2^53, 2^62, 2^63, 1e19, 1.7e308, 1e400 and -1, and each duration to 0s, 1ms, the timer limit and
one beyond, the timestamp limit and one beyond, int64's largest and one
beyond, and 106751991167d. For every mutation:
  * --check-config exits 0: driftd starts and listens, /readyz answers, one
    event posted to every HTTP stream (which completes its capture) is not
    answered 500, and SIGTERM exits 0;
  * --check-config exits 78: its message starts with a JSON path in the
    mutated field's object;
  * anything else fails.
Finally SIGHUP: a refused configuration keeps the running daemon serving, an
accepted boundary one is applied.

usage: /usr/bin/python3 config_limits_test.py DRIFTD_BINARY EMBEDDED_JSON EXAMPLE_JSON
"""
import concurrent.futures
import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from driftd_harness import check, config_path, curl, fail, run, strip_comments

TIMER_LIMIT_MS = 2**62 // 10**6    # common/timer_limit.h
TIMESTAMP_LIMIT_MS = 2**62 - 1     # window/pane.h
FIELD_MAX = {"events": 2**62 - 1, "bins": 4096, "max_categories": 4096, "poll_batch": 10**6,
             "max_subscriptions": 10**4, "max_body_bytes": 2**32 - 1, "for": 2**32 - 1,
             "max_connections": 2**32 - 1, "max_event_streams": 2**32 - 1}
NUMBERS = [0, 1, 2**32 - 1, 2**32, 2**53, 2**62, 2**63, 1e19, 1.7e308, "1e400", -1]  # "1e400": as is
DURATIONS = ["0s", "1ms", f"{TIMER_LIMIT_MS}ms", f"{TIMER_LIMIT_MS + 1}ms",
             f"{TIMESTAMP_LIMIT_MS}ms", f"{TIMESTAMP_LIMIT_MS + 1}ms", f"{2**63 - 1}ms",
             f"{2**63}ms", "106751991167d"]
DURATION = re.compile(r"^\d+(ms|s|m|h|d)$")
# A config path as ConfigError writes it: keys joined by '.', [i], odd keys ["k"].
PATH = re.compile(r'^(?:\w+|\["(?:[^"\\]|\\.)*"\])(?:\.\w+|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: ')
EXPLICIT_DEFAULTS = {
    "storage": {"checkpoint_interval": "10s", "retention": "30d", "hourly_retention": "90d",
                "event_retention": "90d"},
    "http": {"idle_timeout": "60s", "max_body_bytes": 16777216, "max_connections": 1024,
             "max_event_streams": 1000},
    "webhooks": {"timeout": "10s", "retry_initial": "1s", "retry_max": "5m",
                 "max_subscriptions": 100},
}
EVENT = {"amount": 12.5, "country": "DE", "latency_ms": 30}


def base_configs(embedded_path, example_path):
    """(name, config, mutate(path) -> bool) for each configuration under test."""
    def load(path):
        with open(path) as f:
            config = json.loads(strip_comments(f.read()))
        config["storage"]["path"] = "test.db"
        config.setdefault("http", {})["listen"] = "127.0.0.1:0"
        for section, fields in EXPLICIT_DEFAULTS.items():
            for key, value in fields.items():
                config.setdefault(section, {}).setdefault(key, value)
        for stream in config["streams"]:
            # One event completes the capture, so the windows get built, and
            # count windows of one event close at the next.
            stream["reference"] = {"type": "capture", "events": 1}
            if stream["window"]["type"] == "count":
                stream["window"]["events"] = 1
            stream.setdefault("smoothing_alpha", 0.5)
        return config

    embedded = load(embedded_path)
    with_kafka = load(example_path)
    with_kafka["kafka"]["brokers"] = "127.0.0.1:1"  # nobody listens: no broker needed
    with_kafka["kafka"]["poll_batch"] = 1000
    over_http = copy.deepcopy(with_kafka)
    del over_http["kafka"]
    for stream in over_http["streams"]:
        stream["source"] = {"type": "http"}
    return [("embedded", embedded, lambda path: True),
            ("example, Kafka stream over HTTP", over_http, lambda path: True),
            ("example with Kafka", with_kafka, lambda path: path[0] == "kafka")]


def leaves(value, path=()):
    """(path, value) of every number and duration string."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, path + (index,))
    elif isinstance(value, bool):
        return
    elif isinstance(value, (int, float)) or (isinstance(value, str) and DURATION.match(value)):
        yield path, value


def mutations(configs):
    """(name, config text, leaf path) of every mutation, each generic path
    (array indices left out) and value tried once over all configurations."""
    seen = set()
    for name, config, mutate in configs:
        for path, value in leaves(config):
            if path[-1] == "listen" or not mutate(path):
                continue
            if isinstance(value, str):
                values = DURATIONS
            else:
                values = list(NUMBERS)
                if path[-1] in FIELD_MAX:
                    top = FIELD_MAX[path[-1]]
                    values += [top - 1, top, top + 1]
            generic = tuple("[]" if isinstance(p, int) else p for p in path)
            for new in values:
                if (generic, repr(new)) in seen:
                    continue
                seen.add((generic, repr(new)))
                mutated = copy.deepcopy(config)
                target = mutated
                for part in path[:-1]:
                    target = target[part]
                target[path[-1]] = "@NUMBER@" if new == "1e400" else new
                text = json.dumps(mutated).replace('"@NUMBER@"', "1e400")
                yield f"{name}: {config_path(path)} = {new}", text, path


def http_streams(text):
    return [s["name"] for s in json.loads(text.replace("1e400", "0"))["streams"]
            if s["source"]["type"] == "http"]


def wait_for_port(process, log_path, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            return None
        with open(log_path) as log:
            found = re.findall(r"listening on [0-9.]+:(\d+)", log.read())
        if found:
            return int(found[-1])
        time.sleep(0.05)
    return None


def try_mutation(binary, description, text, path):
    """("refused" or "ran", None) when the mutation behaves, else (.., what
    went wrong)."""
    problem = run_mutation(binary, text, path)
    return ("refused" if problem == REFUSED else "ran"), (None if problem == REFUSED else problem)


REFUSED = "refused"


def run_mutation(binary, text, path):
    """REFUSED or None when the mutation behaves, else what went wrong."""
    workdir = tempfile.mkdtemp(prefix="driftd-limits-")
    config_file = os.path.join(workdir, "driftd.json")
    with open(config_file, "w") as f:
        f.write(text)
    checked = subprocess.run([binary, "--check-config", config_file], capture_output=True,
                             text=True, timeout=30)
    if checked.returncode == 78:
        prefix = f"driftd: {config_file}: "
        message = checked.stderr.strip()
        if not message.startswith(prefix) or not PATH.match(message[len(prefix):]):
            return f"refused without a JSON path: {message!r}"
        where = message[len(prefix):].split(": ", 1)[0]
        parent = config_path(path[:-1])
        if not where.startswith(parent):
            return f"refused at {where}, outside {parent}: {message!r}"
        return REFUSED
    if checked.returncode != 0:
        return f"--check-config exited {checked.returncode}: {checked.stderr.strip()!r}"
    log_path = os.path.join(workdir, "driftd.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen([binary, "--config", config_file], cwd=workdir, stdout=log,
                                   stderr=log)
    try:
        port = wait_for_port(process, log_path)
        if port is None:
            with open(log_path) as log:
                return f"accepted, but driftd did not start (exit {process.poll()}): {log.read()!r}"
        status, _ = curl(f"http://127.0.0.1:{port}/readyz")
        if status not in (200, 503):
            return f"/readyz answered {status}"
        # The first event completes the capture; then two more close windows:
        # count windows of one event, and time windows as the event time
        # jumps two days.
        now = int(time.time() * 1000)
        first = json.dumps(dict(EVENT, ts=now)) + "\n"
        more = "".join(json.dumps(dict(EVENT, ts=t)) + "\n" for t in (now + 1, now + 2 * 86400000))
        for stream in http_streams(text):
            for body in (first, more):
                status, answer = curl(f"http://127.0.0.1:{port}/v1/streams/{stream}/events",
                                      body.encode())
                if status >= 500:
                    return f"ingest into {stream} answered {status}: {answer}"
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        if code != 0:
            with open(log_path) as log:
                return f"SIGTERM: exit {code}: {log.read()[-2000:]!r}"
        return None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        return f"{error}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def check_reload(binary, embedded_text):
    """SIGHUP with a refused configuration keeps the daemon; with an accepted
    boundary one (timer limit) it is applied."""
    workdir = tempfile.mkdtemp(prefix="driftd-limits-hup-")
    config_file = os.path.join(workdir, "driftd.json")
    with open(config_file, "w") as f:
        f.write(embedded_text)
    log_path = os.path.join(workdir, "driftd.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen([binary, "--config", config_file], cwd=workdir, stdout=log,
                                   stderr=log)
    try:
        port = wait_for_port(process, log_path)
        check(port is not None, "the embedded configuration runs")
        config = json.loads(embedded_text)
        config["streams"][0]["window"]["events"] = 1e19  # issue 9: the re-exec aborted
        with open(config_file, "w") as f:
            json.dump(config, f)
        process.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "keeping the running configuration" not in open(log_path).read():
            if time.time() > deadline or process.poll() is not None:
                fail(f"SIGHUP with a refused configuration: {open(log_path).read()!r}")
            time.sleep(0.05)
        status, _ = curl(f"http://127.0.0.1:{port}/readyz")
        check(process.poll() is None and status == 200,
              "SIGHUP with window.events 1e19: refused, the daemon keeps serving")
        config["streams"][0]["window"]["events"] = 2**62 - 1
        config["http"]["idle_timeout"] = f"{TIMER_LIMIT_MS}ms"
        with open(config_file, "w") as f:
            json.dump(config, f)
        size = os.path.getsize(log_path)
        process.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        port = None
        while port is None and time.time() < deadline and process.poll() is None:
            time.sleep(0.05)
            with open(log_path) as log:
                log.seek(size)
                found = re.findall(r"listening on [0-9.]+:(\d+)", log.read())
            port = int(found[-1]) if found else None
        check(port is not None, "SIGHUP with boundary values: applied, driftd listens again")
        status, _ = curl(f"http://127.0.0.1:{port}/readyz")
        check(status == 200, "/readyz after the reload")
        process.send_signal(signal.SIGTERM)
        check(process.wait(timeout=30) == 0, "SIGTERM after the reload exits 0")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main():
    binary = os.path.abspath(sys.argv[1])
    configs = base_configs(sys.argv[2], sys.argv[3])
    for name, config, _ in configs:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(config, f)
            f.flush()
            result = subprocess.run([binary, "--check-config", f.name], capture_output=True)
            check(result.returncode == 0, f"the base configuration ({name}) is valid")
    started = time.time()
    cases = list(mutations(configs))
    failures = []
    outcomes = {"ran": 0, "refused": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda case: (case[0], try_mutation(binary, *case)), cases)
        for description, (outcome, problem) in results:
            outcomes[outcome] += 1
            if problem is not None:
                failures.append(f"{description}: {problem}")
    print(f"{len(cases)} mutations in {time.time() - started:.1f} s: {outcomes['ran']} accepted "
          f"and run, {outcomes['refused']} refused with a path")
    for failure in failures:
        print(f"FAIL: {failure}")
    check(not failures, f"every mutation accepted runs and every one refused names a path "
                        f"({len(failures)} failed)")
    check_reload(binary, json.dumps(configs[0][1]))
    print("PASS")


if __name__ == "__main__":
    run(main)
