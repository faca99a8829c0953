"""Where LayerLab keeps its files, and the caps that protect the machine.

Everything is overridable by environment variables so tests, CI and a multi-user
deployment can point LayerLab somewhere else without touching code.
"""
from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The folder for the run store, uploaded CSVs, checkpoints and the workspace draft."""
    path = Path(os.environ.get("LAYERLAB_HOME", Path.home() / ".layerlab")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_url() -> str:
    """SQLAlchemy URL of the run store; SQLite in `home()` unless LAYERLAB_STORE_URL says otherwise."""
    return os.environ.get("LAYERLAB_STORE_URL") or f"sqlite:///{home() / 'runs.db'}"


def uploads_dir() -> Path:
    path = home() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


# A CSV larger than this is refused before parsing (never half-read silently).
MAX_CSV_BYTES = int(os.environ.get("LAYERLAB_MAX_CSV_MB", "100")) * 1024 * 1024
# More columns than this makes one-hot inputs and audits impractical in a browser tool.
MAX_CSV_COLUMNS = int(os.environ.get("LAYERLAB_MAX_CSV_COLUMNS", "2000"))
# A model whose estimated training memory exceeds this is refused before it is built.
MAX_MODEL_BYTES = int(float(os.environ.get("LAYERLAB_MAX_MODEL_GB", "4")) * 1024**3)


def admins() -> set[str]:
    """User ids (e-mails, or anon-/OS ids) allowed to stop, delete or rename anyone's run."""
    raw = os.environ.get("LAYERLAB_ADMINS", "")
    return {a.strip().lower() for a in raw.split(",") if a.strip()}


def max_queued_per_user() -> int:
    """Runs one user may have waiting at once (a class of 30 cannot flood the queue)."""
    return int(os.environ.get("LAYERLAB_MAX_QUEUED_PER_USER", "5"))


def max_running_per_user() -> int:
    """Runs one user may have training at once, so the slots are shared between people."""
    return int(os.environ.get("LAYERLAB_MAX_RUNNING_PER_USER", "2"))


def worker_memory_gb() -> float:
    """Address-space cap of one worker process (RLIMIT_AS), in GB; 0 turns the cap off.

    Virtual, not resident memory: importing torch alone maps ~1-2 GB it never touches, and
    glibc reserves 64 MB of address space per thread for its malloc arenas. The default, 8 GB
    (or half the machine's memory when that is more), leaves several GB for a normal job's data
    and model while a runaway model fails in its worker instead of taking the server down."""
    raw = os.environ.get("LAYERLAB_WORKER_MEMORY_GB")
    if raw:
        return float(raw)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError):
        total = 16.0
    return float(max(8, int(total // 2)))
