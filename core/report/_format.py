"""Number formats shared by every sentence and table of a report (tests format the same way)."""
from __future__ import annotations

import json
import math


def pct(x: float | None) -> str:
    """0.8432 -> "84.3 %"; None or NaN -> "n/a"."""
    return "n/a" if x is None or not math.isfinite(x) else f"{100 * x:.1f} %"


def num(x, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool) or isinstance(x, int):
        return f"{x:,}" if not isinstance(x, bool) else str(x)
    if isinstance(x, float):
        return "n/a" if not math.isfinite(x) else f"{x:.{digits}f}"
    return str(x)


def metric_text(name: str, value: float | None) -> str:
    """Accuracy-like metrics as percentages, the rest as plain numbers."""
    as_pct = name.startswith(("accuracy", "balanced_accuracy", "baseline_accuracy", "precision",
                              "recall", "f1", "selection_rate", "true_positive_rate",
                              "false_positive_rate", "false_negative_rate"))
    return pct(value) if as_pct else num(value)


def figure_json(fig) -> dict:
    """A plotly figure as plain JSON (no numpy), for the report structure."""
    return json.loads(fig.to_json())
