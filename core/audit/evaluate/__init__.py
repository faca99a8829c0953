"""Evaluate a classifier or regressor on its test split with scikit-learn metrics.

Every metric carries a one-line meaning, and a baseline (majority class or the mean) says
what a model that ignores the inputs would get.
"""
from core.audit.evaluate._metrics import (Evaluation, Metric, classification_report,
                                          proba_matrix, regression_report)

__all__ = ["Evaluation", "Metric", "classification_report", "regression_report", "proba_matrix"]
