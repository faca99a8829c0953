"""A worker process: `python -m core.jobs.worker --slot N` (started by LocalJobRunner).

The store comes from LAYERLAB_STORE_URL in its environment (see `_procs.spawn_worker`).

It imports torch once, then takes jobs from the queue one at a time, heartbeats from a
thread, reaps dead peers while idle, and exits after LAYERLAB_WORKER_IDLE_S without work.
"""
from __future__ import annotations

import argparse
import logging
import os
import threading
import time

from core.jobs._local import LocalJobRunner
from core.jobs._procs import HOST
from core.jobs._queue import JobQueue
from core.jobs._registry import resolve_job
from core.jobs.memory import apply_memory_cap, is_out_of_memory, out_of_memory_message
from core.jobs.messages import JOB_FAILED
from core.runs import open_store, sql_engine

log = logging.getLogger("core.jobs.worker")
_POLL_S = 0.05  # a queued job starts within ~this long on a worker that just finished one
# Idle: a slower poll (one indexed read per tick) still starts a job within a fifth of a second.
# Idle for a minute: twice a second, and peers reaped every 10 s instead of 2 s (0.2 s polls and
# 2 s reaps kept an idle worker at 1 % of a core); a job then waits at most 0.5 s to start.
_IDLE_POLL_S, _FAST_FOR_S = 0.2, 5.0
_SLEEP_POLL_S, _SLEEP_AFTER_S, _SLEEP_REAP_EVERY_S = 0.5, 60.0, 10.0
WARM_DATASETS_ENV = "LAYERLAB_WARM_DATASETS"  # built-in datasets prepared when a worker starts
_REAP_EVERY_S = 2.0


def _idle_limit_s() -> float:
    return float(os.environ.get("LAYERLAB_WORKER_IDLE_S", "600"))


def _heartbeat_loop(q: JobQueue, slot: int, lost: threading.Event) -> None:
    while not lost.is_set():
        try:
            if not q.worker_heartbeat(slot):
                lost.set()  # our slot was reaped or given to another worker: finish and go
        except Exception:  # noqa: BLE001 - a busy database must not kill the worker
            log.exception("heartbeat failed")
        time.sleep(1.0)


def _run_one(store, q: JobQueue, slot: int, job: dict) -> None:
    import json

    run_id = job["run_id"]
    if run_id:  # a stop that landed after the claim wins: the job then sees a stopped run
        store.start_if_queued(run_id, pid=os.getpid(), host=HOST)
    log.info("job %s (%s) started%s", job["id"], job["name"], f" for {run_id}" if run_id else "")
    try:
        resolve_job(job["name"])(json.loads(job["args"]), store=store, job_id=job["id"],
                                 run_id=run_id)
    except Exception as exc:  # noqa: BLE001 - report every failure in the store, keep serving
        log.exception("job %s failed", job["id"])
        # MemoryError's own text is empty: name the cap instead, so the user knows what to change.
        error = out_of_memory_message() if is_out_of_memory(exc) else str(exc)
        q.finish(job["id"], slot, "failed", error=error)
        if run_id and store.run_status(run_id) in ("queued", "running"):
            store.set_status(run_id, "failed", error=JOB_FAILED.format(error=error))
        return
    q.finish(job["id"], slot, "done")


def _warm_data(q: JobQueue) -> None:
    """Prepare the quick start's dataset (cached in this process) unless work is waiting."""
    from core.data import default_ref, prepared

    for name in filter(None, os.environ.get(WARM_DATASETS_ENV, "adult").split(",")):
        if q.jobs(("queued",)):
            return  # a job is waiting: it prepares its own data
        try:
            prepared(default_ref(name.strip()))  # the key the quick start's run asks for
        except Exception:  # noqa: BLE001 - warming is an optimisation, never a failure
            log.exception("could not prepare %s ahead of time", name)


def serve(url: str, slot: int, threads: int, reaper=LocalJobRunner, cap_memory: bool = True) -> None:
    """Take jobs until idle for too long; `reaper(store)` is the runner whose `reap` runs while
    idle (a Ray slot passes the Ray runner, which never starts local processes)."""
    store = open_store(url, patient=True)  # a server store's restart is waited out (~30 s)
    q = JobQueue(sql_engine(url))
    q.set_worker_pid(slot, os.getpid())
    import torch  # noqa: F401 - imported once here so each job starts warm

    resolve_job("train")  # imports the training code once, through the registry (no layer import)
    from core.spec import warm_up

    warm_up()  # the first job's model check would otherwise import sympy (~2 s) on the clock
    torch.set_num_threads(max(1, threads))
    # After torch is imported (its own mappings count towards the cap), before any job runs.
    if cap_memory:
        apply_memory_cap()
    _warm_data(q)
    runner = reaper(store)
    lost = threading.Event()
    threading.Thread(target=_heartbeat_loop, args=(q, slot, lost), daemon=True).start()
    last_work = last_reap = time.monotonic()
    log.info("worker pid %s ready in slot %s", os.getpid(), slot)
    while not lost.is_set():
        job = q.claim(slot) if q.jobs(("queued",)) else None
        now = time.monotonic()
        if job is not None:
            _run_one(store, q, slot, job)
            last_work = time.monotonic()
            continue
        if now - last_work > _idle_limit_s():
            if q.remove_worker(slot, os.getpid(), only_if_idle_queue=True):
                break
        idle_s = now - last_work
        if now - last_reap > (_REAP_EVERY_S if idle_s < _SLEEP_AFTER_S else _SLEEP_REAP_EVERY_S):
            last_reap = now
            try:
                runner.reap()
            except Exception:  # noqa: BLE001
                log.exception("reap failed")
        time.sleep(_POLL_S if idle_s < _FAST_FOR_S else
                   _IDLE_POLL_S if idle_s < _SLEEP_AFTER_S else _SLEEP_POLL_S)
    log.info("worker pid %s exits", os.getpid())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="LayerLab job worker")
    parser.add_argument("--slot", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from core import settings

    serve(settings.store_url(), args.slot, args.threads)


if __name__ == "__main__":
    main()
