"""Audits of a trained run: evaluate, diagnose, fairness, explain, stress, checklist, compare.

Each audit takes plain arrays and run records and returns plain data that pages render and the
store keeps with the run, under one `AuditKind` (see `records`). Audits that take longer run as
jobs (`progress`: submit, poll, cancel); results computed from a run's weights are cached by
its checkpoint (`cache`).
"""
from core.audit.cache import cached_by_checkpoint, is_current
from core.audit.progress import (AuditCancelled, Progress, audit_state, cancel_audit, run_audit,
                                 submit_audit)
from core.audit.records import AuditKind, JobRecord, JobState, kind_of, read_record, save_record

__all__ = ["AuditKind", "JobRecord", "JobState", "kind_of", "read_record", "save_record",
           "AuditCancelled", "Progress", "audit_state", "cancel_audit", "run_audit",
           "submit_audit", "cached_by_checkpoint", "is_current"]
