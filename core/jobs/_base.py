"""The job runner interface: the local process pool today, Ray on a cluster later."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


@dataclass
class JobStatus:
    id: str
    name: str
    args: dict[str, Any]
    run_id: str | None
    status: str  # one of JOB_STATUSES
    position: int | None = None  # 1 = next to start; None unless queued
    pid: int | None = None  # worker process running it
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class JobRunner(ABC):
    """Runs named jobs with JSON arguments outside the web process; see core.jobs."""

    @abstractmethod
    def submit(self, name: str, args: dict, *, run_id: str | None = None) -> str:
        """Queue job `name` (a key of the job registry) with JSON `args`; returns the job id."""

    @abstractmethod
    def cancel(self, job_id_or_run_id: str) -> None:
        """Drop a queued job, or ask a running one to stop (hard kill after a grace period)."""

    @abstractmethod
    def status(self, job_id: str) -> JobStatus: ...

    @abstractmethod
    def queue(self) -> list[JobStatus]:
        """Running and queued jobs, running first, then in the order they will start."""

    @abstractmethod
    def reap(self) -> None:
        """Mark work of dead workers failed, hard-kill overdue stops, replace lost workers."""
