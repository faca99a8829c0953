"""The explanation charts draw what the stored explanation says."""
import numpy as np
import pytest

from core.audit.explain import explain_model
from core.plots import explain as px


@pytest.fixture(scope="module")
def result(two_feature):
    bundle, data, model = two_feature
    return explain_model(model, bundle, data, rows=15, lime_rows=2)


def test_tabular_charts(result):
    rec = next(r for r in result["rows"] if r["lime"] is not None)
    wf = px.waterfall(result, rec).data[0]
    # the waterfall walks from the base to this row's output: base + relative steps = output
    steps = [x for x, m in zip(wf.x, wf.measure) if m == "relative"]
    assert wf.base + sum(steps) == pytest.approx(rec["output"], abs=1e-6)
    assert len(px.beeswarm(result).data) == 6
    assert px.dependence(result, "colour").data[0].type == "box"
    assert px.dependence(result, "x1").data[0].type == "scatter"
    lime = px.lime_bar(result, rec).data[0]
    assert max(abs(v) for v in lime.x) == pytest.approx(max(abs(v) for v in rec["lime"]))
    bars = px.importance_bar(result).data[0]
    assert list(bars.y)[::-1] == [g["feature"] for g in result["global"]]


def test_sequence_view_maps_windows_to_steps():
    rec = {"input": [[float(i)] for i in range(20)], "pixels": [[0.1]] * 20,
           "lime": list(np.arange(10, dtype=float))}
    fig = px.sequence_view({"units": []}, rec)
    lime = fig.data[2]
    assert list(lime.y[:4]) == [0.0, 0.0, 1.0, 1.0] and len(lime.y) == 20
