"""The error rate over two chosen columns: a grid of cells (numbers cut at training quantiles,
the most common categories), each with its row count and error rate (or mean absolute error)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.audit.whatif import EditSpace
from core.errors import LayerLabError

SAME_COLUMN = "Pick two different columns for the grid (got '{column}' twice)."
_BINS = 5
_TOP = 8
OTHER = "other"


def _bins(space: EditSpace, name: str, values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's cell index along one column, and the cells' labels."""
    col = space.columns[name]
    if col.kind == "categorical":
        top = list(values.value_counts().index[:_TOP])
        labels = top + ([OTHER] if values.nunique() > _TOP else [])
        return np.array([top.index(v) if v in top else len(top) for v in values]), labels
    train = space.bundle.frame.iloc[space.data.idx_train][name].to_numpy(dtype=np.float64)
    edges = np.nanquantile(train, np.linspace(0, 1, _BINS + 1))[1:-1]
    # Whole-number columns: '≤ 258332' splits whole numbers exactly as '≤ 258332.4' does.
    edges = np.unique(np.floor(edges) if col.integer else edges)
    vals = values.to_numpy(dtype=np.float64)
    # Cell k holds edges[k-1] < v <= edges[k]: a column that is mostly 0 gets '≤ 0' and '> 0'.
    idx = np.searchsorted(edges, vals, side="left")
    shown = [col.show(e) if col.integer else f"{e:.4g}" for e in edges]
    labels = ([f"≤ {shown[0]}"] if len(edges) else ["all"]) + \
             [f"> {a} and ≤ {b}" for a, b in zip(shown[:-1], shown[1:])] + \
             ([f"> {shown[-1]}"] if len(edges) else [])
    idx = np.where(np.isnan(vals), len(labels), idx)
    return idx, labels + (["missing"] if np.isnan(vals).any() else [])


def error_grid(store, run_id: str, x: str, y: str, *, model=None) -> dict:
    """{x, y, x_labels, y_labels, n[y][x], rate[y][x] (None for an empty cell), measure}."""
    from core.audit.errors._tree import _errors
    from core.trained import load_trained

    if x == y:
        raise LayerLabError(SAME_COLUMN.format(column=x))
    model = model or load_trained(store, run_id)
    space = EditSpace(model)
    space.require(x)
    space.require(y)
    frame = space.test_frame()
    err, measure = _errors(model)
    xi, x_labels = _bins(space, x, frame[x])
    yi, y_labels = _bins(space, y, frame[y])
    n = np.zeros((len(y_labels), len(x_labels)), dtype=int)
    total = np.zeros_like(n, dtype=float)
    np.add.at(n, (yi, xi), 1)
    np.add.at(total, (yi, xi), err)
    rate = [[None if n[i, j] == 0 else float(total[i, j] / n[i, j]) for j in range(n.shape[1])]
            for i in range(n.shape[0])]
    return {"x": x, "y": y, "x_labels": x_labels, "y_labels": y_labels, "n": n.tolist(),
            "rate": rate, "measure": measure, "task": model.task, "overall": float(err.mean())}
