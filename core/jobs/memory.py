"""The per-worker memory cap: a job that asks for more memory than allowed fails, alone.

`apply_memory_cap()` lowers the worker process's address-space limit (RLIMIT_AS) to
LAYERLAB_WORKER_MEMORY_GB (see `core.settings.worker_memory_gb` for how the default was chosen).
Past the cap, an allocation fails inside the worker (numpy raises MemoryError, torch a
RuntimeError "can't allocate memory") instead of the kernel's OOM killer picking a victim,
possibly the web server; the job's run fails with OUT_OF_MEMORY and the worker keeps serving.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

OUT_OF_MEMORY = ("The job ran out of memory (cap {cap:g} GB). Use a smaller batch size or "
                 "model; an operator can raise the per-worker cap (LAYERLAB_WORKER_MEMORY_GB) if "
                 "the machine has the memory.")
# How torch's CPU and CUDA allocators word a failed allocation (they raise RuntimeError).
_TORCH_OOM = ("can't allocate memory", "out of memory", "not enough memory")


def apply_memory_cap(gb: float | None = None) -> float | None:
    """Cap this process's address space at `gb` (default: the setting); returns the cap in GB,
    or None when there is none (0, or a platform without RLIMIT_AS)."""
    from core import settings

    gb = settings.worker_memory_gb() if gb is None else gb
    if gb <= 0:
        return None
    try:
        import resource
    except ImportError:  # not on POSIX: no cap, say so in the worker log
        log.warning("no memory cap on this platform")
        return None
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = int(gb * 1024**3)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)  # an unprivileged process cannot raise its hard limit
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    log.info("memory cap %.3g GB", limit / 1024**3)
    return limit / 1024**3


def current_cap_gb() -> float | None:
    """The address-space cap of this process in GB, or None when unlimited."""
    try:
        import resource
    except ImportError:
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft / 1024**3


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether `exc` is a failed allocation (numpy's MemoryError or torch's RuntimeError)."""
    if isinstance(exc, MemoryError):
        return True
    return isinstance(exc, RuntimeError) and any(t in str(exc).lower() for t in _TORCH_OOM)


def out_of_memory_message() -> str:
    cap = current_cap_gb()
    return OUT_OF_MEMORY.format(cap=round(cap, 2) if cap else float("inf"))
