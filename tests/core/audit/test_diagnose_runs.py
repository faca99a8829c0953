"""Each diagnosis on a small real run built to trigger it, and a healthy run with no alarm.

Runs are trained in this process (create_run + train_run: the loop a worker runs), then
evaluated and diagnosed exactly as the Evaluate page and `python -m core evaluate` do.
"""
import json

import numpy as np

from core.audit.diagnose import diagnose_run
from core.audit.evaluate import evaluate_run
from core.data import DatasetRef, default_ref, ingest_csv
from core.runs import open_store
from core.spec import get_preset
from core.spec._schema import ModelSpec
from core.train import TrainConfig, default_config, train_run
from core.data import prepared
from core.train._submit import create_run

MOONS = DatasetRef(name="moons")


def _diagnose(dataset, spec, config):
    store = open_store()
    run = train_run(store, create_run(store, dataset, spec, config))
    evaluation = evaluate_run(store, run.id) if run.checkpoint_path else None
    findings = diagnose_run(store, run.id, evaluation)
    saved = store.get_audit(run.id, "diagnosis")
    # Kept with the run for the model card (as JSON: tuples come back as lists).
    assert saved == json.loads(json.dumps({"findings": [f.as_dict() for f in findings]}))
    return run, {f.kind: f for f in findings}


def _spec(*layers):
    return ModelSpec.model_validate({"name": "test", "layers": list(layers)})


def _mlp():
    return get_preset("walkthrough_mlp")


def test_healthy_walkthrough_mlp_on_moons_raises_no_alarm():
    n_train = len(prepared(MOONS)[1].X_train)
    run, found = _diagnose(MOONS, _mlp(), default_config("binary", n_rows=n_train))
    assert run.status == "finished" and run.test_metrics["accuracy"] > 0.85
    assert found == {}


def test_deep_sigmoid_stack_shows_vanishing_gradients():
    _, found = _diagnose(MOONS, get_preset("deep_sigmoid"), TrainConfig(epochs=3, batch_size=64))
    f = found["vanishing_gradients"]
    assert f.layers[0] == "layer1_dense" and "output" not in f.layers
    assert f.evidence.startswith("The gradient reaching layer1_dense is ")


def test_tiny_learning_rate_is_too_low_and_underfits():
    _, found = _diagnose(MOONS, _mlp(), TrainConfig(lr=1e-6, epochs=5, batch_size=64))
    assert {"lr_too_low", "underfitting", "no_better_than_baseline"} <= set(found)
    assert found["lr_too_low"].evidence.startswith("The training loss moved only ")


def test_huge_learning_rate_diverges():
    run, found = _diagnose(MOONS, _mlp(), TrainConfig(lr=1e3, epochs=3, batch_size=64))
    assert run.status == "diverged" and set(found) == {"diverged"}


def test_too_high_sgd_learning_rate_spikes_the_loss_and_kills_relu_units():
    run, found = _diagnose(MOONS, _mlp(), TrainConfig(optimizer="sgd", lr=6.0, epochs=5, batch_size=32))
    assert run.status == "finished"
    assert "jumped to" in found["lr_too_high"].evidence
    assert found["dead_units"].layers == ["layer2_dense"]
    assert "vanishing_gradients" not in found  # dead units explain the tiny gradients


def test_big_model_on_a_small_noisy_set_overfits():
    small_noisy = DatasetRef(name="moons", params={"n_points": 200, "noise": 0.5})
    big = _spec({"type": "Dense", "units": 512}, {"type": "Dense", "units": 512})
    _, found = _diagnose(small_noisy, big, TrainConfig(lr=1e-2, epochs=15, batch_size=32))
    f = found["overfitting"]
    start, end = f.epochs
    assert 1 <= start < end == 15 and f"lowest at epoch {start}" in f.evidence


def test_heavy_l2_underfits():
    _, found = _diagnose(MOONS, _mlp(), TrainConfig(l2=1.0, lr=1e-2, epochs=5, batch_size=64))
    assert "no lower than the 0.693 of predicting the class shares" in found["underfitting"].evidence


def test_adult_shows_class_imbalance():
    ref = default_ref("adult")
    y = prepared(ref)[1].y_train
    share = float(np.mean(y == 1))  # '>50K' is class 1
    _, found = _diagnose(ref, _mlp(), TrainConfig(epochs=1, batch_size=1024))
    assert f"Only {share:.1%} of the training examples are '>50K'" in found["class_imbalance"].evidence
    assert 0.2 < share < 0.3


def test_a_column_copying_the_target_is_flagged_as_leakage():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    rows = [f"{a:.3f},{b:.3f},{c},{'yes' if c else 'no'}"
            for a, b, c in zip(rng.normal(size=300), rng.normal(size=300), y)]
    ref = ingest_csv("\n".join(["x1,x2,outcome_code,outcome", *rows]).encode(), "leaky.csv")
    _, found = _diagnose(ref, _mlp(), TrainConfig(lr=1e-2, epochs=4, batch_size=32))
    assert found["possible_leakage"].evidence.startswith(
        "The column 'outcome_code' alone decides the target in every training row.")


def test_deep_linear_stack_with_kaiming_init_explodes_gradients():
    deep = _spec(*[{"type": "Dense", "units": 32, "activation": "none"}] * 26)
    _, found = _diagnose(MOONS, deep, TrainConfig(init="kaiming", epochs=2, batch_size=64))
    f = found["exploding_gradients"]
    assert "above 1000" in f.evidence and "layer1_dense" in f.layers
