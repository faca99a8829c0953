"""Audits of a trained run: evaluate, diagnose, fairness, explain, stress, checklist.

Each audit takes plain arrays and run records and returns plain data (dataclasses / dicts)
that pages render and the store keeps with the run. Every audit reads the run's model
through `core.trained` (one loader, one conversion of outputs). Heavy audits run as jobs;
`submit_audit`, `audit_state` and `Progress` are how pages and the CLI start and follow them.
"""
from core.audit._jobs import Progress, audit_state, run_audit, submit_audit

__all__ = ["Progress", "audit_state", "run_audit", "submit_audit"]
