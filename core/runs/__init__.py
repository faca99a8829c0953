"""The run store: every run's spec, config, curves, internals, checkpoint path, audits and logs.

A run is identified by a short id ("run-0007"); everything about it is reachable from that id.
`open_store()` opens the SQLite file in LayerLab's home (WAL mode, so the web server and
several worker processes can write at once); any SQLAlchemy URL works the same way.
Opening a store brings its schema to the newest version (Alembic migrations in
`core/runs/migrations`), so a store written by an older LayerLab opens and upgrades in place.
"""
from __future__ import annotations

from core.runs._base import RunStore
from core.runs._engine import sql_engine
from core.errors import StoreUnavailable
from core.runs._sql import SqlRunStore
from core.runs.files import is_blob_ref, local_file, share_file
from core.runs._types import (
    RUN_STATUSES,
    TERMINAL_STATUSES,
    EpochRow,
    LayerStat,
    LogLine,
    Run,
    RunProcess,
)

__all__ = ["open_store", "StoreUnavailable", "sql_engine", "RunStore", "SqlRunStore", "Run", "RunProcess", "EpochRow",
           "LayerStat", "LogLine", "share_file", "local_file", "is_blob_ref", "RUN_STATUSES", "TERMINAL_STATUSES"]


def open_store(url: str | None = None, *, patient: bool = False) -> RunStore:
    """Open (and on first use create) the run store; default: the SQLite file in LayerLab's home.

    `patient=True` (workers): a server store that stops answering is retried for ~30 s before a
    call fails; otherwise (pages, CLI) a call fails at once with STORE_RETRYING.
    A URL that is malformed, unreachable or refuses the login raises a LayerLabError naming
    LAYERLAB_STORE_URL (STORE_BAD_URL, STORE_UNREACHABLE, STORE_LOGIN_FAILED).
    """
    from core import settings

    store = SqlRunStore(url or settings.store_url(), patient=patient)
    if store.shares_files:  # uploads must reach workers on other machines (core.runs.files)
        from core.runs.files import register_upload_sharing

        register_upload_sharing()
    return store
