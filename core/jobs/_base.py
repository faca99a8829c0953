"""The job runner interface: the local process pool today, Ray on a cluster later.

Everything callers use is declared here, so a second runner can be written from this file
alone. A runner never writes the runs table itself: it changes run state only through the
`RunStore` interface (start_if_queued, stop_if_queued, set_status, request_stop).
"""
from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.runs import RunStore

log = logging.getLogger(__name__)

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


@dataclass
class WorkerInfo:
    """One worker process (or, for a cluster runner, one actor) holding a slot."""

    slot: int
    pid: int | None  # None between reserving the slot and the process starting
    host: str | None
    job_id: str | None  # the job it runs now; None when idle
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None


class JobRunner(ABC):
    """Runs named jobs with JSON arguments outside the web process; see core.jobs.

    `store` is the RunStore whose runs the jobs train; `slots` bounds how many jobs run at once.
    """

    store: RunStore
    slots: int
    _reaper_stop: threading.Event | None = None
    _reaper_thread: threading.Thread | None = None

    @abstractmethod
    def submit(self, name: str, args: dict, *, run_id: str | None = None) -> str:
        """Queue job `name` (a key of the job registry) with JSON `args`; returns the job id."""

    @abstractmethod
    def cancel(self, job_id_or_run_id: str) -> None:
        """Drop a queued job, or ask a running one to stop (hard kill after a grace period)."""

    @abstractmethod
    def status(self, job_id: str) -> JobStatus:
        """The job as it is now; LayerLabError NO_SUCH_JOB when there is no such job."""

    @abstractmethod
    def queue(self) -> list[JobStatus]:
        """Running and queued jobs, running first, then in the order they will start."""

    @abstractmethod
    def reap(self) -> None:
        """Mark work of dead workers failed, hard-kill overdue stops, replace lost workers.

        Safe to call from any process at any time, and cheap when nothing is wrong; the only
        place that starts or stops processes besides `submit`, `cancel` and `shutdown`."""

    @abstractmethod
    def workers(self) -> list[WorkerInfo]:
        """The workers holding slots now (at most `slots`)."""

    @abstractmethod
    def shutdown(self) -> None:
        """Stop this runner's workers now (tests, benchmarks); their running jobs fail. Also
        stops the reaper thread."""

    def waiting_reason(self, job_id_or_run_id: str) -> str | None:
        """Why a queued job has not started, when it is more than its place in line (e.g. a
        cluster with no free CPU); None otherwise."""
        return None

    def prestart(self) -> None:
        """Start one idle worker now when none is alive (the web server calls it at start), so
        the first run finds torch imported and the built-in data prepared. Default: nothing."""
        return None  # runners without local processes (a cluster) have nothing to warm

    def start_reaper(self, interval_s: float = 2.0) -> threading.Thread:
        """Call `reap` every `interval_s` seconds in a daemon thread (the web server starts one),
        so dead workers are noticed while pages only read. Idempotent per runner."""
        if self._reaper_stop is not None:
            return self._reaper_thread
        stop = self._reaper_stop = threading.Event()

        def loop() -> None:
            from sqlalchemy.exc import DBAPIError

            from core.errors import StoreUnavailable

            while not stop.wait(interval_s):
                try:
                    self.reap()
                except (DBAPIError, StoreUnavailable) as exc:  # a store restarting: expected, one line
                    log.warning("run store unreachable; reaping again in %.0f s (%s)", interval_s,
                                str(exc).splitlines()[0][:200])
                except Exception:  # noqa: BLE001 - anything else must not end the reaper either
                    log.exception("reaping dead workers failed")

        self._reaper_thread = threading.Thread(target=loop, name="layerlab-reaper", daemon=True)
        self._reaper_thread.start()
        return self._reaper_thread

    def stop_reaper(self) -> None:
        """End the thread of `start_reaper` (if any) after its current pass."""
        if self._reaper_stop is not None:
            self._reaper_stop.set()
            self._reaper_stop = None
