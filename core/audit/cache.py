"""Audits cached by the checkpoint they were computed from.

A result computed from a run's weights stays valid until the weights change: the checkpoint
stamp (file path, modification time and size) is saved with the result, and a different stamp
means "compute again". A run still training writes a new checkpoint every few epochs, so its
results are recomputed then; a finished run's are computed once.

    rec = cached_by_checkpoint(store, run, AuditKind.EVALUATION,
                               lambda: EvaluationRecord(evaluation=...))
"""
from __future__ import annotations

from typing import Callable, TypeVar

from core.audit.records import PLAIN_RECORDS, AuditKind
from core.trained import checkpoint_stamp  # one definition, beside the checkpoint loader

R = TypeVar("R")


def is_current(saved_stamp: str | None, run) -> bool:
    """Whether a result saved with `saved_stamp` was computed from the run's current weights."""
    return saved_stamp is not None and saved_stamp == checkpoint_stamp(run)


def cached_by_checkpoint(store, run, kind: AuditKind, compute: Callable[[], R], *,
                         refresh: bool = False) -> R:
    """The run's `kind` record for its current checkpoint: the saved one when its stamp matches,
    else `compute()` (a record with a `checkpoint` field), stamped and saved with the run."""
    stamp = checkpoint_stamp(run)
    saved = store.get_audit(run.id, kind)
    if saved is not None and not refresh and is_current(saved.get("checkpoint"), run):
        return PLAIN_RECORDS[kind].model_validate(saved)
    record = compute()
    record.checkpoint = stamp
    store.save_audit(run.id, kind, record.dump())
    return record
