"""The run store interface: one SQL implementation today, others (e.g. PostgreSQL) later.

Everything callers use is declared here, so a second store can be written from this file
alone. Times are timezone-aware datetimes in records (`Run`), UTC epoch seconds (floats) in
the low-level liveness calls a job runner makes. The store owns every change of run state:
job runners change a run's status only through these methods.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from core.runs._types import EpochRow, LayerStat, LogLine, Run, RunProcess


class RunStore(ABC):
    """Where runs, their curves, internals, audits and logs live; safe to share between processes.

    Reading (get_run, list_runs, ...) never starts or stops processes: noticing dead workers
    is the job runner's business (`JobRunner.reap`).
    """

    url: str  # how another process opens the same store (`core.runs.open_store(url)`)

    # --- runs ------------------------------------------------------------------------------
    @abstractmethod
    def create_run(self, *, name: str, kind: str = "train", dataset: dict, dataset_hash: str,
                   spec: dict, config: dict, task: str, parent_id: str | None = None,
                   owner: str | None = None, private: bool = False) -> str:
        """Store a new run in status "queued"; returns its id ("run-0007"), never reused."""

    @abstractmethod
    def get_run(self, run_id: str) -> Run:
        """The run as stored (queue_position set while queued); LayerLabError NO_SUCH_RUN if absent."""

    @abstractmethod
    def list_runs(self, limit: int = 500) -> list[Run]:
        """Up to `limit` runs, newest first, with queue positions of queued ones."""

    @abstractmethod
    def run_status(self, run_id: str) -> str | None:
        """The run's status (one of RUN_STATUSES), or None when there is no such run; cheap."""

    @abstractmethod
    def set_status(self, run_id: str, status: str, *, error: str | None = None,
                   advice: str | None = None) -> None:
        """Set the status; "running" stamps started_at, a terminal status finished_at and clears
        the ETA. ValueError UNKNOWN_STATUS for a status outside RUN_STATUSES."""

    @abstractmethod
    def start_if_queued(self, run_id: str, *, pid: int, host: str) -> bool:
        """Atomically: if the run is queued, mark it running, trained by process `pid` on `host`
        (started_at and heartbeat now). True when this call started it."""

    @abstractmethod
    def stop_if_queued(self, run_id: str) -> bool:
        """Atomically: if the run is still queued, mark it stopped. True when this call did."""

    @abstractmethod
    def update_run(self, run_id: str, **fields: Any) -> None:
        """Set columns of the run (names of `Run` fields); ValueError UNKNOWN_FIELDS otherwise."""

    @abstractmethod
    def set_progress(self, run_id: str, *, epoch: int, total_epochs: int, step: int,
                     steps_per_epoch: int, eta_s: float | None) -> None:
        """Where training is now; also a heartbeat."""

    @abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Remove the run and everything stored about it (its id is not reused)."""

    # --- processes and stopping ------------------------------------------------------------
    @abstractmethod
    def claim(self, run_id: str) -> None:
        """Record that this process (pid, host) trains the run, so its death can be noticed."""

    @abstractmethod
    def heartbeat(self, run_id: str) -> None:
        """The process training the run is alive (a reaper on another host relies on it)."""

    @abstractmethod
    def running_runs(self) -> list[RunProcess]:
        """Every run in status "running", with who trains it: what a reaper checks."""

    @abstractmethod
    def request_stop(self, run_id: str) -> None:
        """Ask the training process to stop; the first request's time is kept (grace period)."""

    @abstractmethod
    def stop_requested(self, run_id: str) -> bool:
        """Whether a stop was requested (training loops poll this between steps)."""

    @abstractmethod
    def stop_requested_at(self, run_id: str) -> float | None:
        """UTC epoch seconds of the first stop request, or None."""

    # --- curves and internals --------------------------------------------------------------
    @abstractmethod
    def add_epoch(self, run_id: str, row: EpochRow) -> None:
        """Add one point of the curves; writing an epoch again replaces it. NaN/inf → None."""

    @abstractmethod
    def epochs(self, run_id: str) -> list[EpochRow]:
        """The run's curve points in epoch order."""

    def epochs_after(self, run_id: str, epoch: int) -> list[EpochRow]:
        """Only the curve points after `epoch`: what a live chart that has drawn up to `epoch`
        still lacks. Stores override this with one indexed query."""
        return [r for r in self.epochs(run_id) if r.epoch > epoch]

    def steps_after(self, run_id: str, step: int) -> list[tuple[int, float]]:
        """Step losses after `step`, in order, not bucketed (live charts append them)."""
        return [p for p in self.steps(run_id, max_points=10**9) if p[0] > step]

    @abstractmethod
    def add_steps(self, run_id: str, points: list[tuple[int, float]]) -> None:
        """Append (step, loss) points."""

    @abstractmethod
    def steps(self, run_id: str, max_points: int = 2000) -> list[tuple[int, float]]:
        """Step losses in order; more than `max_points` come back as bucket means."""

    @abstractmethod
    def add_internals(self, run_id: str, epoch: int, rows: list[LayerStat]) -> None:
        """Append per-layer statistics of one epoch."""

    @abstractmethod
    def internals(self, run_id: str) -> list[LayerStat]:
        """All per-layer statistics, by epoch then in the order written."""

    # --- notes, audits, logs ---------------------------------------------------------------
    @abstractmethod
    def set_notes(self, run_id: str, text: str) -> None:
        """Replace the run's free-text notes (stored as given, never rendered as HTML)."""

    @abstractmethod
    def save_audit(self, run_id: str, kind: str, payload: dict) -> None:
        """Store the JSON payload of an audit `kind`, replacing an earlier one."""

    @abstractmethod
    def get_audit(self, run_id: str, kind: str) -> dict | None:
        """The stored payload of audit `kind`, or None."""

    @abstractmethod
    def log(self, run_id: str, level: str, message: str) -> None:
        """Append a line to the run's log (level upper-cased)."""

    @abstractmethod
    def logs(self, run_id: str) -> list[LogLine]:
        """The run's log lines, oldest first."""

    def write_epoch(self, run_id: str, row: EpochRow, *, steps: list[tuple[int, float]] = (),
                    internals: list[LayerStat] = (), fields: dict[str, Any] | None = None) -> None:
        """Everything one epoch produces; implementations may do it in one transaction."""
        self.add_epoch(run_id, row)
        self.add_steps(run_id, list(steps))
        self.add_internals(run_id, row.epoch, list(internals))
        if fields:
            self.update_run(run_id, **fields)
