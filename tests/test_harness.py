"""The measuring tools themselves: run_all's table flattening, load.py's statistics and /proc readers, and its
websocket visitor (Streamlit's own protocol) against a real server."""

import asyncio
import os
import random

from streamlit.proto.Element_pb2 import Element

from harness.browser import streamlit_server
from harness.measure import anon_mb, cpu_seconds, flatten, percentile, rss_mb
from harness.visitors import AppSession, PageStats, element_text, visit, widget_state

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
    assert 0 < anon_mb(os.getpid()) < rss_mb(os.getpid())         # the heaps are part of it, the libraries the rest
    assert rss_mb([os.getpid(), os.getpid()]) > rss_mb(os.getpid())
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(300_000))
    assert cpu_seconds(os.getpid()) >= before > 0


def test_widget_state_is_what_the_frontend_sends():
    seed = Element()
    seed.number_input.id, seed.number_input.default, seed.number_input.data_type = "s", 42, 0      # INT
    assert widget_state(seed).int_value == 42
    assert widget_state(seed, 7).WhichOneof("value") == "int_value"
    choice = Element()
    choice.radio.id, choice.radio.default = "r", 1
    choice.radio.options.extend(["Sample photo", "Upload a photo"])
    assert widget_state(choice).string_value == "Upload a photo"
    choice.radio.set_value, choice.radio.raw_value = True, "Sample photo"       # the script set it
    assert widget_state(choice).string_value == "Sample photo"
    button = Element()
    button.button.id = "b"
    assert widget_state(button) is None and widget_state(button, True).trigger_value


def test_element_text_drops_markdown_marks():
    info = Element()
    info.alert.body = r"Press **Train the LSTM** to add it \(a few seconds\)."
    assert element_text(info) == "Press Train the LSTM to add it (a few seconds)."


def test_websocket_visitor_visits_a_page_on_a_real_server():
    """One visit of the sentiment page over Streamlit's protocol: the page opens, the review is sent, the verdict
    that names its words comes back, and nothing on the page is an exception."""
    async def one_visit(base):
        stats, app = PageStats(), AppSession(base)
        try:
            await visit(app, "sentiment", random.Random(0), 60, stats)
            return stats, app.main_text(), list(app.chosen.values())
        finally:
            await app.close()

    with streamlit_server() as base:
        stats, text, chosen = asyncio.run(one_visit(base))
    assert stats.visits == 1 and stats.errors == [], stats.errors
    assert len(stats.results) == 1 and "The LSTM says" in text
    typed = [state.string_value for state in chosen]
    assert len(typed) == 1 and typed[0].split()[-1].rstrip(".") in text      # the review's noun is in the answer
