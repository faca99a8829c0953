"""Jobs: work longer than a second (training, SHAP, LIME, attacks) runs outside the web process.

A job is a registered name plus JSON arguments (never pickled code). `default_runner()` gives
the local runner: a bounded pool of detached worker processes that keep torch imported, take
jobs first-in first-out from a queue table in the run store's database, heartbeat, and exit
after a long idle period. With LAYERLAB_RAY_ADDRESS set, `default_runner()` gives the Ray
runner instead: the same queue, with each worker a detached actor on the cluster.
"""
from __future__ import annotations

import os

from core.jobs._base import JOB_STATUSES, JobRunner, JobStatus, WorkerInfo
from core.jobs._local import LocalJobRunner, death_reason
from core.jobs._ray import RayJobRunner  # imports ray itself only when connecting
from core.jobs._unavailable import UnavailableRunner
from core.jobs.messages import RAY_ADDRESS_ENV
from core.jobs._registry import (EXTRA_JOBS_ENV, JOBS, MAKES_RUNS, known_jobs, register_job,
                                 resolve_job, waiting_run_jobs)
from core.jobs.memory import OUT_OF_MEMORY, apply_memory_cap, is_out_of_memory, out_of_memory_message
from core.jobs._threads import default_slots, worker_threads

__all__ = ["JobRunner", "JobStatus", "WorkerInfo", "LocalJobRunner", "default_runner",
           "register_job", "resolve_job", "known_jobs", "JOBS", "MAKES_RUNS", "EXTRA_JOBS_ENV", "JOB_STATUSES",
           "waiting_run_jobs",
           "death_reason", "RayJobRunner", "RAY_ADDRESS_ENV",
           "UnavailableRunner", "OUT_OF_MEMORY", "apply_memory_cap", "is_out_of_memory",
           "out_of_memory_message", "default_slots", "worker_threads"]


def default_runner(store=None) -> JobRunner:
    """The runner on `store` (default: `core.runs.open_store()`): Ray when LAYERLAB_RAY_ADDRESS
    is set (LayerLabError RAY_UNREACHABLE when it does not answer), else the local pool.
    LAYERLAB_SLOTS sets the slots."""
    from core.runs import open_store

    slots = os.environ.get("LAYERLAB_SLOTS")
    slots_n = int(slots) if slots else None
    if os.environ.get(RAY_ADDRESS_ENV):
        return RayJobRunner(store or open_store(), os.environ[RAY_ADDRESS_ENV], slots=slots_n)
    return LocalJobRunner(store or open_store(), slots=slots_n)
