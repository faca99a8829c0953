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

from core.train._config import (ConfigError, TrainConfig, allowed_losses, default_config,
                                resolve_loss)
from core.train._engine import (DIVERGED_ADVICE, EpochLoop, LoopState, TrainHooks,
                                TrainingDiverged, run_steps)
from core.train._summary import architecture_summary

__all__ = ["TrainConfig", "ConfigError", "default_config", "allowed_losses", "resolve_loss",
           "submit_training", "stop_run", "architecture_summary", "load_checkpoint",
           "read_checkpoint", "read_checkpoint_meta", "checkpoint_dir", "save_checkpoint",
           "train_run", "DIVERGED_ADVICE", "build_setup", "TrainingSetup", "TrainArrays",
           "resolve_device", "EpochLoop", "LoopState", "TrainHooks", "TrainingDiverged",
           "run_steps", "LiveFairnessGap"]

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


def submit_training(store, runner, dataset, spec, config, name: str | None = None) -> str:
    """Validate spec/config against the dataset, create the run and queue it; returns the run id."""
    from core.train._submit import submit_training as _submit

    return _submit(store, runner, dataset, spec, config, name)


def stop_run(store, runner, run_id: str) -> None:
    """Stop a run: a queued one at once, a running one within ~2 s keeping its checkpoint."""
    from core.train._submit import stop_run as _stop

    _stop(store, runner, run_id)


def load_checkpoint(run, store=None):
    """The trained torch module of `run` (eval mode, CPU); clear error for a bad or missing file."""
    from core.train._checkpoint import load_checkpoint as _load

    return _load(run, store)


def read_checkpoint(path):
    """(state_dict, metadata) of a checkpoint file; metadata holds spec, config, epoch, metric."""
    from core.train._checkpoint import read_checkpoint as _read

    return _read(path)


def read_checkpoint_meta(path):
    """Only a checkpoint's header (cheap): spec, config, epoch, best metric, task, shapes."""
    from core.train._checkpoint import read_checkpoint_meta as _meta

    return _meta(path)


def checkpoint_dir(run_id: str):
    """The folder of a run's checkpoint files (created if missing)."""
    from core.train._checkpoint import checkpoint_dir as _dir

    return _dir(run_id)


def save_checkpoint(path, state: dict, meta: dict) -> None:
    """Write weights plus a metadata header as safetensors, atomically (temporary name, rename)."""
    from core.train._checkpoint import save_checkpoint as _save

    _save(path, state, meta)


def train_run(store, run_id: str, on_progress=None, hooks=()):
    """Train run `run_id` in this process (what a worker and the CLI run); returns the final Run.

    `hooks`: extra TrainHooks for the epoch loop (adversarial training adds one)."""
    from core.train.loop import train_run as _train

    return _train(store, run_id, on_progress=on_progress, hooks=hooks)
