"""RayJobRunner: the local pool's queue, with each worker a detached actor on a Ray cluster.

Chosen by LAYERLAB_RAY_ADDRESS (`auto`, `HOST:PORT` or `ray://HOST:PORT`). Jobs stay a name
plus JSON in the store's jobs table; what changes is where the worker runs: each slot is a
detached actor (`slot-N`, one CPU, a GPU when the cluster has one) that runs the very same
loop as a local worker (`core.jobs.worker.serve`), so every job kind runs unchanged.

Why slot actors and not one Ray task per job: a fresh Ray worker process pays Python + torch
import (8 s measured on the 2-core CI machine) before the first epoch, while a warm slot
claims a queued job within 50 ms; tasks would also be owned by the web server and die with
it, whereas detached actors outlive a server restart and the pages re-attach from the store.
`max_restarts=0` and the atomic claim in the jobs table mean a job never runs twice.

Why the web server connects with `ray.init` once per process (ui.resources caches the runner)
and not through the job-submission API: that API needs Ray's dashboard on the head and starts
a new driver process per job (the same cold import); one guarded, time-limited connection per
server process survives Streamlit reruns, because a rerun reuses the cached runner.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import socket
import threading
import time
from pathlib import Path

from core import settings
from core.errors import LayerLabError
from core.jobs._local import LocalJobRunner, stop_grace_s
from core.jobs._procs import STORE_URL_ENV
from core.jobs.messages import (
    RAY_ADDRESS_ENV,
    RAY_MISSING,
    RAY_OTHER_CLUSTER,
    RAY_UNREACHABLE,
    RAY_WAITING_CPU,
    RAY_WAITING_SLOT,
)

log = logging.getLogger(__name__)
_REPO_ROOT = Path(__file__).resolve().parents[2]
_LOCK = threading.Lock()
_PROBE_TIMEOUT_S = 3.0
# A slot whose actor is not registered yet (between reserving the row and creating it).
_CREATE_GRACE_S = 10.0
_CONNECTED_TO: str | None = None  # the address this process's ray.init used


def connect_timeout_s() -> float:
    """How long `ray.init` may take before the runner reports the cluster unreachable."""
    return float(os.environ.get("LAYERLAB_RAY_CONNECT_TIMEOUT_S", "20"))


def _unreachable(address: str, why: str) -> LayerLabError:
    return LayerLabError(RAY_UNREACHABLE.format(address=address, why=why))


def _probe(address: str) -> None:
    """Fail in under a second or two when nothing listens: `ray.init` would hang instead."""
    if address == "auto":
        return
    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        raise _unreachable(address, "expected auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=_PROBE_TIMEOUT_S).close()
    except OSError as exc:
        raise _unreachable(address, f"cannot connect to {host}:{port}: "
                                    f"{exc.strerror or exc}") from None


def connect(address: str):
    """The `ray` module, connected to `address` once per process (a no-op inside a Ray worker)."""
    loopback = address.split("://", 1)[-1].split(":")[0] in ("127.0.0.1", "localhost")
    if loopback:
        # A head bound to loopback (tests, one machine): Ray reads this when it is imported;
        # without it (and _node_ip_address below) it swaps 127.0.0.1 for the machine's address
        # and the driver waits for the head forever.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError:
        raise LayerLabError(RAY_MISSING.format(address=address)) from None
    global _CONNECTED_TO
    if ray.is_initialized() and _CONNECTED_TO in (None, address):
        return ray  # inside a Ray worker (None), or this process connected already
    _probe(address)
    with _LOCK:
        if ray.is_initialized():
            if _CONNECTED_TO == address:
                return ray
            raise LayerLabError(RAY_OTHER_CLUSTER.format(address=address, other=_CONNECTED_TO))
        kwargs = {"address": address, "log_to_driver": False, "logging_level": logging.WARNING}
        if loopback and not address.startswith("ray://"):
            kwargs["_node_ip_address"] = "127.0.0.1"
        outcome: dict = {}

        def init() -> None:
            try:
                ray.init(**kwargs)
            except Exception as exc:  # noqa: BLE001 - reported below in the user's words
                outcome["error"] = exc

        thread = threading.Thread(target=init, name="layerlab-ray-connect", daemon=True)
        thread.start()
        thread.join(connect_timeout_s())
        if thread.is_alive():
            raise _unreachable(address, f"no answer within {connect_timeout_s():g} s")
        if "error" in outcome:
            raise _unreachable(address, str(outcome["error"]).strip().splitlines()[0])
        _CONNECTED_TO = address
    return ray


def _worker_env(url: str) -> dict[str, str]:
    """What a slot actor needs, like a local worker's environment: the store URL goes in the
    environment (never in arguments Ray shows), and the checkout must be at the same path on
    every node (see the README, "Run on a cluster")."""
    env = {k: v for k, v in os.environ.items()
           if k.startswith("LAYERLAB_") and k != RAY_ADDRESS_ENV}
    env.update({STORE_URL_ENV: url, "LAYERLAB_HOME": str(settings.home()),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(_REPO_ROOT),
                                                            os.environ.get("PYTHONPATH")]))})
    return env


def _serve_slot(slot: int, threads: int) -> None:
    """Body of a slot actor: the local worker loop, reaping with the Ray runner; then exit so
    the actor's CPU goes back to the cluster."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from core.jobs.worker import serve

    try:
        # No RLIMIT_AS here: Ray maps its object store into every worker's address space
        # (gigabytes of virtual memory), so an address-space cap would break the actor itself;
        # Ray's own memory monitor stops a worker that exhausts the node's memory.
        serve(settings.store_url(), slot, threads, reaper=RayJobRunner, cap_memory=False)
    except Exception:  # noqa: BLE001 - logged in the Ray worker's log; the slot is reaped
        log.exception("slot %s failed", slot)
    finally:
        os._exit(0)


