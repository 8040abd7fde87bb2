#!/usr/bin/python3
"""One event from the future does not blind a stream (event_time.max_future):
the real daemon, curl, its /metrics and /v1/streams, a restart.

  * an event stamped in year 9999 among normal ones is rejected as
    invalid_event_time in the answer, and counted at once in /metrics and
    /v1/streams;
  * the on-time events after it are not late;
  * a late event is counted in driftd_events_late_total (and /v1/streams)
    by the request that brought it, before any further window closes;
  * a window checkpoint written by a driftd without the bound after such an
    event (here: the stored checkpoint moved to year 9999) is not restored:
    the restart says why and the stream's events are on time again.

usage: future_event_time_test.py DRIFTD_BINARY
"""
import json
import os
import re
import sqlite3
import struct
import sys
import tempfile
import time

from driftd_harness import Daemon, check, curl, fail, run, write_config

MINUTE = 60_000
YEAR_9999 = 253_402_300_799_000  # 9999-12-31T23:59:59Z


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def move_checkpoint(blob, first_open_pane):
    """The checkpoint (checkpoint_codec.h) with its panes moved so that
    first_open_pane is the given one."""
    body = blob[:-4]
    first_pane, old_first_open = struct.unpack_from("<qq", body, 8)
    shift = first_open_pane - old_first_open
    body = body[:8] + struct.pack("<qq", first_pane + shift, first_open_pane) + body[24:]
    return body + struct.pack("<I", crc32c(body))


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-future-")
    config_path = write_config(workdir, {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "event_time": {"field": "/t"},
            "window": {"type": "tumbling", "size": "1m"},
            "reference": {"type": "capture", "events": 100},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})
    now = int(time.time() * 1000) // MINUTE * MINUTE

    def body(t, n):
        return "".join(json.dumps({"t": t, "x": i % 17}) + "\n" for i in range(n))

    def send(daemon, text):
        status, answer = curl(daemon.url("/v1/streams/s/events"), text.encode())
        if status != 202:
            fail(f"ingest answered {status}: {answer}")
        return json.loads(answer)

    def stream(daemon):
        status, text = curl(daemon.url("/v1/streams"))
        check(status == 200, "GET /v1/streams answers 200")
        return json.loads(text)["streams"][0]

    def metric(daemon, name):
        status, text = curl(daemon.url("/metrics"))
        found = re.search(rf'^{name}{{stream="s"}} (\d+)$', text, re.MULTILINE)
        if status != 200 or not found:
            fail(f"/metrics has no {name}: {text[:500]}")
        return int(found.group(1))

    daemon = Daemon(binary, workdir, config_path)
    # The reference, and an event past its cut (the end of its minute) that ends it.
    send(daemon, body(now - 31 * MINUTE, 100) + body(now - 30 * MINUTE, 1))
    check(stream(daemon)["phase"] == "monitoring", "the reference is captured")

    # One event of year 9999 among normal ones.
    lines = body(now - 20 * MINUTE, 50).splitlines(keepends=True)
    lines.insert(25, json.dumps({"t": YEAR_9999, "x": 1}) + "\n")
    answer = send(daemon, "".join(lines))
    check(answer["accepted"] == 50 and answer["rejected"] == 1,
          f"the year-9999 event is rejected, the others accepted: {answer}")
    check(answer["errors"] == [{"line": 26, "error": "invalid_event_time",
                                "reason": "event time too far in the future"}],
          f"the answer says why: {answer['errors']}")
    check(metric(daemon, "driftd_events_invalid_event_time_total") == 1,
          "/metrics counts it at once")
    check(stream(daemon)["invalid_event_time"] == 1, "/v1/streams counts it at once")

    answer = send(daemon, body(now - 19 * MINUTE, 500))
    check(answer["accepted"] == 500 and answer["late"] == 0,
          f"the 500 on-time events after it are not late: {answer}")

    # Windows up to now - 5 min close (the 202 waited for the commit after it).
    send(daemon, body(now - 5 * MINUTE, 10))
    closed = stream(daemon)["windows_closed"]
    check(closed >= 2, f"the windows before now - 5 min closed ({closed})")
    check(metric(daemon, "driftd_events_late_total") == 0, "nothing late so far")
    answer = send(daemon, body(now - 19 * MINUTE, 3))
    check(answer["late"] == 3, f"three events of a closed window are late: {answer}")
    check(metric(daemon, "driftd_events_late_total") == 3,
          "driftd_events_late_total counts them at once")
    after = stream(daemon)
    check(after["late"] == 3, "/v1/streams counts them at once")
    check(after["windows_closed"] == closed, "no window closed meanwhile")
    check(daemon.stop() == 0, "driftd stops cleanly")

    # A checkpoint written after a year-9999 event by a driftd without the
    # bound: its open windows are in year 9999.
    db = sqlite3.connect(os.path.join(workdir, "test.db"))
    (blob,) = db.execute("SELECT state FROM window_checkpoints WHERE stream = 's'").fetchone()
    db.execute("UPDATE window_checkpoints SET state = ? WHERE stream = 's'",
               (move_checkpoint(bytes(blob), YEAR_9999 // MINUTE),))
    db.commit()
    db.close()
    offset = os.path.getsize(os.path.join(workdir, "driftd.log"))
    daemon = Daemon(binary, workdir, config_path)
    log = daemon.log_since(offset)
    check("ignoring the window checkpoint" in log and "beyond event_time.max_future" in log,
          f"the restart refuses the poisoned checkpoint and says why: {log}")
    answer = send(daemon, body(now - 4 * MINUTE, 20))
    check(answer["accepted"] == 20 and answer["late"] == 0,
          f"after the restart today's events are on time: {answer}")
    check(daemon.stop() == 0, "driftd stops cleanly")


if __name__ == "__main__":
    run(main)
