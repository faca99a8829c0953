"""Group metrics with fairlearn's MetricFrame (bootstrap confidence intervals) and disparity numbers.

Every number here is a fairlearn (or scikit-learn) call; this module only chooses the metrics,
turns sensitive columns into group labels (two columns give intersectional groups such as
"Female × Black") and shapes the result as plain dicts that pages, the CLI and the store keep.
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError
from core.metrics import GROUP_SEP, group_labels  # noqa: F401 - part of this module's API

MIN_GROUP_ROWS = 30  # below this a group's rates swing too much to judge (flagged, still shown)
DEFAULT_N_BOOT = 50  # fairlearn recomputes every metric per draw; 50 gives stable 95 % bounds
DEFAULT_CI = (0.025, 0.975)

# name -> one line for people; the order is the table's column order.
CLASSIFICATION_METRICS = {
    "count": "How many test examples fall in the group.",
    "selection_rate": "Share of the group the model predicts the positive outcome for.",
    "accuracy": "Share of the group the model gets right.",
    "true_positive_rate": "Of the group's real positives, the share the model finds (recall).",
    "false_positive_rate": "Of the group's real negatives, the share wrongly predicted positive.",
    "precision": "When the model predicts positive for the group, how often it is right.",
    "false_negative_rate": "Of the group's real positives, the share the model misses.",
}
REGRESSION_METRICS = {
    "count": "How many test examples fall in the group.",
    "mae": "Average size of the error for the group, in the target's units.",
    "mean_prediction": "Average predicted value for the group.",
}
DISPARITY_MEANINGS = {
    "demographic_parity_difference": "Largest gap in selection rate between two groups (0 is equal).",
    "demographic_parity_ratio": "Smallest selection rate divided by the largest (1 is equal; "
                                "the four-fifths rule asks for at least 0.8).",
    "equalized_odds_difference": "Largest gap in true- or false-positive rate between groups (0 is equal).",
    "equalized_odds_ratio": "Smallest ratio of true- or false-positive rates between groups (1 is equal).",
    "equal_opportunity_difference": "Largest gap in true-positive rate (recall) between groups (0 is equal).",
}


def check_groups(groups: np.ndarray, column: str) -> None:
    n = len(np.unique(groups))
    if n < 2:
        only = groups[0] if len(groups) else "nothing"
        raise LayerLabError(f"The sensitive column '{column}' has only one group ('{only}') in the "
                            "test split, so there is nothing to compare. Pick a column with at "
                            "least two groups on the Data page.")


def _metric_fns(task: str) -> dict:
    from fairlearn.metrics import (count, false_negative_rate, false_positive_rate,
                                   mean_prediction, selection_rate, true_positive_rate)
    from sklearn.metrics import accuracy_score, mean_absolute_error, precision_score

    if task == "regression":
        return {"count": count, "mae": mean_absolute_error, "mean_prediction": mean_prediction}

    def precision(y_true, y_pred):
        return precision_score(y_true, y_pred, zero_division=0)

    return {"count": count, "selection_rate": selection_rate, "accuracy": accuracy_score,
            "true_positive_rate": true_positive_rate, "false_positive_rate": false_positive_rate,
            "precision": precision, "false_negative_rate": false_negative_rate}


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def disparities(y_true, y_pred, groups) -> dict[str, float | None]:
    """The five disparity numbers of binary predictions, each straight from fairlearn."""
    from fairlearn import metrics as fm

    kw = {"sensitive_features": groups}
    return {
        "demographic_parity_difference": _num(fm.demographic_parity_difference(y_true, y_pred, **kw)),
        "demographic_parity_ratio": _num(fm.demographic_parity_ratio(y_true, y_pred, **kw)),
        "equalized_odds_difference": _num(fm.equalized_odds_difference(y_true, y_pred, **kw)),
        "equalized_odds_ratio": _num(fm.equalized_odds_ratio(y_true, y_pred, **kw)),
        "equal_opportunity_difference": _num(fm.equal_opportunity_difference(y_true, y_pred, **kw)),
    }


def group_table(y_true, y_pred, groups, task: str = "binary", *, n_boot: int | None = DEFAULT_N_BOOT,
                ci_quantiles=DEFAULT_CI, random_state: int = 0) -> dict:
    """MetricFrame by group (+ overall) with bootstrap intervals: {"rows": [...], "overall": {...}}.

    Each row: {"group", <metric>: value, "<metric>_ci": [low, high], "small": bool}.
    """
    import pandas as pd
    from fairlearn.metrics import MetricFrame

    boot = {"n_boot": n_boot, "ci_quantiles": list(ci_quantiles), "random_state": random_state} \
        if n_boot else {}
    mf = MetricFrame(metrics=_metric_fns(task), y_true=np.asarray(y_true),
                     y_pred=np.asarray(y_pred), sensitive_features=pd.Series(groups, name="group"),
                     **boot)
    by = mf.by_group
    lo, hi = (mf.by_group_ci[0], mf.by_group_ci[-1]) if n_boot else (None, None)
    rows = []
    for g in by.index:
        row = {"group": str(g)}
        for m in by.columns:
            row[m] = _num(by.loc[g, m])
            if lo is not None and m != "count":
                row[f"{m}_ci"] = [_num(lo.loc[g, m]), _num(hi.loc[g, m])]
        row["count"] = int(by.loc[g, "count"])
        row["small"] = row["count"] < MIN_GROUP_ROWS
        rows.append(row)
    overall = {m: _num(v) for m, v in mf.overall.items()}
    return {"rows": rows, "overall": overall,
            "metrics": REGRESSION_METRICS if task == "regression" else CLASSIFICATION_METRICS,
            "n_boot": n_boot or 0, "ci_quantiles": list(ci_quantiles)}
