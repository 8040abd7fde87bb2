"""What the end-to-end tests of driftd share: pass/fail reporting that never
leaves a daemon behind, the configuration file, the real daemon started on an
ephemeral port and stopped with SIGTERM, curl as the HTTP client, and waiting
for the windows the daemon stores.

Import it from a test script run with /usr/bin/python3 and end the script
with `run(main)`, which leaves no daemon behind whatever happens.
"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time

RUNNING = []  # daemons to kill if the test fails half-way
DAEMON_LOGS = []  # every daemon's log, shown (its end) when the test fails
DAEMON_PIDS = set()  # driftd processes, whose threads a failure shows
LOG_LINES_SHOWN = 60
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def kafka(*args):
    """scripts/kafka ARGS (the test broker: bootstrap, create-topic, pid, ...): what it prints."""
    return subprocess.run([os.path.join(REPO, "scripts", "kafka"), *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def dump_threads(process):
    """The stacks of every thread of a live process (gdb), to tell where a
    daemon that stopped making progress waits."""
    if process.poll() is not None:
        print(f"--- process {process.pid} exited with {process.returncode}")
        return
    if shutil.which("gdb") is None:
        return
    stacks = subprocess.run(["gdb", "-p", str(process.pid), "-batch", "-ex", "thread apply all bt"],
                            capture_output=True, text=True, timeout=120)
    print(f"--- threads of process {process.pid}:\n{stacks.stdout or stacks.stderr}")


def fail(message):
    print(f"FAIL: {message}")
    for process in RUNNING:
        if process.pid in DAEMON_PIDS:
            dump_threads(process)
        process.kill()
    for path in DAEMON_LOGS:
        with open(path, errors="replace") as log:
            lines = log.readlines()[-LOG_LINES_SHOWN:]
        print(f"--- the last {len(lines)} lines of {path}:\n{''.join(lines)}")
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"ok: {message}")


def free_port():
    """A TCP port of 127.0.0.1 free now, for a helper server (Alertmanager,
    Prometheus, a webhook receiver) that must be told its port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_path(parts):
    """A path into a configuration as driftd writes it in its messages: keys
    joined by '.', [i], odd keys ["k"] (config/config_error.h)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"\w+", part):
            out += ("." if out else "") + part
        else:
            out += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


def write_config(workdir, config):
    """Writes `config` (a dict) as workdir/driftd.json; returns its path."""
    path = os.path.join(workdir, "driftd.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def strip_comments(text):
    """driftd's configuration text (JSON with // and /* */ comments, which
    its parser reads as whitespace) -> JSON: a comment becomes a line feed
    or a space. Strings are left alone, so "http://host" keeps its "//"."""
    out, i, in_string = [], 0, False
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = (len(text) if end < 0 else end) - 1
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 1
            out.append(" ")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def wait_for(predicate, seconds, what):
    """Polls predicate() until it is true; fails the test after `seconds`."""
    deadline = time.time() + seconds
    while not predicate():
        if time.time() > deadline:
            fail(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.1)


def wait_for_windows(db_path, feature, count, seconds=30):
    """How many windows of `feature` the database holds, once they reach
    `count` or `seconds` have passed."""
    deadline = time.time() + seconds
    while True:
        with sqlite3.connect(db_path) as db:
            windows = db.execute("SELECT count(*) FROM window_metrics WHERE feature = ?",
                                 (feature,)).fetchone()[0]
        if windows >= count or time.time() > deadline:
            return windows
        time.sleep(0.1)


class Daemon:
    """driftd --config config_path, run in workdir, its log appended to
    workdir/driftd.log; port is the one it listens on; scheme "https" when
    the configuration has http.tls."""

    def __init__(self, binary, workdir, config_path, scheme="http"):
        self.scheme = scheme
        self.log_path = os.path.join(workdir, "driftd.log")
        self.log = open(self.log_path, "a")
        if self.log_path not in DAEMON_LOGS:
            DAEMON_LOGS.append(self.log_path)
        # Only what this run writes counts (an earlier run's port is stale).
        start_offset = os.path.getsize(self.log_path)
        self.process = subprocess.Popen([binary, "--config", config_path], cwd=workdir,
                                        stdout=self.log, stderr=self.log)
        RUNNING.append(self.process)
        DAEMON_PIDS.add(self.process.pid)
        self.port = self._wait_for_port(start_offset)

    def _wait_for_port(self, log_offset):
        """The port of the first "listening on" line logged after log_offset."""
        deadline = time.time() + 30
        while time.time() < deadline:
            time.sleep(0.05)
            if self.process.poll() is not None:
                with open(self.log_path) as log:
                    fail(f"driftd exited: {log.read()}")
            with open(self.log_path) as log:
                log.seek(log_offset)
                found = re.findall(r"listening on [0-9.]+:(\d+)", log.read())
            if found:
                return int(found[-1])
        fail("driftd did not start listening")

    def log_since(self, log_offset):
        with open(self.log_path) as log:
            log.seek(log_offset)
            return log.read()

    def log_size(self):
        return os.path.getsize(self.log_path)

    def reload(self):
        """SIGHUP with a changed configuration: driftd drains and re-executes
        itself (same pid) and listens again, on a new port when it is 0."""
        offset = self.log_size()
        self.process.send_signal(signal.SIGHUP)
        self.port = self._wait_for_port(offset)
        return self.log_since(offset)

    def url(self, path):
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        RUNNING.remove(self.process)
        return code

    def wait(self, seconds):
        """The exit code once driftd exits on its own within `seconds`, else None."""
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None
        RUNNING.remove(self.process)
        return code

    def kill(self):
        """SIGKILL: the crash a power cut or the OOM killer causes."""
        self.process.kill()
        self.process.wait(timeout=30)
        RUNNING.remove(self.process)


def curl(url, body=None, method=None, cacert=None):
    """Returns (status, body text) using the curl command-line client;
    cacert: the CA file that verifies an https server."""
    command = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", url]
    if cacert:
        command += ["--cacert", cacert]
    if body is not None:
        command += ["-X", method or "POST", "-H", "Content-Type: application/x-ndjson",
                    "--data-binary", "@-"]
    result = subprocess.run(command, input=body, capture_output=True, check=True)
    text, _, status = result.stdout.decode().rpartition("\n")
    return int(status), text


def run(main):
    """Runs the test's main; whatever failed, kills the daemons and clients it
    left running."""
    try:
        main()
    finally:
        for process in RUNNING:
            process.kill()
