"""Training: TrainConfig, the one training setup and epoch loop, checkpoints, and submitting runs.

`submit_training` checks the spec against the data before anything is queued, records what
reproduces the run, and hands it to a job runner; a worker then runs `train_run`, which streams
epoch rows, decimated step losses, per-layer internals and progress into the run store, and
writes self-describing safetensors checkpoints.

Every loop that trains builds its network, loss, optimizer, schedule, initialisation and class
weights with `build_setup` (a `TrainingSetup`, whose `step` is one optimizer step, with optional
per-example weights) and runs epochs with `EpochLoop`; what a loop adds (store recording,
adversarial examples, a range of learning rates, the live fairness gap) is a `TrainHooks`.
torch is imported only inside the functions that need it, so importing this package stays
cheap for the web app.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from core.train._checkpoint import (BAD_CHECKPOINT, bad_checkpoint, checkpoint_dir,
                                    read_checkpoint, read_checkpoint_meta, save_checkpoint)
from core.train._config import (ConfigError, TrainConfig, allowed_losses, default_config,
                                resolve_loss)
from core.train._engine import (DIVERGED_ADVICE, EpochLoop, LoopState, TrainHooks,
                                TrainingDiverged, run_steps)
from core.train._summary import architecture_summary

if TYPE_CHECKING:  # loaded lazily below; named here for readers and linters
    from core.train._callbacks import LiveFairnessGap
    from core.train._setup import TrainArrays, TrainingSetup, build_setup, resolve_device

__all__ = ["TrainConfig", "ConfigError", "default_config", "allowed_losses", "resolve_loss",
           "submit_training", "stop_run", "create_run", "architecture_summary", "checkpoint_dir",
           "BAD_CHECKPOINT", "bad_checkpoint", "save_checkpoint", "read_checkpoint",
           "read_checkpoint_meta", "predict", "as_targets", "train_run", "DIVERGED_ADVICE",
           "build_setup", "TrainingSetup", "TrainArrays", "resolve_device", "EpochLoop", "LoopState",
           "TrainHooks", "TrainingDiverged", "run_steps", "LiveFairnessGap"]

# Names whose modules import torch: loaded on first use (PEP 562), so `import core.train`
# stays cheap for the web app.
_LAZY = {"build_setup": "core.train._setup", "TrainingSetup": "core.train._setup",
         "TrainArrays": "core.train._setup", "resolve_device": "core.train._setup",
         "LiveFairnessGap": "core.train._callbacks"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'core.train' has no attribute {name!r}")


def submit_training(store, runner, dataset, spec, config, name: str | None = None,
                    owner: str | None = None) -> str:
    """Validate spec/config against the dataset, create the run and queue it; returns the run id.

    `owner` (default: the user of a store from `core.runs.access.as_user`) owns the run and is
    held to the per-user limits (TOO_MANY_QUEUED / TOO_MANY_RUNNING)."""
    from core.train._submit import submit_training as _submit

    return _submit(store, runner, dataset, spec, config, name, owner)


def stop_run(store, runner, run_id: str, user: str | None = None) -> None:
    """Stop a run: a queued one at once, a running one within ~2 s keeping its checkpoint.

    `user` (default: the store's user) must own the run or be an admin (NOT_YOURS)."""
    from core.train._submit import stop_run as _stop

    _stop(store, runner, run_id, user)


def create_run(store, dataset, spec, config, name: str | None = None,
               owner: str | None = None) -> str:
    """Validate, then record the run in the store without queueing it (CLI, benchmarks)."""
    from core.train._submit import create_run as _create

    return _create(store, dataset, spec, config, name, owner)


def predict(model, X, chunk: int = 8192):
    """Raw outputs of `model` on the tensor `X` in eval mode, in chunks (torch in, torch out)."""
    from core.train._evaluate import predict as _predict

    return _predict(model, X, chunk)


def as_targets(y, task: str, device: str):
    """Targets in the shape the loss wants: (N, 1) floats for one logit/value, (N,) class ids."""
    from core.train._evaluate import as_targets as _as_targets

    return _as_targets(y, task, device)


def train_run(store, run_id: str, on_progress=None, hooks=()):
    """Train run `run_id` in this process (what a worker and the CLI run); returns the final Run.

    `hooks`: extra TrainHooks for the epoch loop (adversarial training adds one)."""
    from core.train.loop import train_run as _train

    return _train(store, run_id, on_progress=on_progress, hooks=hooks)
