"""The live fairness gap: two disparity numbers per epoch, cheap enough for the training loop.

fairlearn's MetricFrame costs milliseconds per call; the loop already has the validation
predictions, so these are a few numpy reductions over integer group codes. The tests check
them against fairlearn's `demographic_parity_difference` and `equalized_odds_difference`.
"""
from __future__ import annotations

import numpy as np


def _spread(values: list[float]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(max(vals) - min(vals)) if len(vals) >= 2 else None


def gap_from_predictions(y_true, y_pred, group_codes) -> dict[str, float | None]:
    """{"dp_diff": selection-rate gap, "eo_diff": max(TPR gap, FPR gap)} for binary 0/1 answers."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred).astype(bool)
    codes = np.asarray(group_codes)
    sel, tpr, fpr = [], [], []
    for g in np.unique(codes):
        m = codes == g
        sel.append(float(y_pred[m].mean()))
        pos, neg = m & y_true, m & ~y_true
        tpr.append(float(y_pred[pos].mean()) if pos.any() else None)
        fpr.append(float(y_pred[neg].mean()) if neg.any() else None)
    gaps = [g for g in (_spread(tpr), _spread(fpr)) if g is not None]
    return {"dp_diff": _spread(sel), "eo_diff": max(gaps) if gaps else None}


def group_codes(sensitive) -> np.ndarray | None:
    """Integer group codes (intersectional for two columns), or None without two groups."""
    if sensitive is None or sensitive.shape[1] == 0:
        return None
    from core.audit.fairness._metrics import group_labels

    _, codes = np.unique(group_labels(sensitive), return_inverse=True)
    return codes if codes.max(initial=0) >= 1 else None
