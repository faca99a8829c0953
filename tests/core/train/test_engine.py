"""The one epoch loop and its public hooks, on a small synthetic table."""
import numpy as np
import pytest
import torch

from core.spec import get_preset
from core.train import (
    EpochLoop,
    TrainArrays,
    TrainConfig,
    TrainHooks,
    TrainingDiverged,
    build_setup,
)
from core.train._engine import DIVERGED, DIVERGED_NAN
from core.train._evaluate import as_targets


def _loop(hooks=(), **cfg):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    arrays = TrainArrays(task="binary", input_shape=(4,), n_outputs=1, y_train=y[:200])
    setup = build_setup(get_preset("walkthrough_mlp"),
                        TrainConfig(**{"epochs": 3, "batch_size": 64, **cfg}), arrays)
    t = torch.from_numpy
    return EpochLoop(setup, t(X[:200]), as_targets(y[:200], "binary", "cpu"), X_val=t(X[200:]),
                     y_val=as_targets(y[200:], "binary", "cpu"), hooks=hooks)


class Recorder(TrainHooks):
    def __init__(self):
        self.batches, self.steps, self.rows, self.began = 0, [], [], 0

    def on_train_begin(self, state):
        self.began += 1

    def on_batch(self, xb, yb):
        self.batches += 1
        return xb, yb

    def before_step(self, state):
        self.steps.append((state.epoch, state.step_in_epoch + 1))

    def on_epoch_end(self, state, row):
        self.rows.append(row)


def test_hooks_see_every_batch_step_and_epoch():
    rec = Recorder()
    loop = _loop([rec])
    assert loop.run() == "finished"
    spe = loop.setup.steps_per_epoch  # 200 rows, batch 64: 4 steps
    assert rec.began == 1 and rec.batches == 3 * spe == loop.state.global_step
    assert rec.steps[:spe] == [(1, i) for i in range(1, spe + 1)]
    assert [r.epoch for r in rec.rows] == [1, 2, 3] and all(r.val_loss is not None for r in rec.rows)


def test_on_batch_changes_what_is_trained_on():
    class Zeros(TrainHooks):
        def on_batch(self, xb, yb):
            return torch.zeros_like(xb), yb

    plain, zeroed = _loop(), _loop([Zeros()])
    plain.run(), zeroed.run()
    assert not torch.equal(next(plain.setup.model.parameters()),
                           next(zeroed.setup.model.parameters()))


def test_a_hook_can_stop_and_divergence_is_detected():
    class StopAfterTwo(TrainHooks):
        def after_step(self, state, value):
            state.stop = state.global_step >= 2

    loop = _loop([StopAfterTwo()])
    assert loop.run() == "stopped" and loop.state.global_step == 2

    class NaNBatches(TrainHooks):
        def on_batch(self, xb, yb):
            return xb * float("nan"), yb

    with pytest.raises(TrainingDiverged) as err:
        _loop([NaNBatches()]).run()
    assert str(err.value) == DIVERGED.format(what=DIVERGED_NAN, epoch=1, step=1, steps=4)


def test_early_stopping_keeps_and_restores_the_best_weights():
    loop = _loop(epochs=40, lr=0.05, early_stopping=True, patience=1)
    assert loop.run() == "early_stopped"
    st = loop.state
    assert st.epoch < 40 and st.best_state is not None and loop.restore_best()
    assert all(torch.equal(v, st.best_state[k]) for k, v in loop.setup.model.state_dict().items())
