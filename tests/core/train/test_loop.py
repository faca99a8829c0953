"""The training loop, run in this process exactly as a worker runs it."""
import math

import numpy as np
import pytest
import torch
from sklearn.utils.class_weight import compute_class_weight

from core.data import DatasetRef, load, prepare
from core.errors import LayerLabError, SpecError
from core.spec import get_preset
from core.trained import load_network
from core.train import (DIVERGED_ADVICE, TrainConfig, read_checkpoint,
                        submit_training)
from core.train._setup import make_loss


def _test_accuracy(model, ref):
    data = prepare(load(ref))
    with torch.no_grad():
        logits = model(torch.from_numpy(data.X_test)).numpy().ravel()
    return float(((logits > 0).astype(int) == data.y_test).mean()), data


def test_moons_trains_records_everything_and_checkpoint_reproduces(train, store, moons):
    run = train(epochs=8, lr=0.01)
    assert run.status == "finished", run.error
    rows = store.epochs(run.id)
    assert [r.epoch for r in rows] == list(range(9))  # epoch 0 is before training
    assert rows[-1].val_metric > rows[0].val_metric + 0.2 and rows[-1].val_loss < rows[0].val_loss
    assert run.metric_name == "accuracy" and run.device == "cpu" and run.seed == 0
    assert set(run.versions) == {"python", "torch", "numpy", "pandas", "sklearn"}
    assert run.preprocessing and run.started_at and run.finished_at
    assert len(store.steps(run.id)) > 0
    stats = store.internals(run.id)
    assert {s.layer for s in stats} == {"layer1_dense", "layer2_dense", "output"}
    dense = [s for s in stats if s.layer == "layer1_dense"]
    assert len(dense) == 8 and all(0 <= s.dead_fraction <= 1 and s.grad_norm > 0 for s in dense)
    assert all(s.dead_fraction is None for s in stats if s.layer == "output")
    model = load_network(store.get_run(run.id))
    acc, _ = _test_accuracy(model, moons)
    assert acc == pytest.approx(run.test_metrics["accuracy"], abs=1e-6)
    _, meta = read_checkpoint(run.checkpoint_path)
    assert meta["spec"] == run.spec and meta["config"]["lr"] == 0.01 and meta["epoch"] == 8


def test_same_seed_same_metrics_other_seed_differs(train, store):
    a, b, c = train(seed=3), train(seed=3), train(seed=4)

    def curve(r):
        return [(e.train_loss, e.val_loss) for e in store.epochs(r.id)]

    assert curve(a) == curve(b)
    assert curve(a) != curve(c)


def test_huge_learning_rate_diverges_with_advice_and_no_fake_zeros(train, store):
    run = train(lr=1e3, optimizer="sgd")
    assert run.status == "diverged"
    assert run.error.startswith("Training diverged: the loss ") and " at epoch 1, step " in run.error
    assert run.advice == DIVERGED_ADVICE
    last = store.epochs(run.id)[-1]
    assert last.train_loss is None and last.val_loss is None and last.val_metric is None
    for row in store.epochs(run.id):
        for v in (row.train_loss, row.val_loss, row.train_metric, row.val_metric):
            assert v is None or math.isfinite(v)


def test_early_stopping_restores_the_best_weights(train, store, moons):
    run = train(epochs=60, lr=0.05, early_stopping=True, patience=1)
    rows = store.epochs(run.id)
    assert run.status == "finished" and len(rows) - 1 < 60  # it stopped early
    best = min(rows[1:], key=lambda r: r.val_loss)
    assert run.best_val_loss == pytest.approx(best.val_loss)
    assert rows[-1].val_loss > best.val_loss
    model = load_network(store.get_run(run.id))
    data = prepare(load(moons))
    with torch.no_grad():
        logits = model(torch.from_numpy(data.X_val))
        y = torch.from_numpy(data.y_val).float().reshape(-1, 1)
        val_loss = float(torch.nn.functional.binary_cross_entropy_with_logits(logits, y))
    assert val_loss == pytest.approx(best.val_loss, rel=1e-5)


def test_balanced_class_weights_match_scikit_learn():
    y = np.array([0] * 90 + [1] * 10 + [2] * 30)
    cfg = TrainConfig(class_weights="balanced")
    ce = make_loss("multiclass", cfg, y, 3, "cpu")
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    assert ce.weight.numpy() == pytest.approx(expected.astype(np.float32))
    yb = np.array([0] * 90 + [1] * 10)
    bce = make_loss("binary", cfg, yb, 1, "cpu")
    assert float(bce.pos_weight) == pytest.approx(9.0)


@pytest.mark.parametrize("optimizer", ["sgd", "sgd_momentum", "adam", "adamw", "rmsprop", "adagrad"])
def test_each_optimizer_runs(train, optimizer):
    run = train(epochs=1, optimizer=optimizer, l1=1e-4, l2=1e-4, grad_clip=1.0, init="kaiming",
                class_weights="balanced")
    assert run.status == "finished", run.error
    assert run.test_metrics["accuracy"] is not None


@pytest.mark.parametrize("schedule", ["constant", "step", "cosine", "one_cycle", "reduce_on_plateau"])
def test_each_schedule_runs_and_sets_the_rate(train, store, schedule):
    run = train(epochs=2, schedule=schedule, step_size=1, gamma=0.5, lr=0.01, init="xavier")
    assert run.status == "finished", run.error
    lrs = [r.lr for r in store.epochs(run.id)[1:]]
    if schedule == "step":
        assert lrs == pytest.approx([0.01, 0.005])  # lr logged during epoch 1 and 2


def test_regression_records_r2_and_mae(train, store):
    run = train(dataset=DatasetRef(name="plane_regression"), epochs=3, loss="huber")
    assert run.status == "finished", run.error
    assert run.metric_name == "r2" and {"r2", "mae", "rmse", "loss"} <= set(run.test_metrics)
    assert "val_mae" in store.epochs(run.id)[-1].extra


def test_spec_that_does_not_fit_is_refused_before_queueing(store, moons):
    from core.jobs import LocalJobRunner

    runner = LocalJobRunner(store, slots=1)
    with pytest.raises(SpecError) as err:
        submit_training(store, runner, moons, get_preset("lenet_cnn"), TrainConfig())
    assert str(err.value).startswith("Layer 1 (Conv2D) needs image input")
    assert store.list_runs() == [] and runner.queue() == [] and runner.workers() == []


def test_corrupt_or_truncated_checkpoint_gives_a_clear_error(train, store):
    run = train(epochs=1)
    path = run.checkpoint_path
    raw = open(path, "rb").read()
    open(path, "wb").write(raw[: len(raw) // 2])
    with pytest.raises(LayerLabError) as err:
        load_network(store.get_run(run.id), store)
    assert str(err.value).startswith(f"The checkpoint file {path} cannot be read (")
    assert store.logs(run.id)[-1].level == "ERROR"
    open(path, "wb").write(b"not a checkpoint at all")
    with pytest.raises(LayerLabError, match="may be damaged or truncated"):
        load_network(store.get_run(run.id))
    store.update_run(run.id, checkpoint_path=None)
    with pytest.raises(LayerLabError, match=f"Run {run.id} has no checkpoint yet"):
        load_network(store.get_run(run.id))
