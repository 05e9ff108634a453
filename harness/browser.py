"""Real-browser helpers: a `streamlit run app.py` server and Debian's headless Chromium (Playwright).

Used by the end-to-end tests and by ``scripts/screenshots.py``; never downloads a browser.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("RNNKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
SCREENSHOTS = ROOT / "build" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None, failure: str = "") -> None:
    """Until ``url``'s Streamlit health endpoint answers 200; RuntimeError (``failure``) if ``process`` exits or
    time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if (process and process.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(failure or f"{url} did not become healthy")
        time.sleep(0.2)


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0, env: dict | None = None):
    """Start ``streamlit run app.py`` on a free port (with ``env``, else this environment); yield its base
    URL; stop it."""
    port = free_port()
    (ROOT / "build").mkdir(exist_ok=True)
    log = open(ROOT / "build" / f"streamlit-{port}.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.headless", "true", "--server.address", "127.0.0.1"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout, process, f"streamlit did not start; see {log.name}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def wait_for_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' status widget)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMain\"] *').length > 20", timeout=timeout_ms)
    # A chart drawn, or none left (a rerun may remove the charts the last run showed):
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stPlotlyChart\"]')"
                           " || document.querySelector('.js-plotly-plot')", timeout=timeout_ms)
    page.wait_for_timeout(3000)   # let images and charts paint before a screenshot


def error_texts(page) -> list[str]:
    """Texts of exception boxes and of anything that looks like a traceback on the page."""
    boxes = page.query_selector_all("[data-testid='stException']")
    found = [b.inner_text()[:300] for b in boxes]
    body = page.inner_text("[data-testid='stMain']")
    if "Traceback (most recent call last)" in body:
        found.append("traceback text on the page")
    return found
