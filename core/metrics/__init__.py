"""Neutral metrics shared by training and auditing: output conversions, group labels, the live gap.

Training records the disparity between groups every epoch; the fairness audit reports it in
full. Both need the same few numbers, so they live here, below both: training never imports
auditing (the import contracts in pyproject.toml keep it so). The same holds for reading a
network's raw outputs: `outputs_to_proba`, `labels_from_outputs` and friends are the one
conversion from logits (or values) to probabilities, class ids and values.
"""
from __future__ import annotations

from core.metrics._groups import (GROUP_SEP, NO_SENSITIVE_COLUMN, gap_from_predictions,
                                  group_codes, group_labels)
from core.metrics._outputs import (DRAW_SEED, NO_PROBA_FOR_REGRESSION, NO_VALUES_FOR_CLASSIFIER,
                                   UNKNOWN_TASK, labels_from_outputs, labels_from_proba,
                                   outputs_to_proba, outputs_to_values, probability_head,
                                   readable_outputs)

__all__ = ["DRAW_SEED", "GROUP_SEP", "NO_PROBA_FOR_REGRESSION", "NO_SENSITIVE_COLUMN",
           "NO_VALUES_FOR_CLASSIFIER", "UNKNOWN_TASK", "gap_from_predictions", "group_codes",
           "group_labels", "labels_from_outputs", "labels_from_proba", "outputs_to_proba",
           "outputs_to_values", "probability_head", "readable_outputs"]
