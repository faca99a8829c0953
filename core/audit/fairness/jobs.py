"""The fairness mitigation as a background job: progress in the store, a linked run as the result."""
from __future__ import annotations

from core.audit.progress import run_audit
from core.audit.records import AuditKind

AUDIT_KIND = AuditKind.FAIRNESS_MITIGATE


def _mitigate(args: dict, progress, store) -> dict:
    """args: run_id, method, sensitive, constraint, user (optional: who asked, the new run's
    owner) → the new run and the comparison."""
    from core.audit.fairness._compare import compare_runs
    from core.audit.fairness._mitigate import mitigate_run

    progress.update(0.01, f"Preparing {args['method'].replace('_', ' ')}…")
    extra = {k: args[k] for k in ("max_iter", "member_epochs", "eps", "grid_size") if k in args}
    child = mitigate_run(store, args["run_id"], args["method"], sensitive=args.get("sensitive"),
                         constraint=args.get("constraint", "demographic_parity"),
                         progress=progress.update, user=args.get("user"), **extra)
    progress.update(0.97, "Comparing before and after…")
    return {"child_id": child, "method": args["method"],
            "comparison": compare_runs(store, args["run_id"], args.get("sensitive"))}


mitigate_job = run_audit(_mitigate)


def intervals_kind(sensitive: str | None) -> str:
    """Audit kind of the bootstrap-interval job for one choice of sensitive column(s)."""
    return f"{AuditKind.FAIRNESS_INTERVALS}:{sensitive or '(all)'}"


def _intervals(args: dict, progress, store) -> dict:
    """args: run_id, sensitive, n_boot → the full report (kept with the run by audit_run)."""
    from core.audit.fairness._report import audit_run

    progress.update(0.05, "Resampling the test split for the confidence intervals…")
    rep = audit_run(store, args["run_id"], args.get("sensitive"), n_boot=args.get("n_boot", 50))
    return {"n_boot": rep["groups"]["n_boot"]}


intervals_job = run_audit(_intervals)
