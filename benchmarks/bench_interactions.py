"""Per-interaction time in a real Chromium: from a keypress on one control to the page showing its result.

    python -m benchmarks.bench_interactions [--repeats 10]

One visitor, a quiet server: what one small change costs when only its part of the page reruns
(``st.fragment``) compared with the whole page (the figures before fragments are in the README). The
interactions:

- translation: the "Decoding step t" slider, one step to the right (the step opened up, its charts);
- playground: the "Time step t" slider, one step (every equation with this step's numbers);
- sentiment: the "Compare with another sentence" box (the second trajectory on the chart).
"""

from __future__ import annotations

import argparse
import statistics
import time

from harness.browser import browser_page, streamlit_server, wait_for_idle

MAIN = "[data-testid='stMain']"
SLIDERS = {
    "translation": ("/translation?text=The+small+dog+will+not+eat+the+red+apple.", "Decoding step t", "Step t = {}"),
    "playground": ("/playground?seq=1,2,3,4,5,6,7,8", "Time step t", "Input x_{} ="),
}


def wait_text(page, text: str, timeout_ms: int = 60_000) -> None:
    page.wait_for_function("(t) => document.querySelector(\"[data-testid='stMain']\").innerText.includes(t)",
                           arg=text, timeout=timeout_ms, polling=20)


def settled(page) -> None:
    """The script run has finished (Streamlit's "Running..." widget is gone); polled every 20 ms."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=60_000, polling=20)


def slider_steps(page, base: str, path: str, label: str, shown: str, repeats: int) -> list[float]:
    page.goto(base + path)
    wait_for_idle(page, timeout_ms=120_000)
    thumb = page.locator(f"input[type='range'][aria-label='{label}']")
    times, value = [], int(thumb.input_value())
    for i in range(repeats):
        thumb.focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")      # one step right, one back, ...
        value += 1 if i % 2 == 0 else -1
        wait_text(page, shown.format(value))
        settled(page)
        times.append(time.perf_counter() - start)
    return times


def compare_box(page, base: str, repeats: int) -> list[float]:
    page.goto(base + "/sentiment")
    wait_for_idle(page, timeout_ms=120_000)
    box = page.get_by_label("Compare with another sentence (optional)", exact=True)
    times = []
    for i in range(repeats):
        box.fill(f"not bad at all, number {i}")
        start = time.perf_counter()
        box.press("Enter")
        page.wait_for_function("(i) => /number(\\+|%20)/.test(location.search) && location.search.endsWith(i)",
                               arg=str(i), timeout=60_000, polling=20)      # the rerun wrote the link
        settled(page)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    results = {}
    with streamlit_server() as base, browser_page() as page:
        for name, (path, label, shown) in SLIDERS.items():
            results[name] = slider_steps(page, base, path, label, shown, args.repeats)
        results["sentiment"] = compare_box(page, base, args.repeats)
    print("| interaction | keypress -> result shown, p50 / max (ms) |")
    print("|---|---|")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times) * 1000:.0f} / {max(times) * 1000:.0f} |")


if __name__ == "__main__":
    main()
