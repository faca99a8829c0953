"""Jobs: work longer than a second (training, SHAP, LIME, attacks) runs outside the web process.

A job is a registered name plus JSON arguments (never pickled code). `default_runner()` gives
the local runner: a bounded pool of detached worker processes that keep torch imported, take
jobs first-in first-out from a queue table in the run store's database, heartbeat, and exit
after a long idle period. A Ray runner can implement the same `JobRunner` interface later.
"""
from __future__ import annotations

import os

from core.jobs._base import JOB_STATUSES, JobRunner, JobStatus, WorkerInfo
from core.jobs._local import LocalJobRunner, death_reason
from core.jobs._registry import EXTRA_JOBS_ENV, JOBS, known_jobs, register_job, resolve_job
from core.jobs._threads import default_slots, worker_threads

__all__ = ["JobRunner", "JobStatus", "WorkerInfo", "LocalJobRunner", "default_runner",
           "register_job", "resolve_job", "known_jobs", "JOBS", "EXTRA_JOBS_ENV", "JOB_STATUSES",
           "death_reason", "default_slots", "worker_threads"]


def default_runner(store=None) -> JobRunner:
    """The local runner on `store` (default: `core.runs.open_store()`); LAYERLAB_SLOTS sets the slots."""
    from core.runs import open_store

    slots = os.environ.get("LAYERLAB_SLOTS")
    return LocalJobRunner(store or open_store(), slots=int(slots) if slots else None)
