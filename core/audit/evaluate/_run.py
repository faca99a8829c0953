"""Evaluate a stored run: rebuild its data from the DatasetRef, load its checkpoint, score the test split."""
from __future__ import annotations

import numpy as np

from core.audit.evaluate._metrics import Evaluation, classification_report, regression_report
from core.audit.records import AuditKind

AUDIT_KIND = AuditKind.EVALUATION


def predict_outputs(model, X: np.ndarray, task: str) -> np.ndarray:
    """Probabilities (binary: (n,) of class 1; multiclass: (n, k)) or values (regression: (n,))."""
    import torch

    from core.train._evaluate import predict

    out = predict(model, torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)))
    if task == "binary":
        return torch.sigmoid(out[:, 0]).double().numpy()
    if task == "multiclass":
        return torch.softmax(out.double(), dim=1).numpy()
    return out[:, 0].double().numpy()


def evaluate_model(model, data) -> Evaluation:
    """Full test-set evaluation of `model` on PreparedData `data`."""
    out = predict_outputs(model, data.X_test, data.task)
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
    from core.train import load_checkpoint
    from core.data import prepared

    _, data = prepared(run.dataset)
    if run.kind == "mitigated":  # may be a randomised classifier, not one network (see fairness)
        from core.audit.fairness import run_outputs

        out, _ = run_outputs(store, run, data, "test")
        return classification_report(data.y_test, out, data.classes, y_train=data.y_train)
    return evaluate_model(load_checkpoint(run, store), data)


def _from_dict(d: dict) -> Evaluation:
    from core.audit.evaluate._metrics import Metric

    return Evaluation(task=d["task"], metrics=[Metric(**m) for m in d["metrics"]],
                      baseline=Metric(**d["baseline"]), per_class=d["per_class"],
                      confusion=d["confusion"], classes=d["classes"], curves=d["curves"])
