"""Audit jobs (checklist tools, fairness mitigation, SHAP/LIME, attacks): progress and results.

An audit runs as a job in a worker (see core.jobs) and keeps its state in the run store as an
audit record of its run, under its own kind:
    {"state": "queued" | "running" | "done" | "failed", "progress": 0..1, "message": str,
     "eta_s": float | None, "job_id": str, "result": {...} (when done), "error": str (when failed)}
Pages poll `audit_state` and draw a progress bar with an ETA, then the result.
The job is submitted without a run id on purpose: the runner would otherwise treat the audited
(finished) run as the job's own and could mark it failed if the audit's worker died.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from core.errors import LayerLabError


def submit_audit(store, runner, run_id: str, job: str, args: dict | None = None,
                 kind: str | None = None) -> str:
    """Queue audit `job` (a registered job name) for `run_id`; returns the job id."""
    kind = kind or job
    store.get_run(run_id)  # a clear error for an unknown run, before anything is queued
    store.save_audit(run_id, kind, {"state": "queued", "progress": 0.0, "job_id": None,
                                    "message": "Waiting for a free worker…"})
    job_id = runner.submit(job, {"run_id": run_id, "kind": kind, **(args or {})})
    store.save_audit(run_id, kind, {"state": "queued", "progress": 0.0, "job_id": job_id,
                                    "message": "Waiting for a free worker…"})
    return job_id


def audit_state(store, runner, run_id: str, kind: str) -> dict | None:
    """The audit record, with a dead or failed job turned into a readable 'failed' state."""
    rec = store.get_audit(run_id, kind)
    if not rec or rec.get("state") in ("done", "failed") or not rec.get("job_id"):
        return rec
    try:
        job = runner.status(rec["job_id"])
    except (LayerLabError, KeyError):
        return rec
    if job.status in ("failed", "cancelled"):
        why = job.error or "the worker process stopped (killed or out of memory)"
        rec = {**rec, "state": "failed", "error": f"The {kind} job did not finish: {why}"}
        store.save_audit(run_id, kind, rec)
    elif rec.get("state") == "queued" and job.position:
        rec = {**rec, "message": f"Waiting in the queue (position {job.position})…"}
    return rec


class Progress:
    """Written by the job: throttled progress updates with an ETA, then the result or the error."""

    def __init__(self, store, run_id: str, kind: str, job_id: str | None = None,
                 min_interval_s: float = 0.3):
        self.store, self.run_id, self.kind, self.job_id = store, run_id, kind, job_id
        self.t0 = time.monotonic()
        self._last = 0.0
        self.min_interval_s = min_interval_s

    def update(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < self.min_interval_s and fraction < 1.0:
            return
        self._last = now
        elapsed = now - self.t0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.02 else None
        self.store.save_audit(self.run_id, self.kind, {
            "state": "running", "progress": float(fraction), "message": message,
            "eta_s": eta, "job_id": self.job_id})

    def done(self, result: dict[str, Any]) -> None:
        self.store.save_audit(self.run_id, self.kind, {
            "state": "done", "progress": 1.0, "message": "Done", "job_id": self.job_id,
            "elapsed_s": time.monotonic() - self.t0, "result": result})

    def failed(self, error: str) -> None:
        self.store.save_audit(self.run_id, self.kind, {
            "state": "failed", "progress": 0.0, "job_id": self.job_id, "error": error})


def run_audit(fn: Callable[[dict, Progress, Any], dict]) -> Callable:
    """Wrap `fn(args, progress, store) -> result` as a job function with the runner's signature.

    A LayerLabError becomes the audit's readable error (and the job still counts as failed).
    """
    def job(args: dict, *, store, job_id: str, run_id: str | None) -> None:
        progress = Progress(store, args["run_id"], args.get("kind") or fn.__name__, job_id)
        progress.update(0.0, "Starting…")
        try:
            progress.done(fn(args, progress, store))
        except LayerLabError as exc:
            progress.failed(str(exc))
            raise
        except Exception as exc:  # noqa: BLE001 - say what broke, keep the worker alive
            progress.failed(f"Unexpected error: {type(exc).__name__}: {exc}")
            raise

    job.__name__ = getattr(fn, "__name__", "audit_job")
    job.__doc__ = fn.__doc__
    return job
