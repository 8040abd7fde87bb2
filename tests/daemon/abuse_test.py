#!/usr/bin/python3
"""driftd under abuse, with real clients: while slow-loris connections trickle
their headers, unauthenticated and malformed requests arrive and oversized
bodies are sent, an honest client keeps ingesting and every window closes.

  * with http.auth_token set, every request except /healthz needs the bearer
    token: none or a wrong one is 401 with a JSON error;
  * a body over http.max_body_bytes is 413; a subscription body that is not
    JSON, a malformed query string (bad percent escape), unknown routes and
    parameters get a 4xx with a JSON error;
  * 50 slow-loris connections that send a header byte per second are cut off
    by the header timeout (10 s), and meanwhile ingest is answered 202 within
    a second every time;
  * the daemon ends healthy: /healthz 200, and SIGTERM exits 0.
usage: /usr/bin/python3 abuse_test.py DRIFTD_BINARY
"""
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

from driftd_harness import Daemon, check, fail, run, write_config

TOKEN = "abuse-test-token-0123456789"
WINDOW = 100
LORIS = 50


def request(daemon, path, body=None, method=None, token=TOKEN):
    """curl with the bearer token; returns (status, parsed JSON body or text)."""
    command = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10",
               daemon.url(path)]
    if token is not None:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    if body is not None:
        command[1:1] = ["-X", method or "POST", "--data-binary", "@-"]
    elif method:
        command[1:1] = ["-X", method]
    result = subprocess.run(command, input=body, capture_output=True, check=True)
    text, _, status = result.stdout.decode().rpartition("\n")
    try:
        return int(status), json.loads(text)
    except json.JSONDecodeError:
        return int(status), text


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-abuse-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0", "auth_token": TOKEN, "max_body_bytes": 100000},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "features": [{"name": "x", "path": "/x", "type": "numeric"}]}]})
    daemon = Daemon(binary, workdir, config_path)
    rng = random.Random(2)

    def window():
        return "".join(json.dumps({"x": rng.gauss(0, 1)}) + "\n" for _ in range(WINDOW)).encode()

    # Authentication.
    status, body = request(daemon, "/v1/streams", token=None)
    check(status == 401 and "error" in body, "no token: 401 with a JSON error")
    status, body = request(daemon, "/v1/streams", token="wrong-token-wrong-token")
    check(status == 401, "a wrong token: 401")
    status, body = request(daemon, "/v1/streams/s/events", window(), token=None)
    check(status == 401, "ingest without the token: 401")
    status, _ = request(daemon, "/healthz", token=None)
    check(status == 200, "/healthz needs no token")

    # Bad input.
    status, body = request(daemon, "/v1/streams/s/events", b"x" * 200_000)
    check(status == 413 and "error" in body, "a body over max_body_bytes: 413")
    status, body = request(daemon, "/v1/subscriptions", b"{not json")
    check(status == 400 and "not JSON" in body["error"]["message"], "a non-JSON body: 400")
    status, body = request(daemon, "/v1/alerts?stream=%zz")
    check(400 <= status < 500 and "error" in body, f"a bad percent escape: {status}")
    status, body = request(daemon, "/v1/alerts?limit=999999999999999999999")
    check(status == 400 and "limit" in body["error"]["message"], "an absurd limit: 400")
    status, body = request(daemon, "/v1/nothing-here")
    check(status == 404 and "error" in body, "an unknown route: 404")
    status, body = request(daemon, "/v1/streams", method="DELETE")
    check(status in (404, 405) and "error" in body, f"a method the route lacks: {status}")

    # Slow loris while an honest client ingests.
    loris = []
    for _ in range(LORIS):
        connection = socket.create_connection(("127.0.0.1", daemon.port))
        connection.sendall(b"POST /v1/streams/s/events HTTP/1.1\r\n")
        loris.append(connection)
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for connection in loris:
                try:
                    connection.sendall(b"X")
                except OSError:
                    pass
            time.sleep(1)
    trickler = threading.Thread(target=trickle)
    trickler.start()
    slowest = 0.0
    started = time.time()
    posted = 0
    while time.time() - started < 13:
        begin = time.time()
        status, _ = request(daemon, "/v1/streams/s/events", window())
        slowest = max(slowest, time.time() - begin)
        if status != 202:
            fail(f"honest ingest answered {status} during the slow-loris attack")
        posted += 1
        time.sleep(0.2)
    stop.set()
    trickler.join()
    cut = 0
    for connection in loris:
        connection.settimeout(2)
        try:
            cut += connection.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            cut += 1
        connection.close()
    check(cut == LORIS, f"all {LORIS} slow-loris connections were cut off by the header timeout")
    check(slowest < 1.0, f"honest ingest stayed fast throughout ({posted} requests, slowest "
          f"{slowest * 1000:.0f} ms)")
    time.sleep(0.5)
    with sqlite3.connect(os.path.join(workdir, "test.db")) as db:
        windows = db.execute("SELECT count(*) FROM window_metrics").fetchone()[0]
    check(windows == posted - 1, f"every window closed ({windows} after the reference)")
    status, _ = request(daemon, "/healthz", token=None)
    check(status == 200, "the daemon is healthy afterwards")
    check(daemon.stop() == 0, "SIGTERM drains and exits 0")
    print("abuse: all checks passed")


if __name__ == "__main__":
    run(main)
