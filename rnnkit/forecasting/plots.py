"""The Forecasting page's charts: the forecasts over the series, and the error by steps ahead."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnkit.core.inputs import escape_html
from rnnkit.core.plots import vline
from rnnkit.forecasting.baselines import LSTM_NAME, per_step_mae
from rnnkit.forecasting.data import Series, Split

STYLES = {LSTM_NAME: dict(color="#d62728", width=3), "Last value": dict(color="#1f77b4", dash="dash"),
          "Moving average": dict(color="#2ca02c", dash="dot"), "Linear trend": dict(color="#9467bd", dash="dashdot")}


def forecast_figure(series: Series, data: Split, forecasts: dict[str, np.ndarray]) -> go.Figure:
    """The series, the held-out truth and each method's forecasts from every k-th origin."""
    index = series.index
    horizon = data.truth.shape[1]
    lines = [go.Scatter(x=index[:data.n_train], y=data.values[:data.n_train], name="training part",
                        line=dict(color="#9e9e9e")),
             go.Scatter(x=index[data.n_train - 1:], y=data.values[data.n_train - 1:], name="held-out truth",
                        line=dict(color="black", width=3))]
    shown = range(0, len(data.origins), horizon)            # non-overlapping forecasts tile the tail
    for name, forecast in forecasts.items():
        xs, ys = [], []
        for m in shown:
            origin = data.origins[m]
            xs += list(index[origin - 1:origin + horizon]) + [None]
            ys += [data.values[origin - 1]] + list(forecast[m]) + [None]
        lines.append(go.Scatter(x=xs, y=ys, name=name, line=STYLES.get(name, {}), mode="lines"))
    return go.Figure(lines, layout=dict(
        height=420, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h"),
        yaxis=dict(title=dict(text=escape_html(series.name))), hovermode="x unified",
        shapes=[vline(index[data.n_train], color="#bdbdbd", dash="dot")]))


def per_step_figure(forecasts: dict[str, np.ndarray], truth: np.ndarray) -> go.Figure:
    """MAE against steps ahead, one line per method, in the same styles as ``forecast_figure``."""
    table = per_step_mae(forecasts, truth)
    lines = [go.Scatter(x=table.index, y=table[name], name=name, line=STYLES.get(name, {}), mode="lines+markers")
             for name in table.columns]
    return go.Figure(lines, layout=dict(height=280, margin=dict(l=10, r=10, t=40, b=10),
                                        legend=dict(orientation="h", y=1.18),
                                        xaxis=dict(title=dict(text="steps ahead"), dtick=1),
                                        yaxis=dict(title=dict(text="MAE"))))
