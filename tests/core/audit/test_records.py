"""Typed audit records: every kind saved anywhere is an AuditKind, and payloads written by the
code before the records existed read back unchanged."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from core.audit.records import (PLAIN_RECORDS, UNKNOWN_KIND, AuditKind, EvaluationRecord,
                                FairnessRecord, JobRecord, JobState, LrFinderResult,
                                MitigationRecord, kind_of, read_record, save_record)
from core.errors import LayerLabError

ROOT = Path(__file__).resolve().parents[3]
STORE_CALLS = {"save_audit": 1, "get_audit": 1, "audit_state": 3, "submit_audit": 5,
               "cancel_audit": 3, "read_record": 2, "save_record": 2}


def _kind_args(tree: ast.AST):
    """The kind arguments of every store/audit call and the values of every *KIND* constant."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in STORE_CALLS:
                pos = STORE_CALLS[name]
                if len(node.args) > pos:
                    yield node.args[pos]
                yield from (k.value for k in node.keywords if k.arg == "kind")
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and (t.id.endswith("KIND") or t.id == "MITIGATION")
                for t in node.targets) and not (  # a message template, not a kind
                isinstance(node.value, ast.Constant) and " " in str(node.value.value)):
            yield node.value


def test_every_kind_saved_in_the_code_is_an_audit_kind():
    seen = 0
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("views/*.py")]:
        for arg in _kind_args(ast.parse(path.read_text())):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                kind_of(arg.value)  # raises for a kind the enum does not know
                seen += 1
            elif isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "AuditKind":
                AuditKind[arg.attr]
                seen += 1
    assert seen >= 10


def test_kind_constants_of_the_audits_are_members():
    from core.audit.diagnose._run import AUDIT_KIND as diagnosis
    from core.audit.evaluate._run import AUDIT_KIND as evaluation
    from core.audit.explain import AUDIT_KIND as explain
    from core.trained import MITIGATION
    from core.audit.fairness._report import AUDIT_KIND as fairness
    from core.audit.fairness.jobs import AUDIT_KIND as mitigate, intervals_kind
    from core.audit.stress import AUDIT_KIND as stress
    from core.audit.stress._advtrain import AUDIT_KIND as adversarial
    from core.audit.checklist import CHECKS
    from core.audit.evaluate._baseline import AUDIT_KIND as linear
    from core.search import AUDIT_KIND as search_trial
    from core.export.jobs import AUDIT_KIND as export
    from core.report import CARD_KIND as model_card
    from core.report.jobs import AUDIT_KIND as report_audits
    from core.audit.whatif.jobs import AUDIT_KIND as counterfactual_groups
    from core.compress.jobs import PRUNE_KIND, QUANTIZE_KIND
    from core.compress import COMPRESSION_KIND

    kinds = {diagnosis, evaluation, explain, MITIGATION, fairness, mitigate, stress, adversarial,
             kind_of(intervals_kind("sex")), linear, search_trial, export, model_card,
             report_audits, counterfactual_groups, PRUNE_KIND, QUANTIZE_KIND, COMPRESSION_KIND,
             *CHECKS}
    assert kinds == set(AuditKind)
    assert intervals_kind("sex") == "fairness_ci:sex"  # the stored key is unchanged


def test_an_unknown_kind_is_named():
    with pytest.raises(LayerLabError) as err:
        kind_of("shap")
    assert str(err.value) == UNKNOWN_KIND.format(kind="shap", known=", ".join(AuditKind))



# Payloads exactly as the code before typed records wrote them.
OLD_JOB = {"state": "done", "progress": 1.0, "message": "Done", "job_id": "job-1",
           "elapsed_s": 2.5, "result": {"lrs": [1e-4, 1e-3], "losses": [0.7, None],
                                        "suggested_lr": 0.001, "rule": "steepest",
                                        "explanation": "Falls fastest at 1e-3."}}
OLD_PLAIN = {
    AuditKind.EVALUATION: {"checkpoint": "/x.safetensors:1:2", "evaluation": {"task": "binary"}},
    AuditKind.DIAGNOSIS: {"findings": [{"kind": "overfitting", "severity": "problem"}]},
    AuditKind.FAIRNESS: {"sex|": {"groups": {"n_boot": 0}}, "(all)|1": {"groups": {"n_boot": 50}}},
    AuditKind.MITIGATION: {"method": "threshold_optimizer", "parent_id": "run-1",
                           "sensitive": ["sex"], "constraint": "demographic_parity",
                           "seconds": 1.5, "thresholds": {"a": 0.4}},
    AuditKind.ADVERSARIAL_TRAINING: {"parent_id": "run-1", "settings": {"eps": 0.1}},
}


def test_a_job_record_saved_by_earlier_code_reads_and_writes_back_identically(store_and_run):
    store, rid = store_and_run
    store.save_audit(rid, "lr_finder", OLD_JOB)
    rec = JobRecord.read(store, rid, AuditKind.LR_FINDER)
    assert rec.state is JobState.DONE and not rec.active and rec.job_id == "job-1"
    result = rec.typed_result()
    assert isinstance(result, LrFinderResult) and result.suggested_lr == 0.001
    assert result.rule == "steepest"  # an open-ended field is kept
    rec.save(store, rid, AuditKind.LR_FINDER)
    assert json.loads(json.dumps(store.get_audit(rid, "lr_finder"))) == OLD_JOB


@pytest.mark.parametrize("kind", list(OLD_PLAIN))
def test_plain_records_saved_by_earlier_code_round_trip(store_and_run, kind):
    store, rid = store_and_run
    store.save_audit(rid, kind, OLD_PLAIN[kind])
    rec = read_record(store, rid, kind)
    assert isinstance(rec, PLAIN_RECORDS[kind])
    save_record(store, rid, kind, rec)
    assert store.get_audit(rid, kind) == OLD_PLAIN[kind]


def test_typed_fields_read_as_attributes(store_and_run):
    store, rid = store_and_run
    for kind, payload in OLD_PLAIN.items():
        store.save_audit(rid, kind, payload)
    assert read_record(store, rid, AuditKind.EVALUATION) == EvaluationRecord(
        checkpoint="/x.safetensors:1:2", evaluation={"task": "binary"})
    mit = read_record(store, rid, AuditKind.MITIGATION)
    assert isinstance(mit, MitigationRecord) and mit.method == "threshold_optimizer"
    assert mit.thresholds == {"a": 0.4}
    fair = read_record(store, rid, AuditKind.FAIRNESS)
    assert isinstance(fair, FairnessRecord) and fair.root["(all)|1"]["groups"]["n_boot"] == 50
    assert read_record(store, rid, AuditKind.DIAGNOSIS).findings[0]["kind"] == "overfitting"
