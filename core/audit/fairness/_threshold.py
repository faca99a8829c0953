"""Threshold explorer: move the decision threshold (one for all, or one per group) and watch
accuracy and the disparity metrics move; a sweep gives the accuracy-vs-disparity Pareto front."""
from __future__ import annotations

import numpy as np

from core.audit.fairness._metrics import disparities
from core.errors import LayerLabError

SWEEP = tuple(np.round(np.linspace(0.05, 0.95, 19), 2))


def explorer_data(store, run_id: str, sensitive: str | None = None) -> dict:
    """Test labels, float64 scores and group labels of an ordinary binary run."""
    from core.audit.fairness._report import _prepared, sensitive_frame
    from core.metrics import group_labels
    from core.trained import load_trained

    run = store.get_run(run_id)
    _, data = _prepared(run)
    if data.task != "binary":
        raise LayerLabError("The threshold explorer needs a two-class (binary) task: a threshold "
                            "turns the probability of the positive class into a yes/no answer.")
    sens = sensitive_frame(data, "test", sensitive)
    model = load_trained(store, run)
    scores = model.outputs("test")
    if model.randomised:
        raise LayerLabError("This run is already a randomised mitigated classifier; explore "
                            "thresholds on its original run instead.")
    return {"y": np.asarray(data.y_test), "scores": np.asarray(scores, np.float64),
            "groups": group_labels(sens), "positive": data.classes[1]}


def _answers(scores, groups, thresholds) -> np.ndarray:
    if isinstance(thresholds, dict):
        t = np.array([thresholds.get(g, 0.5) for g in groups], dtype=np.float64)
    else:
        t = float(thresholds)
    return (np.asarray(scores) >= t).astype(int)


def threshold_point(y, scores, groups, thresholds: float | dict[str, float]) -> dict:
    """Accuracy, disparity metrics and per-group selection rates at the given threshold(s)."""
    pred = _answers(scores, groups, thresholds)
    y = np.asarray(y)
    sel = {str(g): float(pred[groups == g].mean()) for g in np.unique(groups)}
    return {"thresholds": thresholds, "accuracy": float(np.mean(pred == y)),
            **disparities(y, pred, groups), "selection_rate": sel}


def threshold_sweep(y, scores, groups, grid=SWEEP) -> list[dict]:
    """One point per shared threshold: accuracy and disparity, with the Pareto-optimal ones marked.

    The two gaps come from `gap_from_predictions` (numpy, checked against fairlearn's
    demographic_parity_difference and equalized_odds_difference in the tests): a sweep calls them
    dozens of times and MetricFrame's overhead would make the page wait seconds.
    """
    from core.metrics import gap_from_predictions

    y = np.asarray(y)
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    pts = []
    for t in grid:
        pred = _answers(scores, groups, t)
        gap = gap_from_predictions(y, pred, codes)
        pts.append({"threshold": float(t), "accuracy": float(np.mean(pred == y)),
                    "demographic_parity_difference": gap["dp_diff"] or 0.0,
                    "equalized_odds_difference": gap["eo_diff"] or 0.0})
    for p in pts:  # on the front: no other threshold is both more accurate and fairer
        p["pareto"] = not any(q["accuracy"] >= p["accuracy"] and
                              q["demographic_parity_difference"] <= p["demographic_parity_difference"]
                              and (q["accuracy"], q["demographic_parity_difference"])
                              != (p["accuracy"], p["demographic_parity_difference"]) for q in pts)
    return pts
