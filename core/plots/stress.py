"""Stress-test charts: accuracy (or error) vs strength, and before/after images.

Inputs are the plain result dicts of core.audit.stress (as saved with a run), so the page,
the CLI's export and a report draw the same figures.
"""
from __future__ import annotations

from typing import Any

_PALETTE = ["#d62728", "#9467bd", "#8c564b", "#1f77b4", "#2ca02c", "#ff7f0e", "#17becf",
            "#7f7f7f"]
_DASH = {"attack": "solid", "corruption": "dot"}


def _axis_title(result: dict) -> str:
    return "Accuracy" if result["metric"] == "accuracy" else "Mean absolute error"


def curves_figure(result: dict, compare: dict | None = None, compare_name: str = "retrained"):
    """Every attack and corruption against strength, the clean score as a dashed line.

    With `compare` (another run's result, e.g. its adversarially trained child), its curves
    are drawn in the same colours with open markers, and its clean score as a second line.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    colours = {c["name"]: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(result["curves"])}
    pct = result["metric"] == "accuracy"
    for res, suffix, symbol in ((result, "", "circle"), (compare, f" · {compare_name}", "circle-open")):
        if not res:
            continue
        for c in res["curves"]:
            xs = [p["strength"] for p in c["points"]]
            ys = [p["metric"] * (100 if pct else 1) for p in c["points"]]
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines+markers", name=c["title"] + suffix,
                line={"color": colours.get(c["name"], "#333"), "dash": _DASH[c["kind"]]},
                marker={"symbol": symbol, "size": 8}, hovertext=[c["meaning"]] * len(xs),
                hovertemplate="%{fullData.name}<br>strength %{x}<br>%{y:.1f}<br>%{hovertext}"
                              "<extra></extra>"))
        label = "clean" + suffix
        fig.add_hline(y=res["clean"] * (100 if pct else 1), line_dash="dash",
                      line_color="#444" if not suffix else "#999",
                      annotation_text=f"{label}: {res['clean'] * (100 if pct else 1):.1f}"
                                      f"{' %' if pct else ''}",
                      annotation_position="top right")
    fig.update_layout(
        xaxis_title=f"Strength ε ({result['unit']})", margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=_axis_title(result) + (" (%)" if pct else ""), height=420,
        legend={"orientation": "h", "y": -0.25}, hovermode="closest")
    if pct:
        fig.update_yaxes(range=[0, 102])
    return fig


def example_figure(example: dict, magnify: float | None = None):
    """An image example: original, adversarial, and the change magnified, side by side."""
    import numpy as np
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    before = np.asarray(example["input"], dtype=float)[0]  # (H, W), first channel
    after = np.asarray(example["adversarial"], dtype=float)[0]
    delta = after - before
    top = float(np.abs(delta).max()) or 1.0
    magnify = magnify or 0.5 / top  # the largest change becomes half the grey range
    titles = (f"Original: {example['before']} ({_p(example['p_before'])})",
              f"Attacked: {example['after']} ({_p(example['p_after'])})",
              f"Change × {magnify:.0f}")
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.04)
    grey = [[0, "black"], [1, "white"]]
    for col, (img, zmin, zmax, scale) in enumerate(
            ((before, 0, 1, grey), (after, 0, 1, grey),
             (0.5 + magnify * delta, 0, 1, [[0, "#2166ac"], [0.5, "white"], [1, "#b2182b"]])), 1):
        fig.add_trace(go.Heatmap(z=img[::-1], zmin=zmin, zmax=zmax, colorscale=scale,
                                 showscale=False, hoverinfo="skip"), row=1, col=col)
        fig.update_xaxes(visible=False, row=1, col=col)
        fig.update_yaxes(visible=False, scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    fig.update_layout(height=230, margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return fig


def _p(p: Any) -> str:
    return "" if p is None else f"{100 * p:.0f} %"
