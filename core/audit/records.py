"""Typed audit records: the kinds an audit is saved under, the job envelope, one result per kind.

Every audit of a run is kept in the run store as one JSON payload per (run, kind). The kinds are
`AuditKind`; an audit that runs as a background job is saved inside a `JobRecord` envelope
(state, progress, ETA, then its result), the others as their result record directly:

    rec = JobRecord.read(store, run_id, AuditKind.STRESS)   # None when never run
    if rec and rec.state is JobState.DONE:
        result = rec.typed_result()                        # a StressResult

Records keep the JSON that earlier releases wrote: fields are the old dict keys, dumping leaves
out what was never set, so a run saved before these models existed still reads.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

from core.errors import LayerLabError

UNKNOWN_KIND = "'{kind}' is not a kind of audit LayerLab keeps; known kinds: {known}."


class AuditKind(StrEnum):
    """The kind (store key) of every audit saved with a run."""

    EVALUATION = "evaluation"  # test-set metrics, cached by checkpoint
    DIAGNOSIS = "diagnosis"  # findings of the rules
    EXPLAIN = "explain"  # SHAP/LIME job
    STRESS = "stress"  # attacks and corruptions job
    ADVERSARIAL_TRAINING = "adversarial_training"  # settings of an adversarial child run
    FAIRNESS = "fairness"  # fairness reports, one per (sensitive, positive) choice
    FAIRNESS_INTERVALS = "fairness_ci"  # bootstrap-interval job; saved as "fairness_ci:<columns>"
    FAIRNESS_MITIGATE = "fairness_mitigate"  # the mitigation job of a parent run
    MITIGATION = "mitigation"  # how a mitigated child run was made
    OVERFIT_CHECK = "overfit_check"  # tiny-batch check job
    LR_FINDER = "lr_finder"  # learning-rate range test job
    LINEAR_BASELINE = "linear_baseline"  # a straight-line model fitted on the same rows
    SEARCH_TRIAL = "search_trial"  # the study, trial number and settings of a search trial run
    EXPORT = "export"  # the export job (files under <home>/exports/<run>)
    COUNTERFACTUAL_GROUPS = "counterfactual_groups"  # changes needed to flip, per sensitive group
    MODEL_CARD = "model_card"  # what the user wrote for the report: intended use, out of scope
    REPORT_AUDITS = "report_audits"  # the job that runs the audits a report still lacks
    PRUNE = "prune"  # the structured-pruning job of a parent run (core.compress)
    QUANTIZE = "quantize"  # the int8 ONNX quantization job of a parent run (core.compress)
    COMPRESSION = "compression"  # how a pruned or quantized child run was made, with before/after


def kind_of(stored: str) -> AuditKind:
    """The AuditKind of a stored kind string ("fairness_ci:sex" → FAIRNESS_INTERVALS)."""
    try:
        return AuditKind(str(stored).split(":", 1)[0])
    except ValueError:
        raise LayerLabError(UNKNOWN_KIND.format(kind=stored, known=", ".join(AuditKind))) from None


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class _Record(BaseModel):
    def dump(self) -> dict[str, Any]:
        """The JSON-able payload, as earlier releases wrote it (fields never set are left out)."""
        return self.model_dump(exclude_unset=True, by_alias=True)


class JobRecord(_Record):
    """The envelope of an audit run as a job: written by `Progress`, polled by the pages."""

    state: JobState
    progress: float = 0.0
    message: str | None = None
    eta_s: float | None = None
    job_id: str | None = None
    result: dict[str, Any] | None = None  # when done; `typed_result()` gives the kind's record
    error: str | None = None  # when failed
    elapsed_s: float | None = None
    cancel_requested: bool = False  # set by the page's Cancel; `Progress.update` stops the job
    kind: str | None = Field(default=None, exclude=True)  # the store key it was read under

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def typed_result(self) -> _Record | None:
        """The result as its kind's record (None while there is none, or for a kind without one)."""
        if self.result is None or self.kind is None:
            return None
        model = result_model(self.kind)
        return model.model_validate(self.result) if model else None

    @classmethod
    def read(cls, store, run_id: str, kind: str) -> JobRecord | None:
        payload = store.get_audit(run_id, kind)
        return None if payload is None else cls.from_payload(payload, kind)

    @classmethod
    def from_payload(cls, payload: dict, kind: str | None = None) -> JobRecord:
        rec = cls.model_validate(payload)
        rec.kind = kind
        return rec

    def save(self, store, run_id: str, kind: str) -> None:
        store.save_audit(run_id, kind, self.dump())


