"""Error analysis: on which kinds of rows a tabular run fails most.

    result = error_analysis(store, run_id)     # cohorts of test rows, worst first
    result["summary"]   # "The model is wrong on 41 % of rows with ..., against 15 % overall."
    result["cohorts"]   # {condition, n, n_errors, error_rate, share_of_errors, metrics, rows}
    error_grid(store, run_id, "age", "education")   # the error rate over two chosen columns

A depth-3 scikit-learn decision tree over the user's columns (one-hot for categories) learns
"is this test row wrong" (classification) or its absolute error (regression); its leaves are
the cohorts, `nodes` is the whole tree for drawing.
"""
from core.audit.errors._grid import OTHER, SAME_COLUMN, error_grid
from core.audit.errors._tree import error_analysis
from core.audit.errors._words import ALL_ROWS, cohort_text, summary

__all__ = ["ALL_ROWS", "OTHER", "SAME_COLUMN", "cohort_text", "error_analysis", "error_grid",
           "summary"]
