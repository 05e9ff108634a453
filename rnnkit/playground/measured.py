"""What we measured: the adding problem's held-out accuracy per cell and length, over seeds.

``python -m benchmarks.bench_memory`` trains every variant with the page's exact settings
(``stepper.train_memory``) and writes ``data/playground/memory_gap.json``; the page draws that
table beside the visitor's own run and the README's row is printed from it (``readme_row``), so no
figure on either is typed by hand.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from rnnkit import DATA

MEASURED = DATA / "playground" / "memory_gap.json"
# variant -> (label, the train_memory settings that make it)
VARIANTS = {
    "rnn": ("vanilla RNN", {"cell": "rnn"}),
    "lstm": ("LSTM, b_f = 4, b_i = −3", {"cell": "lstm"}),
    "lstm_torch_init": ("LSTM, torch's default biases", {"cell": "lstm", "gate_biases": False}),
}


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(runs: list[dict]) -> list[dict]:
    """One row per (variant, length): median / min / max of accuracy and seconds over its seeds."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["variant"], run["seq_len"]), []).append(run)
    return [{"variant": variant, "seq_len": seq_len, "seeds": [r["seed"] for r in group],
             "accuracy": spread([r["test_accuracy"] for r in group]),
             "chance": spread([r["chance"] for r in group]),
             "seconds": spread([r["seconds"] for r in group]),
             "cut_by_time_limit": sum(r["steps"] < r["planned_steps"] for r in group)}
            for (variant, seq_len), group in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1]))]


def load(path: Path = MEASURED) -> dict | None:
    """The benchmark's JSON (``settings``, ``runs``, ``table``...), or None if it was never run."""
    return json.loads(path.read_text()) if path.exists() else None


def lookup(measured: dict, variant: str, seq_len: int) -> dict | None:
    return next((row for row in measured["table"] if row["variant"] == variant and row["seq_len"] == seq_len), None)


def percent(value: float) -> str:
    return f"{100 * value:.0f} %"


def init_sentence(measured: dict | None, seq_len: int) -> str:
    """The measured effect of the LSTM's initial gate biases at ``seq_len`` (the nearest measured length)."""
    if not measured:
        return "Not measured yet: run `python -m benchmarks.bench_memory --threads=1`."
    length = min({row["seq_len"] for row in measured["table"]}, key=lambda L: (abs(L - seq_len), -L))
    ours, torch_default = lookup(measured, "lstm", length), lookup(measured, "lstm_torch_init", length)
    if not ours or not torch_default:
        return ""
    seeds = len(ours["seeds"])
    return (f"Measured at length {length} over {seeds} seeds: b_f = 4, b_i = −3 solves a median "
            f"{percent(ours['accuracy']['median'])} (worst {percent(ours['accuracy']['min'])}); torch's default "
            f"biases a median {percent(torch_default['accuracy']['median'])} (worst "
            f"{percent(torch_default['accuracy']['min'])}).")


def readme_row(measured: dict) -> str:
    """The README's Markdown row: the page's default length against the targets, and the shortest length."""
    default, lengths = measured["settings"]["seq_len"], sorted({row["seq_len"] for row in measured["table"]})
    lstm, rnn = lookup(measured, "lstm", default), lookup(measured, "rnn", default)
    torch_init, short = lookup(measured, "lstm_torch_init", default), lookup(measured, "rnn", lengths[0])
    chance = lstm["chance"]["median"]
    seconds = lstm["seconds"]["max"]                    # the RNN's runs end at the time limit whatever they learn
    cut = sum(row["cut_by_time_limit"] for row in measured["table"] if row["seq_len"] == default)
    met = (lstm["accuracy"]["median"] >= 0.95 and lstm["accuracy"]["min"] >= 0.90
           and rnn["accuracy"]["max"] <= chance + 0.15
           and short["accuracy"]["min"] >= 0.90 and seconds <= 30 and not lstm["cut_by_time_limit"])
    figure = (f"Memory over long gaps (adding problem), page settings, seeds "
              f"{min(lstm['seeds'])}–{max(lstm['seeds'])}, {measured['threads']} thread "
              f"(`python -m benchmarks.bench_memory`)")
    text = (f"length {default}: LSTM median {percent(lstm['accuracy']['median'])}, worst "
            f"{percent(lstm['accuracy']['min'])}; RNN best {percent(rnn['accuracy']['max'])} (chance "
            f"{percent(chance)})")
    if torch_init:
        text += f"; LSTM with torch's default biases median {percent(torch_init['accuracy']['median'])}"
    text += (f"; slowest LSTM run {seconds:.0f} s ({cut} of the length's runs cut by the "
             f"{measured['settings']['time_limit']:g} s limit). Length {lengths[0]}: RNN worst "
             f"{percent(short['accuracy']['min'])}")
    target = ("LSTM median ≥ 95 %, worst ≥ 90 %; RNN best ≤ chance + 15 points; shortest length RNN ≥ 90 %; "
              f"LSTM ≤ 30 s, uncut: {'met' if met else 'NOT met'}")
    return f"| {figure} | {text} | {target} |"
