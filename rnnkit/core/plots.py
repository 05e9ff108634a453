"""Plotly figures shared by the pages (one helper per kind of chart)."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go


def line_chart(series: dict[str, Sequence[float]], title: str, x_title: str, y_title: str,
               x: Sequence[float] | None = None, log_y: bool = False) -> go.Figure:
    figure = go.Figure()
    for name, values in series.items():
        figure.add_trace(go.Scatter(x=list(x) if x is not None else list(range(1, len(values) + 1)),
                                    y=list(values), mode="lines", name=name))
    figure.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=360,
                         margin=dict(l=10, r=10, t=40, b=30), legend=dict(orientation="h", y=-0.25))
    if log_y:
        figure.update_yaxes(type="log", exponentformat="power")
    return figure
