"""The measuring tools themselves: run_all's table flattening and load.py's statistics and /proc readers."""

import os

from benchmarks.load import cpu_seconds, percentile, rss_mb
from benchmarks.run_all import flatten

TWO_COLUMNS = """torch 2.13.0, 2 threads

| measure | value |
|---|---|
| model load | 151 ms |
| weights file | 3.75 MB |

peak memory (max RSS): 412 MB
      cat: named  a photo of a cat
"""

WIDE = """| model | load (s) | greedy (ms) |
|---|---|---|
| translation | 0.45 | 7.5 |
|   output | le petit chat . | |
"""

TARGETS = """| figure | measured | target |
|---|---|---|
| Cold start | 2.71 s | ≤ 3 s |
"""


def test_flatten_two_column_tables_and_labelled_lines():
    rows = flatten("sentiment", TWO_COLUMNS)
    assert ("sentiment", "model load", "151 ms", "") in rows
    assert ("sentiment", "weights file", "3.75 MB", "") in rows
    assert ("sentiment", "peak memory (max RSS)", "412 MB", "") in rows
    assert not any("cat" in row[1] for row in rows), "indented detail lines are not figures"
    assert not any(row[1] == "measure" for row in rows), "the header is not a figure"


def test_flatten_wide_tables_one_figure_per_cell_and_note_rows():
    rows = flatten("translation", WIDE)
    assert rows[:2] == [("translation", "translation — load (s)", "0.45", ""),
                        ("translation", "translation — greedy (ms)", "7.5", "")]
    assert ("translation", "output", "le petit chat .", "") in rows


def test_flatten_keeps_targets_as_notes():
    assert flatten("foundation", TARGETS) == [("foundation", "Cold start", "2.71 s", "≤ 3 s")]


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) in (50, 51)
    assert percentile(values, 95) == 95
    assert percentile([3.0], 95) == 3.0
    assert percentile([], 95) != percentile([], 95)          # NaN when nothing was measured


def test_proc_readers_on_this_process():
    assert 10 < rss_mb(os.getpid()) < 100_000
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(300_000))
    assert cpu_seconds(os.getpid()) >= before > 0
