"""The Forecasting page's questions (predict, then see), built from the forecasts on the visitor's series."""

from __future__ import annotations

import numpy as np

from rnnkit.core.questions import Question
from rnnkit.forecasting.baselines import LSTM_NAME, metric_table


def questions(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> list[Question]:
    """Which forecaster has the lowest error on the held-out tail? Does the last value's error grow with the
    horizon (or, one step ahead, does the tail end higher)? With the LSTM trained: does it beat the last value?"""
    table = metric_table(forecasts, truth)
    best = str(table["MAE"].idxmin())
    asked = [Question("Which forecaster will have the lowest mean absolute error on the held-out tail?",
                      tuple(table.index), best,
                      f"“{best}” is off by {table.loc[best, 'MAE']:.4f} on average ("
                      + ", ".join(f"{name} {mae:.4f}" for name, mae in table["MAE"].items() if name != best)
                      + ").")]
    last = forecasts["Last value"]                                          # (M, k)
    if truth.shape[1] > 1:
        first_error, last_error = np.abs(last[:, 0] - truth[:, 0]).mean(), np.abs(last[:, -1] - truth[:, -1]).mean()
        grows = last_error > first_error
        asked.append(Question(
            f"Is “the next value equals the last one” further off {truth.shape[1]} steps ahead than 1 step ahead?",
            ("yes", "no"), "yes" if grows else "no",
            f"Its mean absolute error is {first_error:.4f} one step ahead and {last_error:.4f} {truth.shape[1]} steps "
            "ahead: " + ("the further ahead, the more the price has wandered off." if grows else
                         "on this tail the price came back towards where it was.")))
    else:
        rises = float(truth[-1, 0]) > float(last[0, 0])
        asked.append(Question(
            "Does the series end the held-out tail higher than it began it?", ("higher", "lower"),
            "higher" if rises else "lower",
            f"It began the tail at {float(last[0, 0]):.4g} and ended at {float(truth[-1, 0]):.4g}."))
    if LSTM_NAME in table.index:
        ratio = float(table.loc[LSTM_NAME, "MAE / last value"])
        asked.append(Question(
            "Will the LSTM beat “the next value equals the last one” on the held-out tail?", ("yes", "no"),
            "yes" if ratio < 1 else "no",
            f"Its error is {ratio:.2f} × the last value's: prices are close to a random walk, so the last value "
            "is hard to beat."))
    return asked
