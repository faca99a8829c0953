"""Training-curve figures: right traces, right lengths, gaps for missing values, decimation."""
import math

import pytest

from core.plots.training import (MAX_POINTS, decimate, loss_curves, loss_traces, metric_curve,
                                 metric_traces, overlay)
from core.runs import EpochRow


def row(epoch, train_loss=1.0, val_loss=1.1, train_metric=0.5, val_metric=0.4):
    return EpochRow(epoch=epoch, train_loss=train_loss, val_loss=val_loss,
                    train_metric=train_metric, val_metric=val_metric, lr=1e-3,
                    elapsed_s=float(epoch), extra={})


def pts(values):
    """A figure's x or y as plain values; NaN (how the figure stores a gap) as None."""
    return [None if v is None or math.isnan(v) else float(v) for v in values]


def trace(fig, name):
    [t] = [t for t in fig.data if t.name == name]
    return t


def test_loss_curves_one_point_per_epoch_in_epoch_order():
    rows = [row(e, train_loss=1 / (e + 1), val_loss=1.5 / (e + 1)) for e in (2, 0, 1, 3)]
    fig = loss_curves(rows)
    train, val = trace(fig, "training loss"), trace(fig, "validation loss")
    assert pts(train.x) == [0, 1, 2, 3]
    assert pts(train.y) == [1 / (e + 1) for e in range(4)]
    assert pts(val.y) == [1.5 / (e + 1) for e in range(4)]
    assert not any(t.name == "loss per step" for t in fig.data)  # no steps given


def test_diverged_values_are_gaps_not_zeros():
    rows = [row(0), row(1, train_loss=float("nan"), val_loss=None),
            row(2, train_loss=float("inf"), val_metric=float("nan"))]
    fig = loss_curves(rows)
    assert pts(trace(fig, "training loss").y) == [1.0, None, None]
    assert pts(trace(fig, "validation loss").y) == [1.1, None, 1.1]
    assert trace(fig, "training loss").connectgaps is False
    assert pts(metric_curve(rows, "accuracy").data[1].y) == [0.4, 0.4, None]


def test_step_losses_share_the_epoch_axis():
    rows = [row(0), row(1), row(2)]
    steps = [(s, 2.0 - s / 10) for s in range(1, 11)]  # 5 steps per epoch, 2 epochs
    fig = loss_curves(rows, steps)
    step = trace(fig, "loss per step")
    assert pts(step.x) == [s / 5 for s in range(1, 11)]  # inferred: 10 steps / 2 epochs
    assert pts(step.y) == [v for _, v in steps]
    explicit = trace(loss_curves(rows, steps, steps_per_epoch=10), "loss per step")
    assert pts(explicit.x) == [s / 10 for s in range(1, 11)]


def test_long_series_are_decimated_and_keep_their_gaps():
    n = 10 * MAX_POINTS
    ys = [float(i) for i in range(n)]
    ys[:20] = [None] * 20  # the first bucket (10 values) and the second one are all missing
    xs, out = decimate(list(range(n)), ys)
    assert len(xs) == len(out) == MAX_POINTS
    assert out[0] is None and out[1] is None
    assert xs[-1] == n - 1  # the line still ends at the latest point
    assert out[-1] == sum(range(n - 10, n)) / 10  # bucket mean, computed by hand
    fig = loss_curves([row(e) for e in range(3)], [(s, 1.0) for s in range(1, n + 1)])
    assert len(trace(fig, "loss per step").x) == MAX_POINTS


def test_metric_curve_titles_and_range():
    rows = [row(e, train_metric=0.5 + e / 10, val_metric=0.45 + e / 10) for e in range(3)]
    acc = metric_curve(rows, "accuracy")
    assert [t.name for t in acc.data] == ["training accuracy", "validation accuracy"]
    assert pts(acc.data[0].y) == [0.5, 0.6, 0.7]
    assert tuple(acc.layout.yaxis.range) == (0, 1.02)
    r2 = metric_curve(rows, "r2")
    assert r2.layout.yaxis.title.text == "R²" and r2.layout.yaxis.range is None


def test_overlay_one_trace_per_run():
    runs = {"run-1": [row(e, val_loss=1 - e / 10) for e in range(4)],
            "run-2": [row(e, val_loss=math.nan if e == 1 else 2.0) for e in range(2)]}
    fig = overlay(runs, "val_loss")
    assert [t.name for t in fig.data] == ["run-1", "run-2"]
    assert pts(fig.data[0].y) == [1.0, 0.9, 0.8, 0.7]
    assert pts(fig.data[1].y) == [2.0, None]
    assert fig.data[0].line.color != fig.data[1].line.color
    assert overlay({"run-1": runs["run-1"]}, "val_loss").layout.showlegend is True


def test_overlay_labels_cannot_carry_html():
    fig = overlay({"<b>run</b><a href='x'>": [row(0)]}, "val_loss")
    assert "<" not in fig.data[0].name and ">" not in fig.data[0].name
    assert "run" in fig.data[0].name


