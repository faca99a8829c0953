"""Rows worth looking at: misclassified ones (or the largest errors) and borderline ones."""
from __future__ import annotations

import numpy as np


def predicted_classes(outputs: np.ndarray, task: str) -> np.ndarray:
    """(n, k) readable outputs -> predicted class ids (n,); regression: zeros."""
    from core.metrics import labels_from_proba

    if task == "regression":
        return np.zeros(len(outputs), dtype=int)
    return labels_from_proba(outputs[:, 0] if task == "binary" else outputs, task)


def misclassified(outputs: np.ndarray, y: np.ndarray, task: str) -> list[int]:
    """Positions of wrong predictions, most confident first (regression: largest errors first)."""
    if task == "regression":
        err = np.abs(outputs[:, 0] - y)
        return np.argsort(-err, kind="stable")[: max(1, len(err) // 10)].tolist()
    pred = predicted_classes(outputs, task)
    wrong = np.flatnonzero(pred != y)
    conf = confidence(outputs, task)[wrong]
    return wrong[np.argsort(-conf, kind="stable")].tolist()


def borderline(outputs: np.ndarray, task: str) -> list[int]:
    """Positions ordered from the least to the most decided (regression: none)."""
    if task == "regression":
        return []
    if task == "binary":
        margin = np.abs(outputs[:, 0] - 0.5)
    else:
        top2 = np.sort(outputs, axis=1)[:, -2:]
        margin = top2[:, 1] - top2[:, 0]
    return np.argsort(margin, kind="stable").tolist()


def confidence(outputs: np.ndarray, task: str) -> np.ndarray:
    """Probability of the predicted class (n,)."""
    if task == "binary":
        return np.maximum(outputs[:, 0], 1 - outputs[:, 0])
    if task == "multiclass":
        return outputs.max(1)
    return np.full(len(outputs), np.nan)
