"""Live forecasting as the Forecasting page and ``rnnkit forecast`` run it: train on one series, compare on its tail.

``train(series, cfg)`` checks the settings against the page's ranges, trains the task's model on the
training part through the one training loop (bounded in steps and seconds), and holds it against
the baselines on the held-out tail. The ``Result`` is plain arrays and tables, and a verdict in
one plain sentence.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from rnnkit.core.inputs import InputError
from rnnkit.core.training import fit
from rnnkit.forecasting import task
from rnnkit.forecasting.baselines import LSTM_NAME, baseline_forecasts, metric_table
from rnnkit.forecasting.data import MAX_POINTS, Series, Split, split, training_windows
from rnnkit.forecasting.model import lstm_forecasts

WINDOW_RANGE = (4, 52)
HORIZON_RANGE = (1, 13)
HIDDEN_SIZES = (8, 16, 32, 64)
EPOCHS_RANGE = (10, 400)
MAX_STEPS = 3000                       # live training never takes more optimiser steps than this


def check_config(cfg: task.Config) -> None:
    """``InputError`` unless the settings are within the page's ranges."""
    for name, value, (low, high) in (("window", cfg.window, WINDOW_RANGE),
                                     ("horizon", cfg.model.horizon, HORIZON_RANGE),
                                     ("epochs", cfg.epochs, EPOCHS_RANGE)):
        if not low <= value <= high:
            raise InputError(f"The {name} must be between {low} and {high}.")
    if cfg.model.hidden_size not in HIDDEN_SIZES:
        raise InputError(f"The hidden size must be one of {', '.join(map(str, HIDDEN_SIZES))}.")


@dataclass
class Result:
    """Everything the page shows after training: plain arrays and tables, no model."""

    data: Split
    forecasts: dict[str, np.ndarray]    # method -> (M, k), LSTM first
    table: pd.DataFrame
    steps: list[int]
    losses: list[float]
    seconds: float
    total_steps: int
    stopped_early: bool
    next_values: np.ndarray             # (k,) the LSTM's forecast of the k values after the series ends

    @property
    def verdict(self) -> str:
        return verdict(self.table)

    @property
    def summary(self) -> str:
        note = " (stopped at the time limit)" if self.stopped_early else ""
        return (f"Trained {len(self.steps):,} steps in {self.seconds:.1f} s{note}; "
                f"final training loss {self.losses[-1]:.4f}.")


def total_steps(n_windows: int, cfg: task.Config) -> int:
    return min(cfg.epochs * math.ceil(n_windows / cfg.batch_size), MAX_STEPS)


def train(series: Series, cfg: task.Config, on_step: Callable[[int, int, float], None] | None = None) -> Result:
    """Train a forecaster on the series' training part with ``fit`` and compare it on the tail.

    Training stops after ``MAX_STEPS`` steps or ``cfg.time_limit`` seconds, whichever first,
    and keeps the weights it has. ``on_step(step, total, loss)`` feeds a progress bar.
    """
    check_config(cfg)
    data = split(series.values, cfg.window, cfg.model.horizon, cfg.test_fraction)
    dataset = training_windows(data.scaler.transform(data.values[:data.n_train]), cfg.window, cfg.model.horizon)
    cfg = dataclasses.replace(cfg, max_steps=total_steps(len(dataset), cfg))
    torch.manual_seed(cfg.seed)
    model = task.build_model(cfg.model, {})
    history = fit(model, lambda m, batch: task.loss(m, batch, cfg), dataset, cfg, on_step=on_step, progress=False)
    forecasts = {LSTM_NAME: lstm_forecasts(model, data.inputs, data.scaler), **baseline_forecasts(data)}
    next_values = lstm_forecasts(model, data.values[None, -cfg.window:], data.scaler)[0]       # (k,)
    return Result(data, forecasts, metric_table(forecasts, data.truth), history.steps, history.losses,
                  history.seconds, cfg.max_steps, stopped_early=len(history.steps) < cfg.max_steps,
                  next_values=next_values)


def split_sentence(data: Split) -> str:
    """What is trained on and what is held out, in one sentence."""
    n, horizon = len(data.values), data.truth.shape[1]
    return (f"{n:,} points: the first {data.n_train:,} train the LSTM (and fit the scaler); the last "
            f"{n - data.n_train:,} are held out, giving {len(data.origins):,} test forecasts of {horizon} steps each.")


def how_it_works(cfg: task.Config) -> str:
    """The method in five Markdown bullets, with these settings' numbers."""
    window, horizon = cfg.window, cfg.model.horizon
    return (
        f"- **Many-to-many.** At every step *t* of a window of {window} values the LSTM reads the change "
        f"$\\Delta z_t = z_t - z_{{t-1}}$ and predicts the next {horizon} values as changes from $z_t$; all {window} "
        "outputs are trained, and the forecast is the output at the last step.\n"
        f"- **Honest split.** The last {cfg.test_fraction:.0%} of the series is never seen in training; the scaler "
        "(z = (x − mean) / std) is fitted on the training part only.\n"
        "- **Baselines.** *Last value* repeats the last observation; *moving average* repeats the window's mean; "
        "*linear trend* extends a least-squares line through the window.\n"
        "- **Why the last value is hard to beat.** Weekly stock prices behave almost like a random walk: "
        "the best guess for next week is close to this week. A model that beats it on one short tail may "
        "just be lucky — change the seed and look again.\n"
        f"- Live training is limited to {MAX_STEPS:,} steps and {cfg.time_limit:.0f} s; series longer than "
        f"{MAX_POINTS:,} points are thinned.")


def verdict(table: pd.DataFrame) -> str:
    """One plain sentence: did the LSTM beat the last value?"""
    if LSTM_NAME not in table.index:
        return "Train the LSTM to compare it with the baselines."
    ratio = table.loc[LSTM_NAME, "MAE / last value"]
    best = table["MAE"].idxmin()
    if ratio >= 1.0:
        return (f"The LSTM did not beat the last value: its error is {ratio:.2f}× that of simply repeating the "
                f"last price (best here: {best}). That is the usual result for stock prices — past prices say "
                "little about the next ones, so the last value is very hard to beat.")
    if ratio > 0.95:
        return (f"The LSTM is about as good as the last value ({ratio:.2f}× its error): a difference this small "
                "on a short held-out tail is within noise, so do not read it as skill.")
    return (f"The LSTM beat the last value on this tail ({ratio:.2f}× its error; best here: {best}). On a short "
            "held-out tail this can be luck, or a trend in the training weeks that happened to go on: try other "
            "seeds and series before believing it.")
