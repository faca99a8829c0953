"""The "report_audits" job: run the audits a report lacks, with progress, in a worker."""
from __future__ import annotations

from core.audit.progress import run_audit
from core.audit.records import AuditKind

AUDIT_KIND = AuditKind.REPORT_AUDITS


def _run_missing(args: dict, progress, store) -> dict:
    from core.report._audits import run_missing_audits

    return {"ran": run_missing_audits(store, args["run_id"], progress.update)}


report_audits_job = run_audit(_run_missing)


def submit_report_audits(store, runner, run_id: str) -> str:
    from core.audit.progress import submit_audit

    return submit_audit(store, runner, run_id, "report_audits", kind=AUDIT_KIND)
