"""`build_report`: everything LayerLab knows about one finished run, as one `Report`."""
from __future__ import annotations

from datetime import datetime, timezone

from core.audit.records import AuditKind, JobRecord, JobState, read_record
from core.errors import LayerLabError
from core.report import _audits as A
from core.report import _sections_audit as SA
from core.report import _sections_run as SR
from core.report._model import NOT_APPLICABLE, NOT_RUN, Report, Section
from core.report._words import limitations

NOT_FINISHED = ("Run {run_id} is {status}, so there is no finished model to report on. Pick a "
                "finished run, or wait until this one has finished training.")
NOT_RUN_TEXT = "Not run yet. {todo}"
SECTION_AUDIT = {"metrics": "evaluation", "diagnosis": "diagnosis", "fairness": "fairness",
                 "explain": "explain", "stress": "stress"}


def build_report(store, run_id: str, *, intended_use: str = "", out_of_scope: str = "",
                 run_missing: bool = False, progress=None) -> Report:
    """The report of a finished run from its saved records; with `run_missing`, the audits it
    lacks are run first (`progress(fraction, message)` hears about them). Text typed for the
    intended use or out-of-scope uses is saved with the run; empty text keeps what was saved."""
    from core.data import dataset_report, prepared

    run = store.get_run(run_id)
    if run.status != "finished":
        raise LayerLabError(NOT_FINISHED.format(run_id=run_id, status=run.status))
    card = A.card_text(store, run_id)
    if intended_use.strip() or out_of_scope.strip():
        card = A.save_card_text(store, run_id, intended_use or card.intended_use,
                                out_of_scope or card.out_of_scope)
    if run_missing:
        A.run_missing_audits(store, run_id, progress)
    audits = A.audit_status(store, run)
    bundle, data = prepared(run.dataset)
    dataset = dataset_report(bundle, data)
    n_test = len(data.y_test)
    audit_sections = {key: _audit_section(store, run, key, audits[SECTION_AUDIT[key]], n_test)
                      for key in SECTION_AUDIT}
    sections = [SR.model_details(run, dataset), SR.intended_use(card), SR.training_data(dataset),
                SR.architecture(run, data), SR.training(run, store.epochs(run_id)),
                *audit_sections.values(), limitations(audit_sections, audits, n_test),
                SR.reproducibility(run, dataset)]
    return Report(run_id=run_id, title=f"Model card: {run.name}",
                  generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  sections=sections, audits=audits)


def _audit_section(store, run, key: str, state: str, n_test: int) -> Section:
    audit = SECTION_AUDIT[key]
    if state == NOT_APPLICABLE:
        return SA.section(key, status=NOT_APPLICABLE,
                          paragraphs=[A.why_not_applicable(store, run, audit)])
    if state == NOT_RUN:
        todo = A.TODO[audit].format(run_id=run.id) + " " + A.RUN_MISSING_HINT
        return SA.section(key, status=NOT_RUN, todo=todo,
                          paragraphs=[NOT_RUN_TEXT.format(todo=todo)])
    return _BUILDERS[key](store, run, n_test)


def _metrics(store, run, n_test: int) -> Section:
    ev = read_record(store, run.id, AuditKind.EVALUATION).evaluation
    lin = read_record(store, run.id, AuditKind.LINEAR_BASELINE)
    linear = lin.baseline if lin is not None and lin.dataset_hash == run.dataset_hash else None
    return SA.metrics(ev, linear, n_test)


def _diagnosis(store, run, n_test: int) -> Section:
    return SA.diagnosis(read_record(store, run.id, AuditKind.DIAGNOSIS).findings)


def _fairness(store, run, n_test: int) -> Section:
    reports = dict(read_record(store, run.id, AuditKind.FAIRNESS).root)
    rec = JobRecord.read(store, run.id, AuditKind.FAIRNESS_MITIGATE)
    mitigation = rec.result if rec is not None and rec.state is JobState.DONE else None
    return SA.fairness(reports, mitigation)


def _explain(store, run, n_test: int) -> Section:
    from core.audit.explain import saved_explanation

    return SA.explain(saved_explanation(store, run.id))


def _stress(store, run, n_test: int) -> Section:
    return SA.stress(A.saved_stress(store, run.id))


_BUILDERS = {"metrics": _metrics, "diagnosis": _diagnosis, "fairness": _fairness,
             "explain": _explain, "stress": _stress}
