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


def trial_curves_figure(curves: list[dict], label: str):
    """Every trial's validation curve by epoch; pruned trials faded, the best one bold.

    `curves`: dicts with "number", "state", "epochs", "values" and optionally "best" (bool)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for c in curves:
        faded = c["state"] in ("pruned", "failed")
        colour = _STATE_COLOUR.get(c["state"], "#1f77b4")
        fig.add_scatter(x=c["epochs"], y=c["values"], mode="lines", name=f"trial {c['number']}",
                        opacity=0.35 if faded else 0.9,
                        line=dict(color="#ff7f0e" if c.get("best") else colour,
                                  width=3 if c.get("best") else 1.5, dash="dot" if faded else None))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="epoch",
                      yaxis_title=label, showlegend=False)
    return fig


def _axis(name: str, values: list):
    """A Parcoords dimension; choices become evenly spaced ticks labelled with their value."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return dict(label=name, values=values)
    levels = sorted({str(v) for v in values})
    return dict(label=name, values=[levels.index(str(v)) for v in values],
                tickvals=list(range(len(levels))), ticktext=levels)


def parallel_coordinates_figure(trials: list[dict], names: dict[str, str], label: str):
    """One line per scored trial across every searched setting, ending at its score.

    `trials`: dicts with "params" and "value" (None is left out); `names`: setting → plain name."""
    import plotly.graph_objects as go

    scored = [t for t in trials if t.get("value") is not None and t.get("params")]
    dims = [_axis(plain, [t["params"].get(key) for t in scored]) for key, plain in names.items()
            if all(key in t["params"] for t in scored)]
    values = [t["value"] for t in scored]
    dims.append(dict(label=label, values=values))
    fig = go.Figure(go.Parcoords(line=dict(color=values, colorscale="Viridis", showscale=True),
                                 dimensions=dims))
    fig.update_layout(height=340, margin=dict(l=60, r=40, t=50, b=20))
    return fig


def importance_figure(importances: dict[str, float], names: dict[str, str]):
    """How much of the differences between trials each setting explains, largest on top."""
    import plotly.graph_objects as go

    items = sorted(importances.items(), key=lambda kv: kv[1])
    fig = go.Figure(go.Bar(x=[v for _, v in items], y=[names.get(k, k) for k, _ in items],
                           orientation="h", marker_color="#1f77b4"))
    fig.update_layout(height=60 + 30 * len(items), margin=dict(l=10, r=10, t=20, b=10),
                      xaxis=dict(title="share of the differences between trials", tickformat=".0%"))
    return fig
