"""Every bad input gets a message that names the problem and the way out (text compared)."""
import numpy as np
import pandas as pd
import pytest

from core.audit.stress import StressSettings, attack_space, stress_model, stress_run
from core.audit.stress._run import resolve_device
from core.data import ingest_csv, load, prepare
from core.errors import LayerLabError
from core.runs import open_store
from core.trained import load_network
from core.data import prepared


def _model_and_data(run_fixture):
    store, run_id = run_fixture
    run = store.get_run(run_id)
    bundle, data = prepared(run.dataset)
    return load_network(run, store), bundle, data


def test_a_failed_run_is_refused():
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    store.set_status(rid, "failed", error="Training diverged")
    with pytest.raises(LayerLabError) as err:
        stress_run(store, rid)
    assert str(err.value) == (f"Run {rid} is failed: Training diverged. Only a finished run can "
                              "be stress tested; train it to the end first.")


@pytest.mark.parametrize("strengths, message", [
    ([0, -0.1], "The strength ε = -0.1 is negative; ε is the size of a change and must be 0 or more."),
    ([0, 50], "The strength ε = 50 is too large for tabular data (at most 5): a change that big is "
              "no longer a small perturbation. Use values between 0 and 0.5."),
    ([float("nan")], "The strength ε = nan is not a number; give values such as 0, 0.1, 0.2."),
])
def test_negative_absurd_or_missing_strengths(adult_run, strengths, message):
    model, bundle, data = _model_and_data(adult_run)
    with pytest.raises(LayerLabError) as err:
        stress_model(model, bundle, data, StressSettings(strengths=strengths, n_rows=50))
    assert str(err.value) == message


def test_unknown_attack_and_wrong_corruption(adult_run):
    model, bundle, data = _model_and_data(adult_run)
    with pytest.raises(LayerLabError, match="Unknown attack 'cw'; choose from fgsm, pgd_linf, pgd_l2."):
        stress_model(model, bundle, data, StressSettings(attacks=["cw"], n_rows=50))
    with pytest.raises(LayerLabError) as err:
        stress_model(model, bundle, data, StressSettings(corruptions=["blur"], n_rows=50))
    assert str(err.value) == ("The corruption 'blur' does not apply to tabular data; choose from "
                              "noise, flip, missing.")


def test_locking_every_column_or_every_numeric_column(adult_run):
    _, bundle, data = _model_and_data(adult_run)
    every = list(dict.fromkeys(data.feature_columns))
    with pytest.raises(LayerLabError) as err:
        attack_space(bundle, data, every)
    assert str(err.value) == ("Every input column is locked, so an attack has nothing to move. "
                              "Unlock at least one numeric column.")
    numeric = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
    with pytest.raises(LayerLabError) as err:
        attack_space(bundle, data, numeric)
    assert str(err.value).startswith("No numeric column is left to attack: 'age', 'capital-gain'")
    with pytest.raises(LayerLabError) as err:
        attack_space(bundle, data, ["salary"])
    assert str(err.value).startswith("Cannot lock 'salary': not a model input. Model inputs: 'age'")


def test_categorical_only_inputs_are_not_differentiable():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"colour": rng.choice(["red", "blue", "green"], 120),
                          "size": rng.choice(["S", "M", "L"], 120),
                          "label": rng.choice(["yes", "no"], 120)})
    bundle = load(ingest_csv(frame.to_csv(index=False).encode(), "shop.csv"))
    with pytest.raises(LayerLabError) as err:
        attack_space(bundle, prepare(bundle))
    assert str(err.value) == (
        "This model has no numeric inputs: all its inputs are one-hot categories, which a "
        "gradient attack cannot move by a small amount (the one-hot encoding is not "
        "differentiable). Use the category-flip corruption instead.")


def test_gpu_requests_on_a_cpu_only_server(digits_run, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(LayerLabError) as err:
        resolve_device("cuda")
    assert str(err.value) == ("The stress test was asked to run on 'cuda', but this server has no "
                              "usable CUDA GPU; choose 'auto' or 'cpu' (the results are the same).")
    store, run_id = digits_run
    store.update_run(run_id, device="cuda")  # as if trained on a GPU elsewhere
    try:
        result = stress_run(store, run_id, StressSettings(attacks=["fgsm"], corruptions=[],
                                                          strengths=[0, 0.1], n_rows=50))
    finally:
        store.update_run(run_id, device="cpu")
    assert result["device"] == "cpu"
    assert result["notes"][0] == ("This run was trained on a GPU; this server has none, so the "
                                  "stress test ran on the CPU (same numbers, only slower).")
