#!/usr/bin/python3
"""A 202 from HTTP ingest survives kill -9 (http.ingest_ack "durable", the
default): the real daemon, curl, SIGKILL right after the answers, a restart,
and the SQLite file as the oracle.

  * events sent during the reference capture are answered at once with
    "durable": false (the capture is not checkpointed), except the request
    that completes it, which waits for the reference to be stored;
  * afterwards every 202 says "durable": true, and with checkpoints
    otherwise an hour apart, the events of the last requests before the kill
    are only in the checkpoints those answers waited for;
  * after the restart, the count windows hold exactly 1000 values each:
    nothing acknowledged was lost, nothing was counted twice;
  * several clients at once are all answered durable;
  * when SQLite refuses the commit (its write lock held elsewhere), the held
    request is answered 503 and /readyz says degraded; the events are
    committed once the lock is released, and counted once;
  * when the database file is moved away under the daemon, ingest is
    answered 503 and /readyz says why, until the file is back.

usage: durable_ingest_test.py DRIFTD_BINARY
"""
import json
import os
import random
import sqlite3
import sys
import tempfile
import threading

from driftd_harness import Daemon, check, curl, fail, run, write_config

CAPTURE = 200
WINDOW = 1000
REQUEST = 250


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-durable-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db", "checkpoint_interval": "1h"},
        "http": {"listen": "127.0.0.1:0"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": CAPTURE},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10}]}]})
    rng = random.Random(11)

    def body(n):
        return "".join(json.dumps({"x": rng.gauss(0.0, 1.0)}) + "\n" for _ in range(n)).encode()

    def send(daemon, n):
        status, text = curl(daemon.url("/v1/streams/s/events"), body(n))
        if status != 202:
            fail(f"ingest answered {status}: {text}")
        return json.loads(text)

    daemon = Daemon(binary, workdir, config_path)
    answer = send(daemon, CAPTURE // 2)
    check(answer["accepted"] == CAPTURE // 2 and answer["durable"] is False,
          "events of the reference capture are answered at once, durable: false")
    answer = send(daemon, CAPTURE // 2)
    check(answer["durable"] is True,
          "the request that completes the capture waits for the stored reference")
    # 1.5 windows: the first closes and commits; the last 500 values are only
    # in the checkpoints the answers waited for.
    answers = [send(daemon, REQUEST) for _ in range(WINDOW * 3 // 2 // REQUEST)]
    check(all(a["durable"] is True and a["accepted"] == REQUEST for a in answers),
          f"after the capture every 202 says durable: true ({len(answers)} requests)")
    daemon.kill()

    daemon = Daemon(binary, workdir, config_path)
    # Concurrent clients: 4 threads x 6 requests = 6000 values, 6 more windows.
    errors = []

    def client():
        try:
            for _ in range(6):
                status, text = curl(daemon.url("/v1/streams/s/events"), body(REQUEST))
                if status != 202 or json.loads(text)["durable"] is not True:
                    errors.append(f"{status} {text}")
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(str(error))

    clients = [threading.Thread(target=client) for _ in range(4)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    check(not errors, f"24 concurrent requests are all answered durable ({errors[:1]})")
    # SQLite refuses the commit (another process holds the write lock past
    # driftd's 5 s busy timeout): the held request is answered 503, /readyz
    # says degraded, and the events are committed once the lock is gone.
    lock = sqlite3.connect(os.path.join(workdir, "test.db"), isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    status, text = curl(daemon.url("/v1/streams/s/events"), body(REQUEST))
    check(status == 503 and "could not be committed" in text,
          f"a request whose commit fails is answered 503 ({status} {text[:80]})")
    status, text = curl(daemon.url("/readyz"))
    check(status == 503 and "cannot commit" in text, f"/readyz says degraded ({text})")
    lock.execute("ROLLBACK")
    lock.close()
    # Complete the open window: 1500 + 6000 + 250 = 7750 values, so 250 more.
    answer = send(daemon, REQUEST)
    check(answer["durable"] is True, "with the lock gone, ingest is durable again")
    daemon.kill()

    with sqlite3.connect(os.path.join(workdir, "test.db")) as db:
        windows = db.execute(
            "SELECT window_start, n FROM window_metrics WHERE stream = 's' ORDER BY window_start"
        ).fetchall()
    check(windows == [(w * WINDOW, WINDOW) for w in range(8)],
          f"8 windows of exactly {WINDOW} values across two kill -9 and a failed commit "
          f"(the 503'd events counted once): {windows}")

    # The database file is moved away under the running daemon: commits
    # would go to a file nobody will open again, so ingest is answered 503
    # and /readyz names the problem; once the file is back, ingest is
    # durable again.
    daemon = Daemon(binary, workdir, config_path)
    db_file = os.path.join(workdir, "test.db")
    os.rename(db_file, db_file + ".moved")
    status, text = curl(daemon.url("/v1/streams/s/events"), body(REQUEST))
    check(status == 503, f"with the database file gone, ingest is answered 503 ({status})")
    status, text = curl(daemon.url("/readyz"))
    check(status == 503 and "deleted or replaced" in text,
          f"/readyz says the database file was deleted or replaced ({text})")
    os.rename(db_file + ".moved", db_file)
    answer = send(daemon, REQUEST)
    check(answer["durable"] is True, "with the file back, ingest is durable again")
    daemon.stop()


run(main)
