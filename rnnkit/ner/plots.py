"""The Named entities page's pictures (pure functions; no streamlit): highlighted words, the heat map of
every word's tag probabilities, and one word's forward / backward contribution."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnkit.core.inputs import escape_html, escape_markdown
from rnnkit.ner import data
from rnnkit.ner.tagger import Contribution, Tagged
from rnnkit.translation.plots import unique_labels

# Streamlit's coloured backgrounds, one per entity type.
BACKGROUNDS = {"PER": "blue", "LOC": "green", "ORG": "orange", "MISC": "violet"}
FORWARD_COLOUR, BACKWARD_COLOUR, BIAS_COLOUR = "#1f77b4", "#ff7f0e", "#7f7f7f"


def highlighted(tagged: Tagged) -> str:
    """Streamlit Markdown: each entity on its type's background with the type after it, other words plain."""
    words = [escape_markdown(t) for t in tagged.tokens]
    for entity in reversed(tagged.entities):
        inside = " ".join(words[entity.start:entity.end])
        words[entity.start:entity.end] = [f":{BACKGROUNDS[entity.kind]}-background[{inside} **{entity.kind}**]"]
    return " ".join(words)


def legend() -> str:
    return " ".join(f":{colour}-background[{kind}: {data.TYPE_NAMES[kind]}]" for kind, colour in BACKGROUNDS.items())


def probability_heatmap(tagged: Tagged) -> go.Figure:
    """Words (x) by tags (y); colour and hover are p(tag | sentence) of that word."""
    words = unique_labels([escape_html(t) for t in tagged.tokens])       # visitor words: shown, never rendered
    heatmap = go.Heatmap(z=tagged.probabilities.T, x=words, y=list(data.TAGS), colorscale="Blues", zmin=0, zmax=1,
                         colorbar=dict(title=dict(text="p")), hovertemplate="%{x}: p(%{y}) = %{z:.3f}<extra></extra>")
    chosen = go.Scatter(x=words, y=tagged.tags, mode="markers", name="chosen tag", hoverinfo="skip",
                        marker=dict(symbol="circle-open", size=14, color="crimson", line=dict(width=2)))
    return go.Figure([heatmap, chosen], layout=dict(
        height=360, margin=dict(l=10, r=10, t=20, b=10), showlegend=False, xaxis=dict(tickangle=-45),
        yaxis=dict(autorange="reversed", title=dict(text="tag"))))


def contribution_chart(contribution: Contribution, word: str) -> go.Figure:
    """Grouped bars per tag: what the forward LSTM, the backward LSTM and the bias added to its score."""
    tags = list(data.TAGS)
    parts = [("forward LSTM (words before, and this one)", contribution.forward, FORWARD_COLOUR)]
    if contribution.backward is not None:
        parts.append(("backward LSTM (words after, and this one)", contribution.backward, BACKWARD_COLOUR))
    parts.append(("bias", contribution.bias, BIAS_COLOUR))
    bars = [go.Bar(x=tags, y=np.asarray(values), name=name, marker=dict(color=colour),
                   hovertemplate="%{x}: %{y:+.2f}<extra>" + name + "</extra>") for name, values, colour in parts]
    total = go.Scatter(x=tags, y=contribution.total, mode="markers", name="total score s_t",
                       marker=dict(symbol="diamond", size=11, color="black"))
    return go.Figure(bars + [total], layout=dict(
        barmode="group", height=340, margin=dict(l=10, r=10, t=40, b=10),
        title=dict(text=f"tag scores of “{escape_html(word)}”, split by where they came from"),
        yaxis=dict(title=dict(text="added to the tag score")), legend=dict(orientation="h", y=-0.2)))
