"""Group labels and the live fairness gap: a few numpy reductions, cheap enough for every epoch.

fairlearn's MetricFrame costs milliseconds per call; the training loop already has the
validation predictions, so the gap is computed here from integer group codes. The tests check
these numbers against fairlearn's `demographic_parity_difference` and `equalized_odds_difference`.
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

GROUP_SEP = " × "
NO_SENSITIVE_COLUMN = ("This run has no sensitive column, so fairness cannot be checked. "
                       "Choose one (for Adult: sex or race) on the Data page and train again.")


def group_labels(sensitive) -> np.ndarray:
    """One label per row: the value of one sensitive column, or "a × b" for two (intersectional)."""
    import pandas as pd

    frame = sensitive if isinstance(sensitive, pd.DataFrame) else pd.DataFrame(sensitive)
    if frame.shape[1] == 0:
        raise LayerLabError(NO_SENSITIVE_COLUMN)
    parts = [frame[c].astype("string").fillna("(missing)").to_numpy(dtype=object) for c in frame.columns]
    labels = parts[0]
    for p in parts[1:]:
        labels = np.array([f"{a}{GROUP_SEP}{b}" for a, b in zip(labels, p)], dtype=object)
    return labels.astype(str)


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
    _, codes = np.unique(group_labels(sensitive), return_inverse=True)
    return codes if codes.max(initial=0) >= 1 else None