class _Open(_Record):
    # Payloads with many keys that renderers read as a whole (charts, tables): the fields
    # named here are checked, the rest is kept as it is.
    model_config = ConfigDict(extra="allow")


class EvaluationRecord(_Record):
    checkpoint: str = ""  # checkpoint stamp of the weights it was computed from
    evaluation: dict[str, Any]  # core.audit.evaluate.Evaluation.as_dict()


class LinearBaselineRecord(_Record):
    dataset_hash: str  # the data it was fitted on: a new dataset version means fit again
    baseline: dict[str, Any]  # {"model", "metric", "value"}: see core.audit.evaluate.linear_baseline


class DiagnosisRecord(_Record):
    findings: list[dict[str, Any]]


class FairnessRecord(RootModel[dict[str, dict[str, Any]]]):
    """Reports keyed by "<sensitive>|<positive>" (see core.audit.fairness._report._key)."""

    def dump(self) -> dict[str, Any]:
        return self.model_dump()


class MitigationRecord(_Open):
    method: str
    parent_id: str
    sensitive: list[str] = []
    constraint: str | None = None
    seconds: float | None = None
    checkpoint: str | None = None  # the child's own network, for methods that train one


class AdversarialTrainingRecord(_Record):
    parent_id: str
    settings: dict[str, Any]


class ExplainResult(_Open):
    checkpoint: str = ""
    modality: str
    global_: list[dict[str, Any]] = Field(alias="global")
    rows: list[dict[str, Any]]
    agreement: dict[str, Any]


class StressResult(_Open):
    task: str
    metric: str
    clean: float | None = None
    curves: list[dict[str, Any]]
    summary: str
    settings: dict[str, Any]
    run_id: str | None = None


class OverfitCheckResult(_Open):
    losses: list[float | None]
    passed: bool
    verdict: str


class LrFinderResult(_Open):
    lrs: list[float]
    losses: list[float | None]
    suggested_lr: float | None = None
    explanation: str | None = None


class MitigateJobResult(_Record):
    child_id: str
    method: str
    comparison: list[dict[str, Any]]


class ModelCardRecord(_Record):
    intended_use: str = ""  # typed by the user on the Report page or with --intended-use
    out_of_scope: str = ""


class IntervalsResult(_Record):
    n_boot: int


# Kinds saved inside a JobRecord, with the record of their result.
JOB_RESULTS: dict[AuditKind, type[_Record]] = {
    AuditKind.EXPLAIN: ExplainResult, AuditKind.STRESS: StressResult,
    AuditKind.OVERFIT_CHECK: OverfitCheckResult, AuditKind.LR_FINDER: LrFinderResult,
    AuditKind.FAIRNESS_MITIGATE: MitigateJobResult, AuditKind.FAIRNESS_INTERVALS: IntervalsResult,
}
# Kinds saved as their record directly.
PLAIN_RECORDS: dict[AuditKind, type] = {
    AuditKind.EVALUATION: EvaluationRecord, AuditKind.DIAGNOSIS: DiagnosisRecord,
    AuditKind.FAIRNESS: FairnessRecord, AuditKind.MITIGATION: MitigationRecord,
    AuditKind.ADVERSARIAL_TRAINING: AdversarialTrainingRecord,
    AuditKind.LINEAR_BASELINE: LinearBaselineRecord,
    AuditKind.MODEL_CARD: ModelCardRecord,
}


def result_model(kind: str) -> type[_Record] | None:
    """The result record of a job kind; None for kinds LayerLab does not know (tests, plugins)."""
    try:
        return JOB_RESULTS.get(kind_of(kind))
    except LayerLabError:
        return None


def read_record(store, run_id: str, kind: AuditKind):
    """A plain (non-job) audit record of the run, typed; None when there is none."""
    payload = store.get_audit(run_id, kind)
    return None if payload is None else PLAIN_RECORDS[kind].model_validate(payload)


def save_record(store, run_id: str, kind: AuditKind, record) -> None:
    store.save_audit(run_id, kind, PLAIN_RECORDS[kind].model_validate(record).dump()
                     if isinstance(record, dict) else record.dump())
