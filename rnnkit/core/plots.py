"""Plotly figures shared by the pages (one helper per kind of chart), and how every chart is built.

Every figure of rnnkit is made in one call, ``go.Figure(traces, layout=dict(...))``, with its shapes in the
layout (``vrect``, ``hline``, ``vline`` below): plotly's ``update_layout``, ``add_vrect`` and ``make_subplots``
run its property-path machinery and cost ~2 ms each, 4-5 times the same layout given to the constructor, and
building charts was a third of the server's time under a class of 40 (py-spy, README "Many visitors").
"""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go


def vrect(x0, x1, **line) -> dict:
    """The shape ``figure.add_vrect`` draws: a rectangle from x0 to x1 over the plot's whole height."""
    return dict(type="rect", xref="x", yref="y domain", x0=x0, x1=x1, y0=0, y1=1, line=line)


def hline(y, **line) -> dict:
    """The shape ``figure.add_hline`` draws: a line at y across the plot's whole width."""
    return dict(type="line", xref="x domain", yref="y", x0=0, x1=1, y0=y, y1=y, line=line)


def vline(x, **line) -> dict:
    """The shape ``figure.add_vline`` draws: a line at x over the plot's whole height."""
    return dict(type="line", xref="x", yref="y domain", x0=x, x1=x, y0=0, y1=1, line=line)


def line_chart(series: dict[str, Sequence[float]], title: str, x_title: str, y_title: str,
               x: Sequence[float] | None = None, log_y: bool = False) -> go.Figure:
    traces = [go.Scatter(x=list(x) if x is not None else list(range(1, len(values) + 1)), y=list(values),
                         mode="lines", name=name) for name, values in series.items()]
    y_axis = dict(title=dict(text=y_title), **(dict(type="log", exponentformat="power") if log_y else {}))
    return go.Figure(traces, layout=dict(title=dict(text=title), xaxis=dict(title=dict(text=x_title)), yaxis=y_axis,
                                         height=360, margin=dict(l=10, r=10, t=40, b=30),
                                         legend=dict(orientation="h", y=-0.25)))
