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
        # The third number is the cohort's position in result["cohorts"]: a click picks it.
        customdata=[[c["n"], c["share_of_errors"] * 100, len(cohorts) - 1 - i] for i, c in enumerate(cohorts)],
        hovertemplate="%{y}<br>%{x:.1f}" + (" %" if pct else "") +
                      "<br>%{customdata[0]} rows, %{customdata[1]:.0f} % of all errors<extra></extra>"))
    overall = result["overall"] * scale
    fig.add_vline(x=overall, line_dash="dash", line_color="#444",
                  annotation_text=f"overall: {overall:.1f}{' %' if pct else ''}",
                  annotation_position="top")
    fig.update_layout(
        xaxis_title="Error rate (%)" if pct else "Mean absolute error",
        height=120 + 45 * len(cohorts), margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"automargin": True}, clickmode="event+select")
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


def tree_figure(result: dict):
    """The error tree drawn as a tree: each node a dot coloured by its error rate and sized by
    its rows, the split conditions on the links; leaves (the cohorts) carry their number so a
    click can pick one (customdata: [node id, leaf number or -1])."""
    import plotly.graph_objects as go

    nodes = {n["node"]: n for n in result["nodes"]}
    kids: dict[int, list[int]] = {}
    for n in result["nodes"]:
        if n["parent"] is not None:
            kids.setdefault(n["parent"], []).append(n["node"])
    leaf_no = {c["node"]: i for i, c in enumerate(result["cohorts"], 1)}
    pos, depth = _layout(kids, nodes)
    pct = result["task"] != "regression"
    scale = 100 if pct else 1
    edge_x, edge_y = [], []
    for child, node in nodes.items():
        if node["parent"] is not None:
            edge_x += [pos[node["parent"]], pos[child], None]
            edge_y += [-depth[node["parent"]], -depth[child], None]
    order = sorted(nodes)
    big = max(n["n"] for n in nodes.values()) or 1
    fig = go.Figure([
        go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"color": "#bbb"}, hoverinfo="skip"),
        go.Scatter(
            x=[pos[i] for i in order], y=[-depth[i] for i in order], mode="markers+text",
            text=[f"#{leaf_no[i]}" if i in leaf_no else "" for i in order], textposition="bottom center",
            marker={"size": [14 + 30 * (nodes[i]["n"] / big) ** 0.5 for i in order],
                    "color": [nodes[i]["error_rate"] * scale for i in order], "colorscale": "Reds",
                    "line": {"color": "#444", "width": 1}, "showscale": True,
                    "colorbar": {"title": "error %" if pct else "mean abs error"}},
            customdata=[[i, leaf_no.get(i, -1), nodes[i]["n"], nodes[i]["condition"]] for i in order],
            hovertemplate="%{customdata[3]}<br>%{customdata[2]} rows<br>%{marker.color:.1f}"
                          + (" % wrong" if pct else " mean abs error") + "<extra></extra>")])
    fig.update_layout(showlegend=False, height=160 + 110 * (max(depth.values()) + 1),
                      xaxis={"visible": False}, yaxis={"visible": False},
                      margin={"l": 10, "r": 10, "t": 20, "b": 10}, clickmode="event+select")
    return fig


def _layout(kids: dict[int, list[int]], nodes: dict) -> tuple[dict[int, float], dict[int, int]]:
    """x of each node (leaves spread evenly, parents centred over their children) and depth."""
    pos, depth = {}, {}
    counter = iter(range(len(nodes)))

    def place(node: int, d: int) -> float:
        depth[node] = d
        children = kids.get(node, [])
        pos[node] = (sum(place(c, d + 1) for c in children) / len(children) if children
                     else float(next(counter)))
        return pos[node]

    place(0, 0)
    return pos, depth
