"""Evaluation charts: an evaluation's numbers (or a run's internals) in, plotly figures out.

Pure functions shared by the Evaluate page and exported reports. Titles and axis names are
written for people who do not read code; every chart says which way is better. User text
(class names, layer names, column names) goes through `plain` before reaching plotly, which
reads a few HTML tags in labels.
"""
from __future__ import annotations

from typing import Any, Iterable

from core.plots.training import clean, decimate, plain

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]
_GUIDE = {"color": "#888888", "width": 1, "dash": "dash"}  # "guessing" / "perfect" reference lines


def _figure(traces: list, title: str, x_title: str, y_title: str, *, height: int = 380,
            square: bool = False):
    import plotly.graph_objects as go  # lazy: keeps the app's first page fast

    fig = go.Figure(data=traces)
    fig.update_layout(title={"text": title, "font": {"size": 15}}, height=height,
                      margin={"l": 55, "r": 10, "t": 45, "b": 10},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
                      uirevision="keep")
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    if square:
        fig.update_xaxes(range=[-0.02, 1.02])
        fig.update_yaxes(range=[-0.02, 1.02], scaleanchor="x", scaleratio=1)
    return fig


def _line(name: str, xs, ys, colour: str, *, mode: str = "lines", dash: str | None = None,
          fill: str | None = None, showlegend: bool = True) -> dict:
    return {"type": "scatter", "mode": mode, "name": plain(name), "x": list(xs), "y": list(ys),
            "line": {"color": colour, "width": 2, "dash": dash}, "connectgaps": False,
            "fill": fill, "showlegend": showlegend,
            "hovertemplate": "%{x:.3g}, %{y:.3g}<extra>" + plain(name) + "</extra>"}


def _guide(name: str, xs, ys) -> dict:
    return {"type": "scatter", "mode": "lines", "name": name, "x": list(xs), "y": list(ys),
            "line": _GUIDE, "hoverinfo": "skip"}


# --- classification --------------------------------------------------------------------------

def confusion_matrix(confusion: list[list[int]], classes: list[str], *, normalise: bool = False):
    """Rows: the true class; columns: the predicted class. Normalised: share of each true class."""
    import numpy as np

    counts = np.asarray(confusion, dtype=np.float64)  # (k, k)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    z = shares if normalise else counts
    text = [[f"{v:.0%}" if normalise else f"{int(v):,}" for v in row] for row in z]
    names = [plain(c) for c in classes]
    trace = {"type": "heatmap", "z": z.tolist(), "x": names, "y": names, "text": text,
             "texttemplate": "%{text}", "colorscale": "Blues", "showscale": False,
             "zmin": 0, "zmax": 1 if normalise else None,
             "hovertemplate": "true %{y}, predicted %{x}: %{text}<extra></extra>"}
    title = ("Confusion matrix (share of each true class)" if normalise
             else "Confusion matrix (number of test examples)")
    fig = _figure([trace], title, "Predicted class", "True class", height=max(320, 70 * len(names) + 140))
    fig.update_xaxes(type="category", side="bottom")
    # True classes top to bottom in class order, so the diagonal runs from the top left.
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


def roc_curves(roc: dict[str, dict], auc: float | None = None):
    """ROC curve per class (one-vs-rest); the diagonal is guessing."""
    traces = [_guide("guessing", [0, 1], [0, 1])]
    for i, (name, pts) in enumerate(roc.items()):
        traces.append(_line(f"class '{name}'", pts["x"], pts["y"], PALETTE[i % len(PALETTE)]))
    title = "ROC curve (higher and further left is better)"
    if auc is not None:
        title += f" · area {auc:.3f}"
    return _figure(traces, title, "False positive rate (share of negatives flagged)",
                   "True positive rate (share of positives found)", square=True)


def pr_curves(pr: dict[str, dict]):
    """Precision against recall per class: how many flagged examples are right, as more are found."""
    traces = [_line(f"class '{name}'", pts["x"], pts["y"], PALETTE[i % len(PALETTE)])
              for i, (name, pts) in enumerate(pr.items())]
    return _figure(traces, "Precision–recall (top right is better)",
                   "Recall (share of the class found)", "Precision (share of answers that are right)",
                   square=True)


def calibration_curves(calibration: dict[str, dict]):
    """Predicted probability against how often the class really occurs, per probability bin."""
    traces = [_guide("perfectly calibrated", [0, 1], [0, 1])]
    for i, (name, pts) in enumerate(calibration.items()):
        traces.append(_line(f"class '{name}'", pts["x"], pts["y"], PALETTE[i % len(PALETTE)],
                            mode="lines+markers"))
    return _figure(traces, "Calibration (on the dashed line is best)",
                   "Predicted probability", "Share that really is the class", square=True)


