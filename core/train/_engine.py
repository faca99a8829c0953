"""The one epoch loop, and the public hooks that loops plug into.

`EpochLoop` runs a `TrainingSetup` for its epochs: a seeded permutation per epoch, index-slice
batches (no DataLoader, no copies), a measurement after each epoch (train subset and validation
in eval mode), best-epoch tracking, early stopping with the best weights kept, divergence
detection and the per-epoch schedule. The store-backed Trainer, the scikit-learn estimator
behind the fairness reductions and adversarial training all run it; what differs between them
is a list of `TrainHooks`:

- `on_train_begin(state)`: once, after the setup and the epoch-0 measurement;
- `on_batch(xb, yb) -> (xb, yb)`: change a batch before the step (adversarial examples);
- `before_step(state)`: just before each step (the LR range test sets the rate here);
- `after_step(state, value)`: after each step (progress, stop requests, step-loss chunks);
  setting `state.stop = True` ends the epoch early;
- `on_measure(state, row, val_out)`: add to a fresh epoch row, given the validation outputs
  (the live fairness gap);
- `on_epoch_end(state, row)`: the finished row (store writes, checkpoints).

`run_steps` is the inner loop alone, for tools that choose their own batches.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from core.errors import LayerLabError

DIVERGE_FACTOR = 1e4  # a loss this many times the starting loss has exploded
TRAIN_EVAL_ROWS = 2048  # fixed train subset for the train metric (eval mode, like validation)
DIVERGED_ADVICE = ("Lower the learning rate (try 10x smaller), add gradient clipping, "
                   "check that inputs are scaled.")
DIVERGED = "Training diverged: the loss {what} at epoch {epoch}, step {step} of {steps}."
DIVERGED_NAN = "became NaN"
DIVERGED_INF = "became infinite"
DIVERGED_EXPLODED = "exploded to {value:.3g}, over {factor:,.0f}× the starting loss {initial:.3g}"


class TrainingDiverged(LayerLabError):
    """The loss became NaN, infinite or exploded; the message says where."""


class TrainHooks:
    """Base class of the loop's hooks: every method is optional (see the module docstring)."""

    def on_train_begin(self, state: "LoopState") -> None:
        pass

    def on_batch(self, xb, yb):
        return xb, yb

    def before_step(self, state: "LoopState") -> None:
        pass

    def after_step(self, state: "LoopState", value: float) -> None:
        pass

    def on_measure(self, state: "LoopState", row, val_out) -> None:
        pass

    def on_epoch_end(self, state: "LoopState", row) -> None:
        pass


@dataclass
class LoopState:
    """What hooks can read (and `stop`, which they may set) while the loop runs."""

    setup: Any  # the TrainingSetup
    data: Any = None  # the PreparedData, when the loop trains a stored run
    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    stop: bool = False
    initial_loss: float = 1.0
    best_val: float = math.inf
    best_metric: float | None = None
    best_epoch: int = 0
    best_state: dict | None = None
    t0: float = field(default_factory=time.monotonic)


def _overrides(hooks, name: str) -> list:
    """Bound methods of the hooks that override `name` (the base no-ops cost nothing per step)."""
    base = getattr(TrainHooks, name)
    return [getattr(h, name) for h in hooks if getattr(type(h), name, base) is not base]


class DivergenceGuard(TrainHooks):
    """Raises TrainingDiverged when a step's loss is not finite or over DIVERGE_FACTOR × the start."""

    def on_train_begin(self, state: LoopState) -> None:
        self.limit = DIVERGE_FACTOR * max(state.initial_loss, 1e-2)

    def after_step(self, state: LoopState, value: float) -> None:
        if math.isfinite(value) and value <= self.limit:
            return
        what = (DIVERGED_NAN if math.isnan(value) else DIVERGED_INF if math.isinf(value)
                else DIVERGED_EXPLODED.format(value=value, factor=DIVERGE_FACTOR,
                                              initial=state.initial_loss))
        raise TrainingDiverged(DIVERGED.format(what=what, epoch=state.epoch,
                                               step=state.step_in_epoch,
                                               steps=state.setup.steps_per_epoch))


def run_steps(state: LoopState, batches: Iterable, hooks=()) -> tuple[float, int]:
    """Train on `batches` of (xb, yb) or (xb, yb, sample_weight); (sum of losses, steps taken)."""
    setup = state.setup
    on_batch, before, after = (_overrides(hooks, n) for n in ("on_batch", "before_step", "after_step"))
    total, n = 0.0, 0
    for batch in batches:
        xb, yb = batch[0], batch[1]
        for h in on_batch:
            xb, yb = h(xb, yb)
        for h in before:
            h(state)
        value = setup.step(xb, yb, batch[2] if len(batch) > 2 else None)
        state.global_step += 1
        state.step_in_epoch += 1
        n += 1
        for h in after:
            h(state, value)
        total += value
        if state.stop:
            break
    return total, n


