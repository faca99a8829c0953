"""Explanation charts: a stored explanation (core.audit.explain) in, plotly figures out.

Pure functions, so the Explain page and an exported model card draw the same charts. Colours:
red pushes the explained output up, blue pulls it down (shap's convention).
"""
from __future__ import annotations

import numpy as np

UP, DOWN, GREY = "#d62728", "#1f77b4", "#9e9e9e"
MAX_BEESWARM_POINTS = 500  # per feature; the sample is at most this big anyway


def _layout(fig, title: str, height: int = 360, **kw):
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),
                      template="plotly_white", showlegend=kw.pop("showlegend", False), **kw)
    return fig


def importance_bar(result: dict, top: int = 15):
    """Mean |SHAP| per unit (original column), most important on top."""
    import plotly.graph_objects as go

    items = result["global"][:top][::-1]
    fig = go.Figure(go.Bar(x=[i["importance"] for i in items], y=[i["feature"] for i in items],
                           orientation="h", marker_color=UP))
    return _layout(fig, f"Global importance (mean |SHAP| on the {result['output_label']})",
                   height=120 + 24 * len(items), xaxis_title="mean |SHAP value|")


def beeswarm(result: dict, top: int = 10):
    """One row of dots per feature: each dot a test row, x its SHAP value, colour its value."""
    import plotly.graph_objects as go

    units = result["units"]
    order = [units.index(g["feature"]) for g in result["global"][:top]][::-1]
    shap = np.array([r["shap"] for r in result["rows"]])  # (n, n_units)
    colours = result.get("color_values") or [None] * len(units)
    rng = np.random.default_rng(0)
    fig = go.Figure()
    for level, j in enumerate(order):
        x = shap[:MAX_BEESWARM_POINTS, j]
        y = level + rng.uniform(-0.3, 0.3, len(x))
        c = colours[j][:MAX_BEESWARM_POINTS] if colours[j] else None
        values = [r["values"][j] if r.get("values") else "" for r in result["rows"][:MAX_BEESWARM_POINTS]]
        marker = dict(size=5, color=GREY, opacity=0.7)
        if c is not None:
            cv = np.array([np.nan if v is None else v for v in c], dtype=float)
            lo, hi = np.nanpercentile(cv, 5), np.nanpercentile(cv, 95)
            marker.update(color=np.clip(cv, lo, hi), colorscale=[[0, DOWN], [1, UP]],
                          showscale=level == len(order) - 1,
                          colorbar=dict(title="value", tickvals=[lo, hi], ticktext=["low", "high"]))
        fig.add_trace(go.Scatter(x=x, y=y, mode="markers", marker=marker, name=units[j],
                                 text=values, hovertemplate=f"{units[j]} = %{{text}}<br>SHAP %{{x:.3f}}<extra></extra>"))
    fig.update_yaxes(tickvals=list(range(len(order))), ticktext=[units[j] for j in order])
    fig.add_vline(x=0, line_color="#444", line_width=1)
    return _layout(fig, "Each dot is one test row (colour: the column's value, grey for categories)",
                   height=120 + 34 * len(order), xaxis_title="SHAP value (effect on the output)")


def dependence(result: dict, feature: str):
    """SHAP value of one column against its original value."""
    import plotly.graph_objects as go

    j = result["units"].index(feature)
    y = [r["shap"][j] for r in result["rows"]]
    colours = (result.get("color_values") or [None] * len(result["units"]))[j]
    if colours is not None:
        fig = go.Figure(go.Scatter(x=colours, y=y, mode="markers", marker=dict(color=UP, size=6, opacity=0.6)))
    else:  # categories: a box per category
        cats = [r["values"][j] for r in result["rows"]]
        fig = go.Figure(go.Box(x=cats, y=y, boxpoints="all", jitter=0.4, marker_color=UP))
    fig.add_hline(y=0, line_color="#444", line_width=1)
    return _layout(fig, f"How '{feature}' moves the output", xaxis_title=feature,
                   yaxis_title="SHAP value")


def waterfall(result: dict, rec: dict, top: int = 8):
    """From the average output (base) to this row's output, the largest contributions in order."""
    import plotly.graph_objects as go

    shap = np.asarray(rec["shap"])
    order = np.argsort(-np.abs(shap), kind="stable")
    keep, rest = order[:top], order[top:]
    names = [_label(result, rec, j) for j in keep] + ([f"{len(rest)} other features"] if len(rest) else [])
    values = [float(shap[j]) for j in keep] + ([float(shap[rest].sum())] if len(rest) else [])
    fig = go.Figure(go.Waterfall(
        orientation="h", base=rec["base"], y=["average output", *names, "this row"][::-1],
        x=[0, *values, 0][::-1], measure=["absolute", *["relative"] * len(values), "total"][::-1],
        increasing=dict(marker_color=UP), decreasing=dict(marker_color=DOWN),
        totals=dict(marker_color=GREY)))
    return _layout(fig, f"SHAP: from the average ({rec['base']:.3f}) to this row ({rec['output']:.3f})",
                   height=140 + 30 * len(names), xaxis_title=result["output_label"])


