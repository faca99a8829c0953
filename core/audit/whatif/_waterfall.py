"""The SHAP waterfall of one row in the what-if editor: how each of the user's columns pushes
the model's answer up or down from its average answer over the training rows.

The explainer (DeepExplainer when it adds up, else expected gradients) is chosen once per run
by `core.audit.explain.ShapRunner`; each edit then explains only the rows shown, so the editor
updates within half a second. One-hot inputs are summed back to their column, so the bars are
in the user's columns and still add up to the answer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.audit.whatif._space import EditSpace
from core.errors import LayerLabError

NO_WATERFALL = ("The SHAP waterfall needs the run's own network, and run {run_id} answers through "
                "{method} (a mitigated model), which SHAP's gradient explainers cannot open. The "
                "prediction above is still exact; the Explain page explains the original run.")
BACKGROUND_ROWS = 100  # training rows the answer is measured from (shap's usual 100)
PROBE_ROWS = 16
TOP = 8  # columns drawn one by one; the rest are summed into one bar


class RowExplainer:
    """SHAP waterfalls of edited rows of one tabular run."""

    def __init__(self, space: EditSpace, seed: int = 0):
        from core.audit.explain import ShapRunner

        model, data = space.model, space.data
        if model.network is None or not model.differentiable:
            raise LayerLabError(NO_WATERFALL.format(run_id=space.run_id, method=model.method))
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(data.X_train), size=min(BACKGROUND_ROWS, len(data.X_train)), replace=False)
        self.space = space
        self.runner = ShapRunner(model.network, model.task, data.X_train[np.sort(pick)],
                                 data.X_test[:PROBE_ROWS], seed)

    def waterfalls(self, frame: pd.DataFrame) -> list[dict]:
        """One waterfall per row of `frame` (rows in the user's columns)."""
        from core.audit.explain import to_columns
        from core.data import transform_rows

        space, model = self.space, self.space.model
        X = transform_rows(space.data, frame)
        sh = self.runner(X)
        n = len(frame)
        # The explained output: the probability of class 1 (binary), of the predicted class
        # (multiclass), or the value (regression): the answer the editor shows.
        if model.task == "multiclass":
            out_idx = sh.outputs.argmax(axis=1)
        else:
            out_idx = np.zeros(n, dtype=int)
        vals = np.moveaxis(sh.values, -1, 1)[np.arange(n), out_idx].reshape(n, -1)
        columns, per_col = to_columns(vals, space.data.feature_columns)
        return [self._one(frame, i, columns, per_col[i], float(sh.base[out_idx[i]]),
                          float(sh.outputs[i, out_idx[i]]), int(out_idx[i])) for i in range(n)]

    def _one(self, frame, i, columns, contrib, base, output, out_idx) -> dict:
        model, space = self.space.model, self.space
        order = np.argsort(-np.abs(contrib), kind="stable")
        bars = [{"column": columns[j], "value": space.columns[columns[j]].show(frame[columns[j]].iloc[i])
                 if columns[j] in space.columns else None, "contribution": float(contrib[j])}
                for j in order[:TOP]]
        rest = order[TOP:]
        if len(rest):
            bars.append({"column": f"{len(rest)} other columns", "value": None,
                         "contribution": float(contrib[rest].sum())})
        if model.task == "regression":
            label = "predicted value"
        elif model.task == "binary":
            label = f"probability of '{model.classes[1]}'"
        else:
            label = f"probability of '{model.classes[out_idx]}'"
        return {"base": base, "output": output, "output_label": label, "bars": bars,
                "explainer": self.runner.explainer,
                "additivity_error": abs(base + float(contrib.sum()) - output)}
