"""Which audits of a run are saved, what to do about those that are not, and running them.

A report never recomputes a saved audit: it reads the records (core.audit.records). The audits
it lacks are either marked "not run", with the page and the command that run them, or run
here by `run_missing_audits` (in the CLI's process, or inside the "report_audits" job the
Report page starts), each saved exactly where its own page or job would save it.
"""
from __future__ import annotations

from typing import Callable

from core.audit.records import AuditKind, JobRecord, JobState, ModelCardRecord, read_record
from core.report._model import DONE, NOT_APPLICABLE, NOT_RUN

CARD_KIND = AuditKind.MODEL_CARD  # where the user's intended-use text is kept
# Audit name -> what to do to run it (page, then command).
TODO = {
    "evaluation": "Open the Evaluate page, or run `python -m core evaluate {run_id}`.",
    "diagnosis": "Open the Evaluate page, or run `python -m core evaluate {run_id}`.",
    "fairness": "Open the Fairness page, or run `python -m core audit fairness {run_id} --sensitive COLUMN`.",
    "explain": "Open the Explain page, or run `python -m core audit explain {run_id}`.",
    "stress": "Open the Stress test page, or run `python -m core audit stress {run_id}`.",
}
AUDITS = tuple(TODO)
RUN_MISSING_HINT = ("Or press 'Run the missing audits' on the Report page, or add --run-missing "
                    "to `python -m core report`.")
NO_SENSITIVE = ("This run has no sensitive column, so there are no groups to compare. Pick one on "
                "the Data page (for Adult: sex or race) and train again.")
NOT_ONE_NETWORK = ("This run answers through a mitigation that is not one network ({method}), so "
                   "gradients cannot pass through it; explain or stress-test its parent run instead.")
RUNNING = "Running the {audit} audit…"
# Mitigations whose predictor is not one differentiable network (see core.trained).
_NOT_NETWORK = ("threshold_optimizer", "exponentiated_gradient", "correlation_remover")
# Share of the run_missing progress bar each audit takes (rough relative cost on Adult).
_WEIGHT = {"evaluation": 0.05, "diagnosis": 0.05, "fairness": 0.3, "explain": 0.3, "stress": 0.3}


def card_text(store, run_id: str) -> ModelCardRecord:
    """The intended use and out-of-scope text saved with the run (empty when none)."""
    return read_record(store, run_id, CARD_KIND) or ModelCardRecord()


def save_card_text(store, run_id: str, intended_use: str, out_of_scope: str) -> ModelCardRecord:
    from core.audit.records import save_record

    rec = ModelCardRecord(intended_use=intended_use.strip(), out_of_scope=out_of_scope.strip())
    save_record(store, run_id, CARD_KIND, rec)
    return rec


def _mitigation_method(store, run) -> str | None:
    rec = read_record(store, run.id, AuditKind.MITIGATION) if run.kind == "mitigated" else None
    return rec.method if rec else None


def why_not_applicable(store, run, audit: str) -> str | None:
    """The reason an audit does not apply to this run, or None when it does."""
    if audit == "fairness" and not (run.dataset.get("sensitive") or []):
        return NO_SENSITIVE
    method = _mitigation_method(store, run)
    if audit in ("explain", "stress") and method in _NOT_NETWORK:
        return NOT_ONE_NETWORK.format(method=method.replace("_", " "))
    return None


def saved_stress(store, run_id: str) -> dict | None:
    rec = JobRecord.read(store, run_id, AuditKind.STRESS)
    return rec.result if rec is not None and rec.state is JobState.DONE else None


def audit_status(store, run) -> dict[str, str]:
    """Audit name -> DONE, NOT_RUN or NOT_APPLICABLE, from the saved records only."""
    from core.audit.cache import is_current
    from core.audit.explain import saved_explanation

    ev = read_record(store, run.id, AuditKind.EVALUATION)
    done = {
        "evaluation": ev is not None and is_current(ev.checkpoint, run),
        "diagnosis": read_record(store, run.id, AuditKind.DIAGNOSIS) is not None,
        "fairness": bool(read_record(store, run.id, AuditKind.FAIRNESS)),
        "explain": saved_explanation(store, run.id) is not None,
        "stress": saved_stress(store, run.id) is not None,
    }
    return {a: NOT_APPLICABLE if why_not_applicable(store, run, a) else DONE if done[a] else NOT_RUN
            for a in AUDITS}


def run_missing_audits(store, run_id: str, progress: Callable[[float, str], None] | None = None
                       ) -> list[str]:
    """Run every audit the run lacks (in this process); returns the names of those it ran."""
    run = store.get_run(run_id)
    todo = [a for a, s in audit_status(store, run).items() if s == NOT_RUN]
    total = sum(_WEIGHT[a] for a in todo) or 1.0
    start = 0.0
    for audit in todo:
        share = _WEIGHT[audit] / total

        def sub(fraction: float, message: str = "", _start=start, _share=share) -> None:
            if progress is not None:
                progress(min(0.99, _start + _share * fraction), message)

        sub(0.0, RUNNING.format(audit=audit))
        _RUNNERS[audit](store, run, sub)
        start += share
    if progress is not None:
        progress(1.0, "Done")
    return todo


def _evaluation(store, run, progress) -> None:
    from core.audit.evaluate import evaluate_run, linear_baseline

    evaluate_run(store, run.id)
    linear_baseline(store, run)


def _diagnosis(store, run, progress) -> None:
    from core.audit.diagnose import diagnose_run
    from core.audit.evaluate import evaluate_run

    diagnose_run(store, run.id, evaluate_run(store, run.id))


def _fairness(store, run, progress) -> None:
    from core.audit.fairness import audit_run

    columns = list(run.dataset.get("sensitive") or [])
    for i, column in enumerate(columns):  # one report per column, as the Fairness page offers
        progress(i / len(columns), f"Fairness by {column}, with bootstrap intervals…")
        audit_run(store, run.id, column)


def _as_job_record(store, run, kind: AuditKind, compute) -> None:
    """Run `compute(progress)` and save its result as the audit's own job would."""
    from core.audit.progress import Progress

    saver = Progress(store, run.id, kind)
    saver.done(compute())


def _explain(store, run, progress) -> None:
    from core.audit.explain import explain_run

    _as_job_record(store, run, AuditKind.EXPLAIN,
                   lambda: explain_run(store, run.id, progress=progress))


def _stress(store, run, progress) -> None:
    from core.audit.stress import stress_run

    _as_job_record(store, run, AuditKind.STRESS, lambda: stress_run(store, run.id, progress=progress))


_RUNNERS = {"evaluation": _evaluation, "diagnosis": _diagnosis, "fairness": _fairness,
            "explain": _explain, "stress": _stress}
