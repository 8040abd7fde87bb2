#!/usr/bin/python3
"""The dashboard in a real browser (Debian's chromium, headless, driven by
Selenium through chromedriver) against a real driftd fed over HTTP.

A stream `payments` (count windows of 500 events, a reference captured from
2,000) gets three clean windows, then two in which `amount` moves by 1.5
standard deviations and `country` gets a category the reference never saw.
Checks:
  * every view (overview, drift grid, feature view, alerts) renders with no
    error in the browser's console;
  * the drift grid lists `amount` first (it has the alerts), with a firing
    mark, and its latest cell is the largest JSD of the grid;
  * the feature view's histogram bars are /v1/windows/{id}'s counts, bin by
    bin, for both sides; bin labels are short and distinct; the direction
    sentence is the window's; `country`'s unseen category is shown apart;
  * on the alerts view, an alert that fires after the page was loaded
    appears live (server-sent events), without a reload;
  * with http.auth_token set, the page asks for the token and then shows
    the data.
Screenshots of each view go to DIR (default: the build's
test-artifacts/ui/); docs/images/ holds a current set.
usage: /usr/bin/python3 dashboard_test.py DRIFTD_BINARY [DIR]
"""
import json
import os
import random
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from driftd_harness import Daemon, check, curl, fail, run, wait_for, wait_for_windows, write_config  # noqa: E402

WINDOW = 500
CAPTURE = 2000
COUNTRIES = ["US", "DE", "FR", "GB", "IN"]


def events(rng, count, amount_shift=0.0, new_country=False, latency_shift=0.0):
    lines = []
    for _ in range(count):
        country = "BR" if new_country and rng.random() < 0.3 else rng.choice(COUNTRIES)
        lines.append(json.dumps({"amount": round(rng.gauss(50 + amount_shift * 10, 10), 3),
                                 "country": country,
                                 "latency_ms": round(rng.gauss(120 + latency_shift * 15, 15), 2)}))
    return ("\n".join(lines) + "\n").encode()


def config(workdir, token=None):
    http = {"listen": "127.0.0.1:0", "max_body_bytes": 10_000_000}
    if token:
        http["auth_token"] = token
    return write_config(workdir, {
        "storage": {"path": "test.db"}, "http": http,
        "streams": [{"name": "payments", "source": {"type": "http"},
                     "window": {"type": "count", "events": WINDOW},
                     "reference": {"type": "capture", "events": CAPTURE},
                     "features": [{"name": "amount", "path": "/amount", "type": "numeric"},
                                  {"name": "country", "path": "/country", "type": "categorical"},
                                  {"name": "latency_ms", "path": "/latency_ms", "type": "numeric"}],
                     "pairs": [{"name": "amount_by_country", "x": "country", "y": "amount"}],
                     "groups": [{"name": "amount_latency", "features": ["amount", "latency_ms"],
                                 "type": "gaussian"}]}]})


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def wait_for_element(driver, css, seconds=20):
    found = []

    def present():
        found[:] = driver.find_elements(By.CSS_SELECTOR, css)
        return bool(found)
    wait_for(present, seconds, f"the page to show {css}")
    return found


def read(driver, css, *attributes):
    """Each element matching `css` now, as {"text": ..., attribute: value}: read in one
    script, so a view that redraws cannot leave a stale element."""
    return driver.execute_script("""
        const [css, names] = arguments;
        return [...document.querySelectorAll(css)].map((node) => {
          const out = {text: node.textContent};
          for (const name of names) out[name] = node.getAttribute(name);
          return out;
        });""", css, list(attributes))


def show(driver, daemon, hash_path, css, shots, name):
    driver.get(daemon.url(f"/#{hash_path}"))
    elements = wait_for_element(driver, css)
    time.sleep(0.3)  # let the view's other requests land before the screenshot
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))
    errors = console_errors(driver)
    check(not errors, f"{name}: no console error {errors}")
    return elements


