"""Test-set metrics from scikit-learn, each paired with a one-line meaning for non-coders.

Nothing here re-implements a metric: every number is a `sklearn.metrics` call. The inputs are
plain arrays: true labels and predicted probabilities (or values, for regression).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Metric:
    name: str
    value: float | None
    meaning: str  # one plain sentence, shown beside the number


@dataclass
class Evaluation:
    task: str
    metrics: list[Metric]
    baseline: Metric  # what a model that ignores the inputs gets
    per_class: list[dict] = field(default_factory=list)  # classification: precision/recall/F1
    confusion: list[list[int]] | None = None
    classes: list[str] = field(default_factory=list)
    curves: dict = field(default_factory=dict)  # roc / pr / calibration points per class

    def as_dict(self) -> dict:
        from dataclasses import asdict
        return asdict(self)

    def value(self, name: str) -> float | None:
        return next((m.value for m in self.metrics if m.name == name), None)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def proba_matrix(proba: np.ndarray) -> np.ndarray:
    """(n,) probabilities of class 1 → (n, 2); (n, k) returned unchanged."""
    proba = np.asarray(proba, dtype=np.float64)
    return np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba


def classification_report(y_true, proba, classes: list[str], y_train=None) -> Evaluation:
    """Metrics, per-class table, confusion matrix and curves for a classifier's test predictions."""
    from sklearn import metrics as skm

    y_true = np.asarray(y_true)
    P = proba_matrix(proba)  # (n, k)
    y_pred = P.argmax(axis=1)
    labels = list(range(P.shape[1]))
    ref = np.asarray(y_train) if y_train is not None else y_true
    majority = int(np.bincount(ref, minlength=len(labels)).argmax())
    base_acc = float(np.mean(y_true == majority))
    acc = float(skm.accuracy_score(y_true, y_pred))
    out = [
        Metric("accuracy", acc, f"Share of test examples the model gets right ({_pct(acc)})."),
        Metric("balanced_accuracy", float(skm.balanced_accuracy_score(y_true, y_pred)),
               "Accuracy averaged over classes, so a rare class counts as much as a common one."),
        Metric("precision_macro", float(skm.precision_score(y_true, y_pred, average="macro", zero_division=0)),
               "When the model names a class, how often it is right (averaged over classes)."),
        Metric("recall_macro", float(skm.recall_score(y_true, y_pred, average="macro", zero_division=0)),
               "Of the examples truly in a class, how many the model finds (averaged over classes)."),
        Metric("f1_macro", float(skm.f1_score(y_true, y_pred, average="macro", zero_division=0)),
               "Balance of precision and recall (1 is perfect), averaged over classes."),
        Metric("roc_auc", _roc_auc(skm, y_true, P, labels),
               "Chance the model scores a random positive above a random negative (0.5 is guessing, 1 is perfect)."),
        Metric("log_loss", float(skm.log_loss(y_true, P, labels=labels)),
               "How confident and right the probabilities are (lower is better; confident mistakes cost most)."),
    ]
    baseline = Metric("baseline_accuracy", base_acc,
                      f"{_pct(base_acc)} accuracy is what always answering '{classes[majority]}' gets.")
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = [{"class": classes[i], "precision": float(p[i]), "recall": float(r[i]),
                  "f1": float(f[i]), "support": int(s[i])} for i in labels]
    cm = skm.confusion_matrix(y_true, y_pred, labels=labels).tolist()
    return Evaluation("classification", out, baseline, per_class, cm, list(classes),
                      _curves(skm, y_true, P, labels, classes))


def _roc_auc(skm, y_true, P, labels) -> float | None:
    if len(np.unique(y_true)) < 2:
        return None  # undefined with one class in the test split
    if P.shape[1] == 2:
        return float(skm.roc_auc_score(y_true, P[:, 1]))
    return float(skm.roc_auc_score(y_true, P, multi_class="ovr", labels=labels))


def _curves(skm, y_true, P, labels, classes, max_points: int = 200) -> dict:
    """ROC, precision-recall and calibration points, one-vs-rest per class (binary: positive only)."""
    from sklearn.calibration import calibration_curve

    out = {"roc": {}, "pr": {}, "calibration": {}}
    targets = [1] if P.shape[1] == 2 else labels
    for k in targets:
        y_k = (y_true == k).astype(int)
        if y_k.min() == y_k.max():
            continue
        fpr, tpr, _ = skm.roc_curve(y_k, P[:, k])
        prec, rec, _ = skm.precision_recall_curve(y_k, P[:, k])
        frac, mean = calibration_curve(y_k, P[:, k], n_bins=10, strategy="quantile")
        name = classes[k]
        out["roc"][name] = _thin(fpr, tpr, max_points)
        out["pr"][name] = _thin(rec, prec, max_points)
        out["calibration"][name] = {"x": mean.tolist(), "y": frac.tolist()}
    return out


def _thin(x, y, n) -> dict:
    idx = np.unique(np.linspace(0, len(x) - 1, min(n, len(x))).round().astype(int))
    return {"x": np.asarray(x)[idx].tolist(), "y": np.asarray(y)[idx].tolist()}


def regression_report(y_true, y_pred, y_train=None) -> Evaluation:
    """MAE, RMSE, R² against the predict-the-mean baseline."""
    from sklearn import metrics as skm

    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    mean = float(np.mean(y_train if y_train is not None else y_true))
    mae = float(skm.mean_absolute_error(y_true, y_pred))
    base_mae = float(skm.mean_absolute_error(y_true, np.full_like(y_true, mean)))
    out = [
        Metric("mae", mae, "Average size of the error, in the target's own units."),
        Metric("rmse", float(np.sqrt(skm.mean_squared_error(y_true, y_pred))),
               "Like the average error, but large misses count more."),
        Metric("r2", float(skm.r2_score(y_true, y_pred)),
               "Share of the target's variation the model explains (1 is perfect, 0 is no better than the mean)."),
    ]
    baseline = Metric("baseline_mae", base_mae,
                      f"An average error of {base_mae:.3g} is what always predicting the mean ({mean:.3g}) gets.")
    curves = {"pred_vs_actual": _thin(y_true, y_pred, 2000),
              "residuals": _thin(y_pred, y_true - y_pred, 2000)}
    return Evaluation("regression", out, baseline, curves=curves)
