"""Explain a trained run: SHAP and LIME side by side, on the reviewer's columns, in plain words.

    result = explain_run(store, run_id, rows=500)    # or the "explain" job (jobs.explain_job)
    result["global"]          # mean |SHAP| per original column, most important first
    result["rows"][i]         # per explained test row: SHAP and LIME per unit, the sentence
    result["agreement"]       # how far SHAP and LIME agree over the LIME sample

SHAP comes from shap's DeepExplainer when its attributions add up on the model (a probe
checks), else GradientExplainer, else KernelExplainer (core.audit.explain._shap). LIME perturbs
original columns with the preprocessing inside its predict function, or superpixels / windows of
steps (core.audit.explain._lime). One-hot inputs are summed back to their column (_group).
"""
from core.audit.explain._agree import row_agreement, sample_agreement
from core.audit.explain._group import column_matrix, segments, to_columns, to_segments
from core.audit.explain._lime import TabularLime, lime_label
from core.audit.explain._run import (AUDIT_KIND, DEFAULT_LIME_ROWS, DEFAULT_ROWS, agreement_sentence,
                                     check_run, explain_model, explain_run, find_row, row_story)
from core.audit.explain._shap import ShapOutput, ShapRunner, choose_and_explain, kernel_runner, output_fn

__all__ = ["explain_run", "explain_model", "find_row", "row_story", "agreement_sentence",
           "check_run", "AUDIT_KIND", "DEFAULT_ROWS", "DEFAULT_LIME_ROWS", "choose_and_explain",
           "kernel_runner", "output_fn", "ShapOutput", "ShapRunner", "to_columns", "column_matrix", "segments",
           "to_segments", "row_agreement", "sample_agreement", "saved_explanation", "TabularLime",
           "lime_label"]


def saved_explanation(store, run_id: str) -> dict | None:
    """The stored explanation of the run's current checkpoint, or None (stale or not computed)."""
    from core.audit.cache import is_current
    from core.audit.records import JobRecord, JobState

    rec = JobRecord.read(store, run_id, AUDIT_KIND)
    if rec is None or rec.state is not JobState.DONE:
        return None
    result = rec.result or {}
    if not is_current(result.get("checkpoint"), store.get_run(run_id)):
        return None
    return result
