"""Error-analysis chart: each cohort's error rate (bar width: its share of all errors in the
hover), against the overall rate as a dashed line. Input: core.audit.errors' result dict."""
from __future__ import annotations


def cohort_figure(result: dict):
    """Horizontal bars, worst cohort on top; the overall error as a dashed line."""
    import plotly.graph_objects as go

    pct = result["task"] != "regression"
    scale = 100 if pct else 1
    cohorts = list(reversed(result["cohorts"]))  # plotly draws the first bar at the bottom
    labels = [f"#{i}: {c['condition']}" for i, c in
              zip(range(len(cohorts), 0, -1), cohorts)]
    fig = go.Figure(go.Bar(
        x=[c["error_rate"] * scale for c in cohorts], y=labels, orientation="h",
        marker={"color": [c["error_rate"] for c in cohorts], "colorscale": "Reds",
                "cmin": 0, "cmax": max([c["error_rate"] for c in cohorts] + [1e-9])},
        customdata=[[c["n"], c["share_of_errors"] * 100] for c in cohorts],
        hovertemplate="%{y}<br>%{x:.1f}" + (" %" if pct else "") +
                      "<br>%{customdata[0]} rows, %{customdata[1]:.0f} % of all errors<extra></extra>"))
    overall = result["overall"] * scale
    fig.add_vline(x=overall, line_dash="dash", line_color="#444",
                  annotation_text=f"overall: {overall:.1f}{' %' if pct else ''}",
                  annotation_position="top")
    fig.update_layout(
        xaxis_title="Error rate (%)" if pct else "Mean absolute error",
        height=120 + 45 * len(cohorts), margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"automargin": True})
    return fig


def grid_figure(grid: dict):
    """The error rate over two columns as a heatmap; hover gives each cell's row count."""
    import plotly.graph_objects as go

    pct = grid["task"] != "regression"
    scale = 100 if pct else 1
    z = [[None if r is None else r * scale for r in row] for row in grid["rate"]]
    fig = go.Figure(go.Heatmap(
        z=z, x=grid["x_labels"], y=grid["y_labels"], colorscale="Reds", customdata=grid["n"],
        colorbar={"title": "error %" if pct else "mean abs error"},
        hovertemplate=f"{grid['x']}: %{{x}}<br>{grid['y']}: %{{y}}<br>%{{z:.1f}}"
                      + (" %" if pct else "") + "<br>%{customdata} rows<extra></extra>"))
    fig.update_layout(xaxis_title=grid["x"], yaxis_title=grid["y"], height=420,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig
