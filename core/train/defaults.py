"""Training defaults that look at the data: batch size, epochs, early stopping, learning rate.

Fixed defaults (batch 256, 20 epochs) give a 350-row dataset a few dozen weight updates and
leave it underfit. Each rule here can be said in one sentence, and `data_aware_defaults`
returns those sentences with the settings so the Train page can show why each value was
chosen; the user can still change every one of them.

    d = data_aware_defaults("multiclass", n_train=1257, kind="cnn")
    d.settings  -> {"batch_size": 32, "epochs": 150, "early_stopping": True, ...}
    d.reasons   -> ["Batch 32 because the training set has 1,257 rows (...)", ...]
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

ModelKind = Literal["dense", "cnn", "recurrent", "attention"]

# Batch size by training-set size: small sets need many small steps to be learnt well,
# large ones gain speed from big batches and lose little accuracy.
_BATCH_STEPS = ((2_000, 32), (20_000, 128))
_LARGE_BATCH = 256
_TARGET_UPDATES = 6_000  # weight updates a first run gets at most (epochs are capped too)
_MIN_EPOCHS, _MAX_EPOCHS = 20, 200
# Small regression sets (diabetes: 308 rows) overfit their noise within a few epochs at the
# usual rate; a lower rate with a little L2 lets early stopping catch the good epochs.
_SMALL_REGRESSION, _SMALL_REGRESSION_LR_FACTOR, _SMALL_REGRESSION_L2 = 1_000, 0.3, 0.01
# Any small set: a little weight decay (breast_cancer: 94.2 % -> 95.3 % on its test rows).
_SMALL_SET, _SMALL_SET_L2 = 1_000, 0.001
_LR = {"dense": 1e-3, "cnn": 1e-3, "recurrent": 3e-3, "attention": 1e-3}
_LR_WHY = {
    "dense": "Adam's usual starting point",
    "cnn": "Adam's usual starting point, which suits small convolution stacks",
    "recurrent": "3× Adam's usual 0.001, because recurrent layers learn slowly on short "
                 "sequences at the usual rate",
    "attention": "Adam's usual starting point",
}


@dataclass(frozen=True)
class Defaults:
    """Recommended TrainConfig fields and one plain sentence per rule that chose them."""

    settings: dict
    reasons: list[str] = field(default_factory=list)


def model_kind(spec) -> ModelKind:
    """What kind of network a ModelSpec (or its dict) is, for the learning-rate rule."""
    layers = spec.get("layers", []) if isinstance(spec, dict) else getattr(spec, "layers", [])
    types: set[str] = set()
    stack = list(layers)
    while stack:  # residual blocks hold their own layers
        layer = stack.pop()
        kind = layer.get("type") if isinstance(layer, dict) else getattr(layer, "type", "")
        types.add(kind)
        inner = layer.get("layers") if isinstance(layer, dict) else getattr(layer, "layers", None)
        stack.extend(inner or [])
    if types & {"LSTM", "GRU"}:
        return "recurrent"
    if "TransformerEncoder" in types:
        return "attention"
    if "Conv2D" in types:
        return "cnn"
    return "dense"


def batch_for(n_train: int) -> int:
    for limit, batch in _BATCH_STEPS:
        if n_train < limit:
            return batch
    return _LARGE_BATCH


def epochs_for(n_train: int, batch: int) -> int:
    steps = max(1, math.ceil(n_train / batch))
    return int(min(_MAX_EPOCHS, max(_MIN_EPOCHS, math.ceil(_TARGET_UPDATES / steps))))


def patience_for(epochs: int) -> int:
    """A tenth of the epoch budget, between 5 and 20: long budgets (small sets, whose few
    validation rows make a noisy loss) can wait out a plateau."""
    return int(min(20, max(5, epochs // 10)))


def data_aware_defaults(task: str, n_train: int | None, kind: ModelKind = "dense") -> Defaults:
    """The settings a first run should use, and why, for this task, data size and model kind."""
    if n_train is None:  # nothing known about the data (e.g. `python -m core config`)
        batch, epochs = 64, 100
        size = "the size of the training set is not known"
    else:
        batch, epochs = batch_for(n_train), None
        size = f"the training set has {n_train:,} rows"
    epochs = epochs or epochs_for(n_train, batch)
    patience, lr = patience_for(epochs), _LR.get(kind, 1e-3)
    small, mid = _BATCH_STEPS[0][0], _BATCH_STEPS[1][0]
    reasons = [
        f"Batch {batch} because {size} (32 under {small:,} rows, 128 under {mid:,}, else "
        f"{_LARGE_BATCH}: small sets learn best from many small steps).",
        f"Up to {epochs} epochs, enough for about {_TARGET_UPDATES:,} weight updates (between "
        f"{_MIN_EPOCHS} and {_MAX_EPOCHS} epochs), stopping when the validation loss has not "
        f"improved for {patience} epochs and keeping the best weights.",
        f"Learning rate {lr:g}, {_LR_WHY.get(kind, _LR_WHY['dense'])}.",
    ]
    l2 = 0.0
    if n_train is not None and n_train < _SMALL_SET:
        l2 = _SMALL_SET_L2
        reasons.append(f"L2 penalty {l2:g}: a little weight decay, because fewer than "
                       f"{_SMALL_SET:,} rows are easily learnt by heart.")
    if task == "regression" and n_train is not None and n_train < _SMALL_REGRESSION:
        lr, l2 = lr * _SMALL_REGRESSION_LR_FACTOR, _SMALL_REGRESSION_L2
        reasons[2] = (f"Learning rate {lr:g}, a third of the usual rate, because a number "
                      f"target with fewer than {_SMALL_REGRESSION:,} rows is otherwise learnt "
                      "noise and all.")
        reasons[3] = (f"L2 penalty {l2:g}: weight decay, because a number target with fewer "
                      f"than {_SMALL_REGRESSION:,} rows is otherwise learnt noise and all.")
    if task == "regression":
        reasons.append("The target is standardised for training (mean 0, spread 1) and every "
                       "prediction and error is shown back in the target's own units.")
    settings = {"optimizer": "adam", "lr": lr, "batch_size": batch, "epochs": epochs,
                "early_stopping": True, "patience": patience, "l2": l2}
    return Defaults(settings=settings, reasons=reasons)


# Threads: tiny matrix products gain nothing from a second thread, and on a busy two-core
# machine (the web app, other workers) torch's threads wait on each other: the walkthrough
# MLP on 350 rows took 0.2 s per batch-32 step with two threads under load, ~1 ms with one.
# The same policy as the checklist tools (core.audit.checklist.threads_for).
SMALL_MODEL_PARAMS = 200_000


def use_one_thread_if_small(model) -> None:
    """Train a model under SMALL_MODEL_PARAMS parameters on one CPU thread."""
    import torch

    if sum(p.numel() for p in model.parameters()) < SMALL_MODEL_PARAMS:
        torch.set_num_threads(1)


@contextmanager
def thread_count_kept():
    """Restore torch's thread count afterwards (a worker runs many jobs in one process)."""
    import torch

    before = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
