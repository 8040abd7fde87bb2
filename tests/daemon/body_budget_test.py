#!/usr/bin/python3
"""Request bodies held at once are bounded across connections
(http.max_inflight_body_bytes), end to end against the real daemon:

  * 40 slow senders each declare a 3 MiB body; the daemon takes as many as
    its 16 MiB budget holds (5) and answers every other one 503 with
    Retry-After and an error naming http.max_inflight_body_bytes, before
    reading a byte of its body;
  * the 5 send all but the last byte of their bodies and hold them;
  * meanwhile a small ingest still gets its 202;
  * the daemon's resident memory (VmHWM, the peak, from /proc) grows by no
    more than twice the budget (without the budget the 40 bodies alone would
    be 120 MiB);
  * /metrics counts the refusals; once the senders give up, the budget is
    free and a 3 MiB body is taken.
Prints the RSS figures it measured.
usage: /usr/bin/python3 body_budget_test.py DRIFTD_BINARY
"""
import json
import os
import re
import select
import socket
import sys
import tempfile
import time

from driftd_harness import Daemon, check, curl, fail, run, write_config

MIB = 1024 * 1024
BUDGET = 16 * MIB
BODY = 3 * MIB
SENDERS = 40
HELD = BUDGET // BODY  # 5


def ndjson_body(size):
    """`size` bytes of NDJSON events ({"x": ...} lines, padded with spaces)."""
    line = b'{"x": 1.5}\n'
    body = line * (size // len(line))
    return body + b" " * (size - len(body))


def status_of(path):
    """VmRSS and VmHWM (the peak) of a process, in bytes."""
    with open(path) as status:
        text = status.read()
    return {key: int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M).group(1)) * 1024
            for key in ("VmRSS", "VmHWM")}


def metric(daemon, name):
    status, text = curl(daemon.url("/metrics"))
    if status != 200:
        fail(f"/metrics answered {status}")
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    if not found:
        fail(f"/metrics has no {name}")
    return float(found.group(1))


def wait_for(condition, what, seconds=20):
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def read_response(sock, seconds=10):
    """(status, headers dict, body) of one HTTP response on `sock`."""
    sock.settimeout(seconds)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            fail(f"connection closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-body-budget-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0", "max_body_bytes": 4 * MIB,
                 "max_inflight_body_bytes": BUDGET},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": 1000},
            "reference": {"type": "capture", "events": 1000},
            "features": [{"name": "x", "path": "/x", "type": "numeric"}]}]})
    daemon = Daemon(binary, workdir, config_path)
    proc_status = f"/proc/{daemon.process.pid}/status"
    status, _ = curl(daemon.url("/v1/streams/s/events"), b'{"x": 1}\n')
    check(status == 202, "a first small ingest is taken")
    before = status_of(proc_status)

    senders = []
    for _ in range(SENDERS):
        sock = socket.create_connection(("127.0.0.1", daemon.port))
        sock.sendall(f"POST /v1/streams/s/events HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Type: application/x-ndjson\r\nContent-Length: {BODY}\r\n\r\n"
                     .encode())
        senders.append(sock)
    refused_count = SENDERS - HELD
    wait_for(lambda: metric(daemon, 'driftd_http_rejected_total{reason="body_budget"}')
             == refused_count, f"{refused_count} refusals for the body budget")
    check(metric(daemon, "driftd_http_inflight_body_bytes") == HELD * BODY,
          f"{HELD} declared bodies of {BODY} bytes hold the budget")
    readable, _, _ = select.select(senders, [], [], 5)
    check(len(readable) == refused_count, f"{refused_count} senders got an answer, {HELD} none")
    for sock in readable:
        status, headers, body = read_response(sock)
        message = json.loads(body)["error"]["message"]
        if status != 503 or headers.get("retry-after") != "1" or \
                "http.max_inflight_body_bytes" not in message:
            fail(f"a refusal was {status} {headers} {message}")
        sock.close()
    print("ok: every refusal is 503 with Retry-After: 1 naming http.max_inflight_body_bytes")
    held = [sock for sock in senders if sock not in readable]

    body = ndjson_body(BODY)
    for sock in held:  # all but the last byte: the daemon holds them, waiting
        sock.sendall(body[:-1])
    time.sleep(1)  # let the daemon read what the kernel buffers still hold
    status, answer = curl(daemon.url("/v1/streams/s/events"), b'{"x": 2}\n')
    check(status == 202, f"a small ingest is taken while the budget is nearly full ({answer})")
    during = status_of(proc_status)
    growth = during["VmHWM"] - before["VmHWM"]
    print(f"figures: RSS before {before['VmRSS'] / MIB:.1f} MiB (peak {before['VmHWM'] / MIB:.1f}), "
          f"while {HELD} bodies of {BODY // MIB} MiB are held and {refused_count} refused: "
          f"RSS {during['VmRSS'] / MIB:.1f} MiB, peak {during['VmHWM'] / MIB:.1f} MiB "
          f"(+{growth / MIB:.1f} MiB; budget {BUDGET // MIB} MiB, "
          f"{SENDERS} bodies would be {SENDERS * BODY // MIB} MiB)")
    check(growth <= 2 * BUDGET, "peak RSS grew by at most twice the budget")

    for sock in held:
        sock.close()
    wait_for(lambda: metric(daemon, "driftd_http_inflight_body_bytes") == 0,
             "the budget to be free once the senders gave up")
    status, answer = curl(daemon.url("/v1/streams/s/events"), body)
    check(status == 202, f"a {BODY // MIB} MiB body is taken once the budget is free")
    check(daemon.stop() == 0, "driftd drains and exits 0")


run(main)
