"""Charts of a dataset for the Data page: class balance, 2-D points, digit images, sequences.

Labels and column names are passed to plotly as data (text), never as HTML.
"""
from __future__ import annotations

import numpy as np


def _escape(text) -> str:
    # Plotly renders a small HTML subset in titles and labels; show user text literally.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def class_balance(counts: dict[str, int], title: str = "Rows per class"):
    """Bar chart of rows per class, each bar labelled with its share of all rows."""
    import plotly.graph_objects as go

    total = sum(counts.values()) or 1
    names = [_escape(k) for k in counts]
    values = list(counts.values())
    fig = go.Figure(go.Bar(
        x=names, y=values, text=[f"{v / total:.0%}" for v in values], textposition="outside",
        hovertemplate="%{x}: %{y:,} rows (%{text})<extra></extra>", marker_color="#4c78a8"))
    fig.update_layout(title=_escape(title), xaxis_title="class", yaxis_title="rows",
                      xaxis_type="category", height=320, margin=dict(t=50, b=40, l=40, r=20))
    fig.update_yaxes(range=[0, max(values or [1]) * 1.15])
    return fig


def scatter_2d(frame, x: str, y: str, label: str, max_points: int = 5000):
    """Points coloured by their label (class, or value for regression) for the 2-D toy sets."""
    import plotly.graph_objects as go
    from pandas.api import types as ptypes

    frame = frame.iloc[:max_points]
    values = frame[label]
    continuous = ptypes.is_float_dtype(values)
    fig = go.Figure()
    if continuous:
        fig.add_trace(go.Scatter(x=frame[x], y=frame[y], mode="markers", marker=dict(
            color=values, colorscale="RdBu", size=6, colorbar=dict(title=_escape(label)))))
    else:
        for cls in sorted(values.dropna().unique()):
            sel = frame[values == cls]
            fig.add_trace(go.Scatter(x=sel[x], y=sel[y], mode="markers", name=_escape(cls),
                                     marker=dict(size=6, opacity=0.8)))
    fig.update_layout(xaxis_title=_escape(x), yaxis_title=_escape(y), height=420,
                      legend_title=_escape(label), margin=dict(t=30, b=40, l=40, r=20))
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def image_grid(X, labels, n: int = 10):
    """The first `n` images (n, 1, H, W) or (n, H, W) in a row, each titled by its label."""
    from plotly.subplots import make_subplots
    import plotly.graph_objects as go

    images = np.asarray(X)[:n]
    if images.ndim == 4:  # (n, 1, H, W) -> (n, H, W)
        images = images[:, 0]
    labels = [_escape(v) for v in list(labels)[:n]]
    fig = make_subplots(rows=1, cols=max(len(images), 1), subplot_titles=labels,
                        horizontal_spacing=0.01)
    for i, img in enumerate(images):
        fig.add_trace(go.Heatmap(z=img[::-1], colorscale="Greys", showscale=False,
                                 hoverinfo="skip"), row=1, col=i + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    for i in range(1, len(images) + 1):  # square pixels: each image keeps its aspect ratio
        fig.update_yaxes(scaleanchor=f"x{'' if i == 1 else i}", row=1, col=i)
    fig.update_layout(height=170, margin=dict(t=30, b=5, l=5, r=5))
    return fig


def sequence_examples(X, labels, n: int = 3):
    """Up to `n` example sequences (n, T) or (n, T, 1), one line each, named by its label.

    The first example of each label comes first, so three classes show three different shapes.
    """
    import plotly.graph_objects as go

    labels = [str(v) for v in labels]
    first = {lab: i for i, lab in reversed(list(enumerate(labels)))}
    order = sorted(first.values()) + [i for i in range(len(labels)) if i not in first.values()]
    picked = order[:n]
    seqs = np.asarray(X)[picked]
    if seqs.ndim == 3:  # (n, T, 1) -> (n, T)
        seqs = seqs[..., 0]
    labels = [labels[i] for i in picked]
    fig = go.Figure()
    for seq, lab in zip(seqs, labels):
        fig.add_trace(go.Scatter(y=seq, mode="lines", name=_escape(lab)))
    fig.update_layout(xaxis_title="time step", yaxis_title="value", height=320,
                      margin=dict(t=30, b=40, l=40, r=20))
    return fig
