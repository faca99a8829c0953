"""The exported ONNX pipeline answers like LayerLab: raw columns in, the same outputs out."""
import json

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from core.export import TOLERANCE, export_run, raw_feed
from core.trained import load_trained


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_pipeline_gives_layerlabs_probabilities_on_the_test_rows(store, runs, tmp_path, kind):
    manifest = export_run(store, runs[kind], tmp_path, "onnx")
    model = load_trained(store, runs[kind])
    inputs = manifest["formats"]["onnx"]["inputs"]
    # The file takes the user's raw columns, one input each, not the model's one-hot inputs.
    assert [c["name"] for c in inputs] == sorted(set(model.input_columns), key=model.input_columns.index)
    frame = model.bundle.frame.iloc[model.data.idx_test]
    got = _session(tmp_path / "model.onnx").run(None, raw_feed(frame, inputs))
    assert np.abs(got[0] - model.proba("test")).max() <= TOLERANCE
    assert (got[1] == model.labels("test")).all()
    check = json.loads((tmp_path / "manifest.json").read_text())["formats"]["onnx"]["check"]
    assert check["rows"] == len(frame) and check["max_abs_diff"] <= TOLERANCE


def test_regression_values_are_in_target_units(store, runs, tmp_path):
    manifest = export_run(store, runs["regression"], tmp_path, "onnx")
    model = load_trained(store, runs["regression"])
    frame = model.bundle.frame.iloc[model.data.idx_test]
    (values,) = _session(tmp_path / "model.onnx").run(None, raw_feed(frame, manifest["formats"]["onnx"]["inputs"]))
    assert np.abs(values - model.values("test")).max() <= TOLERANCE * model.data.y_std
    # Units, not the standardised scale: the values sit around the target's own mean.
    assert abs(values.mean() - model.data.y_mean) < model.data.y_std


def test_new_rows_with_gaps_and_unseen_categories_match_the_preprocessor(store, runs, tmp_path):
    """Rows never seen in training: a missing number, a missing and an unseen category; and
    the batch size is free (1 row, then 3)."""
    manifest = export_run(store, runs["binary"], tmp_path, "onnx")
    model = load_trained(store, runs["binary"])
    new = pd.DataFrame({"age": [np.nan, 33.0, 61.0], "job": ["pilot", None, "astronaut"],
                        "grade": [2, 3, 1], "hours": [40.0, 12.5, 60.0]})
    inputs = manifest["formats"]["onnx"]["inputs"]
    session = _session(tmp_path / "model.onnx")
    from core.data import category_text

    prepped = pd.DataFrame({"age": new["age"], "hours": new["hours"],
                            "job": category_text(new["job"]), "grade": category_text(new["grade"])})
    X = model.data.preprocessor.transform(prepped).astype(np.float32)  # LayerLab's own path
    expected = model.proba(X)
    assert np.abs(session.run(None, raw_feed(new, inputs))[0] - expected).max() <= TOLERANCE
    assert np.abs(session.run(None, raw_feed(new.iloc[:1], inputs))[0] - expected[:1]).max() <= TOLERANCE


def test_image_run_exports_the_network_with_its_layout(store, runs, tmp_path):
    manifest = export_run(store, runs["image"], tmp_path, "onnx")
    model = load_trained(store, runs["image"])
    assert manifest["formats"]["onnx"]["inputs"][0]["shape"] == ["batch", 1, 8, 8]
    assert "divided by 16" in manifest["input_note"]
    got = _session(tmp_path / "model.onnx").run(None, {"input": model.data.X_test[:5]})
    assert np.abs(got[0] - model.proba(model.data.X_test[:5])).max() <= TOLERANCE
    assert "onnxruntime" in (tmp_path / "README.md").read_text()


@pytest.mark.parametrize("preset", ["lstm_sequence", "tiny_transformer"])
def test_sequence_networks_export_with_a_free_batch(preset):
    """Recurrent and attention layers have ONNX forms too; any batch size goes through."""
    import torch

    from core.build import build_model
    from core.export import network_onnx
    from core.spec import get_preset

    torch.manual_seed(0)
    net = build_model(get_preset(preset), (50, 1), "multiclass", 3, "cpu").eval()
    session = ort.InferenceSession(network_onnx(net, (50, 1), "multiclass", "run-x").SerializeToString())
    x = np.random.default_rng(0).random((5, 50, 1), dtype=np.float32)
    with torch.no_grad():
        expected = torch.softmax(net(torch.from_numpy(x)), dim=1).numpy()
    for rows in (1, 5):
        assert np.abs(session.run(None, {"input": x[:rows]})[0] - expected[:rows]).max() <= TOLERANCE


def test_an_operation_onnx_cannot_express_is_named():
    """A network using an operation with no ONNX form (eigenvalues) gets the message, not a trace."""
    import torch

    from core.errors import LayerLabError
    from core.export import NO_ONNX_FORM, ONNX_CANNOT_EXPRESS, network_onnx

    class Eigen(torch.nn.Module):
        def forward(self, x):  # (batch, 4) -> (batch, 1)
            m = x.reshape(-1, 2, 2)
            return torch.linalg.eigvals(m).real.sum(dim=1, keepdim=True)

    with pytest.raises(LayerLabError) as e:
        network_onnx(Eigen(), (4,), "regression", "run-x")
    assert str(e.value) == ONNX_CANNOT_EXPRESS.format(
        run_id="run-x", why=NO_ONNX_FORM.format(op="aten.linalg_eig"))
