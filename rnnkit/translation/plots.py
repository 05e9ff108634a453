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
    heatmap = go.Heatmap(
        z=alpha, x=x, y=y, colorscale="Blues", zmin=0, zmax=1, colorbar=dict(title=dict(text="α")),
        hovertemplate="target %{y}<br>source %{x}<br>α = %{z:.3f}<extra></extra>")
    shapes = [dict(type="rect", x0=-0.5, x1=len(x) - 0.5, y0=highlight - 0.5, y1=highlight + 0.5,
                   line=dict(color="crimson", width=2))] if highlight is not None and 0 <= highlight < len(y) else []
    return go.Figure(heatmap, layout=dict(
        height=max(300, 22 * len(y) + 140), margin=dict(l=10, r=10, t=30, b=10), shapes=shapes,
        xaxis=dict(side="top", tickangle=-45, title=dict(text=f"{source_name} (source)")),
        yaxis=dict(autorange="reversed", title=dict(text=f"{target_name} (output)"))))


def step_bars(source: list[str], scores: np.ndarray, alpha: np.ndarray) -> go.Figure:
    """The raw scores (top) and the softmax alpha (bottom) of one decoding step, per source word: two rows
    sharing the x axis, laid out as ``make_subplots(rows=2, shared_xaxes=True, vertical_spacing=0.08)`` does."""
    x = unique_labels(list(map(escape_html, source)))   # visitor words: shown, never rendered
    row_title = lambda text, y: dict(text=text, x=0.5, y=y, xref="paper", yref="paper", xanchor="center",
                                     yanchor="bottom", showarrow=False, font=dict(size=16))
    return go.Figure(
        [go.Bar(x=x, y=scores, marker=dict(color="#888888"), xaxis="x", yaxis="y",
                hovertemplate="%{x}: score %{y:.3f}<extra></extra>"),
         go.Bar(x=x, y=alpha, marker=dict(color=ATTENTION_COLOUR), xaxis="x2", yaxis="y2",
                hovertemplate="%{x}: α %{y:.3f}<extra></extra>")],
        layout=dict(xaxis=dict(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False),
                    yaxis=dict(anchor="x", domain=[0.54, 1.0]),
                    xaxis2=dict(anchor="y2", domain=[0.0, 1.0]),
                    yaxis2=dict(anchor="x2", domain=[0.0, 0.46], range=[0, 1]),
                    annotations=[row_title("score(h_t, h̄_s)", 1.0), row_title("α_ts = softmax of the scores", 0.46)],
                    height=420, showlegend=False, margin=dict(l=10, r=10, t=40, b=10)))


def bleu_by_length(table: dict, metric: str = "bleu", source_name: str = "English") -> go.Figure:
    """Grouped bars: BLEU per source-length bucket for the attention and the plain model.

    ``table`` is ``{model: {bucket: {"bleu": .., "chrf": .., "n": ..}}}`` from the evaluation.
    """
    bars = [go.Bar(x=list(table[model]), y=[table[model][b][metric] for b in table[model]], name=model,
                   marker=dict(color=colour), customdata=[table[model][b]["n"] for b in table[model]],
                   hovertemplate="%{x} words: " + metric + " %{y:.1f} (%{customdata} sentences)<extra>" + model
                   + "</extra>")
            for model, colour in (("attention", ATTENTION_COLOUR), ("plain", PLAIN_COLOUR)) if model in table]
    return go.Figure(bars, layout=dict(
        barmode="group", height=360, margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(title=dict(text=f"{source_name} sentence length (words and punctuation)")),
        yaxis=dict(title=dict(text=metric.upper() if metric == "bleu" else "chrF"))))
