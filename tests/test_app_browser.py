"""The planner app in a real browser: Voila serving it, Playwright driving Debian's chromium.

The browser is the system's (``UMKM_CHROMIUM``, default ``/usr/bin/chromium``; ``.ci/run`` installs
the ``chromium`` package when it is missing); Playwright downloads none. Set ``UMKM_APP_SCREENSHOTS``
to a folder to keep the screenshots (``docs/img`` holds the ones ``docs/app.md`` shows).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import psutil
import pytest
import yaml
from app_helpers import MEMBERS, MONTHLY, scenario_folder
from conftest import ROOT, pdf_pages

from simulation.reporting import formats

CHROMIUM = Path(os.environ.get("UMKM_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 180_000
"""Milliseconds to wait for the page, a kernel or a download on two busy cores."""

STEPS = 5
"""Slider steps timed in the browser."""

YEAR = MEMBERS * MONTHLY * 12
"""Public cost of one quiet year with every UMKM subsidised (rupiah)."""

SNAPSHOT = "() => window.__charts = Array.from(document.querySelectorAll('img.umkm-chart')).map(i => i.src)"
REDRAWN = """() => {
  const now = Array.from(document.querySelectorAll('img.umkm-chart')).map(i => i.src);
  return now.length === 3 && now.every((src, k) => src !== window.__charts[k]);
}"""

CHARTS_SHOWN = """() => { const imgs = Array.from(document.querySelectorAll('img.umkm-chart'));
  return imgs.length === 3 && imgs.every(i => i.complete && i.naturalWidth > 100); }"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """``umkm-sim app`` on a free loopback port over a scenario folder of its own; stopped by its pid."""
    root = tmp_path_factory.mktemp("app")
    folder = scenario_folder(root)
    port = _free_port()
    line = [sys.executable, "-m", "simulation", "app", "--port", str(port), "--scenarios", str(folder)]
    server = subprocess.Popen([*line, "--out", str(root / "out")], cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start (exit code {server.poll()})") from None
            time.sleep(0.5)
    children = psutil.Process(server.pid).children(recursive=True)
    try:
        yield {"url": f"http://127.0.0.1:{port}/", "folder": folder, "root": root}
    finally:
        server.send_signal(signal.SIGINT)  # what Ctrl-C sends: the command stops Voila and its kernels
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for child in children:
            if child.is_running() and child.status() != psutil.STATUS_ZOMBIE:
                child.kill()


@pytest.fixture(scope="module")
def browser(app):
    """Debian's chromium through Playwright, one for the module; each test opens its own page."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app):
    """A fresh app page (its own Voila kernel, so no test sees another's levers) on the quiet scenario.

    Leaving the page shuts its kernel down (Voila's ``beforeunload`` handler).
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1500}, accept_downloads=True)
    page.set_default_timeout(TIMEOUT)
    page.goto(app["url"], timeout=TIMEOUT)
    page.wait_for_function(CHARTS_SHOWN)  # the baseline's charts
    page.evaluate(SNAPSHOT)
    page.locator(".umkm-scenario select").select_option("quiet")
    # every chart replaced (a test's own change is then the only one still to come) and the figures shown
    page.wait_for_function(REDRAWN)
    page.wait_for_function(CHARTS_SHOWN)  # the new page's images hold their pictures, not the empty start
    quiet = formats.rupiah(2 * YEAR, "id")  # Rp29,43 miliar: two years, every UMKM subsidised
    page.wait_for_function(f"() => document.querySelector('.umkm-headline-cost').innerText === {json.dumps(quiet)}")
    yield page
    page.goto("about:blank")
    page.close()


TOTAL_ACCRUAL = ".umkm-cash-plan tr:last-child td:nth-child(2)"
"""The cash plan's total accrual cost of the first fiscal year."""


def rupiah(value: float) -> str:
    """Rupiah as the Indonesian page shows them."""
    return formats.rupiah(value, "id")


def _type(page, css: str, value: str, until: str = REDRAWN) -> None:
    """Type ``value`` into the number box ``css`` and press Enter; wait until ``until`` (JavaScript) holds.

    By default until all three charts are redrawn; a change that leaves a chart's numbers as they were
    leaves its picture too, so such a test waits for a figure instead.
    """
    page.evaluate(SNAPSHOT)
    box = page.locator(f"{css} input")
    box.fill(value)
    box.press("Enter")
    page.wait_for_function(until)


def _shows(css: str, text: str) -> str:
    """JavaScript: the element ``css`` shows exactly ``text``."""
    return f"() => document.querySelector({json.dumps(css)}).innerText === {json.dumps(text)}"


