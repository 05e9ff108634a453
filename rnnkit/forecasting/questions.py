"""The Forecasting page's questions (predict, then see), built from the forecasts on the visitor's series."""

from __future__ import annotations

import numpy as np

from rnnkit.core.questions import Question
from rnnkit.forecasting.baselines import LSTM_NAME, metric_table


def questions(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> list[Question]:
    """Which forecaster has the lowest error on the held-out tail? With the LSTM trained: does it beat
    'the next value equals the last one'?"""
    table = metric_table(forecasts, truth)
    best = str(table["MAE"].idxmin())
    asked = [Question("Which forecaster will have the lowest mean absolute error on the held-out tail?",
                      tuple(table.index), best,
                      f"“{best}” is off by {table.loc[best, 'MAE']:.4f} on average ("
                      + ", ".join(f"{name} {mae:.4f}" for name, mae in table["MAE"].items() if name != best)
                      + ").")]
    if LSTM_NAME in table.index:
        ratio = float(table.loc[LSTM_NAME, "MAE / last value"])
        asked.append(Question(
            "Will the LSTM beat “the next value equals the last one” on the held-out tail?", ("yes", "no"),
            "yes" if ratio < 1 else "no",
            f"Its error is {ratio:.2f} × the last value's: prices are close to a random walk, so the last value "
            "is hard to beat."))
    return asked
