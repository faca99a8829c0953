"""Plain records the run store hands out (never ORM rows), so pages and tests can hold them freely."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RUN_STATUSES = ("queued", "running", "finished", "failed", "stopped", "diverged")
# A run in one of these states will not change any more (except notes and audits).
TERMINAL_STATUSES = ("finished", "failed", "stopped", "diverged")


@dataclass
class EpochRow:
    """One point of the learning curves; epoch 0 is measured before any training step."""

    epoch: int
    train_loss: float | None = None
    val_loss: float | None = None
    train_metric: float | None = None
    val_metric: float | None = None
    lr: float | None = None
    elapsed_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"val_mae": 0.3}


@dataclass
class LayerStat:
    """What one layer looked like at the end of an epoch (measured on a fixed validation batch)."""

    epoch: int
    layer: str  # module name inside the model, e.g. "body.0"
    grad_norm: float | None = None
    weight_norm: float | None = None
    dead_fraction: float | None = None  # None when no ReLU follows the layer
    act_mean: float | None = None
    act_std: float | None = None


@dataclass
class LogLine:
    at: datetime
    level: str
    message: str


@dataclass
class Run:
    """Everything about one training (or derived) run, as stored."""

    id: str
    name: str
    kind: str
    status: str
    task: str
    dataset: dict[str, Any]
    dataset_hash: str
    spec: dict[str, Any]
    config: dict[str, Any]
    preprocessing: list[str] = field(default_factory=list)
    seed: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    device: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    advice: str | None = None
    notes: str = ""
    parent_id: str | None = None
    epoch: int | None = None
    total_epochs: int | None = None
    step: int | None = None
    steps_per_epoch: int | None = None
    eta_s: float | None = None
    best_val_loss: float | None = None
    best_val_metric: float | None = None
    metric_name: str | None = None  # "accuracy" | "r2"
    test_metrics: dict[str, Any] = field(default_factory=dict)
    checkpoint_path: str | None = None
    queue_position: int | None = None  # 1 = next to start; None unless queued
    stop_requested: bool = False
    heartbeat_at: datetime | None = None
    pid: int | None = None  # process training the run (worker or CLI)
    host: str | None = None
    owner: str | None = None  # user id of whoever started it (core.identity); None: before owners
    private: bool = False  # only the owner and admins see it

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to end (or to now while running); None before it starts."""
        if self.started_at is None:
            return None
        end = self.finished_at or datetime.now(self.started_at.tzinfo)
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass
class RunProcess:
    """Who trains a running run, for a job runner's reaper: is that process still alive?"""

    id: str
    pid: int | None  # None: no process has claimed the run yet
    host: str | None
    heartbeat_at: float | None  # UTC epoch seconds of the last sign of life
    stop_requested_at: float | None  # UTC epoch seconds of the first stop request