def lime_bar(result: dict, rec: dict, top: int = 8):
    """LIME's weights for the same row (its local linear model), largest first."""
    import plotly.graph_objects as go

    w = np.asarray(rec["lime"])
    keep = np.argsort(-np.abs(w), kind="stable")[:top][::-1]
    fig = go.Figure(go.Bar(x=w[keep], y=[_label(result, rec, j) for j in keep], orientation="h",
                           marker_color=[UP if w[j] >= 0 else DOWN for j in keep]))
    fig.add_vline(x=0, line_color="#444", line_width=1)
    return _layout(fig, "LIME: weights of its local model", height=140 + 30 * len(keep),
                   xaxis_title=f"effect on the {result['output_label']}")


def _label(result: dict, rec: dict, j: int) -> str:
    unit = result["units"][j]
    return f"{unit} = {rec['values'][j]}" if rec.get("values") else unit


def _heat(z, name: str, symmetric: bool = True):
    import plotly.graph_objects as go

    z = np.asarray(z, dtype=float)
    if not symmetric:
        return go.Heatmap(z=z, colorscale="Greys", showscale=False, name=name)
    m = float(np.abs(z).max()) or 1.0
    return go.Heatmap(z=z, zmin=-m, zmax=m, colorscale=[[0, DOWN], [0.5, "#ffffff"], [1, UP]],
                      showscale=False, name=name)


def image_maps(result: dict, rec: dict):
    """The digit, SHAP's pixel heatmap and LIME's superpixel weights side by side."""
    from plotly.subplots import make_subplots

    from core.audit.explain import segments

    titles = ["the image", "SHAP per pixel", "LIME per 2x2 block"]
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.04)
    fig.add_trace(_heat(rec["input"], "image", symmetric=False), 1, 1)
    fig.add_trace(_heat(rec["pixels"], "SHAP"), 1, 2)
    if rec.get("lime"):
        seg = segments((1, *np.asarray(rec["input"]).shape), "image")
        fig.add_trace(_heat(np.asarray(rec["lime"])[seg], "LIME"), 1, 3)
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    fig.update_xaxes(showticklabels=False, scaleanchor="y")
    _layout(fig, "Red pushed the explained output up, blue pulled it down", height=320)
    fig.update_layout(margin=dict(t=80))  # room for the subplot titles under the main title
    return fig


def class_heatmaps(result: dict):
    """Average SHAP heatmap of the rows predicted as each class (digits)."""
    from plotly.subplots import make_subplots

    names = list(result["heatmaps"])
    cols = min(5, len(names))
    rows = -(-len(names) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"predicted {n}" for n in names],
                        horizontal_spacing=0.02, vertical_spacing=0.08)
    for i, n in enumerate(names):
        fig.add_trace(_heat(result["heatmaps"][n], n), i // cols + 1, i % cols + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    fig.update_xaxes(showticklabels=False)
    return _layout(fig, "Average SHAP heatmap per predicted class", height=180 * rows + 40)


def sequence_view(result: dict, rec: dict):
    """The sequence, SHAP per step (bars) and LIME per window (steps)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    x = np.asarray(rec["input"])[:, 0]
    shap = np.asarray(rec["pixels"]).sum(-1)
    steps = np.arange(1, len(x) + 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.45, 0.55])
    fig.add_trace(go.Scatter(x=steps, y=x, mode="lines", line_color="#333", name="sequence"), 1, 1)
    fig.add_trace(go.Bar(x=steps, y=shap, marker_color=[UP if v >= 0 else DOWN for v in shap],
                         name="SHAP per step"), 2, 1)
    if rec.get("lime"):
        from core.audit.explain import segments

        seg = segments(np.asarray(rec["input"]).shape, "sequence")[:, 0]
        fig.add_trace(go.Scatter(x=steps, y=np.asarray(rec["lime"])[seg], mode="lines",
                                 line=dict(shape="hv", color="#2ca02c"), name="LIME per window"), 2, 1)
    return _layout(fig, "Which steps moved the output", height=380, showlegend=True,
                   xaxis2_title="step")


def group_importance(entry: dict, top: int = 8):
    """Mean |SHAP| per column for each group of a sensitive attribute, side by side."""
    import plotly.graph_objects as go

    cols = entry["columns"]
    overall = np.mean([g["importance"] for g in entry["groups"]], axis=0)
    keep = np.argsort(-overall, kind="stable")[:top]
    fig = go.Figure([go.Bar(name=f"{g['group']} ({g['n']})", x=[cols[j] for j in keep],
                            y=[g["importance"][j] for j in keep]) for g in entry["groups"]])
    return _layout(fig, f"Importance per group of '{entry['sensitive']}'", barmode="group",
                   showlegend=True, yaxis_title="mean |SHAP value|")
