"""What a counterfactual must reach: the other class (binary), a chosen class (multiclass) or a
range of values (regression); and how close a row's outputs are to it."""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

UNKNOWN_CLASS = "'{target}' is not a class of this run; its classes are {known}."
SAME_CLASS = ("The model already says '{target}' for this row; pick another class to reach "
              "({others}).")
BAD_RANGE = ("A regression target is a range 'LOW:HIGH' (either side may be empty), e.g. '50:' "
             "for 50 or more; got '{target}'.")


class Goal:
    """`reached(outputs)` (n,) bool and `score(outputs)` (n,) float, higher is closer."""

    def __init__(self, model, before: np.ndarray, target=None):
        self.task, self.classes = model.task, model.classes
        if self.task == "regression":
            self.low, self.high = _range(target, float(before), model)
            self.label = _range_text(self.low, self.high)
            return
        proba = np.atleast_1d(np.asarray(before, dtype=np.float64))
        now = int(proba[0] >= 0.5) if self.task == "binary" else int(proba.argmax())
        if target is None:
            # Multiclass: the class the model finds likeliest after the current one.
            self.target = 1 - now if self.task == "binary" else int(np.argsort(proba)[-2])
        else:
            if str(target) not in self.classes:
                raise LayerLabError(UNKNOWN_CLASS.format(target=target, known=", ".join(self.classes)))
            self.target = self.classes.index(str(target))
            if self.target == now:
                raise LayerLabError(SAME_CLASS.format(target=target, others=", ".join(
                    c for i, c in enumerate(self.classes) if i != now)))
        self.label = f"'{self.classes[self.target]}'"

    def score(self, out: np.ndarray) -> np.ndarray:
        out = np.asarray(out, dtype=np.float64)
        if self.task == "regression":
            return -(np.maximum(self.low - out, 0) + np.maximum(out - self.high, 0))
        if self.task == "binary":
            return out - 0.5 if self.target == 1 else 0.5 - out
        others = np.delete(out, self.target, axis=1).max(axis=1)
        return out[:, self.target] - others

    def reached(self, out: np.ndarray) -> np.ndarray:
        out = np.asarray(out, dtype=np.float64)
        if self.task == "regression":
            return (out >= self.low) & (out <= self.high)
        if self.task == "binary":
            return (out >= 0.5) == (self.target == 1)  # the same threshold as labels_from_proba
        return out.argmax(axis=1) == self.target


def _range(target, now: float, model) -> tuple[float, float]:
    if target is None:
        # No range given: reach the other side of the training target's median.
        median = float(np.median(model.data.y_train))
        return (median, np.inf) if now < median else (-np.inf, median)
    if isinstance(target, (tuple, list)):
        low, high = target
    else:
        parts = str(target).split(":")
        if len(parts) != 2:
            raise LayerLabError(BAD_RANGE.format(target=target))
        low, high = parts
    try:
        low = -np.inf if low in (None, "") else float(low)
        high = np.inf if high in (None, "") else float(high)
    except ValueError:
        raise LayerLabError(BAD_RANGE.format(target=target)) from None
    if low > high:
        raise LayerLabError(BAD_RANGE.format(target=target))
    return low, high


def _range_text(low: float, high: float) -> str:
    if np.isinf(low):
        return f"at most {high:.4g}"
    if np.isinf(high):
        return f"at least {low:.4g}"
    return f"between {low:.4g} and {high:.4g}"