def test_live_traces_are_the_figures_traces():
    """The Train page sends these plain dicts for new points: they must be the figure's traces
    (same names, same points), or appended points would land on the wrong line."""
    rows = [row(e, train_loss=1 / (1 + e), val_metric=0.1 * e) for e in range(4)]
    steps = [(s, 2.0 / s) for s in range(1, 9)]
    for traces, fig in ((loss_traces(rows, steps, steps_per_epoch=2),
                         loss_curves(rows, steps, steps_per_epoch=2)),
                        (metric_traces(rows, "accuracy"), metric_curve(rows, "accuracy"))):
        assert [t["name"] for t in traces] == [t.name for t in fig.data]
        for t, f in zip(traces, fig.data):
            assert list(t["x"]) == pts(f.x) and list(t["y"]) == pts(f.y)
            # Lines only, even for a short run: markers made each live redraw 30 % dearer.
            assert t["mode"] == f.mode == "lines"


def test_overlay_panels_one_legend_entry_and_colour_per_run():
    from core.plots.training import overlay_panels

    runs = {"first": [row(e, val_loss=1 / (1 + e), val_metric=0.1 * e) for e in range(3)],
            "second <b>": [row(e, val_loss=None, val_metric=0.5) for e in range(2)]}
    fig = overlay_panels(runs, [("val_loss", "Validation loss", None),
                                ("val_metric", "Validation accuracy", [0, 1.02])])
    left = [t for t in fig.data if t.xaxis == "x"]
    right = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.name for t in left] == [t.name for t in right] == ["first", "second ‹b›"]
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    assert [t.line.color for t in left] == [t.line.color for t in right]
    # float32 on the wire: 7 significant digits, more than a hover label's 4
    assert pts(left[0].y) == pytest.approx([1.0, 0.5, 1 / 3], rel=1e-6)
    assert pts(left[1].y) == [None, None]
    assert pts(right[0].y) == pytest.approx([0.0, 0.1, 0.2], rel=1e-6)
    assert {t.y.dtype.name for t in fig.data} == {t.x.dtype.name for t in fig.data} == {"float32"}
    assert tuple(fig.layout.yaxis2.range) == (0, 1.02)


# What Streamlit 1.67's chart theme gives a figure (read from its frontend, PlotlyChart's
# CustomTheme, and from a themed chart's layout in the browser): (text, legend text, background,
# grid lines, hover border) for its light and dark themes.
STREAMLIT_THEME = {"light": ("#808495", "#262730", "#FFFFFF", "#e6eaf1", "#DCD8D4"),
                   "dark": ("#e6eaf1", "#fafafa", "#171614", "#31333F", "#4A4742")}


@pytest.mark.parametrize("kind", ["light", "dark"])
def test_overlay_panels_carry_streamlits_look(kind):
    from core.plots.look import streamlit_look
    from core.plots.training import overlay_panels

    runs = {"first": [row(e) for e in range(3)]}
    fig = overlay_panels(runs, [("val_loss", "Validation loss", None),
                                ("val_metric", "Validation accuracy", None)],
                         template=streamlit_look(kind))
    text, legend, bg, grid, hover_border = STREAMLIT_THEME[kind]
    look = fig.layout.template.layout
    assert look.font.family == '"Source Sans", sans-serif' and look.font.size == 12
    assert look.font.color == look.xaxis.tickfont.color == look.yaxis.title.font.color == text
    assert look.legend.font.color == legend and look.legend.font.size == 12
    assert look.paper_bgcolor == look.plot_bgcolor == look.hoverlabel.bgcolor == bg
    assert look.yaxis.gridcolor == look.yaxis.zerolinecolor == look.xaxis.tickcolor == grid
    assert look.hoverlabel.bordercolor == hover_border
    assert look.xaxis.showgrid is False and look.xaxis.zeroline is False
    assert (look.xaxis.title.standoff, look.yaxis.title.standoff, look.margin.pad) == (20, 24, 8)
    assert look.xaxis.title.font.size == look.yaxis.title.font.size == 14
    # the figure's own layout still wins where it sets something (the legend under the chart)
    assert fig.layout.legend.orientation == "h" and fig.layout.margin.l == 50


def test_streamlit_look_is_light_until_the_browser_says_dark():
    from core.plots.look import streamlit_look

    assert streamlit_look(None) == streamlit_look("light") != streamlit_look("dark")


def test_extremes_keeps_real_points_spikes_gaps_and_the_last_point():
    from core.plots.training import extremes

    xs = list(range(500))
    ys = [1.0 / (1 + x) for x in xs]
    ys[123] = 9.0  # one spike
    ys[300:320] = [None] * 20  # a gap
    kx, ky = extremes(xs, ys, 100)
    assert len(kx) <= 101 and kx == sorted(kx)
    assert all(y is None or y == ys[x] for x, y in zip(kx, ky))  # true values, not averages
    assert (123, 9.0) in zip(kx, ky)
    assert any(y is None and 300 <= x < 320 for x, y in zip(kx, ky))
    assert kx[-1] == 499 and ky[-1] == ys[499]
    assert extremes(xs[:50], ys[:50], 100) == (xs[:50], ys[:50])  # short series untouched
