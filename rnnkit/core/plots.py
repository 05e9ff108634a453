"""Plotly figures shared by the pages (one helper per kind of chart)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go


def unrolled_heatmap(values: np.ndarray, title: str, symbol: str, colorscale: str = "RdBu",
                     zmin: float = -1.0, zmax: float = 1.0, highlight: int | None = None) -> go.Figure:
    """Units x time steps (the unrolled view); hover shows unit, step and value."""
    steps, units = values.shape
    figure = go.Figure(go.Heatmap(
        z=values.T, x=list(range(1, steps + 1)), y=[f"unit {j + 1}" for j in range(units)],
        colorscale=colorscale, zmin=zmin, zmax=zmax, reversescale=colorscale == "RdBu",
        hovertemplate=f"{symbol}<br>t=%{{x}}<br>%{{y}}<br>value=%{{z:.4f}}<extra></extra>"))
    if highlight is not None:
        figure.add_vrect(x0=highlight + 0.5, x1=highlight + 1.5, line_width=2, line_color="black")
    figure.update_layout(title=title, height=110 + 28 * units, margin=dict(l=10, r=10, t=40, b=30),
                         xaxis_title="time step t", yaxis_autorange="reversed")
    return figure


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
