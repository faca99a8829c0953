"""Fairness: does the model treat groups differently, how sure are we, and what does mitigation cost?

    report = audit_run(store, run_id, sensitive="sex")       # group table + CIs, disparities, summary
    child = mitigate_run(store, run_id, "threshold_optimizer")  # a new, linked run
    rows = compare_runs(store, run_id, "sex")                # before/after table

Every metric comes from fairlearn (`MetricFrame` with bootstrap intervals, the disparity
functions) and every mitigation is fairlearn's, except reweighing (a two-line formula) and the
glue that lets fairlearn train LayerLab's PyTorch model (`TorchClassifier`).

How mitigated runs are stored: a run with kind "mitigated", `parent_id` = the audited run, its
test accuracy in `test_metrics`, and a "mitigation" record (an audit of the new run) saying how it
predicts (`core.trained.load_trained` reads it and loads any of them as a predictor):
- reweighing, grid_search: an ordinary network with its own checkpoint. Every audit (evaluate,
  fairness, explain, stress) applies unchanged.
- correlation_remover: a network (in the mitigation record, not `checkpoint_path`) that reads
  inputs passed through fairlearn's CorrelationRemover, refitted on the training split on load.
  Evaluate and fairness apply; explanations and attacks would feed it raw inputs, so they do not.
- threshold_optimizer: the parent's checkpoint + per-group thresholds (JSON). Randomised.
- exponentiated_gradient: member checkpoints + mixture weights. Randomised.
A randomised classifier's output is the probability that it answers the positive class; the
fairness audit draws its answers with a fixed seed (`TrainedModel.labels`, as fairlearn's own
examples do), and `evaluate_run` scores that probability. Explanations and attacks need one differentiable
network, so they apply to the parent run or to a member, not to a randomised run.

Live gap: `gap_from_predictions` is what the training loop records each epoch (dp_diff, eo_diff).
"""
from core.audit.fairness._compare import compare_runs, mitigated_children
from core.audit.fairness._estimator import TorchClassifier
from core.metrics import gap_from_predictions
from core.audit.fairness._metrics import (CLASSIFICATION_METRICS, DISPARITY_MEANINGS,
                                          MIN_GROUP_ROWS, REGRESSION_METRICS, disparities,
                                          group_labels, group_table)
from core.audit.fairness._mitigate import (CONSTRAINTS, METHODS, mitigate_run,
                                           reweighing_weights)
from core.audit.fairness._report import AUDIT_KIND, audit_run, fairness_report, saved_report
from core.audit.fairness._threshold import explorer_data, threshold_point, threshold_sweep

__all__ = [
    "AUDIT_KIND", "CLASSIFICATION_METRICS", "CONSTRAINTS", "DISPARITY_MEANINGS", "METHODS",
    "MIN_GROUP_ROWS", "REGRESSION_METRICS", "TorchClassifier", "audit_run",
    "compare_runs", "disparities", "explorer_data", "fairness_report", "gap_from_predictions",
    "group_labels", "group_table", "mitigate_run", "mitigated_children", "reweighing_weights",
    "saved_report",
    "threshold_point", "threshold_sweep",
]
