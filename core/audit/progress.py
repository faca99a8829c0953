"""Audit jobs (checklist tools, fairness mitigation, SHAP/LIME, attacks): progress and results.

An audit runs as a job in a worker (see core.jobs) and keeps its state in the run store as an
audit record of its run, under its own kind: a `core.audit.records.JobRecord`
    {"state": "queued" | "running" | "done" | "failed" | "cancelled", "progress": 0..1,
     "message": str, "eta_s": float | None, "job_id": str, "result": {...} (when done),
     "error": str (when failed), "cancel_requested": bool (once Cancel was pressed)}
Pages poll `audit_state` and draw a progress bar with an ETA, then the result. `cancel_audit`
asks a job to stop: the next `Progress.update` of the job raises `AuditCancelled`, and the
record ends as "cancelled".
The job is submitted without a run id on purpose: the runner would otherwise treat the audited
(finished) run as the job's own and could mark it failed if the audit's worker died.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from core.audit.records import JobRecord, JobState, result_model
from core.errors import LayerLabError

WAITING = "Waiting for a free worker…"
QUEUE_POSITION = "Waiting in the queue (position {position})…"
STARTING = "Starting…"
DONE = "Done"
JOB_DIED = "the worker process stopped (killed or out of memory)"
DID_NOT_FINISH = "The {kind} job did not finish: {why}"
CANCELLING = "Stopping at the next step…"
CANCELLED = ("Cancelled: the {kind} job was stopped before it finished, and nothing was saved. "
             "Start it again when you are ready.")
UNEXPECTED = "Unexpected error: {name}: {exc}"


class AuditCancelled(LayerLabError):
    """Raised inside an audit job by `Progress.update` once someone pressed Cancel."""


def submit_audit(store, runner, run_id: str, job: str, args: dict | None = None,
                 kind: str | None = None, user: str | None = None) -> str:
    """Queue audit `job` (a registered job name) for `run_id`; returns the job id.

    A job that makes a new run (core.jobs.MAKES_RUNS) is refused with TOO_MANY_QUEUED /
    TOO_MANY_RUNNING when the requester (`user`, else the user of an `as_user` store) is at their
    limit, and carries them as args["user"]: the worker's plain store cannot know who asked."""
    from core.jobs import MAKES_RUNS, waiting_run_jobs
    from core.runs.access import check_quota, requester

    kind = kind or job
    store.get_run(run_id)  # a clear error for an unknown run, before anything is queued
    if job in MAKES_RUNS:
        user = requester(store, user)
        check_quota(store, user, waiting_run_jobs(runner, user))
        args = {**(args or {}), "user": user}
    JobRecord(state=JobState.QUEUED, progress=0.0, job_id=None, message=WAITING).save(store, run_id, kind)
    job_id = runner.submit(job, {"run_id": run_id, "kind": kind, **(args or {})})
    JobRecord(state=JobState.QUEUED, progress=0.0, job_id=job_id, message=WAITING).save(store, run_id, kind)
    return job_id


def audit_state(store, runner, run_id: str, kind: str) -> JobRecord | None:
    """The audit record, with a dead, failed or cancelled job turned into its final state."""
    rec = JobRecord.read(store, run_id, kind)
    if rec is None or not rec.active or not rec.job_id:
        return rec
    try:
        job = runner.status(rec.job_id)
    except (LayerLabError, KeyError):
        return rec
    if job.status in ("failed", "cancelled") and rec.cancel_requested:
        rec = _cancelled(rec, kind)
        rec.save(store, run_id, kind)
    elif job.status in ("failed", "cancelled"):
        why = job.error or JOB_DIED
        rec = rec.model_copy(update={"state": JobState.FAILED,
                                     "error": DID_NOT_FINISH.format(kind=kind, why=why)})
        rec.save(store, run_id, kind)
    elif rec.state is JobState.QUEUED and job.position and not rec.cancel_requested:
        rec = rec.model_copy(update={"message": QUEUE_POSITION.format(position=job.position)})
    return rec


def cancel_audit(store, runner, run_id: str, kind: str) -> JobRecord | None:
    """Ask the audit's job to stop: a queued job is dropped, a running one stops at its next
    progress update. Returns the record as saved (None when there is nothing to cancel)."""
    rec = JobRecord.read(store, run_id, kind)
    if rec is None or not rec.active:
        return rec
    rec = rec.model_copy(update={"cancel_requested": True, "message": CANCELLING})
    rec.save(store, run_id, kind)
    if rec.job_id:
        runner.cancel(rec.job_id)
    return rec


def _cancelled(rec: JobRecord, kind: str) -> JobRecord:
    return rec.model_copy(update={"state": JobState.CANCELLED, "eta_s": None,
                                  "message": CANCELLED.format(kind=kind)})


class Progress:
    """Written by the job: throttled progress updates with an ETA, then the result or the error.

    Each update first reads the record, so a Cancel pressed on the page stops the job here
    (a Cancel landing in the instant between that read and the write is lost; press it again).
    """

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
        saved = JobRecord.read(self.store, self.run_id, self.kind)
        if saved is not None and saved.cancel_requested:
            raise AuditCancelled(CANCELLED.format(kind=self.kind))
        elapsed = now - self.t0
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.02 else None
        self._save(JobRecord(state=JobState.RUNNING, progress=float(fraction), message=message,
                             eta_s=eta, job_id=self.job_id))

    def done(self, result: dict[str, Any]) -> None:
        model = result_model(self.kind)
        if model is not None:  # checked against the kind's record, kept as the job wrote it
            result = model.model_validate(result).dump()
        self._save(JobRecord(state=JobState.DONE, progress=1.0, message=DONE, job_id=self.job_id,
                             elapsed_s=time.monotonic() - self.t0, result=result))

    def failed(self, error: str) -> None:
        self._save(JobRecord(state=JobState.FAILED, progress=0.0, job_id=self.job_id, error=error))

    def cancelled(self) -> None:
        rec = JobRecord(state=JobState.RUNNING, progress=0.0, job_id=self.job_id,
                        elapsed_s=time.monotonic() - self.t0, cancel_requested=True)
        self._save(_cancelled(rec, self.kind))

    def _save(self, rec: JobRecord) -> None:
        rec.save(self.store, self.run_id, self.kind)


def run_audit(fn: Callable[[dict, Progress, Any], dict]) -> Callable:
    """Wrap `fn(args, progress, store) -> result` as a job function with the runner's signature.

    A LayerLabError becomes the audit's readable error (and the job still counts as failed);
    a cancel ends the job quietly with the record in state "cancelled".
    """
    def job(args: dict, *, store, job_id: str, run_id: str | None) -> None:
        progress = Progress(store, args["run_id"], args.get("kind") or fn.__name__, job_id)
        try:
            progress.update(0.0, STARTING)
            progress.done(fn(args, progress, store))
        except AuditCancelled:
            progress.cancelled()
        except LayerLabError as exc:
            progress.failed(str(exc))
            raise
        except Exception as exc:  # noqa: BLE001 - say what broke, keep the worker alive
            progress.failed(UNEXPECTED.format(name=type(exc).__name__, exc=exc))
            raise

    job.__name__ = getattr(fn, "__name__", "audit_job")
    job.__doc__ = fn.__doc__
    return job