def _shots() -> Path | None:
    folder = os.environ.get("UMKM_APP_SCREENSHOTS")
    return Path(folder) if folder else None


def test_the_charts_render_as_images(page):
    page.wait_for_function(CHARTS_SHOWN)
    sources = page.eval_on_selector_all("img.umkm-chart", "imgs => imgs.map(i => i.src)")
    assert len(set(sources)) == 3  # three different pictures


def test_typing_a_graduation_rate_changes_the_headline_cost(page):
    cost = page.locator(".umkm-headline-cost")
    assert cost.inner_text() == formats.rupiah(2 * YEAR, "id")  # the quiet base: graduation rate 0
    started = time.perf_counter()
    _type(page, ".umkm-lever-graduation-rate", "0.2")
    typed = time.perf_counter() - started
    # 20% graduate in December 2026, so 2027 costs 80% of a year
    assert cost.inner_text() == formats.rupiah(1.8 * YEAR, "id")
    handle = page.locator(".umkm-slider-graduation-rate .noUi-handle")
    slid = []
    for _ in range(STEPS):
        page.evaluate(SNAPSHOT)
        handle.focus()
        started = time.perf_counter()
        handle.press("ArrowLeft")  # one step, 0.01, down
        page.wait_for_function(REDRAWN)
        slid.append(time.perf_counter() - started)
    rate = round(0.2 - STEPS * 0.01, 2)
    assert float(page.locator(".umkm-lever-graduation-rate input").input_value()) == rate
    assert cost.inner_text() == formats.rupiah((2 - rate) * YEAR, "id")
    print(
        f"\nbrowser, change to all three charts redrawn: typed value {typed:.2f} s; slider step "
        f"median {statistics.median(slid):.2f} s, max {max(slid):.2f} s over {STEPS} steps"
    )


def test_a_value_outside_the_range_is_refused_with_the_range(page):
    box = page.locator(".umkm-lever-graduation-rate input")
    box.fill("0.9")
    box.press("Enter")
    page.wait_for_selector(".umkm-refused")
    assert "di luar rentang 0 - 0.25" in page.locator(".umkm-message").inner_text()
    # the value in force (the quiet base's 0) comes back into the box, and the cost is the base's
    page.wait_for_function("() => Number(document.querySelector('.umkm-lever-graduation-rate input').value) === 0")
    assert page.locator(".umkm-headline-cost").inner_text() == formats.rupiah(2 * YEAR, "id")


def test_saving_writes_a_scenario_that_validate_accepts(page, app):
    _type(page, ".umkm-lever-graduation-rate", "0.15")
    page.locator(".umkm-save-name input").fill("dari_peramban")
    page.locator(".umkm-save-description textarea").fill("Naik kelas 15% per evaluasi, dari peramban.")
    page.locator(".umkm-save-description-en textarea").fill("15% graduate at each evaluation, from the browser.")
    page.locator(".umkm-save-description-en textarea").blur()
    page.locator("button.umkm-save").click()
    page.wait_for_selector(".umkm-saved")
    path = app["folder"] / "dari_peramban.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "simulation", "validate", str(path)], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["extends"] == "quiet.yaml" and doc["policy"]["graduation"]["rate"]["value"] == 0.15
    assert doc["description"] == {
        "id": "Naik kelas 15% per evaluasi, dari peramban.",
        "en": "15% graduate at each evaluation, from the browser.",
    }


def test_the_xlsx_download_opens_with_openpyxl(page, app):
    page.locator("button.umkm-download-xlsx").click()
    link = page.wait_for_selector("a.umkm-link-xlsx")
    with page.expect_download(timeout=TIMEOUT) as download:
        link.click()
    path = app["root"] / "downloaded.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert "Ringkasan tahunan" in book.sheetnames


def test_the_pdf_download_is_a_pdf_with_pages(page, app):
    page.locator("button.umkm-download-pdf").click()
    link = page.wait_for_selector("a.umkm-link-pdf")
    assert link.get_attribute("download") == "scenario_report.pdf"
    with page.expect_download(timeout=TIMEOUT) as download:
        link.click()
    path = app["root"] / "downloaded.pdf"
    download.value.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    assert pdf_pages(path) >= 1


