"""The fairness report of predictions (arrays in, plain dict out) and of a stored run."""
from __future__ import annotations

import numpy as np

from core.audit.fairness import _metrics as M
from core.audit.fairness._summary import classification_summary, regression_summary
from core.audit.records import AuditKind, FairnessRecord, read_record, save_record
from core.errors import LayerLabError
from core.metrics import labels_from_proba

AUDIT_KIND = AuditKind.FAIRNESS


def fairness_report(y_true, outputs, sensitive, task: str, classes: list[str] | None = None, *,
                    positive: int | None = None, randomised: bool = False,
                    n_boot: int | None = M.DEFAULT_N_BOOT, threshold: float = 0.5) -> dict:
    """Group table with intervals, disparity metrics and a summary for one split's predictions.

    `outputs` are what `TrainedModel.outputs` returns (binary (n,) probabilities of class 1,
    multiclass (n, k), regression (n,) values); a randomised classifier's answers are drawn
    with the fixed seed of `labels_from_proba`, and `threshold` applies otherwise. Multiclass is judged one-vs-rest for the class
    `positive` (default: the last class).
    """
    groups = M.group_labels(sensitive)
    cols = list(getattr(sensitive, "columns", ["group"]))
    M.check_groups(groups, " × ".join(cols))
    y_true = np.asarray(y_true)
    base = {"task": task, "sensitive": cols, "n": int(len(y_true)),
            "disparity_meanings": M.DISPARITY_MEANINGS, "randomised": bool(randomised)}
    if task == "regression":
        table = M.group_table(y_true.astype(np.float64), np.asarray(outputs, np.float64), groups,
                              "regression", n_boot=n_boot)
        return {**base, "groups": table, "disparities": {}, "positive": None,
                "summary": regression_summary(table)}
    classes = list(classes or ["0", "1"])
    pred = labels_from_proba(outputs, task, threshold=threshold, randomised=randomised)
    if task == "multiclass":
        k = len(classes) - 1 if positive is None else int(positive)
        if not 0 <= k < len(classes):
            raise LayerLabError(f"Class number {k} does not exist; pick one of 0..{len(classes) - 1} "
                                f"({', '.join(classes)}).")
        y_true, pred = (y_true == k).astype(int), (pred == k).astype(int)
        base["note"] = (f"Multiclass task: groups are compared one-vs-rest on the class "
                        f"'{classes[k]}' (choose another class to compare it instead).")
    else:
        k = 1
    table = M.group_table(y_true, pred, groups, "binary", n_boot=n_boot)
    disp = M.disparities(y_true, pred, groups)
    return {**base, "groups": table, "disparities": disp, "positive": classes[k],
            "summary": classification_summary(table, disp, classes[k])}


def sensitive_frame(data, split: str, column: str | None = None):
    """The split's sensitive columns (or only `column`), with a clear error when there are none."""
    frame = getattr(data, f"sensitive_{split}")
    if frame is None or frame.shape[1] == 0:
        raise LayerLabError("This run has no sensitive column, so fairness cannot be checked. "
                            "Choose one (for Adult: sex or race) on the Data page and train again.")
    if column is None:
        return frame
    if column not in frame.columns:
        raise LayerLabError(f"'{column}' is not a sensitive column of this run; its sensitive "
                            f"columns are {', '.join(frame.columns)}. Add others on the Data page "
                            "and train again.")
    return frame[[column]]


def audit_run(store, run_id: str, sensitive: str | None = None, *, n_boot: int | None = M.DEFAULT_N_BOOT,
              positive: int | None = None, save: bool = True, refresh: bool = False) -> dict:
    """The fairness report of a stored run on its test split, kept with the run (and reused)."""
    from core.trained import load_trained

    run = store.get_run(run_id)
    saved = _saved(store, run_id).get(_key(sensitive, positive))
    if save and saved and not refresh and saved["groups"]["n_boot"] == (n_boot or 0):
        return saved
    _, data = _prepared(run)
    sens = sensitive_frame(data, "test", sensitive)
    model = load_trained(store, run)
    outputs, randomised = model.outputs("test"), model.randomised
    report = fairness_report(data.y_test, outputs, sens, data.task, data.classes,
                             positive=positive, randomised=randomised, n_boot=n_boot)
    report.update(run_id=run_id, run_name=run.name, accuracy=_accuracy(data, outputs, randomised))
    if save and (n_boot or not saved_report(store, run_id, sensitive, positive)):
        saved = _saved(store, run_id)
        saved[_key(sensitive, positive)] = report
        save_record(store, run_id, AUDIT_KIND, FairnessRecord(saved))
    return report


def saved_report(store, run_id: str, sensitive: str | None = None,
                 positive: int | None = None) -> dict | None:
    """The stored report with bootstrap intervals, if one was computed (None otherwise)."""
    rep = _saved(store, run_id).get(_key(sensitive, positive))
    return rep if rep and rep["groups"]["n_boot"] else None


def _saved(store, run_id: str) -> dict[str, dict]:
    rec = read_record(store, run_id, AUDIT_KIND)
    return dict(rec.root) if rec else {}


def _key(sensitive: str | None, positive: int | None) -> str:
    return f"{sensitive or '(all)'}|{'' if positive is None else positive}"


def _accuracy(data, outputs, randomised: bool) -> float | None:
    if data.task == "regression":
        return None
    return float(np.mean(labels_from_proba(outputs, data.task, randomised=randomised) == data.y_test))


def _prepared(run):
    from core.data import prepared

    if run.task not in ("binary", "multiclass", "regression"):
        raise LayerLabError(f"Run {run.id} has an unknown task '{run.task}'.")
    return prepared(run.dataset)
