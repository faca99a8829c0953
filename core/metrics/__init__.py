"""Neutral metrics shared by training and auditing: group labels and the live fairness gap.

Training records the disparity between groups every epoch; the fairness audit reports it in
full. Both need the same few numbers, so they live here, below both: training never imports
auditing (the import contracts in pyproject.toml keep it so).
"""
from __future__ import annotations

from core.metrics._groups import (GROUP_SEP, NO_SENSITIVE_COLUMN, gap_from_predictions,
                                  group_codes, group_labels)

__all__ = ["GROUP_SEP", "NO_SENSITIVE_COLUMN", "gap_from_predictions", "group_codes",
           "group_labels"]
