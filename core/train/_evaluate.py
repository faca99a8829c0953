"""Loss and task metric of a model on a split: accuracy for classification, R² (and MAE) for regression."""
from __future__ import annotations

import math

import numpy as np
import torch


def as_targets(y: np.ndarray, task: str, device: str) -> torch.Tensor:
    """Targets in the shape the loss wants: (N, 1) floats for one logit/value, (N,) ids otherwise."""
    t = torch.from_numpy(np.ascontiguousarray(y))
    if task == "multiclass":
        return t.long().to(device)  # (N,)
    return t.float().reshape(-1, 1).to(device)  # (N, 1)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def metrics_from_outputs(out: torch.Tensor, y: torch.Tensor, task: str, loss_fn) -> dict:
    """{"loss", "metric", ...} from model outputs; everything None when outputs are not finite."""
    loss = float(loss_fn(out, y))
    if not bool(torch.isfinite(out).all()):
        return {"loss": _finite(loss), "metric": None}
    if task in ("binary", "multiclass"):
        from core.metrics import labels_from_outputs  # the one conversion every audit uses too

        answers = labels_from_outputs(out, task)  # (N,) class ids
        truth = y[:, 0].long() if task == "binary" else y  # binary targets are (N, 1) floats
        return {"loss": _finite(loss), "metric": float((answers == truth).float().mean())}
    err = out - y
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((err ** 2).sum()) / ss_tot if ss_tot > 0 else None
    return {"loss": _finite(loss), "metric": r2, "mae": float(err.abs().mean()),
            "rmse": math.sqrt(float((err ** 2).mean()))}


def predict(model: torch.nn.Module, X: torch.Tensor, chunk: int = 8192) -> torch.Tensor:
    """Outputs on X in eval mode (dropout off, batch-norm running stats), in chunks."""
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            return torch.cat([model(X[i:i + chunk]) for i in range(0, len(X), chunk)])
    finally:
        model.train(was_training)


def evaluate(model, X: torch.Tensor, y: torch.Tensor, task: str, loss_fn) -> dict:
    if len(X) == 0:
        return {"loss": None, "metric": None}
    return metrics_from_outputs(predict(model, X), y, task, loss_fn)
