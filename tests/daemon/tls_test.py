#!/usr/bin/python3
"""HTTPS end to end: the real daemon with http.tls, curl verifying it
against the test CA, a webhook receiver that speaks only TLS, and
certificate rotation with SIGHUP.

  * every route is served over TLS (ingest, the API, /metrics); a plain-HTTP
    client gets no answer and is counted as a failed handshake;
  * an alert is delivered to an https receiver verified against
    webhooks.ca_file, correctly signed;
  * replacing the certificate files and sending SIGHUP serves the new
    certificate to new connections, in the same process; a key that does
    not match is refused with the field named, and the running one kept;
  * a certificate that cannot be read stops the start (and --check-config)
    with exit 78 naming http.tls.certificate;
  * driftctl talks to the https daemon with --cacert or $DRIFTD_CACERT and
    refuses it without.

usage: tls_test.py DRIFTD_BINARY DRIFTCTL_BINARY
"""
import hashlib
import hmac
import http.server
import json
import os
import random
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from driftd_harness import Daemon, check, curl, run, write_config

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "tls")
CA = os.path.join(FIXTURES, "ca.pem")
WINDOW = 200
SECRET = "a-secret-of-sufficient-length"


def https_receiver(requests):
    """An HTTPS webhook receiver (the test CA's server certificate) on an
    ephemeral port; appends (headers, body) to `requests`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append((dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(FIXTURES, "server.pem"),
                            os.path.join(FIXTURES, "server.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def served_subject(port):
    """The subject of the certificate a new TLS connection is given."""
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    result = subprocess.run(["openssl", "x509", "-noout", "-subject"], input=pem.encode(),
                            capture_output=True, check=True)
    return result.stdout.decode().strip()


def sighup(daemon, awaited):
    """Sends SIGHUP and returns what driftd logs until `awaited` appears
    (at most 10 s)."""
    offset = daemon.log_size()
    daemon.process.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while awaited not in daemon.log_since(offset) and time.time() < deadline:
        time.sleep(0.05)
    return daemon.log_since(offset)


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="driftd-tls-")
    cert = os.path.join(workdir, "tls.pem")
    key = os.path.join(workdir, "tls.key")
    shutil.copy(os.path.join(FIXTURES, "server.pem"), cert)
    shutil.copy(os.path.join(FIXTURES, "server.key"), key)
    config = {
        "storage": {"path": "test.db"},
        "http": {"listen": "127.0.0.1:0", "tls": {"certificate": cert, "private_key": key}},
        "webhooks": {"ca_file": CA, "retry_initial": "50ms", "retry_max": "200ms"},
        "streams": [{
            "name": "s", "source": {"type": "http"},
            "window": {"type": "count", "events": WINDOW},
            "reference": {"type": "capture", "events": WINDOW},
            "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 10}],
            "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05}]}]}
    config_path = write_config(workdir, config)

    daemon = Daemon(binary, workdir, config_path, scheme="https")
    check("(https)" in daemon.log_since(0), "driftd logs that it listens with https")
    pid = daemon.process.pid

    status, text = curl(daemon.url("/v1/streams"), cacert=CA)
    check(status == 200 and json.loads(text)["streams"][0]["name"] == "s",
          "GET /v1/streams over https, verified against the CA")
    plain = subprocess.run(["curl", "-sS", "--max-time", "5",
                            f"http://127.0.0.1:{daemon.port}/healthz"], capture_output=True)
    check(plain.returncode != 0, f"plain HTTP gets no answer (curl exit {plain.returncode})")
    unverified = subprocess.run(["curl", "-sS", "--max-time", "5", daemon.url("/healthz")],
                                capture_output=True)
    check(unverified.returncode == 60, "curl without the CA refuses the certificate (exit 60)")
    driftctl = os.path.abspath(sys.argv[2])
    status_command = [driftctl, "status", "--url", daemon.url(""), "--format", "json"]
    result = subprocess.run(status_command + ["--cacert", CA], capture_output=True, text=True)
    check(result.returncode == 0 and
          json.loads(result.stdout)["readiness"]["status"] == "ready",
          "driftctl status --cacert reads the https daemon")
    result = subprocess.run(status_command, capture_output=True, text=True,
                            env={**os.environ, "DRIFTD_CACERT": CA})
    check(result.returncode == 0, "driftctl takes the CA from $DRIFTD_CACERT")
    result = subprocess.run(status_command, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "DRIFTD_CACERT"})
    check(result.returncode != 0 and "certificate verify failed" in result.stderr,
          f"driftctl without the CA refuses the daemon: {result.stderr.strip()}")
    status, metrics = curl(daemon.url("/metrics"), cacert=CA)
    check(status == 200 and 'driftd_http_rejected_total{reason="tls_handshake"} ' in metrics and
          'driftd_http_rejected_total{reason="tls_handshake"} 0' not in metrics,
          "/metrics counts the failed handshakes")

    # An alert delivered to an https receiver.
    received = []
    receiver = https_receiver(received)
    hook_url = f"https://localhost:{receiver.server_address[1]}/hook"
    status, text = curl(daemon.url("/v1/subscriptions"),
                        json.dumps({"url": hook_url, "secret": SECRET}).encode(), cacert=CA)
    check(status == 201, f"an https subscription is accepted ({status} {text})")
    rng = random.Random(7)
    for drifted in (False, True):
        body = "".join(json.dumps({"x": rng.gauss(4.0 if drifted else 0.0, 1.0)}) + "\n"
                       for _ in range(WINDOW))
        status, _ = curl(daemon.url("/v1/streams/s/events"), body.encode(), cacert=CA)
        check(status == 202, "ingest over https is 202")
    deadline = time.time() + 20
    while not received and time.time() < deadline:
        time.sleep(0.05)
    check(received, "the https receiver got the alert")
    headers, body = received[0]
    stamp, _, signature = headers["X-Driftd-Signature"].partition(",v1=")
    expected = hmac.new(SECRET.encode(), stamp[2:].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    check(hmac.compare_digest(signature, expected) and
          json.loads(body)["state"] == "firing" and
          headers["Host"] == f"localhost:{receiver.server_address[1]}",
          "the delivery is signed, names the firing alert and carries the Host header")
    receiver.shutdown()

    # Rotation: new files under the same names, then SIGHUP.
    check("driftd test server" in served_subject(daemon.port), "the first certificate is served")
    shutil.copy(os.path.join(FIXTURES, "rotated.pem"), cert)
    shutil.copy(os.path.join(FIXTURES, "rotated.key"), key)
    check("TLS certificate and key reloaded" in sighup(daemon, "reloaded") and
          daemon.process.pid == pid and daemon.process.poll() is None,
          "SIGHUP reloads the certificate in the same process")
    check("driftd test rotated" in served_subject(daemon.port),
          "new connections get the rotated certificate")
    status, _ = curl(daemon.url("/healthz"), cacert=CA)
    check(status == 200, "the rotated certificate verifies against the CA")

    # A key that does not match: refused, the running certificate kept.
    shutil.copy(os.path.join(FIXTURES, "other.key"), key)
    log = sighup(daemon, "keeping")
    check("http.tls.private_key" in log and "does not match" in log and
          "keeping the running configuration" in log,
          f"a mismatched key on SIGHUP is refused naming the field: {log.strip()}")
    check("driftd test rotated" in served_subject(daemon.port), "the running certificate is kept")
    check(daemon.stop() == 0, "driftd stops cleanly")

    # A certificate that cannot be read: exit 78 naming the field.
    os.remove(cert)
    for flag in ("--check-config", "--config"):
        result = subprocess.run([binary, flag, config_path], cwd=workdir, capture_output=True,
                                text=True, timeout=30)
        check(result.returncode == 78 and "http.tls.certificate" in result.stderr and
              "No such file or directory" in result.stderr,
              f"driftd {flag} with a missing certificate exits 78 naming it: "
              f"{result.stderr.strip()}")


run(main)
