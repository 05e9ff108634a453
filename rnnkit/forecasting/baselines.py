"""The forecasts an LSTM must beat, and the errors that compare every forecast on the held-out tail."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnnkit.forecasting.data import Split

BASELINES = ("Last value", "Moving average", "Linear trend")
LSTM_NAME = "LSTM"           # the trained model's row in the tables, beside the baselines


def last_value(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """(M, T) windows -> (M, k): tomorrow looks like today."""
    return np.repeat(inputs[:, -1:], horizon, axis=1)


def moving_average(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """(M, T) -> (M, k): the mean of the window."""
    return np.repeat(inputs.mean(axis=1, keepdims=True), horizon, axis=1)


def linear_trend(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """(M, T) -> (M, k): a least-squares line through the window, extended k steps."""
    window = inputs.shape[1]
    t = np.arange(window, dtype=np.float64)
    t_centred = t - t.mean()
    slope = (inputs - inputs.mean(axis=1, keepdims=True)) @ t_centred / (t_centred @ t_centred)   # (M,)
    ahead = np.arange(window, window + horizon) - t.mean()                                        # (k,)
    return inputs.mean(axis=1, keepdims=True) + slope[:, None] * ahead[None, :]                   # (M, k)


def baseline_forecasts(data: Split) -> dict[str, np.ndarray]:
    """Each baseline's (M, k) forecasts from every test window."""
    horizon = data.truth.shape[1]
    return {name: fn(data.inputs, horizon)
            for name, fn in zip(BASELINES, (last_value, moving_average, linear_trend))}


def mae(forecast: np.ndarray, truth: np.ndarray) -> float:
    return float(np.abs(forecast - truth).mean())


def rmse(forecast: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(((forecast - truth) ** 2).mean()))


def metric_table(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> pd.DataFrame:
    """MAE and RMSE over every test origin and step ahead, and MAE relative to last value."""
    reference = mae(forecasts["Last value"], truth)
    rows = [{"method": name, "MAE": mae(f, truth), "RMSE": rmse(f, truth),
             "MAE / last value": mae(f, truth) / reference if reference > 0 else float("nan")}
            for name, f in forecasts.items()]
    return pd.DataFrame(rows).set_index("method")


def per_step_mae(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> pd.DataFrame:
    """MAE for each step ahead (rows 1..k), one column per method."""
    return pd.DataFrame({name: np.abs(f - truth).mean(axis=0) for name, f in forecasts.items()},
                        index=pd.RangeIndex(1, truth.shape[1] + 1, name="steps ahead"))
