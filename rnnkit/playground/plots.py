"""The Equation Playground's chart: a network's states unrolled in time, one row per unit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnkit.core.plots import vrect


def unrolled_heatmap(values: np.ndarray, title: str, symbol: str, colorscale: str = "RdBu",
                     zmin: float = -1.0, zmax: float = 1.0, highlight: int | None = None) -> go.Figure:
    """Units x time steps (the unrolled view); hover shows unit, step and value."""
    steps, units = values.shape
    heatmap = go.Heatmap(
        z=values.T, x=list(range(1, steps + 1)), y=[f"unit {j + 1}" for j in range(units)],
        colorscale=colorscale, zmin=zmin, zmax=zmax, reversescale=colorscale == "RdBu",
        hovertemplate=f"{symbol}<br>t=%{{x}}<br>%{{y}}<br>value=%{{z:.4f}}<extra></extra>")
    shapes = [vrect(highlight + 0.5, highlight + 1.5, color="black", width=2)] if highlight is not None else []
    return go.Figure(heatmap, layout=dict(
        title=dict(text=title), height=110 + 28 * units, margin=dict(l=10, r=10, t=40, b=30), shapes=shapes,
        xaxis=dict(title=dict(text="time step t")), yaxis=dict(autorange="reversed")))


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


def measured_chart(measured: dict, runs: list[dict] = ()) -> go.Figure:
    """Held-out accuracy against sequence length, from ``bench_memory``'s JSON: each variant's median
    over seeds with its worst-to-best range as error bars, the input-blind baseline dashed, and the
    visitor's own ``runs`` (``train_memory_variants`` results) as stars in their variant's colour."""
    labels, traces = measured["labels"], []
    colours = dict(zip(labels, ("#d62728", "#1f77b4", "#9467bd", "#2ca02c")))
    for variant, label in labels.items():
        rows = [row for row in measured["table"] if row["variant"] == variant]
        lengths, accuracy = [row["seq_len"] for row in rows], [row["accuracy"] for row in rows]
        median = [100 * a["median"] for a in accuracy]
        traces.append(go.Scatter(
            x=lengths, y=median, mode="lines+markers", name=f"{label} (measured)", line=dict(color=colours[variant]),
            error_y=dict(type="data", symmetric=False, array=[100 * a["max"] - m for a, m in zip(accuracy, median)],
                         arrayminus=[m - 100 * a["min"] for a, m in zip(accuracy, median)]),
            hovertemplate="length %{x}<br>median %{y:.0f} %<extra></extra>"))
    rows = [row for row in measured["table"] if row["variant"] == next(iter(labels))]
    traces.append(go.Scatter(x=[row["seq_len"] for row in rows], y=[100 * row["chance"]["median"] for row in rows],
                             mode="lines", name="always answer 1 (input-blind)", line=dict(dash="dash", color="gray")))
    for run in runs:
        traces.append(go.Scatter(
            x=[run["seq_len"]], y=[100 * run["test_accuracy"]], mode="markers",
            name=f"{labels.get(run['variant'], run['variant'])}: your run",
            marker=dict(symbol="star", size=16, color=colours.get(run["variant"], "black"),
                        line=dict(width=1, color="black"))))
    return go.Figure(traces, layout=dict(
        title=dict(text=f"What we measured: median of {measured['seeds']} seeds (bars: worst to best), "
                        f"{measured['threads']} thread"),
        xaxis=dict(title=dict(text="sequence length T")),
        yaxis=dict(title=dict(text="held-out sequences solved (%)"), range=[0, 105]), height=380,
        margin=dict(l=10, r=10, t=40, b=30), legend=dict(orientation="h", y=-0.3)))