def test_the_funding_levers_move_the_first_years_cost_and_cash(page):
    month = MEMBERS * MONTHLY  # Rp1,226,400,000: a month of 73,000 members at Rp16,800
    nothing = rupiah(0)
    first = page.locator(".umkm-headline-cost-first")
    assert first.inner_text() == rupiah(12 * month)
    # months funded change the members' states in no month (they keep their place), so their chart may
    # stay as it was: each step waits for the cash plan, which the app writes after the figures and charts
    _type(page, ".umkm-lever-months-funded", "8", until=_shows(TOTAL_ACCRUAL, rupiah(8 * month)))
    assert first.inner_text() == rupiah(8 * month)  # exactly 8/12 of the full year
    page.locator(".umkm-lever-payment-schedule-every select").select_option(label="tahunan")
    page.wait_for_function(_shows(".umkm-cash-plan tr:nth-child(2) td:nth-child(3)", rupiah(8 * month)))
    rows = page.eval_on_selector_all(
        ".umkm-cash-plan tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))"
    )
    body = rows[1:13]  # January to December of 2026, then the total row
    assert [r[0] for r in body] == [f"2026-{m:02d}" for m in range(1, 13)]
    # yearly in advance: the year's whole cash (8 funded months) in January, nothing after
    assert [r[2] for r in body] == [rupiah(8 * month)] + [nothing] * 11
    assert [r[1] for r in body] == [rupiah(month)] * 8 + [nothing] * 4  # the accrual stays monthly
    assert rows[13][1] == rows[13][2] == rupiah(8 * month)  # cash equals accrual over the year
    assert first.inner_text() == rupiah(8 * month)  # the schedule moves the cash, not the cost
    page.locator(".umkm-lever-start select").select_option("2026-07")
    page.wait_for_function(_shows(TOTAL_ACCRUAL, rupiah(2 * month)))
    # a July start with January-August funded: July and August, paid together in July
    assert first.inner_text() == rupiah(2 * month)
    rows = page.eval_on_selector_all(
        ".umkm-cash-plan tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))"
    )
    assert [r[0] for r in rows[1:-1]] == [f"2026-{m:02d}" for m in range(7, 13)]
    # month, accrual, cash, of it the regency's
    assert rows[1] == ["2026-07", rupiah(month), rupiah(2 * month), rupiah(2 * month)]
    assert [r[2] for r in rows[2:-1]] == [nothing] * 5


def test_uncertainty_runs_in_the_background_and_draws_bands(page, app):
    page.evaluate(SNAPSHOT)
    page.locator("button.umkm-uncertainty").click()
    page.wait_for_function("() => document.querySelector('.umkm-uncertainty-status').innerText.includes('P5-P95')")
    page.wait_for_function(REDRAWN)
    page.wait_for_function(CHARTS_SHOWN)
    assert "100" in page.locator(".umkm-uncertainty-status").inner_text()
    assert page.eval_on_selector(".umkm-progress .progress-bar", "bar => bar.style.width") == "100%"
    page.locator("img.umkm-chart-coverage").screenshot(path=str(app["root"] / "bands.png"))
    assert (app["root"] / "bands.png").stat().st_size > 5_000


def test_english_and_screenshots(page, app):
    shots = _shots() or app["root"]
    shots.mkdir(parents=True, exist_ok=True)
    _type(page, ".umkm-lever-graduation-rate", "0.15")
    assert page.locator(".umkm-headline-cost").inner_text() == formats.rupiah(1.85 * YEAR, "id")
    # Voila scrolls inside the page, so a full-page picture is only as tall as the window: make it the app's height
    tall = page.eval_on_selector(".umkm-app", "app => Math.ceil(app.getBoundingClientRect().bottom) + 40")
    page.set_viewport_size({"width": 1400, "height": max(1500, tall)})
    page.wait_for_function(CHARTS_SHOWN)
    page.screenshot(path=str(shots / "app_id.png"), full_page=True)
    page.locator(".umkm-language button", has_text="English").click()
    page.wait_for_function("() => document.querySelector('.umkm-headline-cost').innerText.startsWith('IDR')")
    # 15% graduate in December 2026, so 2027 costs 85% of a year
    assert page.locator(".umkm-headline-cost").inner_text() == formats.rupiah(1.85 * YEAR, "en")
    assert "Total public cost 2026-2027" in page.inner_text(".umkm-app")
    page.wait_for_function(CHARTS_SHOWN)
    # the cash plan and the time taken are written last: the picture waits for them in English
    page.wait_for_function(_shows(TOTAL_ACCRUAL, formats.rupiah(YEAR, "en")))
    page.wait_for_function("() => document.querySelector('.umkm-timing').innerText.startsWith('computed in')")
    page.screenshot(path=str(shots / "app_en.png"), full_page=True)
    assert (shots / "app_id.png").stat().st_size > 10_000 and (shots / "app_en.png").stat().st_size > 10_000
