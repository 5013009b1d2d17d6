"""End to end: ``longjiang ui`` on a free port, driven by headless Chromium (Debian's
``chromium``, through Playwright with ``executable_path``; no Playwright browser download).

Set ``LONGJIANG_UI_SCREENSHOTS=docs/img`` to also write the screenshots of docs/ui.md.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
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
pytestmark = [
    pytest.mark.slow,  # about a minute: server start, kernels, a browser
    pytest.mark.timeout(300),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; "
        ".ci/run installs it)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _longjiang() -> list[str]:
    script = Path(sys.executable).with_name("longjiang")
    return [str(script)] if script.exists() else [sys.executable, "-m", "longjiang_abm"]


@pytest.fixture
def server(tmp_path):
    """``longjiang ui --port P``, as a user starts it on a fresh clone (no other step: the
    page's JavaScript comes from solara-assets); yields (url, log path); stopped afterwards."""
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*_longjiang(), "ui", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, f"longjiang ui exited:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.time() < deadline, f"no answer from {url}:\n{log.read_text()}"
            time.sleep(0.5)
        assert f"open {url}" in log.read_text()  # the address it prints
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _quarter(page) -> int:
    text = page.inner_text(".lj-quarter")
    m = re.search(r"quarter (\d+)", text)
    assert m, text
    return int(m.group(1))


INKED = """(el) => {
    const c = el.querySelector('canvas.marks');
    if (!c || !c.width) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) n++;
    }
    return n;
}"""


def _inked(page, selector: str) -> int:
    """Pixels of the chart's canvas that are not blank."""
    return page.locator(selector).evaluate(INKED)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_browser_step_play_and_screenshot(server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, log = server
    shots = Path(os.environ.get("LONGJIANG_UI_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="lj-chromium-")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=ARGS,
                viewport={"width": 1440, "height": 900},  # a common laptop screen
                accept_downloads=True,
            )
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "console",
                lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None,
            )
            page.goto(url)
            try:
                page.wait_for_selector(".lj-quarter", timeout=240_000)  # after "preparing"
            except Exception as exc:
                raise AssertionError(
                    "the page did not render; if the server log shows 'Could not load URL', "
                    "a browser asset is missing from solara-assets (docs/ui.md)\n"
                    + log.read_text()[-3000:]
                ) from exc
            assert _quarter(page) == 0
            assert "2018Q4" in page.inner_text(".lj-quarter")
            kpis0 = page.inner_text(".lj-kpis")
            assert "Secondary industry" in kpis0 and "Above-scale firms" in kpis0
            # the map is drawn (Vega-Lite draws on a canvas): count its coloured pixels
            page.wait_for_selector(".lj-map canvas.marks", timeout=60_000)
            _wait(lambda: _inked(page, ".lj-map") > 50_000, 30, "the map to be drawn")

            page.click(".lj-step")
            _wait(lambda: _quarter(page) == 1, 60, "quarter 1 after Step")
            assert "2019Q1" in page.inner_text(".lj-quarter")
            _wait(lambda: page.inner_text(".lj-kpis") != kpis0, 30, "the KPI panel to change")
            kpis1 = page.inner_text(".lj-kpis")

            page.click(".lj-play")
            _wait(lambda: _quarter(page) >= 4, 90, "play to advance to quarter 4")
            page.click(".lj-play")  # pause
            time.sleep(1.5)
            stopped = _quarter(page)
            time.sleep(1.5)
            assert _quarter(page) == stopped, "pause did not stop the run"
            assert page.inner_text(".lj-kpis") != kpis1
            page.wait_for_timeout(1500)  # let Vega finish drawing
            page.screenshot(path=str(shots / "ui-map.png"), full_page=True)
            assert (shots / "ui-map.png").stat().st_size > 50_000
            _fits(page, "Map")

            # move a lever, step, compare and download the comparison as CSV
            _lever(page, "ownership_neutrality", 0.98)
            _wait(lambda: "→" in page.inner_text(".lj-lever-ownership_neutrality"), 30, "lever")
            q = _quarter(page)
            page.click(".lj-step")
            _wait(lambda: _quarter(page) == q + 1, 60, "the step after the lever")
            page.click(".v-tab:has-text('Compare')")
            page.wait_for_selector(".lj-download-comparison", timeout=30_000)
            with page.expect_download(timeout=30_000) as dl:
                page.click(".lj-download-comparison")
            csv = Path(dl.value.path()).read_text()
            assert dl.value.suggested_filename.startswith("comparison-baseline-0-")
            header, *rows = csv.strip().splitlines()
            assert header == "KPI,this run,reference,difference,relative"
            share = next(r for r in rows if r.startswith("secondary share of GDP"))
            assert share.split(",")[3].endswith(" pp")
            assert any(r.startswith("private share of revenue") for r in rows)
            for tab in ("Targets", "Structure", "Compare", "History"):
                page.click(f".v-tab:has-text('{tab}')")
                page.wait_for_timeout(1500)
                _fits(page, tab)
            page.click(".v-tab:has-text('Map')")
            if "LONGJIANG_UI_SCREENSHOTS" in os.environ:
                _docs_screenshots(page, shots)
            assert not errors, errors
            assert "Could not load URL" not in log.read_text()  # every asset served locally
            browser.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


CHARTS_CUT = """() => {
    const out = [];
    for (const c of document.querySelectorAll('.lj-chart canvas')) {
        if (!c.offsetParent) continue;  // a hidden tab
        const col = c.closest('.col') || document.body;
        const r = c.getBoundingClientRect(), p = col.getBoundingClientRect();
        // 6 px: Vega's blank padding (5 px) may overhang; a cut legend is far more
        if (r.right > p.right + 6) out.push(Math.round(r.right - p.right));
    }
    return out;
}"""


def _fits(page, tab: str) -> None:
    """Nothing of the page is cut off at the right edge of the window (1440 px)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{tab} tab is {width} px wide"
    cut = page.evaluate(CHARTS_CUT)  # no chart (legend included) wider than its column
    assert not cut, f"{tab} tab: charts cut off by their column: {cut}"


def _lever(page, name: str, fraction: float) -> None:
    box = page.locator(f".lj-lever-{name} .v-slider").bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def _tab(page, name: str, path: Path) -> None:
    page.click(f".v-tab:has-text('{name}')")
    page.wait_for_timeout(3000)
    page.screenshot(path=str(path), full_page=True)


def _docs_screenshots(page, shots: Path) -> None:
    """The other panels, after moving two levers mid-run (for docs/ui.md): 1440 px wide,
    tall enough to show each tab whole."""
    page.set_viewport_size({"width": 1440, "height": 1500})
    _lever(page, "ownership_neutrality", 0.98)
    _lever(page, "park_coconstruction", 0.98)
    page.wait_for_timeout(800)
    page.click(".lj-play")
    _wait(lambda: _quarter(page) >= 16, 120, "play to quarter 16")
    page.click(".lj-play")
    page.wait_for_timeout(2500)
    page.screenshot(path=str(shots / "ui-map-later.png"), full_page=True)
    page.click(".lj-fill button:has-text('Δ value added')")
    page.wait_for_timeout(2500)
    page.screenshot(path=str(shots / "ui-map-growth.png"), full_page=True)
    _tab(page, "Targets", shots / "ui-targets.png")
    _tab(page, "Structure", shots / "ui-structure.png")
    page.click(".v-tab:has-text('Compare')")
    page.click(".lj-seeds")  # the comparison over seeds, for its screenshot
    page.wait_for_selector(".lj-seed-band canvas.marks", timeout=240_000)
    page.wait_for_timeout(2000)  # every small chart drawn
    _tab(page, "Compare", shots / "ui-compare.png")
    _tab(page, "History", shots / "ui-history.png")
