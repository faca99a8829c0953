"""Tiny jobs for the runner's tests (no torch): they exercise queueing, cancel and crashes.

Workers find them through LAYERLAB_EXTRA_JOBS (see `extra_jobs` in conftest.py)."""
from __future__ import annotations

import time


def sleep_job(args: dict, *, store, job_id, run_id) -> None:
    deadline = time.monotonic() + float(args.get("seconds", 1.0))
    while time.monotonic() < deadline:
        if run_id and store.stop_requested(run_id):
            store.set_status(run_id, "stopped")
            return
        time.sleep(0.05)
    if run_id:
        store.set_status(run_id, "finished")


def fail_job(args: dict, *, store, job_id, run_id) -> None:
    raise RuntimeError(args.get("message", "boom"))


def hog_job(args: dict, *, store, job_id, run_id) -> None:
    """Allocate `gb` gigabytes and touch them (a model that blows up at run time)."""
    import numpy as np

    block = np.ones(int(float(args["gb"]) * 1024**3 // 8))
    if run_id:
        store.set_status(run_id, "finished")
    del block
