"""The top reasons for each prediction: SHAP values of the model inputs, summed back to the
user's columns (one-hot inputs add up to their column), signed toward the predicted answer.

Kept fast for a request that waits on it: a small background sample of training rows and a
cap on the rows explained per call (the result says when the cap was reached).
"""
from __future__ import annotations

import numpy as np

REASONS_CAP = 100  # rows explained per call: DeepExplainer takes ~10-40 ms a row on a busy CPU
BACKGROUND_ROWS = 50  # training rows SHAP compares against; enough for a stable base value
TOP_REASONS = 3


def explain(model, X: np.ndarray, labels: np.ndarray | None, seed: int = 0) -> dict:
    """{columns, contributions (n, n_columns), base (n,), outputs (n,), explainer}: each row's
    contributions plus its base add up to the explained output (probability of the predicted
    class, or the value), up to the explainer's own additivity error."""
    from core.audit.explain import choose_and_explain, to_columns

    data = model.data
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(data.X_train), min(BACKGROUND_ROWS, len(data.X_train)), replace=False))
    sh = choose_and_explain(model.network, model.task, data.X_train[pick], X, seed=seed)
    values, base, outputs = sh.values, sh.base, sh.outputs  # (n, n_inputs, k), (k,), (n, k)
    n = len(X)
    if model.task == "multiclass":
        idx = np.asarray(labels, dtype=np.int64)
        per_input = values[np.arange(n), :, idx]  # (n, n_inputs): the predicted class's output
        base_row, out_row = base[idx], outputs[np.arange(n), idx]
    elif model.task == "binary":
        # The explained output is P(class 1); toward a predicted class 0 it is 1 - P(class 1).
        sign = np.where(np.asarray(labels) == 1, 1.0, -1.0)
        per_input = values[:, :, 0] * sign[:, None]
        base_row = np.where(sign > 0, base[0], 1.0 - base[0])
        out_row = np.where(sign > 0, outputs[:, 0], 1.0 - outputs[:, 0])
    else:
        per_input, base_row, out_row = values[:, :, 0], np.full(n, base[0]), outputs[:, 0]
    columns, contrib = to_columns(per_input, model.input_columns)
    return {"columns": columns, "contributions": contrib, "base": base_row, "outputs": out_row,
            "explainer": sh.explainer}


def top_reasons(columns: list[str], contrib: np.ndarray, values: dict, k: int = TOP_REASONS) -> list[dict]:
    """The k columns with the largest contributions (either sign), largest first."""
    order = np.argsort(-np.abs(contrib), kind="stable")[:k]
    return [{"column": columns[j], "value": values.get(columns[j]), "contribution": float(contrib[j])}
            for j in order]


def reason_text(reason: dict, task: str) -> str:
    """'age = 52 (+0.12)': the column, its value, and how much it moved the answer."""
    value = reason["value"]
    shown = "missing" if value is None or (isinstance(value, float) and np.isnan(value)) else value
    if isinstance(shown, float):
        shown = f"{shown:.6g}"
    return f"{reason['column']} = {shown} ({reason['contribution']:+.3g})"
