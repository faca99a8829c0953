"""Safetensors weights and JSON preprocessing rebuild the same model, by hand and without pickle."""
import json

import numpy as np
import torch
from safetensors.torch import load_file

from core.build import build_model
from core.export import export_run
from core.spec import ModelSpec
from core.trained import load_trained


def test_weights_and_spec_rebuild_the_network(store, runs, tmp_path):
    export_run(store, runs["binary"], tmp_path, "safetensors")
    model = load_trained(store, runs["binary"])
    spec = ModelSpec.model_validate(json.loads((tmp_path / "spec.json").read_text()))
    pre = json.loads((tmp_path / "preprocessing.json").read_text())
    net = build_model(spec, tuple(pre["input_shape"]), pre["task"], 1, "cpu")
    net.load_state_dict(load_file(str(tmp_path / "weights.safetensors")), strict=True)
    with torch.no_grad():
        p = torch.sigmoid(net.eval()(torch.from_numpy(model.data.X_test))[:, 0]).numpy()
    assert np.allclose(p, model.proba("test"), atol=1e-6)
    assert json.loads((tmp_path / "config.json").read_text())["epochs"] == model.run.config["epochs"]
    assert not (tmp_path / "model.onnx").exists()


def test_preprocessing_json_applied_by_hand_gives_the_model_inputs(store, runs, tmp_path):
    export_run(store, runs["binary"], tmp_path, "safetensors")
    model = load_trained(store, runs["binary"])
    pre = json.loads((tmp_path / "preprocessing.json").read_text())
    frame = model.bundle.frame.iloc[model.data.idx_test]
    cols = []
    for num in pre["numeric"]:
        v = frame[num["column"]].to_numpy(dtype=np.float64)
        v = np.where(np.isnan(v), num["median"], v)
        cols.append(((v - num["mean"]) / num["scale"])[:, None])
    from core.data import category_text

    for cat in pre["categorical"]:
        text = category_text(frame[cat["column"]]).to_numpy()
        cols.append(np.stack([(text == c) for c in cat["categories"]], axis=1).astype(float))
    X = np.hstack(cols)
    assert X.shape[1] == len(pre["model_inputs"])
    assert np.allclose(X, model.data.X_test, atol=1e-5)


def test_pt2_program_answers_like_layerlab_on_model_inputs(store, runs, tmp_path):
    manifest = export_run(store, runs["regression"], tmp_path, "pt2")
    model = load_trained(store, runs["regression"])
    program = torch.export.load(str(tmp_path / "model.pt2")).module()
    with torch.no_grad():
        values = program(torch.from_numpy(model.data.X_test[:7])).numpy()  # any batch size
    assert np.abs(values - model.values("test")[:7]).max() <= 1e-4 * model.data.y_std
    assert manifest["formats"]["pt2"]["check"]["max_abs_diff"] <= 1e-4 * model.data.y_std
    assert "torch.export.load" in (tmp_path / "README.md").read_text()
