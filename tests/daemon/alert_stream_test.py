#!/usr/bin/python3
"""GET /v1/alerts/stream end to end: the real daemon, curl as the SSE client.

Feeds driftd windows that alternate between drifted and stable, so that every
window adds one alert transition (fired, resolved, fired, ...), and checks:
  * a live subscriber gets every transition, in order, as "alert" events whose
    id is the event id and whose data is the document of docs/api.md;
  * a subscriber that disconnects and reconnects with Last-Event-ID gets
    exactly the transitions it missed (from SQLite), then live ones;
  * filters (state=resolved) select events; bad filters and a bad
    Last-Event-ID are 400 with a message;
  * 1,000 concurrent SSE clients all get the next event while ingest goes on
    and every ingest request is still answered 202.
usage: /usr/bin/python3 alert_stream_test.py DRIFTD_BINARY
"""
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time

from driftd_harness import Daemon, RUNNING, check, curl, fail, run, write_config

WINDOW = 200
CLIENTS = 1000


def window(rng, drifted):
    return "".join(json.dumps({"x": round(rng.gauss(5.0 if drifted else 0.0, 1.0), 4)}) + "\n"
                   for _ in range(WINDOW)).encode()


def parse_events(text):
    """SSE text -> [(id, event, data)] for complete events; comments skipped."""
    events = []
    for block in text.split("\n\n")[:-1]:
        fields = {"id": None, "event": None, "data": []}
        for line in block.split("\n"):
            if line.startswith(":") or not line:
                continue
            name, _, value = line.partition(": ")
            if name == "data":
                fields["data"].append(value)
            else:
                fields[name] = value
        if fields["data"]:
            events.append((int(fields["id"]), fields["event"], json.loads("\n".join(fields["data"]))))
    return events


class Subscriber:
    """curl -N on the stream, its output in a file."""

    def __init__(self, daemon, workdir, name, query="", last_event_id=None):
        self.path = os.path.join(workdir, f"{name}.sse")
        command = ["curl", "-sSN", daemon.url("/v1/alerts/stream" + query)]
        if last_event_id is not None:
            command[2:2] = ["-H", f"Last-Event-ID: {last_event_id}"]
        self.out = open(self.path, "w")
        self.process = subprocess.Popen(command, stdout=self.out, stderr=subprocess.STDOUT)
        RUNNING.append(self.process)

    def events(self):
        with open(self.path) as f:
            return parse_events(f.read())

    def wait_for(self, count, seconds=20):
        deadline = time.time() + seconds
        while len(self.events()) < count:
            if time.time() > deadline:
                fail(f"{self.path}: {len(self.events())} events, expected {count}")
            time.sleep(0.05)
        return self.events()

    def close(self):
        self.process.kill()
        self.process.wait()
        RUNNING.remove(self.process)


def main():
    binary = os.path.abspath(sys.argv[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * CLIENTS), hard))  # driftd inherits it
    workdir = tempfile.mkdtemp(prefix="driftd-sse-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0", "max_connections": CLIENTS + 200,
                 "max_event_streams": CLIENTS + 100},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05}]}]})
    rng = random.Random(3)
    daemon = Daemon(binary, workdir, config_path)
    ingest = daemon.url("/v1/streams/s/events")

    def post(drifted):
        status, _ = curl(ingest, window(rng, drifted))
        if status != 202:
            fail(f"ingest answered {status}")

    status, text = curl(daemon.url("/v1/alerts/stream?severity=urgent"))
    check(status == 400 and "severity" in json.loads(text)["error"]["message"],
          "an unknown severity filter is 400 and names the parameter")
    status, text = curl(daemon.url("/v1/alerts/stream?last_event_id=-3"))
    check(status == 400 and "Last-Event-ID" in json.loads(text)["error"]["message"],
          "a bad Last-Event-ID is 400")

    everything = Subscriber(daemon, workdir, "everything")
    resolved_only = Subscriber(daemon, workdir, "resolved", "?state=resolved")
    time.sleep(0.3)
    post(False)  # the reference
    for k in range(4):
        post(k % 2 == 0)  # drifted, stable, drifted, stable: fired, resolved, fired, resolved
    events = everything.wait_for(4)
    check([e[0] for e in events] == [1, 2, 3, 4] and all(e[1] == "alert" for e in events),
          "a live subscriber gets every transition in order, ids 1-4")
    check([e[2]["transition"] for e in events] == ["fired", "resolved", "fired", "resolved"] and
          all(e[2]["event_id"] == e[0] and e[2]["stream"] == "s" and e[2]["feature"] == "x"
              for e in events),
          "each event's data is the alert document with its event id")
    check(events[0][2]["severity"] == "critical" and events[1][2]["state"] == "resolved" and
          events[0][2]["metric"] == "jsd" and events[0][2]["window"] == {"start": 0, "end": WINDOW},
          "the document carries severity, state, metric and window")
    check([e[0] for e in resolved_only.wait_for(2)] == [2, 4], "state=resolved gets only resolutions")

    # Disconnect, miss two transitions, reconnect with Last-Event-ID.
    everything.close()
    post(True)   # 5: fired
    post(False)  # 6: resolved
    time.sleep(0.5)
    resumed = Subscriber(daemon, workdir, "resumed", last_event_id=4)
    check([e[0] for e in resumed.wait_for(2)] == [5, 6],
          "reconnecting with Last-Event-ID 4 first gets exactly the missed events 5 and 6")
    post(True)  # 7: live
    check([e[0] for e in resumed.wait_for(3)] == [5, 6, 7], "then live events, none twice")
    replay = Subscriber(daemon, workdir, "replay", last_event_id=0)
    check([e[0] for e in replay.wait_for(7)] == list(range(1, 8)),
          "Last-Event-ID 0 replays the whole history")

    # 1,000 concurrent clients, ingest going on.
    clients = []
    request = ("GET /v1/alerts/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Accept: text/event-stream\r\n\r\n").encode()
    for _ in range(CLIENTS):
        client = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
        client.sendall(request)
        clients.append(client)
    for client in clients:
        head = b""
        while b"\r\n\r\n" not in head:
            head += client.recv(4096)
        if not head.startswith(b"HTTP/1.1 200"):
            fail(f"an SSE client was answered {head[:40]!r}")
    status, metrics = curl(daemon.url("/metrics"))
    subscribers = int(next(line.split()[1] for line in metrics.splitlines()
                           if line.startswith("driftd_alert_subscribers ")))
    check(subscribers >= CLIENTS, f"{CLIENTS} SSE clients connected ({subscribers} subscribers)")
    started = time.time()
    post(False)  # 8: resolved
    for k in range(10):
        post(False)  # ingest keeps being answered 202
    received = 0
    for client in clients:
        data = b""
        while b"id: 8\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                break
            data += chunk
        received += b"id: 8\n" in data
        client.close()
    check(received == CLIENTS,
          f"all {CLIENTS} clients got the next event ({time.time() - started:.2f} s) "
          "while ingest went on")
    status, _ = curl(daemon.url("/healthz"))
    check(status == 200, "the daemon still answers")
    for subscriber in (resolved_only, resumed, replay):
        subscriber.close()
    check(daemon.stop() == 0, "SIGTERM drains and exits 0 with event streams open")
    print("alert stream end to end: all checks passed")


if __name__ == "__main__":
    run(main)