# --- regression ------------------------------------------------------------------------------

def predicted_vs_actual(points: dict, target: str = "target"):
    xs, ys = points["x"], points["y"]
    finite = [v for v in list(xs) + list(ys) if clean(v) is not None]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    traces = [_guide("perfect prediction", [lo, hi], [lo, hi]),
              _line("test examples", xs, ys, PALETTE[0], mode="markers")]
    return _figure(traces, "Predicted against actual (dashed line is perfect)",
                   f"Actual {plain(target)}", f"Predicted {plain(target)}")


def residuals(points: dict, target: str = "target"):
    xs = list(points["x"])
    finite = [v for v in xs if clean(v) is not None]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    traces = [_guide("no error", [lo, hi], [0, 0]),
              _line("test examples", xs, points["y"], PALETTE[0], mode="markers")]
    return _figure(traces, "Errors (should scatter evenly around zero)",
                   f"Predicted {plain(target)}", "Actual minus predicted")


# --- internals over epochs -------------------------------------------------------------------

INTERNAL_FIELDS = {
    "grad_norm": ("Gradient size per layer", "Gradient norm (log scale)", True,
                  "How strongly each layer is being changed. Lines near zero on the left layers "
                  "mean vanishing gradients; very large values mean exploding gradients."),
    "weight_norm": ("Weight size per layer", "Weight norm", False,
                    "How large each layer's weights are. Steady growth without bound can mean "
                    "the learning rate is too high or regularisation is missing."),
    "dead_fraction": ("Dead ReLU units per layer", "Share of dead units", False,
                      "Share of a layer's ReLU units that output zero for every example checked. "
                      "Dead units never learn again; above half is a problem."),
}


def _by_layer(internals: Iterable[Any]) -> dict[str, list[Any]]:
    """LayerStat rows grouped per layer, layers in forward order, each sorted by epoch."""
    out: dict[str, list[Any]] = {}
    for s in internals:
        out.setdefault(s.layer, []).append(s)
    return {k: sorted(v, key=lambda s: s.epoch) for k, v in out.items()}


def layer_chart(internals: Iterable[Any], field: str):
    """One line per layer over epochs for a LayerStat field (grad_norm, weight_norm, dead_fraction)."""
    title, y_title, log_y, _ = INTERNAL_FIELDS[field]
    traces = []
    for i, (layer, rows) in enumerate(_by_layer(internals).items()):
        ys = [getattr(r, field, None) for r in rows]
        if log_y:  # a zero gradient cannot sit on a log axis: it becomes a gap
            ys = [y if (y := clean(v)) is not None and y > 0 else None for v in ys]
        if all(clean(v) is None for v in ys):
            continue  # e.g. dead_fraction of a layer with no ReLU after it
        xs, ys = decimate([r.epoch for r in rows], ys)
        traces.append(_line(layer, xs, ys, PALETTE[i % len(PALETTE)]))
    fig = _figure(traces, title, "Epoch", y_title, height=340)
    if log_y:  # ".2g": plain labels such as 0.06 rather than bare minor-tick digits
        fig.update_yaxes(type="log", tickformat=".2g")
    if field == "dead_fraction":
        fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%")
    return fig


def activation_bands(internals: Iterable[Any]):
    """Mean activation per layer over epochs, with a band of ± one standard deviation."""
    traces = []
    for i, (layer, rows) in enumerate(_by_layer(internals).items()):
        colour = PALETTE[i % len(PALETTE)]
        xs = [r.epoch for r in rows]
        mean = [clean(r.act_mean) for r in rows]
        std = [clean(r.act_std) for r in rows]
        if all(m is None for m in mean):
            continue
        lo = [m - s if m is not None and s is not None else None for m, s in zip(mean, std)]
        hi = [m + s if m is not None and s is not None else None for m, s in zip(mean, std)]
        band = _rgba(colour, 0.18)
        traces.append({**_line(layer, xs, hi, band, showlegend=False), "line": {"width": 0},
                       "hoverinfo": "skip", "legendgroup": layer})
        traces.append({**_line(layer, xs, lo, band, fill="tonexty", showlegend=False),
                       "line": {"width": 0}, "fillcolor": band, "hoverinfo": "skip",
                       "legendgroup": layer})
        traces.append({**_line(layer, xs, mean, colour), "legendgroup": layer})
    return _figure(traces, "Activations per layer (mean ± one standard deviation)",
                   "Epoch", "Activation value", height=340)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# --- decision boundary -----------------------------------------------------------------------

