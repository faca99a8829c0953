"""Comparing runs: the metric table with its differences, and what changed in plain words."""
import pytest

from core.audit.compare import compare_runs, describe_changes
from core.errors import LayerLabError
from core.runs import EpochRow, open_store
from core.spec import get_preset
from core.train import TrainConfig


def _spec(*layers):
    return {"schema_version": 1, "name": "m", "layers": list(layers)}


DENSE = lambda units, act="relu": {"type": "Dense", "units": units, "activation": act}  # noqa: E731


def _run(store, *, dataset=None, spec=None, config=None, val_losses=(), test=None, best=None):
    rid = store.create_run(name="r", dataset=dataset or {"name": "moons", "params": {}},
                           dataset_hash="h", spec=spec or _spec(DENSE(128), DENSE(64)),
                           config=(config or TrainConfig()).model_dump(mode="json"), task="binary")
    for i, v in enumerate(val_losses):
        store.add_epoch(rid, EpochRow(epoch=i, train_loss=v, val_loss=v, val_metric=1 - v))
    store.update_run(rid, test_metrics=test or {}, best_val_loss=best[0], best_val_metric=best[1])
    return rid


def test_table_marks_the_best_run_and_differences_from_the_first():
    store = open_store()
    a = _run(store, val_losses=[0.7, 0.4, 0.3], test={"loss": 0.30, "accuracy": 0.86},
             best=(0.30, 0.87))
    b = _run(store, config=TrainConfig(lr=0.01), val_losses=[0.7, 0.3, 0.2, 0.25],
             test={"loss": 0.22, "accuracy": 0.91}, best=(0.20, 0.92))
    out = compare_runs(store, [a, b])
    rows = {r["key"]: r for r in out["table"]}
    acc = rows["test_accuracy"]
    assert acc["values"] == [0.86, 0.91] and acc["best"] == 1 and acc["differs"]
    assert acc["diff_vs_first"][0] == 0 and acc["diff_vs_first"][1] == pytest.approx(0.05)
    assert rows["best_val_loss"]["best"] == 1 and rows["best_val_loss"]["lower_is_better"]
    assert rows["test_loss"]["diff_vs_first"][1] == pytest.approx(-0.08)
    assert rows["epochs"]["values"] == [2, 3] and rows["epochs"]["best"] is None
    assert out["changes"] == {b: ["Learning rate 0.001 → 0.01"]}
    assert out["curves"][b]["val_loss"] == [0.7, 0.3, 0.2, 0.25]
    assert [r["architecture"] for r in out["runs"]] == ["Dense128 → Dense64 → out"] * 2


def test_compare_needs_two_known_runs():
    store = open_store()
    a = _run(store, best=(None, None))
    with pytest.raises(LayerLabError, match="^Pick at least two different runs to compare.$"):
        compare_runs(store, [a, a])
    with pytest.raises(LayerLabError, match="^There is no run 'run-0042'"):
        compare_runs(store, [a, "run-0042"])


def test_changes_in_plain_words():
    base = {"dataset": {"name": "moons", "params": {}}, "spec": _spec(DENSE(128), DENSE(64)),
            "config": TrainConfig().model_dump(mode="json")}
    other = {"dataset": {"name": "moons", "params": {"noise": 0.3}},
             "spec": _spec(DENSE(128), {"type": "Dropout", "rate": 0.2}, DENSE(128)),
             "config": TrainConfig(lr=0.01, optimizer="sgd", early_stopping=True).model_dump(mode="json")}
    assert describe_changes(base, other) == [
        "Dataset moons (noise 0.1) → moons (noise 0.3)",
        "Added Dropout 0.2 after layer 1",
        "Layer 2 Dense 64 → Dense 128",
        "Optimizer Adam → SGD",
        "Learning rate 0.001 → 0.01",
        "Early stopping off → on",
    ]
    assert describe_changes(base, base) == []


def test_layer_removal_activation_and_field_changes():
    a = {"spec": _spec(DENSE(32), DENSE(32), DENSE(32))}
    b = {"spec": _spec(DENSE(32, "tanh"), {**DENSE(32), "bias": False})}
    assert describe_changes(a, b) == ["Layer 1 Dense 32 → Dense 32 (tanh)",
                                      "Layer 2 (Dense 32): bias on → off",
                                      "Removed layer 3 (Dense 32)"]


def test_runs_from_the_store_and_presets():
    store = open_store()
    mlp = get_preset("walkthrough_mlp").model_dump(mode="json")
    deep = get_preset("deep_sigmoid").model_dump(mode="json")
    a = _run(store, spec=mlp, best=(None, None))
    b = _run(store, spec=deep, dataset={"name": "circles", "params": {}}, best=(None, None),
             config=TrainConfig(batch_size=64, grad_clip=1.0))
    changes = describe_changes(store.get_run(a), store.get_run(b))
    assert changes[0] == "Dataset moons → circles"
    assert changes[1:3] == ["Layer 1 Dense 128 → Dense 32 (sigmoid)", "Layer 2 Dense 64 → Dense 32 (sigmoid)"]
    assert changes[3:11] == ["Added Dense 32 (sigmoid) after layer 2"] * 8
    assert changes[11:] == ["Batch size 256 → 64", "Gradient clipping off → norm 1"]
