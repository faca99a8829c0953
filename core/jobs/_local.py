"""LocalJobRunner: a bounded pool of detached worker processes on this machine.

The queue lives in the store's database, not in memory, so any process (the web server, a
worker, the CLI) can submit, cancel and reap, and a restart of the web server loses nothing.
Workers are started on demand (one per free slot when jobs wait), import torch once and stay
warm, and exit after an idle period. Dead workers are noticed by `reap`: idle workers call it,
the web server runs it in a thread (`start_reaper`), and `python -m core runs` calls it once.
"""
from __future__ import annotations

import logging
import os
import time

from core import settings
from core.errors import LayerLabError
from core.jobs._base import JobRunner, JobStatus, WorkerInfo
from core.jobs._procs import HOST, kill_hard, pid_alive, spawn_worker
from core.jobs._queue import JobQueue, _ts
from core.jobs._registry import known_jobs
from core.jobs._threads import default_slots, worker_threads
from core.jobs.messages import (
    BEFORE_TRAINING,
    DEAD_RUN_ADVICE,
    DEATH_REASON,
    DURING_EPOCH,
    FORCED_STOP,
    KEPT_CHECKPOINT,
    NO_CHECKPOINT,
    NO_SUCH_JOB,
    UNKNOWN_JOB,
    WORKER_LOST,
)
from core.runs import RunProcess, RunStore, sql_engine

log = logging.getLogger(__name__)

# A worker that reserved a slot but has not started within this time is treated as lost.
_START_TIMEOUT_S = 60.0
# On another host only the heartbeat tells us a process is alive.
_HEARTBEAT_TIMEOUT_S = 60.0


def stop_grace_s() -> float:
    """How long a cooperative stop may take before the worker is killed."""
    return float(os.environ.get("LAYERLAB_STOP_GRACE_S", "8"))


def death_reason(store: RunStore, run_id: str, what: str = "worker process") -> str:
    """Plain words on where a killed run stopped and what it kept."""
    run = store.get_run(run_id)
    done = max((row.epoch for row in store.epochs(run_id)), default=0)
    during = DURING_EPOCH.format(epoch=run.epoch) if run.epoch else BEFORE_TRAINING
    kept = KEPT_CHECKPOINT.format(epoch=done) if run.checkpoint_path and done else NO_CHECKPOINT
    return DEATH_REASON.format(what=what, during=during, kept=kept)


