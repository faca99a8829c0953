"""Digits get pixel heatmaps and LIME superpixel weights; an LSTM falls back to GradientExplainer."""
import numpy as np

from core.audit.explain import explain_model
from core.build import build_model
from core.data import default_ref, load, prepare
from core.spec import get_preset

from .conftest import fit


def test_digits_heatmaps_and_superpixels():
    bundle = load(default_ref("digits"))
    data = prepare(bundle)
    model = build_model(get_preset("lenet_cnn"), data.input_shape, data.task, data.n_outputs)
    model = fit(model, data.X_train, data.y_train, data.task, epochs=12, lr=0.01)
    res = explain_model(model, bundle, data, rows=12, lime_rows=1)
    assert res["explainer"] == "deep" and res["additivity_error"] < 1e-4
    assert len(res["units"]) == 16 and res["units"][0] == "rows 1-2, columns 1-2"
    rec = next(r for r in res["rows"] if r["lime"] is not None)
    assert np.array(rec["pixels"]).shape == (8, 8) and np.array(rec["input"]).shape == (8, 8)
    assert len(rec["lime"]) == 16
    # the pixel map sums to the block attributions, and to output - base
    assert abs(np.sum(rec["pixels"]) - sum(rec["shap"])) < 1e-6
    assert abs(rec["base"] + np.sum(rec["pixels"]) - rec["output"]) < 1e-4
    assert set(res["heatmaps"]) <= set(data.classes) and len(res["heatmaps"]) >= 2
    assert all(np.array(m).shape == (8, 8) for m in res["heatmaps"].values())


def test_lstm_uses_the_explainer_that_works_and_says_which():
    bundle = load(default_ref("waves", params={"n_points": 120, "seq_len": 20}))
    data = prepare(bundle)
    model = build_model(get_preset("lstm_sequence"), data.input_shape, data.task, data.n_outputs)
    model = fit(model, data.X_train, data.y_train, data.task, epochs=5, lr=0.02)
    res = explain_model(model, bundle, data, rows=4, lime_rows=1)
    assert res["explainer"] == "gradient"
    assert "DeepExplainer's attributions did not add up" in res["explainer_why"]
    assert len(res["units"]) == 10 and res["units"][0] == "steps 1-2"
    rec = res["rows"][0]
    assert np.array(rec["pixels"]).shape == (20, 1)
    assert res["agreement"]["n_rows"] == 1
