"""Foundation figures: cold start, playground rerun, hand-written LSTM vs fused nn.LSTM.

    python -m benchmarks.bench_foundation

Prints a Markdown table. Timings are wall-clock on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lstm_forward_ratio(batch: int = 32, steps: int = 50, hidden: int = 128, repeats: int = 5) -> tuple[float, float]:
    import torch

    from rnnkit.core.cells import lstm_layer_from_torch
    torch.manual_seed(0)
    fused = torch.nn.LSTM(hidden, hidden, batch_first=True)
    ours = lstm_layer_from_torch(fused)
    x = torch.randn(batch, steps, hidden)

    def best(fn):
        times = []
        with torch.no_grad():
            fn()
            for _ in range(repeats):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
        return min(times)

    return best(lambda: ours(x)), best(lambda: fused(x))


def cold_start() -> tuple[float, float]:
    """Seconds from process start to /_stcore/health answering, and to the home title in Chromium."""
    from harness.browser import browser_page, streamlit_server, wait_for_idle
    with browser_page() as page:
        start = time.perf_counter()
        with streamlit_server() as url:
            ready = time.perf_counter() - start
            page.goto(url + "/")
            page.wait_for_selector("h1", timeout=60_000)
            shown = time.perf_counter() - start
            wait_for_idle(page)
    return ready, shown


def playground_rerun(repeats: int = 10) -> float:
    """Median seconds of a warm playground rerun after a slider change (AppTest, no browser)."""
    from streamlit.testing.v1 import AppTest
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("pages/playground.py")
    app.run()
    times = []
    for k in range(repeats):
        slider = next(s for s in app.slider if s.label == "Time step t")
        start = time.perf_counter()
        slider.set_value(1 + (k % 6)).run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import torch
    hand, fused = lstm_forward_ratio()
    ready, shown = cold_start()
    rerun = playground_rerun()
    rows = [
        ("Cold start: process start to health endpoint", f"{ready:.2f} s", "≤ 3 s"),
        ("Cold start: process start to home title in Chromium", f"{shown:.2f} s", "≤ 3 s"),
        ("Playground rerun after a slider change (median, AppTest)", f"{rerun * 1000:.0f} ms", "≤ 300 ms"),
        ("Hand-written LSTMLayer forward (B=32, T=50, H=128)", f"{hand * 1000:.1f} ms", ""),
        ("Fused nn.LSTM forward (same)", f"{fused * 1000:.1f} ms", ""),
        ("Ratio hand-written / fused", f"{hand / fused:.1f}×", "use nn.LSTM where speed matters"),
    ]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    print("| figure | measured | target |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
