"""Fairness charts: group bars with confidence intervals, the threshold Pareto chart, the
before/after accuracy-vs-disparity chart and the live fairness gap over epochs.

Inputs are the plain dicts of core.audit.fairness (and the run store's EpochRows); plotly is
imported inside each function.
"""
from __future__ import annotations

from typing import Iterable

from core.plots.training import clean

_OK, _SMALL = "#1f77b4", "#bbbbbb"  # small groups are grey: shown, but not to be judged


def group_bars(report: dict, metric: str):
    """One bar per group for `metric`, with its bootstrap interval as error bars."""
    import plotly.graph_objects as go

    rows = report["groups"]["rows"]
    names = [r["group"] + (" (small)" if r["small"] else "") for r in rows]
    values = [clean(r.get(metric)) for r in rows]
    error = None
    if rows and f"{metric}_ci" in rows[0]:
        lo = [(v - (r[f"{metric}_ci"][0] or v)) if v is not None else 0 for v, r in zip(values, rows)]
        hi = [((r[f"{metric}_ci"][1] or v) - v) if v is not None else 0 for v, r in zip(values, rows)]
        error = dict(type="data", symmetric=False, array=hi, arrayminus=lo, visible=True)
    fig = go.Figure(go.Bar(x=names, y=values, error_y=error,
                           marker_color=[_SMALL if r["small"] else _OK for r in rows]))
    overall = clean(report["groups"]["overall"].get(metric))
    if overall is not None:
        fig.add_hline(y=overall, line_dash="dot", annotation_text="all", line_color="#555")
    fig.update_layout(title=metric.replace("_", " ").capitalize(), height=300,
                      margin=dict(l=40, r=10, t=40, b=40), showlegend=False)
    return fig


def pareto_chart(sweep: list[dict], current: dict | None = None,
                 disparity: str = "demographic_parity_difference"):
    """Accuracy against disparity for each shared threshold; the Pareto front joined by a line."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[p[disparity] for p in sweep], y=[p["accuracy"] for p in sweep],
                             mode="markers", name="threshold", marker=dict(color="#9ecae1"),
                             text=[f"t = {p['threshold']:.2f}" for p in sweep]))
    front = sorted((p for p in sweep if p["pareto"]), key=lambda p: p[disparity])
    fig.add_trace(go.Scatter(x=[p[disparity] for p in front], y=[p["accuracy"] for p in front],
                             mode="lines+markers", name="best trade-offs", line=dict(color=_OK)))
    if current is not None:
        fig.add_trace(go.Scatter(x=[current[disparity]], y=[current["accuracy"]], mode="markers",
                                 name="your choice", marker=dict(color="#d62728", size=14,
                                                                 symbol="star")))
    fig.update_layout(xaxis_title=disparity.replace("_", " ") + " (lower is fairer)",
                      yaxis_title="accuracy", height=340, margin=dict(l=40, r=10, t=20, b=40))
    return fig


def comparison_chart(rows: list[dict], disparity: str = "demographic_parity_difference"):
    """Before/after: one point per run (original and mitigated), accuracy against disparity."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for r in rows:
        fig.add_trace(go.Scatter(x=[clean(r.get(disparity))], y=[clean(r.get("accuracy"))],
                                 mode="markers+text", name=f"{r['run_id']} {r['method']}",
                                 text=[r["method"].replace("_", " ")], textposition="top center",
                                 marker=dict(size=12, symbol="circle" if r["method"] == "original"
                                             else "diamond")))
    fig.update_layout(xaxis_title=disparity.replace("_", " ") + " (lower is fairer)",
                      yaxis_title="accuracy", height=340, margin=dict(l=40, r=10, t=20, b=40))
    return fig


_GAPS = (("dp_diff", "demographic parity difference"), ("eo_diff", "equalized odds difference"))


def live_gap_traces(epochs: Iterable) -> list[dict]:
    """The live fairness-gap chart's traces as plain dicts (no plotly import; the Train page
    sends only new points while a run trains); [] when the run recorded no gap."""
    rows = [(e.epoch, e.extra) if hasattr(e, "extra") else (e["epoch"], e.get("extra") or {})
            for e in epochs]
    rows = [(ep, ex) for ep, ex in rows if ex and ("dp_diff" in ex or "eo_diff" in ex)]
    if not rows:
        return []
    return [{"type": "scatter", "mode": "lines", "name": name,  # lines: see training.loss_traces
             "x": [ep for ep, _ in rows], "y": [clean(ex.get(key)) for _, ex in rows]}
            for key, name in _GAPS]


def live_gap_chart(epochs: Iterable):
    """Demographic parity and equalized-odds differences on the validation split per epoch.

    `epochs` are EpochRows (or dicts with "epoch" and "extra"); None when the run recorded no gap
    (no sensitive column, or not a binary task).
    """
    import plotly.graph_objects as go

    traces = live_gap_traces(epochs)
    if not traces:
        return None
    fig = go.Figure(data=traces)
    fig.update_layout(title="Fairness gap (validation)", xaxis_title="epoch",
                      yaxis_title="gap between groups (0 is equal)", height=300,
                      margin=dict(l=40, r=10, t=40, b=40), legend=dict(orientation="h", y=-0.3))
    return fig
