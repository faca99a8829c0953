"""A scikit-learn classifier that trains a LayerLab ModelSpec with PyTorch and honours sample_weight.

fairlearn's reductions (ExponentiatedGradient, GridSearch) clone the estimator and call
`fit(X, y, sample_weight=...)` many times, so every setting is a constructor parameter (the
scikit-learn contract: `__init__` only stores, learned state ends in `_`). The network is built
by `core.build.build_model` from the same spec and trained with the same optimizer settings as
a LayerLab run (`TrainConfig`); only the loss is weighted per example.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

# Used when no spec is given (scikit-learn's own checks build the estimator with no arguments).
DEFAULT_SPEC = {"name": "Small MLP", "layers": [{"type": "Dense", "units": 32, "activation": "relu"}]}


class TorchClassifier(ClassifierMixin, BaseEstimator):
    """Train `spec` (ModelSpec JSON) on (X, y[, sample_weight]) with the settings of `config`.

    config: TrainConfig JSON (optimizer, lr, batch_size, epochs, l2, seed); missing fields take
    TrainConfig's defaults. Binary targets get one logit (BCE), more classes a softmax head.
    """

    def __init__(self, spec: dict | None = None, config: dict | None = None, device: str = "cpu"):
        self.spec = spec
        self.config = config
        self.device = device

    # --- fitting --------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        import torch
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import _check_sample_weight, validate_data

        from core.build import build_model
        from core.spec import ModelSpec
        from core.train import TrainConfig
        from core.train._setup import make_optimizer, seed_everything

        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, y_ids = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("TorchClassifier needs at least two classes in y; got only one class "
                             f"({self.classes_[0]!r}).")
        w = _check_sample_weight(sample_weight, X, dtype=np.float64)  # refuses all-zero weights
        cfg = TrainConfig.model_validate({**(self.config or {}), "device": "cpu"})
        self.binary_ = len(self.classes_) == 2
        task, n_out = ("binary", 1) if self.binary_ else ("multiclass", len(self.classes_))
        seed_everything(cfg.seed)
        model = build_model(ModelSpec.model_validate(self.spec or DEFAULT_SPEC), (X.shape[1],),
                            task, n_out, self.device)
        opt = make_optimizer(model.parameters(), cfg, self.device)
        Xt = torch.from_numpy(np.ascontiguousarray(X)).to(self.device)  # (n, features)
        yt = torch.from_numpy(y_ids).to(self.device)  # (n,) class ids
        wt = torch.from_numpy(w / w.mean()).float().to(self.device)  # mean 1: same scale as unweighted
        self._train(model, opt, Xt, yt, wt, cfg)
        self.model_ = model.eval()
        return self

    def _train(self, model, opt, X, y, w, cfg) -> None:
        import torch
        import torch.nn.functional as F

        gen = torch.Generator().manual_seed(cfg.seed)
        n, bs = len(X), cfg.batch_size
        model.train()
        for _ in range(cfg.epochs):
            perm = torch.randperm(n, generator=gen).to(X.device)
            for i in range(0, n, bs):
                idx = perm[i:i + bs]
                if len(idx) < 2 and n > 1:
                    continue  # a batch of one breaks batch norm and says little
                out = model(X[idx])  # (b, 1) logit or (b, k) logits
                if self.binary_:
                    per = F.binary_cross_entropy_with_logits(out[:, 0], y[idx].float(), reduction="none")
                else:
                    per = F.cross_entropy(out, y[idx], reduction="none")
                loss = (per * w[idx]).mean()  # (b,) weighted per-example losses → scalar
                if cfg.l1:
                    loss = loss + cfg.l1 * sum(p.abs().sum() for p in model.parameters())
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if cfg.grad_clip:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
                opt.step()

    # --- predicting -----------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """(n, n_classes) float64 probabilities."""
        import torch
        from sklearn.utils.validation import check_is_fitted, validate_data

        from core.train import predict

        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        X_t = torch.from_numpy(np.ascontiguousarray(X)).to(next(self.model_.parameters()).device)
        out = predict(self.model_, X_t).double().cpu()  # (n, 1) or (n, k)
        if self.binary_:
            p = torch.sigmoid(out[:, 0]).numpy()
            return np.column_stack([1.0 - p, p])
        return torch.softmax(out, dim=1).numpy()

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)  # first: it raises NotFittedError on an unfitted estimator
        return self.classes_[proba.argmax(axis=1)]

    def state_dict(self) -> dict:
        """The trained weights (for a LayerLab checkpoint)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "model_")
        return self.model_.state_dict()
