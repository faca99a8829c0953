"""What both checklist tools start from: a fresh, untrained copy of a run's model and its data.

The tools test the run's *setup* (architecture, optimizer, learning rate, loss), so they never
touch the run's trained weights: they rebuild the spec with the run's seed and initialisation.
They run on the CPU: a few hundred small steps do not need a GPU, and a busy GPU stays free.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from core.errors import LayerLabError

NO_SPEC = "Run {run_id} has no model spec to check; pick a training run."


@dataclass
class Setup:
    train: Any  # core.train.TrainingSetup: model (fresh, train mode), loss, optimizer, step
    X: Any  # torch.Tensor (n_train, *input_shape)
    y: Any  # targets shaped for the loss
    task: str
    config: Any  # TrainConfig of the run

    @property
    def model(self):
        return self.train.model

    @property
    def loss_fn(self):
        return self.train.loss_fn

    @property
    def optimizer(self):
        return self.train.optimizer


def fresh_setup(run, *, lr: float | None = None) -> Setup:
    """A new model from the run's spec and config (optionally at another learning rate).

    Built by the one training setup, so the check trains with the run's loss, class weights,
    initialisation, L1/L2 and clipping; the tools drive the learning rate themselves, so the
    run's schedule is left out."""
    import torch

    from core.data import prepared
    from core.train import TrainConfig, as_targets, build_setup

    if not run.spec:
        raise LayerLabError(NO_SPEC.format(run_id=run.id))
    cfg = TrainConfig.model_validate(run.config)
    if lr is not None:
        cfg = cfg.model_copy(update={"lr": lr})
    _, data = prepared(run.dataset)
    train = build_setup(run.spec, cfg, data, "cpu", schedule=False)
    X = torch.from_numpy(data.X_train).float()  # (n_train, *input_shape)
    y = as_targets(data.y_train, data.task, "cpu")
    return Setup(train, X, y, data.task, cfg)


def optimizer_words(cfg) -> str:
    names = {"sgd": "SGD", "sgd_momentum": "SGD with momentum", "adam": "Adam",
             "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad"}
    return names.get(cfg.optimizer, cfg.optimizer)


SMALL_MODEL_PARAMS = 200_000


@contextmanager
def threads_for(model):
    """One CPU thread for small models while the tool runs, then the previous setting.

    Tiny matrix products gain nothing from a second thread, and on a busy machine (a web
    server, other workers) torch's threads wait on each other: a 300-step tiny-batch check
    measured 1 s with one thread and 51 s with two on a loaded two-core machine.
    """
    import torch

    before = torch.get_num_threads()
    small = sum(p.numel() for p in model.parameters()) < SMALL_MODEL_PARAMS
    if small and before > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
