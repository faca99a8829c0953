"""Hooks that come with training: the live fairness gap, fed by the neutral core.metrics.

Every epoch of a binary run with a sensitive column records how far apart the groups' answers
are on the validation split (selection-rate gap and equalized-odds gap), from the validation
outputs the loop has already computed: no extra forward pass, and no import of the audits.
"""
from __future__ import annotations

from core.train._engine import TrainHooks


class LiveFairnessGap(TrainHooks):
    """Adds "dp_diff" and "eo_diff" to each epoch row of a binary run with sensitive columns."""

    def __init__(self, y_val, sensitive_val):
        from core.metrics import group_codes

        self.y_val = y_val
        self.codes = group_codes(sensitive_val)  # None without two groups

    @classmethod
    def for_data(cls, data) -> "LiveFairnessGap | None":
        """The hook for a run's PreparedData, or None when there is no gap to record."""
        if data.task != "binary" or data.sensitive_val is None or data.sensitive_val.shape[1] == 0:
            return None
        hook = cls(data.y_val, data.sensitive_val)
        return hook if hook.codes is not None else None

    def on_measure(self, state, row, val_out) -> None:
        if val_out is None or row.val_metric is None:
            return
        from core.metrics import gap_from_predictions, labels_from_outputs

        answers = labels_from_outputs(val_out, "binary").cpu().numpy()  # logit > 0 ⇔ p ≥ 0.5
        row.extra.update(gap_from_predictions(self.y_val, answers, self.codes))
