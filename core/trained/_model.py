"""`TrainedModel`: any finished run as a predictor, whatever kind of model stands behind it."""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError
from core.trained import _mitigation as _m
from core.trained._network import (load_network, network_from_checkpoint, network_outputs,
                                   predict_outputs)

SPLITS = ("train", "val", "test")

UNKNOWN_SPLIT = "Unknown split '{split}'; use one of train, val or test."
NEEDS_SENSITIVE_ROWS = ("A {method} run predicts from each row's group, so it needs the rows' "
                        "sensitive columns ({columns}); pass a split name or `sensitive=` rows.")
ROW_COUNT_MISMATCH = "Got {n_x} input rows but {n_s} rows of sensitive columns; pass one per row."
NOT_DIFFERENTIABLE = ("Run {run_id} is a {method} mitigated run: {why} It has no single network "
                      "that maps the inputs to the outputs, so explanations and attacks do not "
                      "apply to it; use its original run (or a plain mitigated run) instead.")
WHY_NOT_DIFFERENTIABLE = {
    "threshold_optimizer": "its answer depends on each row's group through per-group thresholds "
                           "and a random draw.",
    "exponentiated_gradient": "it answers with a randomly chosen member of a mixture of networks.",
    "correlation_remover": "its network reads inputs transformed using each row's group.",
}


class TrainedModel:
    """A run that predicts: probabilities, labels or values on a split or on model inputs.

    Build one with `load_trained(store, run)`. `rows` is a split name ("train", "val", "test")
    or an array of model inputs (n, *input_shape); `sensitive` gives those rows' sensitive
    columns where the kind needs them (threshold optimizer, correlation remover).
    """

    def __init__(self, run, bundle, data, *, method: str | None = None, record: dict | None = None,
                 base=None, members: tuple = (), weights: tuple = ()):
        self.run, self.bundle, self.data = run, bundle, data
        self.method = method  # None for an ordinary network, else the mitigation's name
        self.record = record  # the "mitigation" record (None for an ordinary run)
        self._base = base  # the network that reads model inputs (or transformed ones)
        self._members, self._weights = tuple(members), tuple(weights)

    @property
    def task(self) -> str:
        return self.data.task

    @property
    def classes(self) -> list[str]:
        return list(self.data.classes)

    @property
    def randomised(self) -> bool:
        """Whether answers are drawn at random (threshold optimizer, exponentiated gradient)."""
        return self.method in _m.RANDOMISED_METHODS

    @property
    def differentiable(self) -> bool:
        """True when one torch network maps model inputs straight to outputs (see WHY_NOT_DIFFERENTIABLE)."""
        return self.method not in WHY_NOT_DIFFERENTIABLE

    @property
    def network(self):
        """The torch module (eval mode, CPU) for differentiable kinds; None otherwise."""
        return self._base if self.differentiable else None

    def require_network(self):
        """The network, or a clear error saying why this kind has none (explain, stress)."""
        if not self.differentiable:
            raise LayerLabError(NOT_DIFFERENTIABLE.format(
                run_id=self.run.id, method=self.method.replace("_", " "),
                why=WHY_NOT_DIFFERENTIABLE[self.method]))
        return self._base

    @property
    def input_columns(self) -> list[str]:
        """The user's column each model input comes from (one-hot inputs share their column)."""
        return list(self.data.feature_columns)

    @property
    def input_names(self) -> list[str]:
        """A readable name per model input (for a one-hot input: column and category)."""
        return list(self.data.feature_names)

    @property
    def sensitive_columns(self) -> list[str]:
        return list((self.record or {}).get("sensitive") or [])

    def _rows(self, rows, sensitive):
        if isinstance(rows, str):
            if rows not in SPLITS:
                raise LayerLabError(UNKNOWN_SPLIT.format(split=rows))
            X = getattr(self.data, f"X_{rows}")
            return X, getattr(self.data, f"sensitive_{rows}") if sensitive is None else sensitive
        X = np.asarray(rows, dtype=np.float32)
        if self.method in _m.NEEDS_SENSITIVE:
            if sensitive is None:
                raise LayerLabError(NEEDS_SENSITIVE_ROWS.format(
                    method=self.method.replace("_", " "), columns=", ".join(self.sensitive_columns)))
            if len(sensitive) != len(X):
                raise LayerLabError(ROW_COUNT_MISMATCH.format(n_x=len(X), n_s=len(sensitive)))
        return X, sensitive

    def outputs(self, rows="test", sensitive=None) -> np.ndarray:
        """Readable outputs: binary (n,) P(positive) (for a randomised kind: P(it answers 1)),
        multiclass (n, k) probabilities, regression (n,) values."""
        from core.metrics import group_labels

        X, sens = self._rows(rows, sensitive)
        if self.method == "threshold_optimizer":
            scores = predict_outputs(self._base, X, "binary")
            groups = group_labels(sens[self.sensitive_columns])
            return _m.threshold_pmf(scores, groups, self.record["thresholds"])
        if self.method == "exponentiated_gradient":
            return _m.mixture_pmf([predict_outputs(n, X, "binary") for n in self._members],
                                  list(self._weights))
        if self.method == "correlation_remover":
            X = _m.remove_correlation(self.data, self.sensitive_columns, X, sens)
        return predict_outputs(self._base, X, self.task)

    def logits(self, rows="test"):
        """Raw network outputs (torch, (n, n_outputs)) of a differentiable kind."""
        X, _ = self._rows(rows, None)
        return network_outputs(self.require_network(), X)

    def proba(self, rows="test", sensitive=None) -> np.ndarray:
        """Probabilities: binary (n,) of the positive class, multiclass (n, k); not for regression."""
        from core.metrics import NO_PROBA_FOR_REGRESSION

        if self.task == "regression":
            raise LayerLabError(NO_PROBA_FOR_REGRESSION)
        return self.outputs(rows, sensitive)

    def labels(self, rows="test", sensitive=None) -> np.ndarray:
        """Class ids (n,); a randomised kind's answers are drawn with the fixed seed DRAW_SEED."""
        from core.metrics import labels_from_proba

        return labels_from_proba(self.proba(rows, sensitive), self.task, randomised=self.randomised)

    def values(self, rows="test") -> np.ndarray:
        """Predicted values (n,) of a regression run."""
        from core.metrics import NO_VALUES_FOR_CLASSIFIER

        if self.task != "regression":
            raise LayerLabError(NO_VALUES_FOR_CLASSIFIER.format(task=self.task))
        return self.outputs(rows)


def load_trained(store, run_or_id) -> TrainedModel:
    """Any run with trained weights as a `TrainedModel` (its data prepared and cached)."""
    from core.data import prepared

    run = store.get_run(run_or_id) if isinstance(run_or_id, str) else run_or_id
    rec = _m.mitigation_record(store, run)
    method = rec["method"] if rec else None
    bundle, data = prepared(run.dataset)
    kw = {"method": method, "record": rec}
    if method == "threshold_optimizer":
        return TrainedModel(run, bundle, data, base=load_network(store.get_run(rec["parent_id"]),
                                                                 store), **kw)
    if method == "exponentiated_gradient":
        kept = [(p, w) for p, w in zip(rec["members"], rec["weights"]) if w > 0]
        return TrainedModel(run, bundle, data, members=[network_from_checkpoint(p) for p, _ in kept],
                            weights=[w for _, w in kept], **kw)
    if method == "correlation_remover":
        return TrainedModel(run, bundle, data, base=network_from_checkpoint(rec["model"]), **kw)
    return TrainedModel(run, bundle, data, base=load_network(run, store), **kw)
