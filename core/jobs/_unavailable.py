"""UnavailableRunner: what the web server holds when its job runner cannot start.

An unreachable Ray cluster must not take the app down: pages still show finished runs and
say, once per page, that jobs cannot run (the reason names LAYERLAB_RAY_ADDRESS). Every call
that would start or stop work raises that same reason as a LayerLabError, which pages show.
"""
from __future__ import annotations

import time

from core.errors import LayerLabError
from core.jobs._base import JobRunner, JobStatus, WorkerInfo
from core.jobs.messages import NO_SUCH_JOB


class UnavailableRunner(JobRunner):
    """A runner that runs nothing; `reason` says why (and what to fix)."""

    def __init__(self, store, reason: str):
        self.store, self.reason, self.slots = store, reason, 0
        self.since = time.monotonic()

    def submit(self, name: str, args: dict, *, run_id: str | None = None) -> str:
        if run_id and self.store.run_status(run_id) == "queued":
            self.store.set_status(run_id, "failed", error=self.reason)  # never left waiting
        raise LayerLabError(self.reason)

    def cancel(self, job_id_or_run_id: str) -> None:
        raise LayerLabError(self.reason)

    def status(self, job_id: str) -> JobStatus:
        raise LayerLabError(NO_SUCH_JOB.format(job_id=job_id))

    def queue(self) -> list[JobStatus]:
        return []

    def reap(self) -> None:
        return None

    def workers(self) -> list[WorkerInfo]:
        return []

    def shutdown(self) -> None:
        self.stop_reaper()
