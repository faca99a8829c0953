"""Every bad input gets a clear message (compared as text)."""
import pytest
import torch

from core.audit.explain import explain_model, explain_run, find_row
from core.audit.explain import _run as run_mod
from core.build import build_model
from core.data import ingest_csv, load, prepare
from core.errors import LayerLabError
from core.runs import open_store
from core.spec import get_preset


def test_failed_run_and_run_without_checkpoint():
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    with pytest.raises(LayerLabError) as err:
        explain_run(store, rid)
    assert str(err.value) == (f"Run {rid} has no checkpoint yet (status: queued), so there is nothing "
                              "to explain. Wait until it has trained at least one epoch.")
    store.update_run(rid, status="failed", error="out of memory")
    with pytest.raises(LayerLabError) as err:
        explain_run(store, rid)
    assert str(err.value) == (f"Run {rid} failed (out of memory), so there is no trained model to "
                              "explain. Train it again, or pick a finished run.")


def test_one_feature_dataset():
    rows = "".join(f"{(i * 7) % 10 / 4},{i % 2}\n" for i in range(60))  # repeats: not an id
    bundle = load(ingest_csv(("x,y\n" + rows).encode(), "one.csv"))
    data = prepare(bundle)
    with pytest.raises(LayerLabError) as err:
        explain_model(None, bundle, data)
    assert str(err.value) == ("This dataset has only one input column ('x'), so every prediction is due "
                              "to it and there is nothing to compare. Explanations need at least 2 "
                              "input columns.")


def test_row_out_of_range(two_feature):
    bundle, data, model = two_feature
    n = len(data.X_test)
    msg = f"Row {n} is out of range: the test split has {n} rows, numbered 0 to {n - 1}. Pick a row in that range."
    with pytest.raises(LayerLabError) as err:
        explain_model(model, bundle, data, rows=5, include=[n])
    assert str(err.value) == msg
    with pytest.raises(LayerLabError) as err:
        find_row({"n_test": n, "rows": []}, n)
    assert str(err.value) == msg


def test_constant_model(two_feature):
    bundle, data, _ = two_feature
    model = build_model(get_preset("walkthrough_mlp"), data.input_shape, data.task, data.n_outputs)
    with torch.no_grad():
        model.output.weight.zero_()
        model.output.bias.fill_(0.4)
    with pytest.raises(LayerLabError) as err:
        explain_model(model.eval(), bundle, data, rows=20)
    p = torch.sigmoid(torch.tensor(0.4)).item()
    assert str(err.value) == (f"The model gives the same output ({p:.4g}) for every row, so no input "
                              "changes its answer and there is nothing to explain. Train it longer or "
                              "check that it learned (see its learning curves).")


def test_many_one_hot_inputs_are_grouped_and_said(two_feature, monkeypatch):
    bundle, data, model = two_feature
    monkeypatch.setattr(run_mod, "MAX_INPUTS", 5)  # 8 inputs here stand for 5,000 elsewhere
    res = explain_model(model, bundle, data, rows=10, lime_rows=1)
    assert res["notices"] == ["The model has 8 inputs, most of them one-hot categories; they are "
                              "explained grouped into their 6 original columns (the SHAP values of a "
                              "column's inputs are summed, and LIME perturbs whole columns)."]
    assert len(res["global"]) == 6