class LocalJobRunner(JobRunner):
    """Runs jobs in up to `slots` detached worker processes on this machine."""

    kills_remote = False  # the local pool can only kill processes on this machine

    def __init__(self, store: RunStore, slots: int | None = None):
        self.store = store
        self.slots = int(slots or default_slots())
        # The queue's tables live in the store's own database (see core.runs.sql_engine).
        self.q = JobQueue(sql_engine(store.url))

    # --- public API ------------------------------------------------------------------------
    def submit(self, name: str, args: dict, *, run_id: str | None = None) -> str:
        jobs = known_jobs()
        if name not in jobs:
            raise LayerLabError(UNKNOWN_JOB.format(name=name, known=", ".join(sorted(jobs))))
        job_id = self.q.enqueue(name, args, run_id)
        self.reap()  # also starts a worker when none is free
        return job_id

    def cancel(self, job_id_or_run_id: str) -> None:
        job = self.q.find(job_id_or_run_id)
        if job is None:
            return
        if job["status"] == "queued" and self.q.cancel_queued(job["id"]):
            if job["run_id"]:
                self.store.stop_if_queued(job["run_id"])
            return
        if job["status"] == "running":
            self.q.request_cancel(job["id"])
            if job["run_id"]:
                self.store.request_stop(job["run_id"])

    def status(self, job_id: str) -> JobStatus:
        job = self.q.find(job_id)
        if job is None:
            raise LayerLabError(NO_SUCH_JOB.format(job_id=job_id))
        return self.q.to_status(job, self._positions().get(job["id"]))

    def queue(self) -> list[JobStatus]:
        self.reap()
        rows = self.q.jobs(("running",)) + self.q.jobs(("queued",))
        positions = self._positions()
        return [self.q.to_status(r, positions.get(r["id"])) for r in rows]

    def reap(self) -> None:
        now = time.time()
        self._reap_workers(now)
        self._reap_runs(now)
        self._ensure_workers()

    def workers(self) -> list[WorkerInfo]:
        return [WorkerInfo(slot=w["slot"], pid=w["pid"], host=w["host"], job_id=w["job_id"],
                           started_at=_ts(w["started_at"]), heartbeat_at=_ts(w["heartbeat_at"]))
                for w in self.q.workers()]

    def shutdown(self) -> None:
        self.stop_reaper()
        for w in self.q.workers():
            if w["host"] == HOST and w["pid"]:
                kill_hard(w["pid"])
            self.q.remove_worker(w["slot"], w["pid"])

    # --- internals -------------------------------------------------------------------------
    def _positions(self) -> dict[str, int]:
        return {r["id"]: i + 1 for i, r in enumerate(self.q.jobs(("queued",)))}

    def _worker_dead(self, w: dict, now: float) -> bool:
        if w["pid"] is None:
            return now - w["started_at"] > _START_TIMEOUT_S
        if w["host"] == HOST:
            return not pid_alive(w["pid"])
        return now - (w["heartbeat_at"] or w["started_at"]) > _HEARTBEAT_TIMEOUT_S

    def _reap_workers(self, now: float) -> None:
        for w in self.q.workers():
            if self._worker_dead(w, now) and self.q.remove_worker(w["slot"], w["pid"]):
                log.warning("worker in slot %s (pid %s) is gone", w["slot"], w["pid"])
        for job in self.q.jobs(("running",)):
            if not self._job_dead(job):
                continue
            cancelled = job["cancel_requested_at"] is not None
            if job["run_id"] and self.store.run_status(job["run_id"]) == "running":
                self._fail_run(job["run_id"], self._worker_words(job))
            self.q.finish(job["id"], job["slot"], "cancelled" if cancelled else "failed",
                          error=None if cancelled else WORKER_LOST)

    def _job_dead(self, job: dict) -> bool:
        if job["host"] == HOST:
            return not pid_alive(job["pid"])
        return not any(w["pid"] == job["pid"] for w in self.q.workers())

    def _worker_words(self, job: dict) -> str:
        """How the death reason names the process that ran `job`."""
        return "worker process"

    def _kill(self, pid: int | None, host: str | None) -> None:
        """Hard-stop the process `pid` on `host` (only this machine's, for the local pool)."""
        if host == HOST:
            kill_hard(pid)

    def _spawn(self, slot: int, threads: int) -> int | None:
        """Start the worker of a reserved slot; its pid, or None when it reports it itself."""
        log_path = settings.home() / "logs" / f"worker-{slot}.log"
        return spawn_worker(self.store.url, slot, threads, log_path)

    def _fail_run(self, run_id: str, what: str) -> None:
        reason = death_reason(self.store, run_id, what)
        self.store.set_status(run_id, "failed", error=reason, advice=DEAD_RUN_ADVICE)
        self.store.log(run_id, "ERROR", reason)

    def _process_dead(self, r: RunProcess, now: float) -> bool:
        if r.host == HOST:
            return not pid_alive(r.pid)
        return now - (r.heartbeat_at or now) > _HEARTBEAT_TIMEOUT_S

    def _reap_runs(self, now: float) -> None:
        """Runs trained outside a job (CLI) or whose stop is overdue."""
        for r in self.store.running_runs():
            if r.pid and self._process_dead(r, now):
                job = self.q.find(r.id)
                self._fail_run(r.id, self._worker_words(job) if job and job["status"] == "running"
                               else "training process")
            elif (r.stop_requested_at and now - r.stop_requested_at > stop_grace_s()
                  and (r.host == HOST or self.kills_remote)):
                log.warning("run %s did not stop within the grace period; killing pid %s",
                            r.id, r.pid)
                self._kill(r.pid, r.host)
                self.store.set_status(r.id, "stopped", error=FORCED_STOP)

    def _ensure_workers(self) -> None:
        queued = self.q.jobs(("queued",))
        if not queued:
            return
        workers = self.q.workers()
        idle = sum(1 for w in workers if not w["job_id"])
        need = min(self.slots - len(workers), len(queued) - idle)
        used = {w["slot"] for w in workers}
        threads = worker_threads(self.slots)  # its share of the cores beside the web server
        for slot in range(self.slots):
            if need <= 0:
                break
            if slot in used or not self._start_slot(slot, threads):
                continue
            need -= 1

    def _start_slot(self, slot: int, threads: int) -> bool:
        """Reserve `slot` and start its worker; False when another process reserved it first."""
        if not self.q.reserve_slot(slot):
            return False
        pid = self._spawn(slot, threads)
        if pid is not None:
            self.q.set_worker_pid(slot, pid)
        log.info("started worker pid %s in slot %s", pid, slot)
        return True

    def prestart(self) -> None:
        self._reap_workers(time.time())
        if not self.q.workers():
            self._start_slot(0, worker_threads(self.slots))
