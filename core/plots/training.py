"""Training curves: epoch rows (and step losses) in, plotly figures out.

Pure functions shared by the Train page, the Experiments page and exported reports, so all
three draw the same chart. Two rules every function keeps:
- a missing value (None, or NaN/inf from a diverged run) is a gap in the line, never a zero:
  a zero would look like a perfect loss;
- long series are decimated before plotting (a browser chokes on 10^5 points per trace, and
  the eye cannot see them anyway).
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

MAX_POINTS = 2000  # per trace; a chart a few hundred pixels wide shows no more

_METRIC_TITLES = {"accuracy": "Accuracy", "r2": "R²"}
# Fixed colours so "train" and "validation" look the same on every chart.
_TRAIN_COLOUR, _VAL_COLOUR, _STEP_COLOUR = "#1f77b4", "#ff7f0e", "rgba(31,119,180,0.30)"
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"]


def clean(value: Any) -> float | None:
    """A plottable float, or None for a missing/NaN/inf value (drawn as a gap)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def decimate(xs: Sequence[float], ys: Sequence[float | None],
             max_points: int = MAX_POINTS) -> tuple[list[float], list[float | None]]:
    """Average consecutive points into at most `max_points` buckets.

    A bucket whose values are all missing stays missing, so a gap survives decimation; each
    bucket is placed at its last x so the line still ends at the latest point.
    """
    ys = [clean(y) for y in ys]
    xs = list(xs)
    n = len(xs)
    if n <= max_points:
        return xs, ys
    out_x: list[float] = []
    out_y: list[float | None] = []
    for b in range(max_points):
        lo, hi = b * n // max_points, (b + 1) * n // max_points
        finite = [y for y in ys[lo:hi] if y is not None]
        out_x.append(xs[hi - 1])
        out_y.append(sum(finite) / len(finite) if finite else None)
    return out_x, out_y


OVERLAY_POINTS = 250  # per run and panel: a panel of the overlay is ~550 pixels wide


