"""The tabular preprocessor: which columns become model inputs, and how.

numeric -> median impute + standardise; categorical / boolean -> missing as its own
category "missing", then one-hot (unknown categories at predict time become all zeros);
id, date and text columns, sensitive columns (unless opted in) and excluded columns are left
out. The map from each model input back to its column is kept for audits.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.data._types import DatasetBundle
from core.data._words import join_names, plural
from core.errors import DataError

MISSING_CATEGORY = "missing"
_LEFT_OUT_WHY = {
    "id": "{names} {look} like an id (a distinct value in every row) and {be} left out.",
    "date": ("{names} {hold} dates and {be} left out as dates; where they could be read, the "
             "parts that vary (year, month, day of the week) are inputs instead."),
    "text": "{names} {be_is} free text and {be} left out (set the kind to categorical to use it).",
}


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _choose_columns(bundle: DatasetBundle) -> tuple[list[str], list[str], list[str]]:
    """Numeric and categorical input columns, and sentences about the ones left out."""
    ref = bundle.ref
    numeric, categorical, sentences = [], [], []
    left: dict[str, list[str]] = {"id": [], "date": [], "text": []}
    excluded, sensitive_out = [], []
    for col in bundle.columns:
        if col.name == bundle.target:
            continue
        if col.name in ref.exclude:
            excluded.append(col.name)
        elif col.name in bundle.sensitive and not ref.include_sensitive:
            sensitive_out.append(col.name)
        elif col.kind in left:
            left[col.kind].append(col.name)
        elif col.kind == "numeric":
            numeric.append(col.name)
        else:
            categorical.append(col.name)
    for kind, names in left.items():
        if names:
            n = len(names)
            sentences.append(_LEFT_OUT_WHY[kind].format(
                names=join_names(names), look=_verb(n, "looks", "look"), hold=_verb(n, "holds", "hold"),
                be=_verb(n, "was", "were"), be_is=_verb(n, "is", "are")))
    if excluded:
        sentences.append(f"You left out {join_names(excluded)}.")
    sensitive_out = [c for c in bundle.sensitive if c in sensitive_out]  # the user's order
    if sensitive_out:
        sentences.append(f"{join_names(sensitive_out)} {_verb(len(sensitive_out), 'is', 'are')} "
                         "sensitive and left out of the model inputs (toggle to include them).")
    elif bundle.sensitive:
        sentences.append(f"{join_names(bundle.sensitive)} {_verb(len(bundle.sensitive), 'is', 'are')} "
                         f"sensitive; you chose to include {_verb(len(bundle.sensitive), 'it', 'them')} as model inputs.")
    if not numeric and not categorical:
        raise DataError("No columns are left as model inputs: every column is the target, left out, "
                        "or of a kind LayerLab does not use (id, date, text). Include a column or "
                        "change a column's kind.")
    return numeric, categorical, sentences


def _category_text(series: pd.Series) -> pd.Series:
    """Categories as plain text with missing values as their own category (object dtype for sklearn)."""
    if ptypes.is_numeric_dtype(series):
        whole = series.dropna()
        if len(whole) and (whole == whole.round()).all():
            series = series.astype("Int64")
    text = series.astype(str).where(series.notna(), MISSING_CATEGORY)
    return pd.Series(text.to_numpy(dtype=object), index=series.index, dtype=object)


def _build(numeric: list[str], categorical: list[str]):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts = []
    if numeric:
        # keep_empty_features: a column with no value in the train rows still keeps its input slot.
        parts.append(("num", Pipeline([
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler())]), numeric))
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False,
                                           dtype=np.float32), categorical))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)


def _missing_sentences(bundle: DatasetBundle, numeric: list[str], categorical: list[str]) -> list[str]:
    info = {c.name: c for c in bundle.columns}
    out = []
    num_missing = [c for c in numeric if info[c].n_missing]
    if num_missing:
        out.append(f"{join_names(num_missing)} had missing values, filled with the median of the "
                   "training rows.")
    cat_missing = [c for c in categorical if info[c].n_missing]
    if cat_missing:
        markers = sorted({m for c in cat_missing for m in info[c].missing_markers if m})
        shown = f" ({', '.join(repr(m) for m in markers)})" if markers else ""
        out.append(f"{join_names(cat_missing)} had missing values{shown}, kept as their own "
                   f"category '{MISSING_CATEGORY}'.")
    return out


def fit_transform(bundle: DatasetBundle, idx_train: np.ndarray):
    """Fit on the training rows, transform every row: (X (n, n_inputs) float32, fitted
    transformer, input names, the column of each input, report sentences)."""
    numeric, categorical, left_out = _choose_columns(bundle)
    frame = bundle.frame
    # One frame from a dict: inserting 1,500 columns one by one fragments it (and pandas warns).
    inputs = pd.DataFrame({**{col: frame[col].to_numpy(dtype=np.float64) for col in numeric},
                           **{col: _category_text(frame[col]) for col in categorical}},
                          index=frame.index)
    pre = _build(numeric, categorical)
    pre.fit(inputs.iloc[idx_train])
    X = np.asarray(pre.transform(inputs), dtype=np.float32)  # (n_rows, n_inputs)

    names, cols = list(numeric), list(numeric)
    n_onehot = 0
    if categorical:
        encoder = pre.named_transformers_["cat"]
        for col, cats in zip(categorical, encoder.categories_):
            names += [f"{col}={c}" for c in cats]
            cols += [col] * len(cats)
            n_onehot += len(cats)
    sentences = []
    if numeric:
        sentences.append(f"{len(numeric)} numeric {plural(len(numeric), 'column')} "
                         f"{_verb(len(numeric), 'was', 'were')} standardised "
                         f"({join_names(numeric, quote=False)}).")
    sentences += _missing_sentences(bundle, numeric, categorical)
    if categorical:
        sentences.append(f"{len(categorical)} categorical {plural(len(categorical), 'column')} "
                         f"became {n_onehot} one-hot inputs (one per category seen in the training "
                         "rows).")
    sentences += left_out
    sentences.append(f"The model gets {X.shape[1]} {plural(X.shape[1], 'input')}.")
    return X, pre, names, cols, sentences


NOT_TABULAR_ROWS = ("Only table rows can be re-preprocessed: this dataset holds {modality} "
                    "examples, which have no columns to edit.")


def transform_rows(data, rows: pd.DataFrame) -> np.ndarray:
    """Rows in the user's columns (a slice or an edited copy of bundle.frame) to model inputs
    (n, n_inputs) float32, with the run's preprocessor as fitted on its training rows.

    The same conversion as `fit_transform` (numbers as floats, categories as text with missing
    as its own category), so an unedited row gives exactly its row of X_train/X_val/X_test.
    """
    pre = data.preprocessor
    if pre is None:
        raise DataError(NOT_TABULAR_ROWS.format(modality="image or sequence"))
    inputs = pd.DataFrame({col: (rows[col].to_numpy(dtype=np.float64) if name == "num"
                                 else _category_text(rows[col]))
                           for name, _, columns in pre.transformers_
                           for col in (columns if name in ("num", "cat") else [])},
                          index=rows.index)
    return np.asarray(pre.transform(inputs), dtype=np.float32)


def input_column_kinds(data) -> dict[str, str]:
    """The user's columns that are model inputs, in preprocessor order: name -> numeric | categorical."""
    pre = data.preprocessor
    if pre is None:
        return {}
    return {col: "numeric" if name == "num" else "categorical"
            for name, _, columns in pre.transformers_ if name in ("num", "cat") for col in columns}
