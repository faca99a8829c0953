"""Training: TrainConfig, the loop a worker (or the CLI) runs, checkpoints, and submitting runs.

`submit_training` checks the spec against the data before anything is queued, records what
reproduces the run, and hands it to a job runner; a worker then runs `train_run`, which streams
epoch rows, decimated step losses, per-layer internals and progress into the run store, and
writes self-describing safetensors checkpoints. torch is imported only inside the functions
that need it, so importing this package stays cheap for the web app.
"""
from __future__ import annotations

from core.train._checkpoint import (BAD_CHECKPOINT, bad_checkpoint, checkpoint_dir,
                                    read_checkpoint, read_checkpoint_meta, save_checkpoint)
from core.train._config import (ConfigError, TrainConfig, allowed_losses, default_config,
                                resolve_loss)
from core.train._summary import architecture_summary

__all__ = ["TrainConfig", "ConfigError", "default_config", "allowed_losses", "resolve_loss",
           "submit_training", "stop_run", "create_run", "architecture_summary", "checkpoint_dir",
           "BAD_CHECKPOINT", "bad_checkpoint",
           "save_checkpoint", "read_checkpoint", "read_checkpoint_meta", "predict", "as_targets",
           "train_run", "DIVERGED_ADVICE"]

DIVERGED_ADVICE = ("Lower the learning rate (try 10x smaller), add gradient clipping, "
                   "check that inputs are scaled.")


def submit_training(store, runner, dataset, spec, config, name: str | None = None) -> str:
    """Validate spec/config against the dataset, create the run and queue it; returns the run id."""
    from core.train._submit import submit_training as _submit

    return _submit(store, runner, dataset, spec, config, name)


def stop_run(store, runner, run_id: str) -> None:
    """Stop a run: a queued one at once, a running one within ~2 s keeping its checkpoint."""
    from core.train._submit import stop_run as _stop

    _stop(store, runner, run_id)


def create_run(store, dataset, spec, config, name: str | None = None) -> str:
    """Validate, then record the run in the store without queueing it (CLI, benchmarks)."""
    from core.train._submit import create_run as _create

    return _create(store, dataset, spec, config, name)


def predict(model, X, chunk: int = 8192):
    """Raw outputs of `model` on the tensor `X` in eval mode, in chunks (torch in, torch out)."""
    from core.train._evaluate import predict as _predict

    return _predict(model, X, chunk)


def as_targets(y, task: str, device: str):
    """Targets in the shape the loss wants: (N, 1) floats for one logit/value, (N,) class ids."""
    from core.train._evaluate import as_targets as _as_targets

    return _as_targets(y, task, device)


def train_run(store, run_id: str, on_progress=None):
    """Train run `run_id` in this process (what a worker and the CLI run); returns the final Run."""
    from core.train.loop import train_run as _train

    return _train(store, run_id, on_progress=on_progress)