def decision_boundary(grid: dict):
    """Heatmap of the model's answer over the plane, with the training points on top."""
    task, classes = grid["task"], grid.get("classes") or []
    heat = {"type": "heatmap", "x": grid["x"], "y": grid["y"], "z": grid["z"], "opacity": 0.75,
            "hoverongaps": False}
    if task == "binary":
        heat.update(colorscale="RdBu", zmin=0, zmax=1, reversescale=True,
                    colorbar={"title": {"text": f"P({plain(classes[1])})" if classes else "P"}},
                    hovertemplate="%{x:.2f}, %{y:.2f}: probability %{z:.2f}<extra></extra>")
    elif task == "multiclass":
        k = max(1, len(classes))
        scale = [[i / max(1, k - 1), _rgba(PALETTE[i % len(PALETTE)], 0.55)] for i in range(k)]
        heat.update(colorscale=scale if k > 1 else [[0, PALETTE[0]], [1, PALETTE[0]]], zmin=0,
                    zmax=k - 1, showscale=False, zsmooth=False,
                    customdata=[[plain(classes[int(c)]) if classes else c for c in row]
                                for row in grid["z"]],
                    hovertemplate="%{x:.2f}, %{y:.2f}: class %{customdata}<extra></extra>")
    else:
        heat.update(colorscale="Viridis", colorbar={"title": {"text": plain(grid.get("target", ""))}},
                    hovertemplate="%{x:.2f}, %{y:.2f}: predicts %{z:.3g}<extra></extra>")
    traces = [heat, *_boundary_points(grid)]
    epoch = grid.get("epoch")
    title = "What the model answers at every point" + (f" (weights of epoch {epoch})" if epoch else "")
    fig = _figure(traces, title, plain(grid["x_column"]), plain(grid["y_column"]), height=480)
    fig.update_xaxes(range=[grid["x"][0], grid["x"][-1]])
    fig.update_yaxes(range=[grid["y"][0], grid["y"][-1]])
    return fig


def _boundary_points(grid: dict) -> list[dict]:
    pts = grid["points"]
    marker = {"size": 6, "line": {"width": 1, "color": "white"}}
    if grid["task"] == "regression":
        return [{"type": "scatter", "mode": "markers", "name": "training points",
                 "x": pts["x"], "y": pts["y"], "marker": {**marker, "color": pts["label"],
                 "colorscale": "Viridis", "showscale": False}}]
    out = []
    classes = grid.get("classes") or sorted(set(pts["label"]))
    for i, name in enumerate(classes):
        keep = [j for j, lab in enumerate(pts["label"]) if lab == name]
        # Binary: class 0 blue and class 1 red, matching the heatmap's two ends.
        colour = (["#2166ac", "#b2182b"][i] if grid["task"] == "binary" and len(classes) == 2
                  else PALETTE[i % len(PALETTE)])
        out.append({"type": "scatter", "mode": "markers", "name": f"training points '{plain(name)}'",
                    "x": [pts["x"][j] for j in keep], "y": [pts["y"][j] for j in keep],
                    "marker": {**marker, "color": colour}})
    return out


# --- checklist tools -------------------------------------------------------------------------

def lr_finder_curve(lrs: list[float], losses: list[float], suggested_lr: float | None = None):
    """Loss against learning rate (log axis), with the suggested rate marked."""
    xs, ys = [], []
    for lr, loss in zip(lrs, losses):
        if clean(lr) is not None and lr > 0:
            xs.append(lr)
            ys.append(clean(loss))
    traces = [_line("loss", xs, ys, PALETTE[0])]
    finite = [y for y in ys if y is not None]
    if suggested_lr and clean(suggested_lr) and suggested_lr > 0 and finite:
        # A two-point trace rather than a shape: shapes and annotations treat log axes differently.
        traces.append(_line(f"suggested learning rate {suggested_lr:.2g}", [suggested_lr] * 2,
                            [min(finite), max(finite)], PALETTE[2], dash="dash"))
    fig = _figure(traces, "Loss while the learning rate grows",
                  "Learning rate (log scale)", "Training loss")
    fig.update_xaxes(type="log", tickformat=".0e")  # "1e-6", as the explanation writes it, not "1µ"
    return fig


def tiny_batch_curve(losses: list[float]):
    """Loss over steps while training on one tiny batch: it should fall to almost zero."""
    xs, ys = decimate(list(range(len(losses))), losses)
    fig = _figure([_line("loss on the tiny batch", xs, ys, PALETTE[0])],
                  "Can it overfit a tiny batch?",
                  "Training step", "Loss")
    fig.update_yaxes(rangemode="tozero")
    return fig

