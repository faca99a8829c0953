"""Decision boundary of a model on a 2-D dataset, as TensorFlow Playground draws it.

A grid over the two input columns in their ORIGINAL units (what the user sees in the data) is
pushed through the fitted preprocessor and the model, so the picture shows exactly what the
trained network answers at every point of the plane. The training points come along so the
page can draw them on top.
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

MAX_RESOLUTION = 300  # 90,000 grid points: well under a second on a CPU for a small MLP
MAX_POINTS = 2000  # training points drawn on top; more only hide the colours
_PAD = 0.10  # share of each axis' range added on both sides, so edge points are not on the rim


def two_columns(data, bundle) -> tuple[str, str] | None:
    """The two numeric input columns of a 2-D tabular set, or None when the set is not 2-D."""
    if bundle.modality != "tabular" or data.preprocessor is None:
        return None
    cols = list(dict.fromkeys(data.feature_columns))  # original columns, in input order
    if len(cols) != 2 or len(data.feature_columns) != 2:
        return None  # a one-hot column has several inputs: not a plane
    if any(bundle.kinds.get(c) != "numeric" for c in cols):
        return None
    return cols[0], cols[1]


def decision_grid(model, data, bundle, resolution: int = 120) -> dict:
    """The model's answer over a grid of the two input columns, plus the training points.

    Returns {"task", "x_column", "y_column", "x" (resolution,), "y" (resolution,),
    "z" (resolution rows over y, resolution columns over x): probability of class 1 (binary),
    the predicted class id (multiclass) or the predicted value (regression),
    "confidence" (multiclass only: the winning class' probability), "classes", "target",
    "points": {"x", "y", "label"} (training rows, original units; label = class name or value)}.
    """
    from core.trained import predict_outputs

    cols = two_columns(data, bundle)
    if cols is None:
        raise LayerLabError("A decision boundary can be drawn only for datasets with exactly two "
                            "numeric input columns (such as the 2-D toy sets: moons, circles, "
                            "XOR, spirals, blobs).")
    if not 2 <= int(resolution) <= MAX_RESOLUTION:
        raise LayerLabError(f"The grid resolution must be between 2 and {MAX_RESOLUTION} points "
                            f"per side, got {resolution}.")
    resolution = int(resolution)
    xs, ys = (_axis(bundle.frame[c], resolution) for c in cols)
    gx, gy = np.meshgrid(xs, ys)  # (res_y, res_x) each
    grid = _frame({cols[0]: gx.ravel(), cols[1]: gy.ravel()})
    X = np.asarray(data.preprocessor.transform(grid), dtype=np.float32)  # (res*res, 2)
    out = predict_outputs(model, X, data.task)
    out_dict = {"task": data.task, "x_column": cols[0], "y_column": cols[1],
                "x": xs.tolist(), "y": ys.tolist(), "classes": list(data.classes),
                "target": bundle.target, "points": _points(data, bundle, cols)}
    if data.task == "multiclass":
        P = out.reshape(resolution, resolution, -1)  # (res_y, res_x, k)
        out_dict["z"] = P.argmax(axis=2).tolist()
        out_dict["confidence"] = P.max(axis=2).round(4).tolist()
    else:
        out_dict["z"] = out.reshape(resolution, resolution).round(5).tolist()
    return out_dict


def _axis(series, n: int) -> np.ndarray:
    values = series.to_numpy(dtype=np.float64)
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
    pad = (hi - lo) * _PAD or 1.0  # a constant column still gets a visible band
    return np.linspace(lo - pad, hi + pad, n)


def _frame(columns: dict):
    import pandas as pd

    return pd.DataFrame(columns)


def _points(data, bundle, cols) -> dict:
    """Training rows in original units (at most MAX_POINTS, an even spread of them)."""
    idx = np.asarray(data.idx_train)
    take = np.arange(len(idx))
    if len(idx) > MAX_POINTS:
        take = np.unique(np.linspace(0, len(idx) - 1, MAX_POINTS).round().astype(int))
    rows = bundle.frame.iloc[idx[take]]
    y = np.asarray(data.y_train)[take]
    if data.task == "regression":
        labels = [float(v) for v in y]
    else:
        labels = [data.classes[int(k)] for k in y]
    return {"x": rows[cols[0]].astype(float).tolist(), "y": rows[cols[1]].astype(float).tolist(),
            "label": labels}


def run_decision_grid(store, run_id: str, resolution: int = 120) -> dict:
    """`decision_grid` for a stored run, from its latest checkpoint (works while it trains)."""
    from core.data import prepared
    from core.train import read_checkpoint_meta
    from core.trained import load_trained

    run = store.get_run(run_id)
    bundle, data = prepared(run.dataset)
    if two_columns(data, bundle) is None:
        return decision_grid(None, data, bundle, resolution)  # raises the plain message
    grid = decision_grid(load_trained(store, run).require_network(), data, bundle, resolution)
    grid["epoch"] = read_checkpoint_meta(run.checkpoint_path).get("epoch")  # of these weights
    return grid


def is_two_d(store, run_id: str) -> bool:
    """Whether the run's dataset has a plane to draw (cheap after the first call: data is cached)."""
    from core.data import prepared

    bundle, data = prepared(store.get_run(run_id).dataset)
    return two_columns(data, bundle) is not None