def main():
    binary = os.path.abspath(sys.argv[1])
    shots = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(binary), "..",
                                                               "test-artifacts", "ui")
    os.makedirs(shots, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="driftd-ui-")
    daemon = Daemon(binary, workdir, config(workdir))
    rng = random.Random(20261204)
    post = lambda body: check(curl(daemon.url("/v1/streams/payments/events"), body)[0] == 202, "events accepted")
    post(events(rng, CAPTURE))
    for _ in range(3):
        post(events(rng, WINDOW))
    for _ in range(2):
        post(events(rng, WINDOW, amount_shift=1.5, new_country=True))
    db = os.path.join(workdir, "test.db")
    check(wait_for_windows(db, "amount", 5) == 5, "five windows committed")

    driver = browser()
    try:
        status, body = curl(daemon.url("/"))
        check(status == 200 and "<script src=\"/ui/app.js\">" in body, "GET / serves the page")
        # Overview
        show(driver, daemon, "/", ".card[data-stream='payments']", shots, "overview")
        wait_for(lambda: "measuring" not in read(driver, ".card .rate")[0]["text"],
                 20, "events/s to be measured")
        text = read(driver, ".card[data-stream='payments']")[0]["text"]
        check("critical" in text and "monitoring" in text and "500 events per window" not in text,
              f"the overview shows the stream's phase and its open alerts: {text!r}")

        # Drift grid
        show(driver, daemon, "/grid/payments", "#drift-grid rect.cell", shots, "grid")
        labels = [l["data-feature"] for l in read(driver, "#drift-grid text.row-label", "data-feature")]
        check(labels[0] == "amount", f"amount comes first in the grid: {labels}")
        check(read(driver, "#drift-grid circle.firing"), "amount is marked firing")
        cells = read(driver, "#drift-grid rect.cell", "data-feature", "data-window-id", "data-value")
        values = {(c["data-feature"], int(c["data-window-id"])): float(c["data-value"]) for c in cells}
        series = json.loads(curl(daemon.url("/v1/metrics?stream=payments&feature=amount&metric=jsd"))[1])
        check({(p["window_id"], p["value"]) for p in series["points"]} ==
              {(wid, v) for (f, wid), v in values.items() if f == "amount"},
              "amount's cells are its JSD per window (/v1/metrics)")
        amount_latest = max((wid, v) for (f, wid), v in values.items() if f == "amount")
        stable = [v for (f, _), v in values.items() if f == "latency_ms"]
        check(amount_latest[1] > 10 * max(stable), "amount's drifted window is far above the stable feature")

        # Feature view: click the latest cell of amount
        driver.execute_script(
            "document.querySelector(`#drift-grid rect.cell[data-feature='amount']"
            "[data-window-id='${arguments[0]}']`).dispatchEvent(new MouseEvent('click'));",
            amount_latest[0])
        wait_for_element(driver, "#histogram rect.bar-cur")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(shots, "feature.png"))
        check(not console_errors(driver), "feature view: no console error")
        window = json.loads(curl(daemon.url(f"/v1/windows/{amount_latest[0]}"))[1])
        bars = {int(b["data-bin"]): int(b["data-count"])
                for b in read(driver, "#histogram rect.bar-cur", "data-bin", "data-count")}
        refs = {int(b["data-bin"]): int(b["data-reference-count"])
                for b in read(driver, "#histogram rect.bar-ref", "data-bin", "data-reference-count")}
        check(bars == {b["bin"]: b["count"] for b in window["bins"]},
              "the window's bars are /v1/windows/{id}'s counts")
        check(refs == {b["bin"]: b["reference_count"] for b in window["bins"]},
              "the reference's bars are its counts")
        shown = [t["text"] for t in read(driver, "#histogram text.bin-label")]
        check(len(set(shown)) == len(shown) and max(len(t) for t in shown) <= 24,
              f"bin labels are distinct and short: {shown}")
        check(read(driver, "#direction")[0]["text"] == window["direction"],
              "the direction sentence is the window's")
        check(read(driver, "#series-chart circle.point.selected"),
              "the clicked window is marked on the series")

        # A link to a window (as Alertmanager's annotations give) opens its feature
        driver.get(daemon.url(f"/ui/#/windows/{amount_latest[0]}"))
        wait_for(lambda: "#/features/payments/amount?window=" in driver.current_url, 20,
                 "/ui/#/windows/{id} to open the window's feature")
        wait_for_element(driver, "#series-chart circle.point.selected")

        show(driver, daemon, "/features/payments/country", "#histogram rect.bar-cur", shots, "feature-categorical")
        unseen = read(driver, "#unseen")[0]["text"]
        check("__other__" in unseen, f"country's unseen category is shown apart: {unseen!r}")

        # A pair: the chain rule of its latest window, both orders, as the API has it
        show(driver, daemon, "/features/payments/amount_by_country", "#chain-rule tr[data-term]", shots, "pair")
        latest = json.loads(curl(daemon.url(
            "/v1/metrics?stream=payments&feature=amount_by_country&metric=n"))[1])["points"][-1]
        detail = json.loads(curl(daemon.url(f"/v1/joint-windows/{latest['window_id']}"))[1])["detail"]
        for term in ["marginal", "conditional", "joint"]:
            shown = [float(c["data-value"]) for c in
                     read(driver, f"#chain-rule tr[data-term='{term}'] td", "data-value")]
            check(shown == [detail["given_x"][term], detail["given_y"][term]],
                  f"the pair's {term} terms, both orders, are the window's: {shown}")
        check(read(driver, "#verdict")[0]["text"] != "", "the pair's verdict is shown")
        driver.get(daemon.url(f"/ui/#/joint-windows/{latest['window_id']}"))
        wait_for(lambda: "#/features/payments/amount_by_country?window=" in driver.current_url, 20,
                 "/ui/#/joint-windows/{id} to open the pair")
        # A group: the Gaussian KL's parts
        show(driver, daemon, "/features/payments/amount_latency", "#gaussian-parts tr", shots, "group")
        check(len(read(driver, "#gaussian-parts tr")) >= 4, "the group's Gaussian KL parts are shown")

        # Alerts, live
        show(driver, daemon, "/alerts", "#alert-rows tr", shots, "alerts")
        before = {r["data-alert-id"] for r in read(driver, "#alert-rows tr", "data-alert-id")}
        wait_for(lambda: read(driver, "#live-status")[0]["text"] == "live", 20,
                 "the live alert stream to connect")
        driver.execute_script("window.__not_reloaded = true;")
        for _ in range(2):
            post(events(rng, WINDOW, latency_shift=2.0))

        def new_rows():
            return [r for r in read(driver, "#alert-rows tr", "data-alert-id")
                    if r["data-alert-id"] not in before and "latency_ms" in r["text"]]
        wait_for(lambda: new_rows(), 30, "the latency_ms alert to appear live")
        check(driver.execute_script("return window.__not_reloaded === true;"),
              "it appeared without a reload")
        driver.save_screenshot(os.path.join(shots, "alerts-live.png"))
        check(not console_errors(driver), "alerts view: no console error")
        # Leave the page first: its live stream would log the stopped daemon.
        driver.get("about:blank")
        check(daemon.stop() == 0, "driftd stops cleanly")

        # A token-protected driftd: the page asks for the token.
        secured_dir = tempfile.mkdtemp(prefix="driftd-ui-token-")
        secured = Daemon(binary, secured_dir, config(secured_dir, token="s3cret-token-of-the-ui-test"))
        driver.get(secured.url("/#/"))
        wait_for(lambda: driver.find_element(By.ID, "token-dialog").get_attribute("open") is not None,
                 20, "the token prompt")
        driver.save_screenshot(os.path.join(shots, "token.png"))
        driver.find_element(By.ID, "token-input").send_keys("s3cret-token-of-the-ui-test")
        driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
        wait_for_element(driver, ".card[data-stream='payments']")
        check(True, "after the token, the overview shows the stream")
        errors = [e for e in console_errors(driver) if "401" not in e["message"]]
        check(not errors, f"no console error but the first 401 {errors}")
        check(secured.stop() == 0, "the secured driftd stops cleanly")
    except WebDriverException as error:
        fail(f"browser: {error}")
    finally:
        driver.quit()


if __name__ == "__main__":
    run(main)
