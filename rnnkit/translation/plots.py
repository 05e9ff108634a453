"""Plotly figures of the Translation page (no streamlit here)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnkit.core.inputs import escape_html

ATTENTION_COLOUR = "#1f77b4"
PLAIN_COLOUR = "#ff7f0e"
_INVISIBLE = "\u200b\u200c\u200d\u2060"    # zero-width space, non-joiner, joiner, word joiner


def unique_labels(labels: list[str]) -> list[str]:
    """Plotly merges equal category labels: make repeated words distinct with invisible suffixes.

    The n-th repeat gets n written in base 4 with four zero-width characters, so the labels grow by
    log(n) characters, not n (a word repeated thousands of times stays a small chart).
    """
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0)
        seen[label] = count + 1
        suffix = ""
        while count:
            count, digit = divmod(count, 4)
            suffix = _INVISIBLE[digit] + suffix
        out.append(label + suffix)
    return out


def attention_heatmap(alpha: np.ndarray, source: list[str], target: list[str],
                      highlight: int | None = None, source_name: str = "English",
                      target_name: str = "French") -> go.Figure:
    """Source words (x) by target words (y); the colour and the hover text are alpha_ts."""
    x, y = unique_labels(list(map(escape_html, source))), unique_labels(list(map(escape_html, target)))
    figure = go.Figure(go.Heatmap(
        z=alpha, x=x, y=y, colorscale="Blues", zmin=0, zmax=1, colorbar=dict(title="α"),
        hovertemplate="target %{y}<br>source %{x}<br>α = %{z:.3f}<extra></extra>"))
    if highlight is not None and 0 <= highlight < len(y):
        figure.add_shape(type="rect", x0=-0.5, x1=len(x) - 0.5, y0=highlight - 0.5, y1=highlight + 0.5,
                         line=dict(color="crimson", width=2))
    figure.update_layout(height=max(300, 22 * len(y) + 140), margin=dict(l=10, r=10, t=30, b=10),
                         xaxis=dict(side="top", tickangle=-45, title=f"{source_name} (source)"),
                         yaxis=dict(autorange="reversed", title=f"{target_name} (output)"))
    return figure


def step_bars(source: list[str], scores: np.ndarray, alpha: np.ndarray) -> go.Figure:
    """The raw scores (top) and the softmax alpha (bottom) of one decoding step, per source word."""
    from plotly.subplots import make_subplots
    x = unique_labels(list(map(escape_html, source)))   # visitor words: shown, never rendered
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                           subplot_titles=("score(h_t, h̄_s)", "α_ts = softmax of the scores"))
    figure.add_trace(go.Bar(x=x, y=scores, marker_color="#888888",
                            hovertemplate="%{x}: score %{y:.3f}<extra></extra>"), row=1, col=1)
    figure.add_trace(go.Bar(x=x, y=alpha, marker_color=ATTENTION_COLOUR,
                            hovertemplate="%{x}: α %{y:.3f}<extra></extra>"), row=2, col=1)
    figure.update_yaxes(range=[0, 1], row=2, col=1)
    figure.update_layout(height=420, showlegend=False, margin=dict(l=10, r=10, t=40, b=10))
    return figure


def bleu_by_length(table: dict, metric: str = "bleu", source_name: str = "English") -> go.Figure:
    """Grouped bars: BLEU per source-length bucket for the attention and the plain model.

    ``table`` is ``{model: {bucket: {"bleu": .., "chrf": .., "n": ..}}}`` from the evaluation.
    """
    figure = go.Figure()
    for model, colour in (("attention", ATTENTION_COLOUR), ("plain", PLAIN_COLOUR)):
        if model not in table:
            continue
        buckets = list(table[model])
        figure.add_trace(go.Bar(
            x=buckets, y=[table[model][b][metric] for b in buckets], name=model, marker_color=colour,
            customdata=[table[model][b]["n"] for b in buckets],
            hovertemplate="%{x} words: " + metric + " %{y:.1f} (%{customdata} sentences)<extra>" + model + "</extra>"))
    figure.update_layout(barmode="group", height=360, margin=dict(l=10, r=10, t=30, b=10),
                         xaxis_title=f"{source_name} sentence length (words and punctuation)",
                         yaxis_title=metric.upper() if metric == "bleu" else "chrF")
    return figure