@functools.cache
def _slot_class():
    import ray

    @ray.remote
    class LayerLabSlot:
        """Serves jobs from a thread, so no call owned by the web server stays in flight."""

        def __init__(self, slot: int, threads: int):
            threading.Thread(target=_serve_slot, args=(slot, threads), daemon=True).start()

    return LayerLabSlot


class RayJobRunner(LocalJobRunner):
    """Runs jobs in up to `slots` (default: the cluster's CPUs) detached actors on Ray."""

    kills_remote = True  # ray.kill reaches a slot on any node

    def __init__(self, store, address: str | None = None, slots: int | None = None):
        self.address = address or os.environ.get(RAY_ADDRESS_ENV) or "auto"
        self.ray = connect(self.address)
        total = self.ray.cluster_resources()
        self.cpus, self.gpus = total.get("CPU", 0.0), total.get("GPU", 0.0)
        super().__init__(store, slots=slots or max(1, int(self.cpus)))
        # Several stores may share one cluster: each gets its own actor names.
        self.namespace = "layerlab-" + hashlib.sha1(store.url.encode()).hexdigest()[:12]

    # --- what differs from the local pool ----------------------------------------------------
    def _actor(self, slot: int):
        try:
            return self.ray.get_actor(f"slot-{slot}", namespace=self.namespace)
        except ValueError:  # never created, or dead (a dead detached actor frees its name)
            return None

    def _worker_dead(self, w: dict, now: float) -> bool:
        if w["pid"] is None and now - w["started_at"] < _CREATE_GRACE_S:
            return False
        return self._actor(w["slot"]) is None

    def _job_dead(self, job: dict) -> bool:
        return not any(w["pid"] == job["pid"] and w["host"] == job["host"]
                       for w in self.q.workers())

    def _worker_words(self, job: dict) -> str:
        return f"Ray worker process on node {job['host']}"

    def _kill(self, pid: int | None, host: str | None) -> None:
        for w in self.q.workers():
            if w["pid"] == pid and w["host"] == host and (actor := self._actor(w["slot"])):
                self.ray.kill(actor, no_restart=True)

    def _spawn(self, slot: int, threads: int) -> None:
        # One CPU and one torch thread per job; when the cluster has GPUs, each slot a share of
        # them (Ray then shows the slot a GPU), so a spec asking for CUDA gets one.
        _slot_class().options(
            name=f"slot-{slot}", namespace=self.namespace, lifetime="detached",
            num_cpus=1, num_gpus=min(1.0, self.gpus / self.slots), max_restarts=0,
            max_task_retries=0, runtime_env={"env_vars": _worker_env(self.store.url)},
        ).remote(slot, 1)
        return None  # the actor writes its own pid when it starts

    def reap(self) -> None:
        super().reap()
        self._kill_overdue_jobs()

    def _kill_overdue_jobs(self) -> None:
        """Audits poll their cancel flag; one that does not stop in time is killed."""
        for job in self.q.jobs(("running",)):
            asked = job["cancel_requested_at"]
            if asked and time.time() - asked > stop_grace_s():
                self._kill(job["pid"], job["host"])

    # --- public additions --------------------------------------------------------------------
    def waiting_reason(self, job_id_or_run_id: str) -> str | None:
        job = self.q.find(job_id_or_run_id)
        if job is None or job["status"] != "queued":
            return None
        workers = self.q.workers()
        if any(w["pid"] and not w["job_id"] for w in workers):
            return None  # an idle slot takes it within a moment
        if self.ray.available_resources().get("CPU", 0.0) < 1:
            return RAY_WAITING_CPU.format(total=self.cpus)
        return RAY_WAITING_SLOT if any(w["pid"] is None for w in workers) else None

    def status(self, job_id: str):
        job = super().status(job_id)
        job.extra["waiting"] = self.waiting_reason(job.id)
        return job

    def shutdown(self) -> None:
        self.stop_reaper()
        for w in self.q.workers():
            if actor := self._actor(w["slot"]):
                self.ray.kill(actor, no_restart=True)
            self.q.remove_worker(w["slot"], w["pid"])
