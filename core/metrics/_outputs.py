"""From a network's raw outputs to what people read: probabilities, class ids, values.

LayerLab's networks end in one raw number per output, and the task says what it means:
- binary: one logit per row, shape (n, 1); P(positive) = sigmoid(logit);
- multiclass: k logits per row, shape (n, k); probabilities = softmax over the k;
- regression: one value per row, shape (n, 1).
Training, evaluation, fairness, explanations and stress tests all convert with the functions
here, so a model is read the same way everywhere. Each takes a numpy array or a torch tensor
and returns the same kind (numpy results are float64; torch ones keep their device).
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

TASKS = ("binary", "multiclass", "regression")
DRAW_SEED = 0  # answers of randomised classifiers are drawn with this seed, so reports repeat

UNKNOWN_TASK = "Unknown task '{task}'; expected one of binary, multiclass or regression."
NO_PROBA_FOR_REGRESSION = ("A regression model predicts numbers, not classes, so it has no "
                           "probabilities or class labels; read its values instead.")
NO_VALUES_FOR_CLASSIFIER = ("A {task} model predicts classes, not numbers; read its "
                            "probabilities or labels instead.")


def _is_torch(x) -> bool:
    return type(x).__module__.split(".")[0] == "torch"


def _check(task: str) -> None:
    if task not in TASKS:
        raise LayerLabError(UNKNOWN_TASK.format(task=task))


def outputs_to_proba(out, task: str):
    """Probabilities from raw outputs: binary (n,) P(positive), multiclass (n, k) rows summing to 1.

    Regression has no probabilities (raises `LayerLabError` with NO_PROBA_FOR_REGRESSION).
    Torch: binary in the output's precision then float64, multiclass in float64, as the
    evaluation has always computed them.
    """
    _check(task)
    if task == "regression":
        raise LayerLabError(NO_PROBA_FOR_REGRESSION)
    if _is_torch(out):
        import torch

        if task == "binary":
            return torch.sigmoid(out[:, 0]).double()
        return torch.softmax(out.double(), dim=1)
    from scipy.special import expit, softmax

    out = np.asarray(out, dtype=np.float64)
    return expit(out[:, 0]) if task == "binary" else softmax(out, axis=1)


def outputs_to_values(out, task: str = "regression"):
    """Predicted values (n,) float64 of a regression model's raw outputs (n, 1)."""
    _check(task)
    if task != "regression":
        raise LayerLabError(NO_VALUES_FOR_CLASSIFIER.format(task=task))
    return out[:, 0].double() if _is_torch(out) else np.asarray(out, dtype=np.float64)[:, 0]


def readable_outputs(out, task: str):
    """What a person reads: probabilities for a classifier, values for a regressor."""
    _check(task)
    return outputs_to_values(out) if task == "regression" else outputs_to_proba(out, task)


def labels_from_outputs(out, task: str):
    """Class ids (n,) from raw outputs: binary logit > 0 (P > 0.5), multiclass argmax."""
    _check(task)
    if task == "regression":
        raise LayerLabError(NO_PROBA_FOR_REGRESSION)
    if task == "binary":
        return (out[:, 0] > 0).long() if _is_torch(out) else (np.asarray(out)[:, 0] > 0).astype(int)
    return out.argmax(1) if _is_torch(out) else np.asarray(out).argmax(axis=1)


def labels_from_proba(proba, task: str, *, threshold: float = 0.5, randomised: bool = False,
                      seed: int = DRAW_SEED) -> np.ndarray:
    """Class ids (n,) from probabilities: binary P ≥ threshold, multiclass argmax.

    A randomised classifier's binary probability is the chance that it answers 1; its answers
    are drawn with a seeded generator (fairlearn's examples do the same), so reports repeat.
    """
    _check(task)
    if task == "regression":
        raise LayerLabError(NO_PROBA_FOR_REGRESSION)
    proba = np.asarray(proba, dtype=np.float64)
    if task == "multiclass":
        return proba.argmax(axis=1)
    if randomised:
        return (np.random.default_rng(seed).random(len(proba)) < proba).astype(int)
    return (proba >= threshold).astype(int)


def probability_head(task: str):
    """The torch layer that turns raw outputs into readable ones (Sigmoid, Softmax or Identity).

    SHAP's DeepExplainer needs the conversion as a module it knows how to propagate through,
    so explanations append this head instead of calling the functions above.
    """
    from torch import nn

    _check(task)
    return {"binary": nn.Sigmoid, "multiclass": lambda: nn.Softmax(dim=1),
            "regression": nn.Identity}[task]()
