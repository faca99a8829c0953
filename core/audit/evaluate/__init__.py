"""Evaluate a classifier or regressor on its test split with scikit-learn metrics.

Every metric carries a one-line meaning, and a baseline (majority class or the mean) says
what a model that ignores the inputs would get. `evaluate_run(store, run_id)` scores a stored
run's checkpoint on its test split and keeps the result with the run.
"""
from core.audit.evaluate._metrics import (Evaluation, Metric, classification_report,
                                          proba_matrix, regression_report)
from core.audit.evaluate._baseline import TIE, fit_linear_baseline, linear_baseline
from core.audit.evaluate._run import AUDIT_KIND, evaluate_model, evaluate_outputs, evaluate_run

__all__ = ["AUDIT_KIND", "Evaluation", "Metric", "classification_report", "regression_report",
           "proba_matrix", "evaluate_model", "evaluate_outputs", "evaluate_run",
           "linear_baseline", "fit_linear_baseline", "TIE"]
