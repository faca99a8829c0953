"""The sentence on top of a local explanation, in the reviewer's words and original values.

"The model says '>50K' (82 %). What pushed it up most: capital-gain = 15,024 (+0.31),
marital-status = Married-civ-spouse (+0.12). What pulled it down: age = 23 (−0.08)."
Contributions are SHAP values toward the predicted class (probability points), or toward the
predicted value for regression.
"""
from __future__ import annotations

import numpy as np

MINUS = "\u2212"


def signed(x: float, regression: bool = False) -> str:
    # Two decimals read best (probability points), but must not round a real push to "0.00".
    text = f"{abs(x):.3g}" if regression or abs(x) < 0.005 else f"{abs(x):.2f}"
    return ("+" if x >= 0 else MINUS) + text


def verdict(task: str, classes: list[str], predicted: int, confidence: float, value: float) -> str:
    if task == "regression":
        return f"The model predicts {value:.4g}."
    return f"The model says '{classes[predicted]}' ({confidence * 100:.0f} %)."


def story(task: str, classes: list[str], predicted: int, confidence: float, value: float,
          names: list[str], contributions: np.ndarray, values: list[str] | None = None,
          top: int = 2) -> str:
    """Verdict + the `top` units that pushed toward the prediction and those that pulled away.

    `contributions` are toward the predicted class (binary: already sign-flipped for class 0).
    """
    reg = task == "regression"
    order = np.argsort(-np.abs(contributions), kind="stable")

    def item(j: int) -> str:
        label = f"{names[j]} = {values[j]}" if values else names[j]
        return f"{label} ({signed(float(contributions[j]), reg)})"

    up = [j for j in order if contributions[j] > 0][:top]
    down = [j for j in order if contributions[j] < 0][:top]
    parts = [verdict(task, classes, predicted, confidence, value)]
    if up:
        parts.append("What pushed it up most: " + ", ".join(item(j) for j in up) + ".")
    if down:
        parts.append("What pulled it down: " + ", ".join(item(j) for j in down) + ".")
    if not up and not down:
        parts.append("No input moved this prediction away from the average.")
    return " ".join(parts)


def toward_prediction(task: str, predicted: int) -> float:
    """Sign that turns attributions of the explained output into attributions toward the prediction."""
    return -1.0 if task == "binary" and predicted == 0 else 1.0
