"""The run store interface: one SQL implementation today, others (e.g. a tracking server) later."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from core.runs._types import EpochRow, LayerStat, LogLine, Run


class RunStore(ABC):
    """Where runs, their curves, internals, audits and logs live; safe to share between processes."""

    url: str

    @abstractmethod
    def create_run(self, *, name: str, kind: str = "train", dataset: dict, dataset_hash: str,
                   spec: dict, config: dict, task: str, parent_id: str | None = None) -> str: ...

    @abstractmethod
    def get_run(self, run_id: str) -> Run: ...

    @abstractmethod
    def list_runs(self, limit: int = 500) -> list[Run]: ...

    @abstractmethod
    def set_status(self, run_id: str, status: str, *, error: str | None = None,
                   advice: str | None = None) -> None: ...

    @abstractmethod
    def update_run(self, run_id: str, **fields: Any) -> None: ...

    @abstractmethod
    def set_progress(self, run_id: str, *, epoch: int, total_epochs: int, step: int,
                     steps_per_epoch: int, eta_s: float | None) -> None: ...

    @abstractmethod
    def add_epoch(self, run_id: str, row: EpochRow) -> None: ...

    @abstractmethod
    def epochs(self, run_id: str) -> list[EpochRow]: ...

    @abstractmethod
    def add_steps(self, run_id: str, points: list[tuple[int, float]]) -> None: ...

    @abstractmethod
    def steps(self, run_id: str, max_points: int = 2000) -> list[tuple[int, float]]: ...

    @abstractmethod
    def add_internals(self, run_id: str, epoch: int, rows: list[LayerStat]) -> None: ...

    @abstractmethod
    def internals(self, run_id: str) -> list[LayerStat]: ...

    @abstractmethod
    def request_stop(self, run_id: str) -> None: ...

    @abstractmethod
    def stop_requested(self, run_id: str) -> bool: ...

    @abstractmethod
    def heartbeat(self, run_id: str) -> None: ...

    @abstractmethod
    def set_notes(self, run_id: str, text: str) -> None: ...

    @abstractmethod
    def save_audit(self, run_id: str, kind: str, payload: dict) -> None: ...

    @abstractmethod
    def get_audit(self, run_id: str, kind: str) -> dict | None: ...

    @abstractmethod
    def log(self, run_id: str, level: str, message: str) -> None: ...

    @abstractmethod
    def logs(self, run_id: str) -> list[LogLine]: ...

    @abstractmethod
    def delete_run(self, run_id: str) -> None: ...

    def write_epoch(self, run_id: str, row: EpochRow, *, steps: list[tuple[int, float]] = (),
                    internals: list[LayerStat] = (), fields: dict[str, Any] | None = None) -> None:
        """Everything one epoch produces; implementations may do it in one transaction."""
        self.add_epoch(run_id, row)
        self.add_steps(run_id, list(steps))
        self.add_internals(run_id, row.epoch, list(internals))
        if fields:
            self.update_run(run_id, **fields)
