"""Error analysis: a shallow decision tree over the user's columns that separates the test rows
the model gets wrong (classification) or far off (regression, absolute error) from the rest;
its leaves are the cohorts, each with its size, error rate and share of all errors.

scikit-learn's tree rather than the `erroranalysis` package: it is already installed, and the
package's extra dependencies (raiutils, lightgbm) buy nothing a depth-3 tree does not give.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.audit.errors._words import cohort_text, summary
from core.audit.whatif import EditSpace


def _features(space: EditSpace, frame: pd.DataFrame):
    """Numbers as they are (missing: the training median) and one-hot categories:
    (matrix, [(column, category or None)] per feature)."""
    parts, meta = [], []
    train = space.bundle.frame.iloc[space.data.idx_train]
    for name, col in space.columns.items():
        if col.kind == "numeric":
            vals = frame[name].to_numpy(dtype=np.float64)
            fill = np.nanmedian(train[name].to_numpy(dtype=np.float64)) if np.isnan(vals).any() else 0
            parts.append(np.where(np.isnan(vals), fill, vals)[:, None])
            meta.append((name, None))
        else:
            text = frame[name].astype(str).to_numpy()
            for cat in sorted(set(text)):
                parts.append((text == cat).astype(np.float64)[:, None])
                meta.append((name, cat))
    return np.hstack(parts), meta


def _errors(model) -> tuple[np.ndarray, str]:
    """Per test row: 1.0 if wrong (classification) or the absolute error (regression)."""
    y = model.data.y_test
    if model.task == "regression":
        return np.abs(model.values("test").astype(np.float64) - y.astype(np.float64)), "absolute error"
    return (model.labels("test") != y).astype(np.float64), "error rate"


def _paths(tree) -> dict[int, list[tuple[int, bool, float]]]:
    """For each node: the (feature, went_left, threshold) steps from the root."""
    t = tree.tree_
    paths = {0: []}
    for node in range(t.node_count):  # children always come after their parent
        left, right = t.children_left[node], t.children_right[node]
        if left != -1:
            step = (int(t.feature[node]), float(t.threshold[node]))
            paths[left] = paths[node] + [(step[0], True, step[1])]
            paths[right] = paths[node] + [(step[0], False, step[1])]
    return paths


def error_analysis(store, run_id: str, *, max_depth: int = 3, min_share: float = 0.02,
                   model=None) -> dict:
    """Cohorts of test rows where the model errs most: a depth-`max_depth` tree's leaves."""
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    from core.trained import load_trained

    model = model or load_trained(store, run_id)
    space = EditSpace(model)
    frame = space.test_frame()
    X, meta = _features(space, frame)
    err, measure = _errors(model)
    n = len(err)
    leaf_min = max(5, int(np.ceil(min_share * n)))  # no cohort of a handful of rows
    if model.task == "regression":
        tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=leaf_min, random_state=0)
    else:
        tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf_min, random_state=0)
    tree.fit(X, err if model.task == "regression" else err.astype(int))
    leaves, paths = tree.apply(X), _paths(tree)
    total = float(err.sum())
    nodes = []
    for node, path in paths.items():
        rows = np.flatnonzero(_in_node(X, path))
        nodes.append(_cohort(node, path, rows, err, total, meta, space, tree))
    cohorts = [c for c in nodes if c["leaf"]]
    for c in cohorts:
        c["rows"] = [int(i) for i in np.flatnonzero(leaves == c["node"])]
    cohorts.sort(key=lambda c: -c["error_rate"])
    overall = float(err.mean()) if n else 0.0
    return {"run_id": model.run.id, "task": model.task, "measure": measure, "n_rows": n,
            "n_errors": None if model.task == "regression" else int(total),
            "overall": overall, "max_depth": max_depth, "cohorts": cohorts,
            "nodes": [{k: v for k, v in c.items() if k != "rows"} for c in nodes],
            "summary": summary(cohorts, overall, model.task)}


def _parent(tree, node: int) -> int | None:
    t = tree.tree_
    hits = np.flatnonzero((t.children_left == node) | (t.children_right == node))
    return int(hits[0]) if len(hits) else None


def _in_node(X, path) -> np.ndarray:
    mask = np.ones(len(X), dtype=bool)
    for feat, left, thr in path:
        mask &= (X[:, feat] <= thr) if left else (X[:, feat] > thr)
    return mask


def _cohort(node, path, rows, err, total, meta, space, tree) -> dict:
    e = err[rows]
    size = len(rows)
    rate = float(e.mean()) if size else 0.0
    out = {"node": int(node), "leaf": bool(tree.tree_.children_left[node] == -1),
           "parent": _parent(tree, node), "condition": cohort_text(path, meta, space), "n": int(size),
           "error_rate": rate, "share_of_errors": float(e.sum() / total) if total else 0.0}
    if space.model.task == "regression":
        out["metrics"] = {"mae": rate, "rmse": float(np.sqrt((e ** 2).mean())) if size else 0.0}
    else:
        out["n_errors"] = int(e.sum())
        out["metrics"] = {"accuracy": 1.0 - rate}
    return out
