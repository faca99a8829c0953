"""How many runs train at once (slots) and how many torch threads each worker uses.

The web server and the browsers watching a run share the machine's cores with the workers.
On a two-core machine, two torch threads per worker plus a busy server oversubscribe the
cores, and waiting torch threads spin: the quick start's 10 epochs took 3.4-9.9 s with two
threads beside one busy process and 2.7-2.8 s with one. So one core is kept for the server
and whoever watches, and the rest is shared between the slots:

    slots   = LAYERLAB_SLOTS, else half the cores (at least 1)
    threads = LAYERLAB_WORKER_THREADS, else (cores - 1) // slots (at least 1)

Training also drops to one thread for small models (core.train.defaults.use_one_thread_if_small).
"""
from __future__ import annotations

import os

SLOTS_ENV = "LAYERLAB_SLOTS"
THREADS_ENV = "LAYERLAB_WORKER_THREADS"


def default_slots(cores: int | None = None, env: dict | None = None) -> int:
    """Concurrent runs: LAYERLAB_SLOTS, else half the cores, at least one."""
    env = os.environ if env is None else env
    if env.get(SLOTS_ENV):
        return max(1, int(env[SLOTS_ENV]))
    cores = cores or os.cpu_count() or 1
    return max(1, cores // 2)


def worker_threads(slots: int, cores: int | None = None, env: dict | None = None) -> int:
    """Torch threads per worker: LAYERLAB_WORKER_THREADS, else the cores left after one for
    the web server, shared between the slots, at least one."""
    env = os.environ if env is None else env
    if env.get(THREADS_ENV):
        return max(1, int(env[THREADS_ENV]))
    cores = cores or os.cpu_count() or 1
    return max(1, (cores - 1) // max(1, slots))
