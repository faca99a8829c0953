"""Predict: new rows of a tabular run in, a prediction, its probability and the top three
reasons per row out (the last step of the data path: "Inference").

    result = predict_csv(store, "run-0001", "new.csv")   # bytes or a path
    result.rows[i]        # {row, line, prediction, probability, reasons, reason_texts, flags}
    result.problems       # held-back rows: {row, line, column, message}
    result.to_csv_bytes() # the file's columns + prediction, probability, reason_1..3, problem

The file is read whatever its delimiter (comma, semicolon, tab) and encoding (UTF-8 with or
without BOM, UTF-16 with BOM, Windows-1252), checked against what the model was trained on
(its input columns, their kinds, the categories and numeric range of the training rows) and
transformed with the run's own fitted preprocessing. A row with a wrong type, a category never
seen in training or no values at all is held back with a message naming its row and column;
every other row is predicted; a number far outside the training range is predicted but
flagged. File-level problems raise one `LayerLabError` (messages are the constants below).
Reasons are SHAP values (core.audit.explain) summed back to the user's columns.
"""
from core.predict._check import (DUPLICATE_COLUMN, EMPTY_ROW, EMPTY_UNSEEN, EXTRA_COLUMNS,
                                 FAR_OUTSIDE, FILLED_MEDIAN, MISSING_COLUMNS, NOT_A_NUMBER,
                                 TARGET_IGNORED, UNSEEN_CATEGORY, WRONG_FIELDS)
from core.predict._predict import (FOR_TABLES_ONLY, NO_REASONS, NOT_FINISHED, OUT_COLUMNS,
                                   RANDOMISED, READ_AS, REASONS_CAPPED, WHAT_INSTEAD,
                                   PredictionResult, Predictor, check_run, predict_csv)
from core.predict._read import (BAD_QUOTES, EMPTY_FILE, NO_DELIMITER, NO_ROWS, TOO_BIG,
                                UNREADABLE_ENCODING, read_table)
from core.predict._reasons import BACKGROUND_ROWS, REASONS_CAP, TOP_REASONS

__all__ = [
    "BACKGROUND_ROWS", "BAD_QUOTES", "DUPLICATE_COLUMN", "EMPTY_FILE", "EMPTY_ROW", "EMPTY_UNSEEN",
    "EXTRA_COLUMNS", "FAR_OUTSIDE", "FILLED_MEDIAN", "FOR_TABLES_ONLY", "MISSING_COLUMNS",
    "NOT_A_NUMBER", "NOT_FINISHED", "NO_DELIMITER", "NO_REASONS", "NO_ROWS", "OUT_COLUMNS",
    "RANDOMISED", "READ_AS", "REASONS_CAP", "REASONS_CAPPED", "TARGET_IGNORED", "TOO_BIG",
    "TOP_REASONS", "UNREADABLE_ENCODING", "UNSEEN_CATEGORY", "WHAT_INSTEAD", "WRONG_FIELDS",
    "PredictionResult", "Predictor", "check_run", "predict_csv", "read_table",
]
