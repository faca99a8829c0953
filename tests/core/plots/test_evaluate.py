"""Evaluation charts draw exactly the numbers they are given (checked against sklearn or by hand)."""
from types import SimpleNamespace as NS

import numpy as np
import pytest
from sklearn import metrics as skm

from core.audit.evaluate import classification_report
from core.plots import evaluate as pe


@pytest.fixture
def binary_eval():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = np.clip(0.55 * y + 0.45 * rng.random(200), 0, 1)
    return y, p, classification_report(y, p, ["no", "yes"])


def test_confusion_matrix_counts_and_shares_match_sklearn(binary_eval):
    y, p, ev = binary_eval
    pred = (p >= 0.5).astype(int)
    counts = pe.confusion_matrix(ev.confusion, ev.classes)
    heat = counts.data[0]
    np.testing.assert_array_equal(np.array(heat.z), skm.confusion_matrix(y, pred))
    assert heat.text[0][0] == f"{skm.confusion_matrix(y, pred)[0, 0]:,}"
    assert list(heat.x) == ["no", "yes"] and "number of test examples" in counts.layout.title.text
    shares = pe.confusion_matrix(ev.confusion, ev.classes, normalise=True).data[0]
    np.testing.assert_allclose(np.array(shares.z), skm.confusion_matrix(y, pred, normalize="true"))
    assert shares.text[1][1] == f"{skm.confusion_matrix(y, pred, normalize='true')[1, 1]:.0%}"


def test_roc_pr_and_calibration_draw_the_curves_with_reference_lines(binary_eval):
    y, p, ev = binary_eval
    roc = pe.roc_curves(ev.curves["roc"], auc=ev.value("roc_auc"))
    guide, curve = roc.data
    assert guide.name == "guessing" and list(guide.x) == [0, 1]
    fpr, tpr, _ = skm.roc_curve(y, p)
    assert curve.x[-1] == pytest.approx(fpr[-1]) and curve.y[-1] == pytest.approx(tpr[-1])
    assert f"area {skm.roc_auc_score(y, p):.3f}" in roc.layout.title.text
    pr = pe.pr_curves(ev.curves["pr"]).data[0]
    assert pr.name == "class 'yes'" and max(pr.y) <= 1.0
    cal = pe.calibration_curves(ev.curves["calibration"])
    assert cal.data[0].name == "perfectly calibrated" and len(cal.data[1].x) == len(ev.curves["calibration"]["yes"]["x"])


def test_regression_plots_put_points_and_the_ideal_line():
    pts = {"x": [1.0, 2.0, 3.0], "y": [1.5, 1.5, 3.5]}
    fig = pe.predicted_vs_actual(pts, "price")
    guide, scatter = fig.data
    assert (list(guide.x), list(guide.y)) == ([1.0, 3.5], [1.0, 3.5])
    assert list(scatter.y) == [1.5, 1.5, 3.5] and fig.layout.xaxis.title.text == "Actual price"
    res = pe.residuals({"x": [1.5, 2.0], "y": [-0.5, 0.5]}, "price")
    assert list(res.data[0].y) == [0, 0] and list(res.data[1].y) == [-0.5, 0.5]


def stats(epochs=3):
    rows = []
    for e in range(epochs):
        rows.append(NS(epoch=e, layer="layer1_dense", grad_norm=[0.0, 1e-3, 1e-4][e], weight_norm=1.0 + e,
                       dead_fraction=0.1 * e, act_mean=0.5, act_std=0.2))
        rows.append(NS(epoch=e, layer="output", grad_norm=0.1, weight_norm=2.0, dead_fraction=None,
                       act_mean=None, act_std=None))
    return rows


def test_layer_charts_one_line_per_layer_in_forward_order():
    grad = pe.layer_chart(stats(), "grad_norm")
    assert [t.name for t in grad.data] == ["layer1_dense", "output"]
    assert grad.layout.yaxis.type == "log"
    assert list(grad.data[0].y) == [None, 1e-3, 1e-4]  # a zero gradient is a gap on a log axis
    dead = pe.layer_chart(stats(), "dead_fraction")
    assert [t.name for t in dead.data] == ["layer1_dense"]  # no ReLU after the output layer
    assert list(dead.data[0].y) == pytest.approx([0.0, 0.1, 0.2])


def test_activation_bands_are_mean_plus_minus_std():
    fig = pe.activation_bands(stats())
    upper, lower, mean = fig.data  # the output layer has no activations recorded
    assert list(mean.y) == [0.5] * 3 and mean.name == "layer1_dense"
    assert list(upper.y) == pytest.approx([0.7] * 3) and list(lower.y) == pytest.approx([0.3] * 3)
    assert lower.fill == "tonexty"


def grid(task="binary", classes=("a", "b")):
    return {"task": task, "x_column": "x1", "y_column": "x2", "x": [0.0, 1.0], "y": [0.0, 1.0],
            "z": [[0.1, 0.9], [0.2, 0.8]] if task != "multiclass" else [[0, 1], [2, 1]],
            "classes": list(classes), "target": "label", "epoch": 4,
            "points": {"x": [0.1, 0.5, 0.9], "y": [0.2, 0.4, 0.6], "label": ["a", "b", "b"]}}


def test_decision_boundary_is_a_heatmap_with_the_points_per_class():
    fig = pe.decision_boundary(grid())
    heat, pa, pb = fig.data
    assert heat.type == "heatmap" and np.array(heat.z).tolist() == [[0.1, 0.9], [0.2, 0.8]]
    assert (list(pa.x), list(pb.x)) == ([0.1], [0.5, 0.9])
    assert "epoch 4" in fig.layout.title.text
    multi = pe.decision_boundary(grid("multiclass", ("a", "b", "c"))).data[0]
    assert multi.customdata[1][0] == "c"  # hover names the class, not its id
    reg = {**grid("regression", ()), "points": {"x": [0.1, 0.9], "y": [0.2, 0.6], "label": [1.5, -0.5]}}
    heat, points = pe.decision_boundary(reg).data
    assert heat.colorbar.title.text == "label" and list(points.marker.color) == [1.5, -0.5]


def test_user_text_never_reaches_plotly_as_html():
    fig = pe.confusion_matrix([[1, 0], [0, 1]], ["<b>x</b>", "y"])
    assert "<b>" not in str(fig.data[0].x) and "‹b›x‹/b›" in fig.data[0].x


def test_checklist_charts():
    lr = pe.lr_finder_curve([1e-5, 1e-4, 1e-3, 1e-2], [0.7, 0.6, 0.3, float("nan")], 1e-3)
    curve, marker = lr.data
    assert lr.layout.xaxis.type == "log" and list(curve.y) == [0.7, 0.6, 0.3, None]
    assert list(marker.x) == [1e-3, 1e-3] and list(marker.y) == [0.3, 0.7]
    tiny = pe.tiny_batch_curve([0.7, 0.2, 0.01])
    assert list(tiny.data[0].y) == [0.7, 0.2, 0.01]
