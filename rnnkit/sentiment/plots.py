"""Plotly figures and the coloured-token Markdown of the Sentiment page (pure functions; no streamlit)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rnnkit.core.inputs import escape_html, escape_markdown
from rnnkit.core.plots import hline

NEGATIVE, POSITIVE, NEUTRAL = "#d62728", "#2ca02c", "#7f7f7f"
FINE_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac")


def probability_bars(names: Sequence[str], probs: np.ndarray, colours: Sequence[str], title: str) -> go.Figure:
    """Horizontal bars of class probabilities."""
    bars = go.Bar(x=list(probs), y=list(names), orientation="h", marker=dict(color=list(colours)),
                  text=[f"{p:.0%}" for p in probs], textposition="auto")
    return go.Figure(bars, layout=dict(title=dict(text=title), xaxis=dict(range=[0, 1], tickformat=".0%"),
                                       height=90 + 32 * len(names), margin=dict(l=10, r=10, t=40, b=10),
                                       yaxis=dict(autorange="reversed")))


def prefix_figure(prefixes: pd.DataFrame, other: pd.DataFrame | None = None) -> go.Figure:
    """P(positive) after each token: the many-to-one model read one word further at each point. With ``other``
    (a second sentence's prefixes) both lines are drawn, words in the hover text."""
    sentences = ((prefixes, "your sentence", "#1f77b4"), (other, "the other sentence", "#ff7f0e"))
    lines = [go.Scatter(x=frame["position"], y=frame["p_positive"], mode="lines+markers", name=name,
                        text=[escape_html(t) for t in frame["token"]], line=dict(color=colour), marker=dict(size=9),
                        hovertemplate="after %{text}: P(positive) = %{y:.2f}<extra>" + name + "</extra>")
             for frame, name, colour in sentences if frame is not None]
    axis = dict(title=dict(text="tokens read"))
    if other is None:
        axis.update(tickmode="array", tickvals=list(prefixes["position"]),
                    ticktext=[escape_html(t) for t in prefixes["token"]])
    return go.Figure(lines, layout=dict(
        xaxis=axis, yaxis=dict(title=dict(text="P(positive)"), range=[-0.02, 1.02]), height=340,
        showlegend=other is not None, margin=dict(l=10, r=10, t=20, b=10),
        shapes=[hline(0.5, color=NEUTRAL, dash="dot")]))


def importance_figure(importance: pd.DataFrame) -> go.Figure:
    colours = [POSITIVE if v > 0 else NEGATIVE for v in importance["importance"]]
    bars = go.Bar(x=[f"{i + 1}. {escape_html(t)}" for i, t in enumerate(importance["token"])],
                  y=importance["importance"], marker=dict(color=colours),
                  hovertemplate="%{x}: %{y:+.3f}<extra></extra>")
    return go.Figure(bars, layout=dict(yaxis=dict(title=dict(text="change in P(positive) it causes")), height=300,
                                       margin=dict(l=10, r=10, t=20, b=10)))


def confusion_figure(matrix: Sequence[Sequence[int]], names: Sequence[str], title: str) -> go.Figure:
    matrix = np.asarray(matrix)
    heatmap = go.Heatmap(z=matrix, x=list(names), y=list(names), colorscale="Blues", showscale=False, text=matrix,
                         texttemplate="%{text}", hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>")
    return go.Figure(heatmap, layout=dict(title=dict(text=title), xaxis=dict(title=dict(text="predicted")),
                                          yaxis=dict(title=dict(text="true"), autorange="reversed"), height=320,
                                          margin=dict(l=10, r=10, t=40, b=10)))


def coloured_tokens(importance: pd.DataFrame, threshold: float = 0.02) -> str:
    """Streamlit Markdown with each token on a green (towards positive) or red (towards negative)
    background; tokens whose removal changes P(positive) by less than ``threshold`` stay plain."""
    parts = []
    for token, value in zip(importance["token"], importance["importance"]):
        safe = escape_markdown(token)
        if value >= threshold:
            parts.append(f":green-background[{safe}]")
        elif value <= -threshold:
            parts.append(f":red-background[{safe}]")
        else:
            parts.append(safe)
    return " ".join(parts)
