"""Diagnose a stored run: gather its curves, internals and scores into RunFacts, run the rules."""
from __future__ import annotations

from core.audit.diagnose._findings import Finding, RunFacts
from core.audit.records import AuditKind, DiagnosisRecord, save_record

AUDIT_KIND = AuditKind.DIAGNOSIS


def facts_from_run(store, run, evaluation=None) -> RunFacts:
    """RunFacts from the store; `evaluation` (test metrics) is optional: rules that need it are skipped."""
    from core.data import prepared

    from core.audit.diagnose._layers import leaky_columns

    epochs = store.epochs(run.id)
    bundle, data = prepared(run.dataset)
    shares = {}
    if data.task != "regression":
        import numpy as np

        counts = np.bincount(data.y_train, minlength=len(data.classes))
        shares = {c: float(n) / max(1, counts.sum()) for c, n in zip(data.classes, counts)}
    if data.task == "regression":
        baseline, test_metric = 0.0, (evaluation.value("r2") if evaluation else None)
    else:
        baseline = evaluation.baseline.value if evaluation else data.majority_baseline
        test_metric = evaluation.value("accuracy") if evaluation else None
    linear = _linear(store, run) if evaluation is not None else None
    return RunFacts(task=data.task, status=run.status,
                    train_loss=[e.train_loss for e in epochs], val_loss=[e.val_loss for e in epochs],
                    train_metric=[e.train_metric for e in epochs],
                    val_metric=[e.val_metric for e in epochs], internals=store.internals(run.id),
                    baseline=baseline, test_metric=test_metric, class_shares=shares,
                    dataset=str(run.dataset.get("name", "")),
                    leaky_columns=leaky_columns(bundle, data),
                    class_weighted=(run.config or {}).get("class_weights") == "balanced",
                    linear_baseline=linear["value"] if linear else None,
                    linear_model=linear["model"] if linear else "")


def _linear(store, run) -> dict | None:
    """The run's linear baseline (cached with it); None for a run without a test score."""
    from core.audit.evaluate import linear_baseline

    return linear_baseline(store, run) if run.test_metrics else None


def diagnose_run(store, run_id: str, evaluation=None) -> list[Finding]:
    """Findings for a run (problems first), saved with the run for the model card."""
    from core.audit.diagnose._rules import diagnose

    run = store.get_run(run_id)
    findings = diagnose(facts_from_run(store, run, evaluation))
    if run.done:
        save_record(store, run_id, AUDIT_KIND, DiagnosisRecord(findings=[f.as_dict() for f in findings]))
    return findings
