"""The Equation Playground's chart: a network's states unrolled in time, one row per unit."""

from __future__ import annotations

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


LSTM_TRACES = {"f_t": "forget gate f_t", "i_t": "input gate i_t", "c_tilde": "candidate C̃_t",
               "C_t": "cell state C_t", "o_t": "output gate o_t", "h_t": "hidden state h_t"}


def lstm_trace_figures(trace: dict[str, np.ndarray], highlight: int | None = None) -> dict[str, go.Figure]:
    """One unrolled heat map per LSTM intermediate: gates (0..1) in Viridis, states (-1..1) in RdBu."""
    figures = {}
    for name, title in LSTM_TRACES.items():
        gate = name in ("f_t", "i_t", "o_t")
        figures[name] = unrolled_heatmap(trace[name], title, name, colorscale="Viridis" if gate else "RdBu",
                                         zmin=0.0 if gate else -1.0, zmax=1.0, highlight=highlight)
    return figures
