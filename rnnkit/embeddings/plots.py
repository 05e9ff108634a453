"""Plotly figures for the Word Embeddings page (no streamlit here; the page only shows them)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnkit.core.inputs import escape_html

ROLE_COLOURS = {"input": "#1f77b4", "answer": "#d62728", "expected": "#2ca02c", "neighbour": "#9e9e9e"}
ROLE_NAMES = {"input": "a, b, c", "answer": "top answer", "expected": "expected answer", "neighbour": "neighbour"}
ARROW_COLOURS = ("#ff7f0e", "#9467bd")


def pca_figure(words: list[str], coords: np.ndarray, roles: dict[str, str],
               arrows: list[tuple[str, str]], explained: np.ndarray) -> go.Figure:
    """Scatter of ``words`` at ``coords`` (N, 2) or (N, 3) with arrows ``from -> to`` between words.

    In 2-D the arrows are annotations; in 3-D, lines ending in cones. Hover shows the word.
    """
    three_d = coords.shape[1] == 3
    index = {w: i for i, w in enumerate(words)}
    traces, annotations = [], []
    for role, colour in ROLE_COLOURS.items():
        ids = [i for i, w in enumerate(words) if roles.get(w, "neighbour") == role]
        if not ids:
            continue
        size = 7 if role == "neighbour" else 11
        common = dict(mode="markers+text", name=ROLE_NAMES[role], text=[escape_html(words[i]) for i in ids],
                      textposition="top center", hovertemplate="<b>%{text}</b><extra></extra>",
                      marker=dict(size=size, color=colour))
        if three_d:
            traces.append(go.Scatter3d(x=coords[ids, 0], y=coords[ids, 1], z=coords[ids, 2], **common))
        else:
            traces.append(go.Scatter(x=coords[ids, 0], y=coords[ids, 1], **common))
    for (start, end), colour in zip(arrows, ARROW_COLOURS * len(arrows)):
        if start not in index or end not in index:
            continue
        p, q = coords[index[start]], coords[index[end]]
        label = f"{escape_html(start)} → {escape_html(end)}"
        if three_d:
            traces.append(go.Scatter3d(x=[p[0], q[0]], y=[p[1], q[1]], z=[p[2], q[2]], mode="lines", name=label,
                                       line=dict(color=colour, width=6), hoverinfo="skip"))
            d = (q - p) / max(np.linalg.norm(q - p), 1e-9)
            traces.append(go.Cone(x=[q[0]], y=[q[1]], z=[q[2]], u=[d[0]], v=[d[1]], w=[d[2]], sizemode="absolute",
                                  sizeref=0.25, anchor="tip", showscale=False, hoverinfo="skip",
                                  colorscale=[[0, colour], [1, colour]], name=label))
        else:
            annotations.append(dict(x=q[0], y=q[1], ax=p[0], ay=p[1], xref="x", yref="y", axref="x", ayref="y",
                                    showarrow=True, arrowhead=3, arrowsize=1.5, arrowwidth=2.5, arrowcolor=colour,
                                    text=""))
            traces.append(go.Scatter(x=[None], y=[None], mode="lines", name=label, line=dict(color=colour, width=3)))
    axis = [dict(title=dict(text=f"PC{i + 1} ({share:.0%} of variance)")) for i, share in enumerate(explained)]
    layout = dict(height=560, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h"))
    if three_d:
        layout["scene"] = dict(xaxis=axis[0], yaxis=axis[1], zaxis=axis[2])
    else:
        layout.update(xaxis=axis[0], yaxis=dict(**axis[1], scaleanchor="x", scaleratio=1), annotations=annotations)
    return go.Figure(traces, layout=layout)


def similarity_heatmap(matrix: np.ndarray, words: list[str], title: str, rows: list[str] | None = None,
                       zmax: float = 1.0) -> go.Figure:
    """An (M, N) cosine matrix as a heat map with the numbers written in (rows default to ``words``)."""
    rows = [escape_html(r) for r in rows or words]           # typed words and direction names: shown, not rendered
    columns = [escape_html(w) for w in words]
    heatmap = go.Heatmap(z=matrix, x=columns, y=rows, zmin=-zmax, zmax=zmax, colorscale="RdBu", reversescale=True,
                         texttemplate="%{z:.2f}", showscale=False,
                         hovertemplate="cos(%{y}, %{x}) = %{z:.3f}<extra></extra>")
    return go.Figure(heatmap, layout=dict(title=dict(text=escape_html(title)), height=max(240, 60 + 40 * len(rows)),
                                          margin=dict(l=10, r=10, t=40, b=10), yaxis=dict(autorange="reversed")))


def benchmark_figure(sections: list[dict], names: list[str]) -> go.Figure:
    """Grouped bars of accuracy by questions-words section, one group per model in ``names``.

    ``sections[k]`` is a list of ``{"section", "accuracy", "total"}`` rows for model ``names[k]``.
    """
    bars = [go.Bar(x=[r["section"] for r in rows], y=[r["accuracy"] or 0.0 for r in rows], name=name,
                   customdata=[r["total"] for r in rows],
                   hovertemplate="%{x}: %{y:.1%} of %{customdata} questions<extra></extra>")
            for rows, name in zip(sections, names)]
    return go.Figure(bars, layout=dict(barmode="group", yaxis=dict(tickformat=".0%", range=[0, 1]), height=420,
                                       margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=1.12, x=0)))
