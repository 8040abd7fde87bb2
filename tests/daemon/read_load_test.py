#!/usr/bin/python3
"""Heavy historical reads do not starve the I/O threads, end to end against
the real daemon: with a database of 200,000 windows, heavy readers (4, or
one per CPU if more: enough to occupy every I/O thread were the queries run
there) loop on GET /v1/metrics?limit=100000 while /healthz and a small
ingest are timed.

Prints the figures (p50/p99 of /healthz and ingest, the heavy queries'
median). Asserts only a generous bound that the old behaviour (queries on the
I/O threads: /healthz queued behind whole heavy queries) breaks: /healthz's
p99 stays below a quarter of a heavy query's median duration. Also checks
that every heavy page is whole (100,000 points and a next_cursor; the time
budget is set out of reach), that a full read queue is answered 503 with
Retry-After, and that under a 10 ms time budget pages are cut short with a
cursor that, followed, gives every window once.
usage: /usr/bin/python3 read_load_test.py DRIFTD_BINARY
"""
import http.client
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from driftd_harness import Daemon, check, curl, fail, run

WINDOW = 200
WINDOWS = 200_000
LIMIT = 100_000
SECONDS = 8
READERS = max(4, os.cpu_count() or 1)
FAR = 1_000_000  # the copies start far beyond any window the daemon closes itself
HEAVY = f"/v1/metrics?stream=s&feature=x&metric=jsd&limit={LIMIT}"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def write_config(path, read_queue, read_time_budget):
    with open(path, "w") as f:
        json.dump({
            "storage": {"path": "test.db"},
            "http": {"listen": "127.0.0.1:0", "read_queue": read_queue,
                     "read_time_budget": read_time_budget},
            "streams": [{
                "name": "s", "source": {"type": "http"},
                "window": {"type": "count", "events": WINDOW},
                "reference": {"type": "capture", "events": WINDOW},
                "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]}, f)


def seed(binary, workdir, config_path):
    """A database with WINDOWS windows of s/x: one closed by the daemon, the
    rest copies of it at later starts."""
    daemon = Daemon(binary, workdir, config_path)
    body = "".join(json.dumps({"x": (i % 17) / 3.0}) + "\n" for i in range(2 * WINDOW)).encode()
    status, text = curl(daemon.url("/v1/streams/s/events"), body)
    if status != 202:
        fail(f"seeding ingest answered {status}: {text}")
    db_path = os.path.join(workdir, "test.db")
    deadline = time.time() + 30
    while sqlite3.connect(db_path).execute("SELECT count(*) FROM window_metrics").fetchone()[0] < 1:
        if time.time() > deadline:
            fail("the first window did not close")
        time.sleep(0.1)
    check(daemon.stop() == 0, "the seeding daemon stops")
    db = sqlite3.connect(db_path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(window_metrics)")
               if row[1] not in ("id", "window_start", "window_end")]
    listed = ", ".join(columns)
    db.execute(f"""
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {WINDOWS - 1})
        INSERT INTO window_metrics (window_start, window_end, {listed})
        SELECT w.window_start + (k.i + {FAR}) * {WINDOW}, w.window_end + (k.i + {FAR}) * {WINDOW},
               {listed}
        FROM k, (SELECT * FROM window_metrics ORDER BY id LIMIT 1) AS w""")
    db.commit()
    count = db.execute("SELECT count(*) FROM window_metrics WHERE feature = 'x'").fetchone()[0]
    check(count == WINDOWS, f"the database holds {WINDOWS} windows")


class Client:
    """One keep-alive HTTP connection; timed requests."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body=None):
        start = time.perf_counter()
        self.connection.request(method, path, body=body,
                                headers={"Content-Type": "application/x-ndjson"} if body else {})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, response.getheader("Retry-After"), data, \
            time.perf_counter() - start


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-read-load-")
    config_path = os.path.join(workdir, "driftd.json")
    # A budget no heavy read reaches, even in a sanitizer build: whole pages.
    write_config(config_path, read_queue=64, read_time_budget="10m")
    seed(binary, workdir, config_path)
    daemon = Daemon(binary, workdir, config_path)

    status, _, heavy_page, _ = Client(daemon.port).request("GET", HEAVY)
    page = json.loads(heavy_page) if status == 200 else None
    check(page is not None and len(page["points"]) == LIMIT and page["next_cursor"] is not None,
          f"a heavy read gives {LIMIT} points and a next_cursor ({len(heavy_page)} bytes)")
    stop = threading.Event()
    heavy_seconds, problems = [], []

    def heavy_reader():
        # curl, in a process of its own: receiving the pages must not hold
        # this process (and its prober) up.
        command = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} "
                   "%{time_total}", daemon.url(HEAVY)]
        while not stop.is_set():
            status, size, seconds = subprocess.run(command, capture_output=True, text=True,
                                                   check=True).stdout.split()
            if status != "200" or int(size) != len(heavy_page):
                problems.append(f"a heavy read answered {status} with {size} bytes")
                return
            heavy_seconds.append(float(seconds))

    readers = [threading.Thread(target=heavy_reader) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    time.sleep(1)  # the readers are under way
    health, ingest = [], []
    prober = Client(daemon.port)
    ingester = Client(daemon.port)
    event = json.dumps({"x": 1.0}).encode() + b"\n"
    end = time.time() + SECONDS
    next_ingest = 0
    while time.time() < end and not problems:
        status, _, _, seconds = prober.request("GET", "/healthz")
        if status != 200:
            fail(f"/healthz answered {status}")
        health.append(seconds)
        if time.time() >= next_ingest:  # one event every 100 ms
            next_ingest = time.time() + 0.1
            status, _, answer, seconds = ingester.request("POST", "/v1/streams/s/events", event)
            if status != 202:
                fail(f"ingest answered {status}: {answer!r}")
            ingest.append(seconds)
        time.sleep(0.01)
    stop.set()
    for reader in readers:
        reader.join()
    if problems:
        fail(problems[0])
    check(len(heavy_seconds) >= READERS, f"{len(heavy_seconds)} heavy reads of {LIMIT} points")

    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    heavy_median = statistics.median(heavy_seconds)
    print(f"figures: {READERS} heavy readers of {LIMIT} points, {len(heavy_seconds)} reads, "
          f"median {ms(heavy_median)}, max {ms(max(heavy_seconds))}")
    print(f"figures: /healthz n={len(health)} p50 {ms(percentile(health, 0.5))} "
          f"p99 {ms(percentile(health, 0.99))} max {ms(max(health))}")
    print(f"figures: ingest (durable) n={len(ingest)} p50 {ms(percentile(ingest, 0.5))} "
          f"p99 {ms(percentile(ingest, 0.99))} max {ms(max(ingest))}")
    check(percentile(health, 0.99) < heavy_median / 4,
          "/healthz does not wait for heavy queries (p99 below a quarter of one)")
    check(daemon.stop() == 0, "driftd drains and exits 0")

    # A full read pool: no queue, and more heavy readers at once than read
    # threads (2): some are answered 503 with Retry-After at once.
    write_config(config_path, read_queue=0, read_time_budget="10m")
    daemon = Daemon(binary, workdir, config_path)
    answers = []

    def one_heavy_read():
        status, retry_after, _, _ = Client(daemon.port).request("GET", HEAVY)
        answers.append((status, retry_after))

    burst = [threading.Thread(target=one_heavy_read) for _ in range(8)]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join()
    busy = [answer for answer in answers if answer[0] == 503]
    check(busy and all(retry == "1" for _, retry in busy) and
          all(status in (200, 503) for status, _ in answers),
          f"8 heavy reads at once on 2 read threads without a queue: "
          f"{len(busy)} answered 503 with Retry-After: 1, the rest 200")
    check(daemon.stop() == 0, "driftd drains and exits 0")

    # A time budget shorter than a heavy read: each page is cut short with a
    # next_cursor, and following the cursors gives every window once.
    write_config(config_path, read_queue=64, read_time_budget="10ms")
    daemon = Daemon(binary, workdir, config_path)
    client = Client(daemon.port)
    starts, pages, cursor = [], 0, None
    while True:
        status, _, data, _ = client.request("GET", HEAVY + (f"&cursor={cursor}" if cursor else ""))
        if status != 200:
            fail(f"a heavy read under a 10 ms budget answered {status}: {data[:200]!r}")
        page = json.loads(data)
        starts += [point["start"] for point in page["points"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    check(pages > WINDOWS // LIMIT and len(starts) == WINDOWS and starts == sorted(set(starts)),
          f"under a 10 ms budget, {pages} pages cut short with a cursor give all {WINDOWS} "
          f"windows once, in order")
    check(daemon.stop() == 0, "driftd drains and exits 0")


run(main)