class EpochLoop:
    """Epochs of `setup` on (X, y[, sample_weight]) with optional validation; see the module doc.

    `measure=False` skips the per-epoch measurement (no validation, no early stopping, no plateau
    schedule): the estimator fitting without a validation split does so."""

    def __init__(self, setup, X, y, *, sample_weight=None, X_val=None, y_val=None, hooks=(),
                 data=None, measure: bool = True, detect_divergence: bool = True):
        import torch

        self.setup, self.X, self.y, self.w = setup, X, y, sample_weight
        self.X_val, self.y_val, self.measuring = X_val, y_val, measure
        self.hooks = ([DivergenceGuard()] if detect_divergence else []) + list(hooks)
        self.state = LoopState(setup=setup, data=data)
        self._begun = False
        seed = setup.config.seed
        self.gen = torch.Generator(device="cpu").manual_seed(seed)
        sub = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed + 1))
        self.train_eval_idx = sub[:TRAIN_EVAL_ROWS].to(setup.device)

    def measure(self, epoch: int, train_loss: float | None):
        """The epoch row: train-subset and validation loss/metric (one validation forward pass)."""
        from core.runs import EpochRow
        from core.train._evaluate import evaluate, metrics_from_outputs, predict

        s, idx = self.setup, self.train_eval_idx
        tr = evaluate(s.model, self.X[idx], self.y[idx], s.task, s.loss_fn)
        has_val = self.X_val is not None and len(self.X_val)
        val_out = predict(s.model, self.X_val) if has_val else None  # (n_val, n_outputs)
        va = (metrics_from_outputs(val_out, self.y_val, s.task, s.loss_fn) if val_out is not None
              else {"loss": None, "metric": None})
        extra = {"train_mae": tr.get("mae"), "val_mae": va.get("mae")} if s.task == "regression" else {}
        row = EpochRow(epoch=epoch, train_loss=tr["loss"] if train_loss is None else train_loss,
                       val_loss=va["loss"], train_metric=tr["metric"], val_metric=va["metric"],
                       lr=s.lr, elapsed_s=time.monotonic() - self.state.t0, extra=extra)
        for h in _overrides(self.hooks, "on_measure"):
            h(self.state, row, val_out)
        return row

    def begin(self):
        """Epoch-0 row (before any step); starts the hooks. Returns the row."""
        self._begun = True
        row0 = self.measure(0, None) if self.measuring else None
        if row0 is not None and row0.train_loss is not None:
            self.state.initial_loss = row0.train_loss
        for h in self.hooks:
            h.on_train_begin(self.state)
        return row0

    def _batches(self):
        import torch

        s, bs = self.setup, self.setup.config.batch_size
        perm = torch.randperm(len(self.X), generator=self.gen)[:s.n_use].to(s.device)
        for i in range(s.steps_per_epoch):
            idx = perm[i * bs:(i + 1) * bs]
            if self.w is None:
                yield self.X[idx], self.y[idx]
            else:
                yield self.X[idx], self.y[idx], self.w[idx]

    def train_epoch(self, epoch: int) -> float:
        """One pass over the data; the mean batch loss. Raises TrainingDiverged."""
        st = self.state
        st.epoch, st.step_in_epoch = epoch, 0
        total, n = run_steps(st, self._batches(), self.hooks)
        return total / max(1, n)

    def end_epoch(self, epoch: int, train_loss: float) -> bool:
        """Measure, keep the best, run the epoch hooks, schedule; True when early stopping stops."""
        s, st, cfg = self.setup, self.state, self.setup.config
        if not self.measuring:
            s.end_epoch(None)
            return False
        row = self.measure(epoch, train_loss)
        if row.val_loss is not None and row.val_loss < st.best_val:
            st.best_val, st.best_metric, st.best_epoch = row.val_loss, row.val_metric, epoch
            if cfg.early_stopping:
                st.best_state = {k: v.detach().clone() for k, v in s.model.state_dict().items()}
        for h in _overrides(self.hooks, "on_epoch_end"):
            h(st, row)
        s.end_epoch(row.val_loss)
        return cfg.early_stopping and epoch - st.best_epoch >= cfg.patience

    def run(self) -> str:
        """All epochs: "finished", "early_stopped" or "stopped" (a hook set state.stop).

        Calls `begin()` first unless the caller did (to record the epoch-0 row)."""
        if not self._begun:
            self.begin()
        for epoch in range(1, self.setup.config.epochs + 1):
            loss = self.train_epoch(epoch)
            if self.state.stop:
                return "stopped"
            if self.end_epoch(epoch, loss):
                return "early_stopped"
        return "finished"

    def restore_best(self) -> bool:
        """Load the best epoch's weights when early stopping kept them; True if it did."""
        if self.setup.config.early_stopping and self.state.best_state is not None:
            self.setup.model.load_state_dict(self.state.best_state)
            return True
        return False
