"""What-if charts: one row's SHAP waterfall, and counterfactuals by sensitive group.
Inputs: core.audit.whatif's result dicts."""
from __future__ import annotations


def waterfall_figure(w: dict, title: str = ""):
    """From the model's average answer to this row's answer, one bar per column (largest
    first; the rest summed in one bar): red pushes the answer up, blue pushes it down."""
    import plotly.graph_objects as go

    bars = list(reversed(w["bars"]))  # plotly draws the first bar at the bottom
    labels = [b["column"] + (f" = {b['value']}" if b["value"] is not None else "") for b in bars]
    fig = go.Figure(go.Waterfall(
        orientation="h", base=w["base"], x=[b["contribution"] for b in bars], y=labels,
        measure=["relative"] * len(bars), connector={"line": {"color": "#ccc"}},
        increasing={"marker": {"color": "#d62728"}}, decreasing={"marker": {"color": "#1f77b4"}},
        hovertemplate="%{y}: %{x:+.3f}<extra></extra>"))
    fig.add_vline(x=w["base"], line_dash="dot", line_color="#888",
                  annotation_text=f"average {w['base']:.2f}", annotation_position="bottom")
    fig.add_vline(x=w["output"], line_color="#333",
                  annotation_text=f"this row {w['output']:.2f}", annotation_position="top")
    fig.update_layout(title=title or None, xaxis_title=w["output_label"],
                      height=140 + 30 * len(bars), margin={"l": 10, "r": 10, "t": 40 if title else 30, "b": 10},
                      yaxis={"automargin": True}, showlegend=False)
    return fig


def groups_figure(result: dict):
    """Mean number of changed columns needed to flip a rejection, per group, with 95 % intervals."""
    import plotly.graph_objects as go

    groups = [g for g in result["groups"] if g["mean_changes"] is not None]
    has_ci = [g["ci_low"] is not None for g in groups]
    fig = go.Figure(go.Bar(
        x=[g["group"] for g in groups], y=[g["mean_changes"] for g in groups],
        error_y={"type": "data", "symmetric": False,
                 "array": [g["ci_high"] - g["mean_changes"] if ok else 0 for g, ok in zip(groups, has_ci)],
                 "arrayminus": [g["mean_changes"] - g["ci_low"] if ok else 0 for g, ok in zip(groups, has_ci)]},
        customdata=[[g["n"], g["n_flipped"], g["share_not_flipped"] * 100] for g in groups],
        hovertemplate="%{x}: %{y:.2f} columns<br>%{customdata[1]} of %{customdata[0]} rows flipped, "
                      "%{customdata[2]:.0f} % could not be<extra></extra>"))
    fig.update_layout(xaxis_title=result["column"], yaxis_title="changed columns needed (mean)",
                      height=340, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig
