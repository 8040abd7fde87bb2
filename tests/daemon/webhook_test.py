#!/usr/bin/python3
"""Webhook subscriptions end to end: the real daemon, a local receiver that
fails and goes down, and the SQLite file as the oracle.

  * POST /v1/subscriptions validates (scheme, allowlist, secret, filters);
  * the receiver answers 500 to the first deliveries, then is down (port
    closed) while more alerts happen, then comes back: afterwards it has got
    every alert transition of the filtered feature exactly once per
    Idempotency-Key, in event order, each signed with HMAC-SHA256 over
    "<t>.<body>" with the subscription's secret;
  * the attempt log shows the failures; the backlog drains to 0;
  * after DELETE nothing more is delivered;
  * a receiver that accepts connections and never answers delays only its
    own subscription: another one gets each of the next six alerts at once,
    while the black hole's attempts hang;
  * driftctl subscriptions add|list|attempts|rm drive the same API.
usage: /usr/bin/python3 webhook_test.py DRIFTD_BINARY DRIFTCTL_BINARY
"""
import hashlib
import hmac
import http.server
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from driftd_harness import Daemon, check, curl, fail, free_port, run, write_config

WINDOW = 200
SECRET = "a-secret-of-sufficient-length"


class Receiver:
    """A webhook receiver on a fixed port: fails the first `failures`
    requests with 500, can be stopped (port closed) and started again."""

    def __init__(self, port, failures):
        self.port = port
        self.failures = failures
        self.requests = []   # (headers, body, status answered)
        self.lock = threading.Lock()
        self.server = None

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    status = 500 if receiver.failures > 0 else 200
                    receiver.failures -= 1
                    receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.allow_reuse_address = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self):
        with self.lock:
            return [(h, b) for h, b, status in self.requests if status == 200]


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-webhook-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "webhooks": {"allowlist": ["127.0.0.1"], "retry_initial": "50ms",
                     "retry_max": "400ms", "timeout": "5s"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10},
                         {"name": "y", "path": "/y", "type": "numeric", "bins": 10}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05}]}]})
    rng = random.Random(4)
    daemon = Daemon(binary, workdir, config_path)
    db_path = os.path.join(workdir, "test.db")

    def post_window(drifted):
        body = "".join(json.dumps({"x": rng.gauss(5.0 if drifted else 0.0, 1.0),
                                   "y": rng.gauss(5.0 if drifted else 0.0, 1.0)}) + "\n"
                       for _ in range(WINDOW))
        status, _ = curl(daemon.url("/v1/streams/s/events"), body.encode())
        if status != 202:
            fail(f"ingest answered {status}")

    def subscribe(payload):
        status, text = curl(daemon.url("/v1/subscriptions"), json.dumps(payload).encode())
        return status, json.loads(text)

    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/drift"
    for payload, word in [({"url": "ftp://127.0.0.1/x", "secret": SECRET}, "https://"),
                          ({"url": "http://10.0.0.1:80/x", "secret": SECRET}, "allowlist"),
                          ({"url": url, "secret": "short"}, "secret"),
                          ({"url": url, "secret": SECRET, "filters": {"severity": "high"}},
                           "severity"),
                          ({"url": url, "secret": SECRET, "colour": "red"}, "colour")]:
        status, body = subscribe(payload)
        check(status == 400 and word in body["error"]["message"],
              f"a subscription with a bad {word} is 400 naming it")

    receiver = Receiver(port, failures=3)
    receiver.start()
    status, subscription = subscribe({"url": url, "secret": SECRET, "filters": {"feature": "x"}})
    check(status == 201 and subscription["filters"] == {"feature": ["x"]},
          "POST /v1/subscriptions is 201 with the normalised filters")
    sub_id = subscription["id"]

    post_window(False)  # the reference
    for k in range(4):
        post_window(k % 2 == 0)  # fired, resolved, fired, resolved (x and y)
    time.sleep(1.5)
    receiver.stop()  # down while more alerts happen
    for k in range(4):
        post_window(k % 2 == 0)
    time.sleep(1.5)
    receiver.start()

    with sqlite3.connect(db_path) as db:
        want = [row[0] for row in db.execute(
            "SELECT e.id FROM alert_events e JOIN alerts a ON a.id = e.alert_id "
            "WHERE a.feature = 'x' ORDER BY e.id")]
    check(len(want) == 8, "8 transitions of x were committed")
    deadline = time.time() + 30
    while len(receiver.accepted()) < len(want) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # anything extra would arrive now
    accepted = receiver.accepted()
    keys = [h["Idempotency-Key"] for h, _ in accepted]
    ids = [json.loads(body)["event_id"] for _, body in accepted]
    check(ids == want, f"the receiver accepted every transition of x once, in order ({ids})")
    check(keys == [f"driftd-event-{i}" for i in want] and len(set(keys)) == len(keys),
          "one stable Idempotency-Key per alert transition")
    check(all(json.loads(body)["feature"] == "x" for _, body in accepted), "the filter holds")
    for headers, body, _ in receiver.requests:
        signature = dict(part.split("=", 1) for part in headers["X-Driftd-Signature"].split(","))
        expected = hmac.new(SECRET.encode(), signature["t"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature["v1"]):
            fail(f"bad signature on {headers['Idempotency-Key']}")
    print(f"ok: every one of {len(receiver.requests)} deliveries is signed with the secret")
    check(sum(1 for _, _, status in receiver.requests if status == 500) == 3,
          "the first three deliveries were answered 500 and retried")

    status, log = curl(daemon.url(f"/v1/subscriptions/{sub_id}/attempts?limit=1000"))
    attempts = json.loads(log)["attempts"]
    check(any(a["status"] == 500 for a in attempts) and
          any(a["status"] is None and a["error"] for a in attempts) and
          sum(1 for a in attempts if a["status"] == 200) == len(want),
          "the attempt log has the 500s, the refused connections and one success per event")
    status, listing = curl(daemon.url("/v1/subscriptions"))
    listing = json.loads(listing)["subscriptions"]
    check(listing[0]["pending"] == 0 and listing[0]["delivered"] == len(want) and
          "secret" not in listing[0], "the outbox is drained and secrets are not shown")
    status, metrics = curl(daemon.url("/metrics"))
    check("driftd_webhook_backlog 0" in metrics, "/metrics: webhook backlog 0")

    status, _ = curl(daemon.url(f"/v1/subscriptions/{sub_id}"), b"", method="DELETE")
    check(status == 200, "DELETE /v1/subscriptions/{id}")
    status, _ = curl(daemon.url("/v1/subscriptions/999"), b"", method="DELETE")
    check(status == 404, "DELETE of an unknown subscription is 404")
    before = len(receiver.requests)
    post_window(True)
    time.sleep(1.0)
    check(len(receiver.requests) == before, "nothing is delivered after DELETE")
    # A black hole (accepts, never answers) next to a healthy receiver.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    silent_port = silent.getsockname()[1]
    status, hole = subscribe({"url": f"http://127.0.0.1:{silent_port}/", "secret": SECRET})
    healthy = Receiver(free_port(), failures=0)
    healthy.start()
    status, fresh = subscribe({"url": f"http://127.0.0.1:{healthy.port}/", "secret": SECRET,
                               "filters": {"feature": "x"}})
    started = time.time()
    # x resolves, fires, resolves, ...: one event per window for both
    # subscriptions. The black hole holds each of its attempts for the 5 s
    # timeout; the healthy receiver must get every event without waiting
    # for it (it used to wait for the black hole's round: p50 5 s).
    latencies = []
    for round_number in range(6):
        expected = len(healthy.accepted()) + 1
        posted = time.time()
        post_window(round_number % 2 == 1)
        while len(healthy.accepted()) < expected and time.time() - posted < 10:
            time.sleep(0.005)
        latencies.append(time.time() - posted)
    latencies.sort()
    print(f"healthy receiver beside a black hole: delivery after the window's 202 "
          f"p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms", flush=True)
    check(len(healthy.accepted()) >= 6 and latencies[-1] < 2.5,
          f"a black-holed receiver (5 s timeout) does not delay another subscription: "
          f"6 events, each delivered within half the timeout (max {latencies[-1]:.2f} s)")
    hole_attempts = []
    while not hole_attempts and time.time() - started < 15:
        time.sleep(0.2)
        _, log = curl(daemon.url(f"/v1/subscriptions/{hole['id']}/attempts"))
        hole_attempts = json.loads(log)["attempts"]
    check(hole_attempts and hole_attempts[0]["error"] == "no answer within 5000 ms" and
          hole_attempts[0]["status"] is None,
          "the black-holed attempt is given up at the 5 s timeout and logged: "
          f"{hole_attempts[:1]}")
    for subscription in (hole, fresh):
        curl(daemon.url(f"/v1/subscriptions/{subscription['id']}"), b"", method="DELETE")
    healthy.stop()
    silent.close()

    driftctl = os.path.abspath(sys.argv[2])

    def run_driftctl(*args):
        result = subprocess.run([driftctl, "subscriptions", *args, "--url", daemon.url("")],
                                capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    code, out, _ = run_driftctl("add", "--target", url, "--secret", SECRET, "--feature", "y",
                                "--severity", "critical", "--format", "json")
    added = json.loads(out)
    check(code == 0 and added["filters"] == {"feature": ["y"], "severity": ["critical"]},
          "driftctl subscriptions add")
    code, out, _ = run_driftctl("list", "--format", "json")
    status, listing = curl(daemon.url("/v1/subscriptions"))
    check(code == 0 and json.loads(out) == json.loads(listing),
          "driftctl subscriptions list shows what GET /v1/subscriptions does")
    code, out, _ = run_driftctl("attempts", "--id", str(sub_id), "--format", "json")
    check(code == 0 and len(json.loads(out)["attempts"]) == len(attempts),
          "driftctl subscriptions attempts reads the log")
    code, _, _ = run_driftctl("rm", "--id", str(added["id"]))
    code_again, _, err = run_driftctl("rm", "--id", str(added["id"]))
    check(code == 0 and code_again == 2 and "no subscription" in err,
          "driftctl subscriptions rm, then one line and exit 2 for a second rm")
    receiver.stop()
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")
    print("webhooks end to end: all checks passed")


if __name__ == "__main__":
    run(main)
