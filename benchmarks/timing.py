"""What the benchmark scripts share: the one timing helper, and writing a script's figures into the README."""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from typing import Callable

from rnnkit.core.checkpoint import write_readme_figures


def median_ms(function: Callable[[], object], repeats: int) -> float:
    """Median wall-clock milliseconds of ``function()`` over ``repeats`` calls, after one warm-up."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def write_readme(figures: str, script: str, text: str) -> None:
    """Put ``text`` into the README between its ``<!-- {figures} figures: {script} -->`` markers, headed by the
    command line that measured it and today's date, and say whether the markers were there."""
    command = " ".join(["python -m", script.removesuffix(".py").replace("/", "."), *sys.argv[1:]])
    written = write_readme_figures(figures, script, f"`{command}`, {date.today()}:\n\n{text.strip()}")
    print(f"README: {'written' if written else 'no markers for'} <!-- {figures} figures -->")
