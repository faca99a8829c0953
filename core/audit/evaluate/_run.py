"""Evaluate a stored run: load it as a trained model (`core.trained`), score the test split."""
from __future__ import annotations

from core.audit.evaluate._metrics import Evaluation, classification_report, regression_report
from core.audit.records import AuditKind

AUDIT_KIND = AuditKind.EVALUATION


def evaluate_model(model, data) -> Evaluation:
    """Full test-set evaluation of the torch network `model` on PreparedData `data`."""
    from core.trained import predict_outputs

    return evaluate_outputs(predict_outputs(model, data.X_test, data.task), data)


def evaluate_outputs(out, data) -> Evaluation:
    """Evaluation of readable test-split outputs (probabilities, or values for regression)."""
    if data.task == "regression":
        return regression_report(data.y_test, out, y_train=data.y_train)
    return classification_report(data.y_test, out, data.classes, y_train=data.y_train)


def evaluate_run(store, run_id: str, *, refresh: bool = False) -> Evaluation:
    """The run's test-set evaluation, computed once per checkpoint and kept with the run."""
    from core.audit.cache import cached_by_checkpoint
    from core.audit.records import EvaluationRecord

    run = store.get_run(run_id)
    rec = cached_by_checkpoint(store, run, AuditKind.EVALUATION,
                               lambda: EvaluationRecord(evaluation=_evaluate(store, run).as_dict()),
                               refresh=refresh)
    return _from_dict(rec.evaluation)


def _evaluate(store, run) -> Evaluation:
    from core.trained import load_trained

    # A mitigated run may be a randomised classifier, not one network: its output is then the
    # probability that it answers the positive class, scored like any probability.
    model = load_trained(store, run)
    return evaluate_outputs(model.outputs("test"), model.data)


def _from_dict(d: dict) -> Evaluation:
    from core.audit.evaluate._metrics import Metric

    return Evaluation(task=d["task"], metrics=[Metric(**m) for m in d["metrics"]],
                      baseline=Metric(**d["baseline"]), per_class=d["per_class"],
                      confusion=d["confusion"], classes=d["classes"], curves=d["curves"])
