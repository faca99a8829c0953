"""The stress test's jobs: "stress" (curves of one run, saved as its "stress" audit) and
"adv_train" (trains an adversarial child run; the runner treats it like any training run)."""
from __future__ import annotations

from core.audit.progress import run_audit


def _stress(args: dict, progress, store) -> dict:
    """Stress-test args["run_id"] with args["settings"] (a StressSettings dict)."""
    from core.audit.stress._run import stress_run
    from core.audit.stress._settings import StressSettings

    settings = StressSettings.model_validate(args.get("settings") or {})
    return stress_run(store, args["run_id"], settings, progress=progress.update)


stress_job = run_audit(_stress)


def adv_train_job(args: dict, *, store, job_id: str, run_id: str | None) -> None:
    from core.audit.stress._advtrain import train_adversarial

    train_adversarial(store, run_id or args["run_id"])


def submit_stress(store, runner, run_id: str, settings=None) -> str:
    """Queue a stress test of `run_id`; the page polls core.audit.progress.audit_state(..., AuditKind.STRESS)."""
    from core.audit.progress import submit_audit

    args = {"settings": settings.model_dump(mode="json") if settings is not None else {}}
    from core.audit.records import AuditKind

    return submit_audit(store, runner, run_id, "stress", args, kind=AuditKind.STRESS)
