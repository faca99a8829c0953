"""A scikit-learn classifier that trains a LayerLab ModelSpec exactly as a run does, with sample_weight.

fairlearn's reductions (ExponentiatedGradient, GridSearch) clone the estimator and call
`fit(X, y, sample_weight=...)` many times, so every setting is a constructor parameter (the
scikit-learn contract: `__init__` only stores, learned state ends in `_`) and stays JSON-like.
The network, loss, optimizer, schedule, initialisation and class weights come from the one
training setup (`core.train.build_setup`) and the epochs from the one epoch loop
(`core.train.EpochLoop`), the same as a LayerLab run: only the loss is weighted per example.
Given the run's `dataset` ref, early stopping (and the plateau schedule) read the run's
validation split, as the run did; so a fit with equal weights trains the parent run again.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

# Used when no spec is given (scikit-learn's own checks build the estimator with no arguments).
DEFAULT_SPEC = {"name": "Small MLP", "layers": [{"type": "Dense", "units": 32, "activation": "relu"}]}
NEEDS_TWO_CLASSES = ("TorchClassifier needs at least two classes in y; got only one class "
                     "({cls!r}).")


class TorchClassifier(ClassifierMixin, BaseEstimator):
    """Train `spec` (ModelSpec JSON) on (X, y[, sample_weight]) with the settings of `config`.

    config: TrainConfig JSON (every training setting of the run); missing fields take
    TrainConfig's defaults. Binary targets get one logit (BCE), more classes a softmax head.
    dataset: the run's DatasetRef JSON; when given, early stopping and the plateau schedule use
    its validation split (`decorrelated`: the sensitive columns whose linear trace was removed
    from X, so the validation inputs are transformed the same way).
    """

    def __init__(self, spec: dict | None = None, config: dict | None = None, device: str = "cpu",
                 dataset: dict | None = None, decorrelated: list | None = None):
        self.spec = spec
        self.config = config
        self.device = device
        self.dataset = dataset
        self.decorrelated = decorrelated

    # --- fitting --------------------------------------------------------------------------
    def _config(self):
        from core.train import TrainConfig

        return TrainConfig.model_validate({**(self.config or {}), "device": "cpu"})

    def _prepare(self, X, y, sample_weight=None):
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import _check_sample_weight, validate_data  # noqa: PLC2701 - sklearn has no public sample-weight check; estimators share it

        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, y_ids = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(NEEDS_TWO_CLASSES.format(cls=self.classes_[0]))
        w = _check_sample_weight(sample_weight, X, dtype=np.float64)  # refuses all-zero weights
        self.binary_ = len(self.classes_) == 2
        return X, y_ids, w

    def training_setup(self, X, y):
        """The untrained TrainingSetup that `fit` would train on (X, y): network, loss, schedule."""
        X, y_ids, _ = self._prepare(X, y)
        return self._build(X, y_ids)

    def _build(self, X, y_ids):
        from core.train import TrainArrays, build_setup

        task, n_out = ("binary", 1) if self.binary_ else ("multiclass", len(self.classes_))
        arrays = TrainArrays(task=task, input_shape=(X.shape[1],), n_outputs=n_out, y_train=y_ids)
        return build_setup(self.spec or DEFAULT_SPEC, self._config(), arrays, self.device)

    def fit(self, X, y, sample_weight=None):
        import torch

        from core.train import EpochLoop
        from core.train import as_targets

        X, y_ids, w = self._prepare(X, y, sample_weight)
        setup = self._build(X, y_ids)
        dev = self.device
        Xt = torch.from_numpy(np.ascontiguousarray(X)).float().to(dev)  # (n, features)
        yt = as_targets(y_ids, setup.task, dev)  # (n, 1) floats or (n,) class ids, as a run's
        # Equal weights change nothing: the unweighted loss then is the parent's, bit for bit.
        wt = (None if np.all(w == w[0])
              else torch.from_numpy(w / w.mean()).float().to(dev))  # mean 1: the unweighted scale
        Xv, yv = self._validation(setup)
        loop = EpochLoop(setup, Xt, yt, sample_weight=wt, X_val=Xv, y_val=yv,
                         measure=Xv is not None, detect_divergence=False)
        loop.run()
        loop.restore_best()
        self.setup_ = setup
        self.model_ = setup.model.eval()
        return self

    def _validation(self, setup):
        """The run's validation split, when the config needs it (early stopping, plateau)."""
        import torch

        from core.data import prepared
        from core.train import as_targets

        cfg = setup.config
        if self.dataset is None or not (cfg.early_stopping or cfg.schedule == "reduce_on_plateau"):
            return None, None
        _, data = prepared(self.dataset)
        X_val = data.X_val
        if self.decorrelated:
            from core.trained import remove_correlation

            X_val = remove_correlation(data, list(self.decorrelated), data.X_val, data.sensitive_val)
        y_val = np.searchsorted(self.classes_, data.y_val)
        Xv = torch.from_numpy(np.ascontiguousarray(X_val)).float().to(self.device)
        return Xv, as_targets(y_val, setup.task, self.device)

    # --- predicting -----------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """(n, n_classes) float64 probabilities."""
        import torch
        from sklearn.utils.validation import check_is_fitted, validate_data

        from core.metrics import outputs_to_proba
        from core.train import predict

        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        X_t = torch.from_numpy(np.ascontiguousarray(X)).to(next(self.model_.parameters()).device)
        out = predict(self.model_, X_t).double().cpu()  # (n, 1) or (n, k)
        proba = outputs_to_proba(out, "binary" if self.binary_ else "multiclass").numpy()
        return np.column_stack([1.0 - proba, proba]) if self.binary_ else proba

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)  # first: it raises NotFittedError on an unfitted estimator
        return self.classes_[proba.argmax(axis=1)]

    def state_dict(self) -> dict:
        """The trained weights (for a LayerLab checkpoint)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "model_")
        return self.model_.state_dict()