def extremes(xs: Sequence[float], ys: Sequence[float | None],
             max_points: int = OVERLAY_POINTS) -> tuple[list[float], list[float | None]]:
    """At most `max_points` of the real points: in each bucket of consecutive points the lowest
    and the highest (in x order), so a spike or a dip survives and every point a user hovers is
    an epoch's true value (`decimate` averages, which suits a noisy step cloud, not this).

    Written here because it is ten lines; plotly only thins a line's drawn path, after doing
    its per-point work (hover, ranges) on every point."""
    xs, ys = list(xs), list(ys)
    n = len(xs)
    if n <= max_points:
        return xs, ys
    buckets = max(1, max_points // 2)
    keep: list[int] = []
    for b in range(buckets):
        idx = [i for i in range(b * n // buckets, (b + 1) * n // buckets) if ys[i] is not None]
        if not idx:  # a run of missing values stays a gap
            keep.append(b * n // buckets)
            continue
        low, high = min(idx, key=lambda i: ys[i]), max(idx, key=lambda i: ys[i])
        keep.extend(sorted({low, high}))
    if keep[-1] != n - 1:
        keep.append(n - 1)  # the line ends at the latest point
    return [xs[i] for i in keep], [ys[i] for i in keep]


def _series(epochs: Iterable[Any] | dict, field: str) -> tuple[list[float], list[float | None]]:
    if isinstance(epochs, dict):  # columns already, in epoch order (core.audit.compare's curves)
        return decimate(epochs["epoch"], epochs[field])
    rows = sorted(epochs, key=lambda r: r.epoch)
    return decimate([r.epoch for r in rows], [getattr(r, field, None) for r in rows])


def _line(name: str, xs, ys, colour: str, *, dash: str | None = None, width: float = 2,
          markers: bool = True) -> dict:
    # Markers only on short series: on a 500-epoch run they would hide the line.
    mode = "lines+markers" if markers and len(xs) <= 60 else "lines"
    return {"type": "scatter", "mode": mode, "name": name, "x": xs, "y": ys,
            "connectgaps": False, "line": {"color": colour, "width": width, "dash": dash},
            "hovertemplate": "%{y:.4g}<extra>" + name + "</extra>"}


def _as_arrays(trace: dict, dtype: str = "float64") -> dict:
    """x and y as float64 arrays (a missing value becomes NaN, which plotly also draws as a gap).

    plotly validates a list point by point but an array by its dtype: for the overlay of 20
    runs of 500 epochs that is 0.23 s against 0.03 s per chart, and the figure travels to the
    browser as compact binary arrays instead of decimal text. "float32" halves them again (7
    significant digits: exact for epochs, more than the 4 a hover label shows)."""
    import numpy as np

    out = dict(trace)
    for axis in ("x", "y"):
        if isinstance(out.get(axis), list):
            out[axis] = np.array([np.nan if v is None else v for v in out[axis]], dtype=dtype)
    return out


def _figure(traces: list[dict], title: str, y_title: str, *, x_title: str = "Epoch",
            y_range: list[float] | None = None, height: int = 360):
    import plotly.graph_objects as go  # lazy: keeps the app's first page fast

    fig = go.Figure(data=[_as_arrays(t) for t in traces])
    fig.update_layout(
        title={"text": title, "font": {"size": 15}}, height=height,
        margin={"l": 50, "r": 10, "t": 40, "b": 10},
        # Under the axis title, so it never covers the chart's title or the lines.
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0},
        hovermode="x unified", uirevision="keep",  # keep the user's zoom while points stream in
    )
    fig.update_xaxes(title_text=x_title, rangemode="tozero")
    fig.update_yaxes(title_text=y_title)
    if y_range:
        fig.update_yaxes(range=y_range)
    return fig


def loss_traces(epochs: list[Any], steps: list[tuple[int, float]] | None = None, *,
                steps_per_epoch: int | None = None) -> list[dict]:
    """The loss chart's traces as plain dicts (no plotly import): the Train page sends only
    these for the points a browser has not drawn yet, so a live tick builds no figure."""
    traces = []
    if steps:
        xs, ys = _step_positions(steps, epochs, steps_per_epoch)
        if xs:
            traces.append(_line("loss per step", xs, ys, _STEP_COLOUR, width=1, markers=False))
    # Lines without markers: these charts grow while people watch, and a chart's markers (one
    # SVG element per point) were 30 % of each redraw the watching browser makes.
    traces.append(_line("training loss", *_series(epochs, "train_loss"), _TRAIN_COLOUR,
                        markers=False))
    traces.append(_line("validation loss", *_series(epochs, "val_loss"), _VAL_COLOUR,
                        markers=False))
    return traces


def loss_curves(epochs: list[Any], steps: list[tuple[int, float]] | None = None, *,
                steps_per_epoch: int | None = None):
    """Train and validation loss per epoch, plus the (noisier) loss of individual steps.

    Epoch 0 is the loss before any training. Step `s` (counted from the start of training) is
    placed at epoch s / steps_per_epoch so both kinds of points share the epoch axis; without
    `steps_per_epoch` it is worked out from the last step and the last finished epoch.
    """
    return _figure(loss_traces(epochs, steps, steps_per_epoch=steps_per_epoch),
                   "Loss (lower is better)", "Loss")


def _step_positions(steps, epochs, steps_per_epoch):
    ordered = sorted(steps, key=lambda p: p[0])
    if not steps_per_epoch:
        last_epoch = max((r.epoch for r in epochs), default=0)
        last_step = ordered[-1][0] if ordered else 0
        # Before the first epoch ends there is no ratio to go by: one epoch per last step.
        steps_per_epoch = max(1, round(last_step / last_epoch)) if last_epoch else max(1, last_step)
    return decimate([s / steps_per_epoch for s, _ in ordered], [v for _, v in ordered])


def _metric_title(metric_name: str) -> tuple[str, str]:
    title = _METRIC_TITLES.get(metric_name, metric_name)
    return title, (title.lower() if metric_name == "accuracy" else title)


def metric_traces(epochs: list[Any], metric_name: str) -> list[dict]:
    """The metric chart's traces as plain dicts (see `loss_traces`)."""
    _title, word = _metric_title(metric_name)
    return [_line(f"training {word}", *_series(epochs, "train_metric"), _TRAIN_COLOUR,
                  markers=False),  # see loss_traces
            _line(f"validation {word}", *_series(epochs, "val_metric"), _VAL_COLOUR,
                  markers=False)]


def metric_curve(epochs: list[Any], metric_name: str):
    """Training and validation value of the task metric (accuracy or R²) per epoch."""
    title, _word = _metric_title(metric_name)
    # Accuracy lives in [0, 1]; a fixed axis stops the chart from exaggerating 0.1 % wiggles.
    y_range = [0, 1.02] if metric_name == "accuracy" else None
    return _figure(metric_traces(epochs, metric_name), f"{title} (higher is better)", title,
                   y_range=y_range)


def plain(text: str) -> str:
    """User text for a legend: plotly reads a few HTML tags in labels, so none may get through."""
    return str(text).replace("<", "‹").replace(">", "›")


def overlay(runs_epochs: dict[str, list[Any]], field: str, *, title: str | None = None,
            y_range: list[float] | None = None):
    """One line per run for one EpochRow field (e.g. "val_loss"), to compare runs.

    Each run's rows are EpochRows or columns {"epoch": [...], field: [...]} in epoch order."""
    traces = [_line(plain(label), *_series(rows, field), _PALETTE[i % len(_PALETTE)])
              for i, (label, rows) in enumerate(runs_epochs.items())]
    label = _FIELD_TITLES.get(field, field)
    fig = _figure(traces, title or label, label, y_range=y_range)
    fig.update_layout(showlegend=True)  # even for one run: the legend says which run it is
    return fig


def overlay_panels(runs_epochs: dict[str, list[Any]],
                   panels: list[tuple[str, str, list[float] | None]], *,
                   template: dict | None = None):
    """Several EpochRow fields side by side in ONE figure, one line per run in each panel.

    `panels` is [(field, title, y_range or None), ...]. A run has one colour and one legend entry
    for all panels, so clicking it hides or shows it everywhere. One figure instead of one per
    field also draws in half the time in the browser (plotly's cost is mostly per chart: two
    20-run charts took 0.30 s, the same panels in one figure 0.15 s). `template` (e.g.
    `core.plots.look.streamlit_look()`) replaces plotly's default look."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[t for _, t, _ in panels],
                        horizontal_spacing=0.08)
    for col, (field, title, y_range) in enumerate(panels, start=1):
        for i, (label, rows) in enumerate(runs_epochs.items()):
            name = plain(label)
            # float32: the browser copies the whole figure twice while drawing it, so half the
            # bytes is a shorter draw (the overlay of 20 runs: 0.3 MB instead of 0.6 MB)
            xs, ys = extremes(*_series(rows, field))
            trace = _as_arrays(_line(name, xs, ys, _PALETTE[i % len(_PALETTE)]), "float32")
            fig.add_trace({**trace, "legendgroup": name, "showlegend": col == 1}, row=1, col=col)
        fig.update_xaxes(title_text="Epoch", rangemode="tozero", row=1, col=col)
        fig.update_yaxes(title_text=title.split(" (")[0],  # "Validation accuracy"
                         range=y_range, row=1, col=col)
    fig.update_layout(height=420, margin={"l": 50, "r": 10, "t": 40, "b": 10}, showlegend=True,
                      legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
                      hovermode="x unified", uirevision="keep")
    if template is not None:
        fig.update_layout(template=template)
    return fig


_FIELD_TITLES = {
    "train_loss": "Training loss", "val_loss": "Validation loss (lower is better)",
    "train_metric": "Training metric", "val_metric": "Validation metric (higher is better)",
    "lr": "Learning rate", "elapsed_s": "Seconds since start",
}
