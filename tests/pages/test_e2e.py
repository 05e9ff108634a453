"""End to end in a real headless Chromium, every page: type or upload, wait for the result, check it.

Uses the same visitor flows as the load test (``benchmarks.load``): each flow waits until its
result text is on screen (the page's own words plus the words the visitor typed), then the page
must show no exception box or traceback. A screenshot of each result lands in
``build/screenshots/e2e-<page>.png`` (a CI artifact, not committed).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil

import pytest

from harness.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, streamlit_server
from harness.visitors import BROWSER_FLOWS as FLOWS
from harness.visitors import Timeout, page_errors
from pages._lecture import available_pages

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
                                reason="Debian chromium is not installed (.ci/run installs it)")
BUILT = [p.url_path for p in available_pages() if p.url_path in FLOWS]


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


async def visit_and_screenshot(base: str, name: str) -> tuple[list[str], str]:
    from playwright.async_api import async_playwright
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            await FLOWS[name](page, base, random.Random(0), 180)
            await page.wait_for_timeout(1500)          # let images and data grids paint before the screenshot
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / f"e2e-{name}.png"), full_page=True)
            return await page_errors(page), await page.inner_text("[data-testid='stMain']")
        finally:
            await browser.close()


@pytest.mark.parametrize("name", BUILT)
def test_page_main_interaction_in_chromium(server, name):
    try:
        errors, text = asyncio.run(visit_and_screenshot(server, name))
    except Timeout as timeout:
        pytest.fail(f"{name}: the result never appeared ({timeout})")
    assert not errors, f"{name}: {errors}"
    if name == "forecasting":                       # alone on the server, a visitor always gets a training slot
        assert "Trained " in text, text[:500]
    assert (SCREENSHOTS / f"e2e-{name}.png").stat().st_size > 10_000


async def hammer_training(base: str) -> tuple[list[str], str, int]:
    """Double-click *Train the LSTM* twice in a row (each click interrupts the run before), then click until a
    training succeeds (at most 6 tries, 3 s apart). Returns the errors, the page text and the busy answers."""
    from playwright.async_api import async_playwright

    from harness.visitors import wait_idle
    done = ("() => { const m = document.querySelector(\"[data-testid='stMain']\");"
            " return m && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && (m.innerText.includes('Trained ') || m.innerText.includes('busy')); }")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            await page.goto(f"{base}/forecasting?epochs=10&hidden=8")
            await wait_idle(page, 120)
            button = page.get_by_role("button", name="Train the LSTM")
            for _ in range(2):
                await button.dblclick()
                await page.wait_for_timeout(300)
            busy = 0
            for _ in range(6):
                await page.wait_for_timeout(3000)
                await button.click()
                await page.wait_for_timeout(500)
                await page.wait_for_function(done, timeout=180_000, polling=100)
                text = await page.inner_text("[data-testid='stMain']")
                if "busy" not in text:
                    break
                busy += 1
            return await page_errors(page), text, busy
        finally:
            await browser.close()


@pytest.mark.skipif("forecasting" not in BUILT, reason="the forecasting page is not built yet")
def test_interrupted_trainings_give_their_slots_back(server):
    """Clicks that interrupt a running training must give its live-training slot back. The interrupted runs may
    still hold the slots for a few seconds (a click right after them can hear "busy"), but had a slot leaked,
    every later click would hear "busy" and no model would ever train again on this server."""
    errors, text, busy = asyncio.run(hammer_training(server))
    assert not errors, errors
    assert "Trained " in text and "busy" not in text, f"still busy after {busy} tries: {text[:400]}"
