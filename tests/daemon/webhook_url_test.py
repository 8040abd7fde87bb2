#!/usr/bin/python3
"""Webhook URLs and the subscription cap end to end (issue 9): the real
daemon, curl, and a raw TCP receiver that records the bytes it is sent.

  * the two injection URLs of the issue (a header after CR LF; a forged Host
    and a second request after " HTTP/1.1" CR LF) and other control
    characters are refused with 400 and a message naming the url field;
  * an accepted subscription's deliveries carry exactly its request line and
    driftd's headers, one request per connection;
  * webhooks.max_subscriptions: the subscription beyond it is answered 409
    naming the setting; after a DELETE there is room again.
usage: /usr/bin/python3 webhook_url_test.py DRIFTD_BINARY
"""
import json
import os
import random
import socket
import sys
import tempfile
import threading
import time

from driftd_harness import Daemon, check, curl, fail, run, write_config

WINDOW = 100
SECRET = "a-secret-of-sufficient-length"
CAP = 3


class RawReceiver:
    """Accepts connections on 127.0.0.1 and keeps the raw bytes of each,
    answering every request 200 (the request is complete at its body)."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = []  # bytes received per connection
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            connection, _ = self.listener.accept()
            with connection:
                connection.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    while len(body) < length:
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        body += chunk
                        data += chunk
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                                       b"Connection: close\r\n\r\n")
                    # Anything the client sends after the request (a smuggled
                    # second request) would arrive now.
                    connection.settimeout(0.5)
                    while True:
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                with self.lock:
                    self.connections.append(data)

    def received(self):
        with self.lock:
            return list(self.connections)


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-webhook-url-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "webhooks": {"retry_initial": "50ms", "retry_max": "200ms", "timeout": "5s",
                     "max_subscriptions": CAP},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05}]}]})
    daemon = Daemon(binary, workdir, config_path)
    receiver = RawReceiver()
    base = f"http://127.0.0.1:{receiver.port}"

    def subscribe(url):
        status, text = curl(daemon.url("/v1/subscriptions"),
                            json.dumps({"url": url, "secret": SECRET}).encode())
        return status, json.loads(text)

    injections = [
        (base + "/x\r\nX-Injected: yes", "control character 0x0d"),
        (base + "/y HTTP/1.1\r\nHost: evil\r\n\r\nGET /smuggled", "a space"),
        (base + "/y\nX-Injected: yes", "control character 0x0a"),
        (base + "/y\x00z", "control character 0x00"),
        (base + "/?q=a b", "a space"),
        (f"http://127.0.0.1\r\nX-Injected: yes:{receiver.port}/", "control character 0x0d"),
        (base + "/%zz", "not followed by two hex digits"),
        (f"http://user@127.0.0.1:{receiver.port}/", "user information"),
    ]
    for url, word in injections:
        status, body = subscribe(url)
        message = body.get("error", {}).get("message", "")
        check(status == 400 and message.startswith("url: ") and word in message,
              f"{url!r} is refused: {status} {message!r}")
    status, listing = curl(daemon.url("/v1/subscriptions"))
    check(json.loads(listing)["subscriptions"] == [], "no refused URL was stored")

    status, subscription = subscribe(base + "/hooks/drift?team=ml&x=%2F")
    check(status == 201, "a URL within the grammar is accepted")
    rng = random.Random(9)

    def post_window(mean):
        body = "".join(json.dumps({"x": rng.gauss(mean, 1.0)}) + "\n" for _ in range(WINDOW))
        status, _ = curl(daemon.url("/v1/streams/s/events"), body.encode())
        if status != 202:
            fail(f"ingest answered {status}")

    post_window(0.0)  # the reference
    post_window(5.0)  # drifted: an alert fires
    deadline = time.time() + 30
    while not receiver.received() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.7)
    connections = receiver.received()
    check(len(connections) >= 1, f"the receiver got {len(connections)} delivery(ies)")
    for data in connections:
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        check(lines[0] == b"POST /hooks/drift?team=ml&x=%2F HTTP/1.1",
              f"the request line is the subscription's target: {lines[0]!r}")
        headers = [line.split(b":", 1)[0].lower() for line in lines[1:]]
        check(b"x-injected" not in headers and headers.count(b"host") == 1,
              "one Host header and nothing injected")
        check(json.loads(body)["event_id"] >= 1 and b"HTTP/1.1" not in body,
              "one request per connection, the alert event as body")

    # The cap: CAP live subscriptions, counted with the insert.
    for k in range(CAP - 1):
        status, _ = subscribe(f"{base}/more/{k}")
        check(status == 201, f"subscription {k + 2} of {CAP} is accepted")
    status, body = subscribe(base + "/one-too-many")
    message = body.get("error", {}).get("message", "")
    check(status == 409 and "webhooks.max_subscriptions" in message and str(CAP) in message,
          f"subscription {CAP + 1} is answered 409 naming the setting: {message!r}")
    status, listing = curl(daemon.url("/v1/subscriptions"))
    check(len(json.loads(listing)["subscriptions"]) == CAP, f"{CAP} subscriptions exist")
    status, _ = curl(daemon.url(f"/v1/subscriptions/{subscription['id']}"), b"", method="DELETE")
    check(status == 200, "DELETE frees a place")
    status, _ = subscribe(base + "/after-delete")
    check(status == 201, "after a DELETE a new subscription is accepted")

    check(daemon.stop() == 0, "SIGTERM: driftd exits 0")
    print("PASS")


if __name__ == "__main__":
    run(main)
