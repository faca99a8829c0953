"""What if: one row of a tabular run, edited in the user's own columns and predicted again.

    whatif(store, run_id, row=3, changes={"hours-per-week": 45})   # before and after
    sensitive_flip(store, run_id, row=3)                           # only the sensitive column
    counterfactuals(store, run_id, row=3, count=3, lock=["education"])
    counterfactuals_by_group(store, run_id, rows=100)   # changes needed per sensitive group
    RowExplainer(EditSpace(model)).waterfalls(frame)      # SHAP waterfall of edited rows

Rows are positions in the run's test split. An edited row goes through the run's own fitted
preprocessing (`core.data.transform_rows`) and its trained model (`core.trained`); values must
be categories seen in training or numbers within the training range, else a named message.
Counterfactuals are found by a small beam search (see `_search` for why not dice-ml) and
each is verified by the model before it is returned.
"""
from core.audit.whatif._edit import (NO_SENSITIVE, NOT_A_MODEL_INPUT_NOTE, NOT_SENSITIVE,
                                     NUMERIC_FLIP_NEEDS_VALUE, compare, sensitive_flip, whatif)
from core.audit.whatif._groups import BINARY_ONLY, NO_REJECTED, counterfactuals_by_group
from core.audit.whatif._goal import BAD_RANGE, SAME_CLASS, UNKNOWN_CLASS, Goal
from core.audit.whatif._search import (AGE_LIKE, CANNOT_UNLOCK_SENSITIVE, NO_COUNTERFACTUAL,
                                       NOTHING_TO_CHANGE, counterfactuals, default_locks)
from core.audit.whatif._waterfall import NO_WATERFALL, RowExplainer
from core.audit.whatif._space import (FOR_TABLES_ONLY, NOT_A_NUMBER, NOT_AN_INPUT, OUT_OF_RANGE,
                                      ROW_OUT_OF_RANGE, UNKNOWN_COLUMN, UNSEEN_CATEGORY, Column,
                                      EditSpace, describe, said)

__all__ = [
    "AGE_LIKE", "BAD_RANGE", "BINARY_ONLY", "NO_REJECTED", "counterfactuals_by_group",
    "CANNOT_UNLOCK_SENSITIVE", "Column", "EditSpace", "FOR_TABLES_ONLY",
    "Goal", "NO_COUNTERFACTUAL", "NO_SENSITIVE", "NOTHING_TO_CHANGE", "NOT_A_MODEL_INPUT_NOTE",
    "NOT_A_NUMBER", "NOT_AN_INPUT", "NOT_SENSITIVE", "NUMERIC_FLIP_NEEDS_VALUE", "OUT_OF_RANGE",
    "ROW_OUT_OF_RANGE", "SAME_CLASS", "UNKNOWN_CLASS", "UNKNOWN_COLUMN", "UNSEEN_CATEGORY",
    "NO_WATERFALL", "RowExplainer", "compare", "counterfactuals", "default_locks", "describe", "said", "sensitive_flip", "whatif",
]
