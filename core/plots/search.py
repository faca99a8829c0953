"""Hyperparameter search: trials in, plotly figures out (the Search page and reports)."""
from __future__ import annotations

_STATE_COLOUR = {"complete": "#1f77b4", "pruned": "rgba(127,127,127,0.45)",
                 "failed": "#d62728", "running": "#2ca02c"}


def best_so_far_figure(trials: list[dict], best_curve: list[tuple[int, float]], label: str):
    """Each trial's score as a dot (pruned ones faded, at their last score) and the best so far.

    `trials`: dicts with "number", "state" and "value" (None when there is none);
    `best_curve`: (trial number, best value up to it)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for state, colour in _STATE_COLOUR.items():
        pts = [t for t in trials if t["state"] == state and t.get("value") is not None]
        if pts:
            fig.add_scatter(x=[t["number"] for t in pts], y=[t["value"] for t in pts], mode="markers",
                            name=f"{state} trial", marker=dict(color=colour, size=9))
    if best_curve:
        fig.add_scatter(x=[n for n, _ in best_curve], y=[v for _, v in best_curve],
                        mode="lines", line=dict(shape="hv", color="#ff7f0e", width=3),
                        name="best so far")
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="trial",
                      yaxis_title=label, legend=dict(orientation="h", y=1.12))
    return fig
