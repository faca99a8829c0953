"""`EditSpace`: a run's test rows in the user's own columns, the values each column may take,
and the way an edited row goes back through the run's fitted preprocessing to its model.

A column may take the categories seen in the training rows, or numbers within the training
rows' range: the model has never seen anything else, so its answer there means little.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import LayerLabError

FOR_TABLES_ONLY = ("What-if, counterfactuals and error analysis are for tables: run {run_id} is "
                   "trained on {modality} data, which has no columns to edit. Use the Explain and "
                   "Stress test pages for images and sequences.")
ROW_OUT_OF_RANGE = ("Row {row} is not in the test split of run {run_id}: pick a position from 0 "
                    "to {last}.")
UNKNOWN_COLUMN = "The dataset has no column '{column}'; its columns are {known}."
NOT_AN_INPUT = ("'{column}' is not used by the model of run {run_id} (it is the target, or was "
                "left out of the inputs), so changing it cannot change a prediction. Columns you "
                "can change: {known}.")
UNSEEN_CATEGORY = ("'{value}' is not a category of '{column}' seen in the training rows, so the "
                   "model has never seen it. Seen categories: {seen}.")
NOT_A_NUMBER = "'{column}' holds numbers, but '{value}' is not a number."
OUT_OF_RANGE = ("{column} = {value} is outside the range of the training rows ({low} to {high}); "
                "the model has never seen such values. Pick a value in that range.")


@dataclass
class Column:
    """One editable column: its kind and the values it may take."""

    name: str
    kind: str  # "numeric" | "categorical"
    low: float | None = None  # numeric: training range
    high: float | None = None
    std: float = 1.0  # numeric: training spread, the unit of a change's size
    integer: bool = False  # numeric: every training value is whole
    categories: list[str] = field(default_factory=list)  # categorical: seen in training

    def show(self, value):
        """A JSON-able value in the column's own form (whole numbers without '.0')."""
        if self.kind == "categorical":
            return str(value)
        v = float(value)
        return None if np.isnan(v) else int(round(v)) if self.integer and v == round(v) else v


def _column(name: str, kind: str, train: pd.Series) -> Column:
    from core.data import MISSING_CATEGORY, category_text

    if kind == "numeric":
        vals = train.to_numpy(dtype=np.float64)
        vals = vals[~np.isnan(vals)]
        if not len(vals):
            return Column(name, kind, 0.0, 0.0)
        std = float(vals.std())
        return Column(name, kind, float(vals.min()), float(vals.max()),
                      std if std > 1e-12 else 1.0, bool((vals == np.round(vals)).all()))
    cats = sorted(set(category_text(train)), key=lambda c: (c == MISSING_CATEGORY, c))
    return Column(name, kind, categories=cats)


class EditSpace:
    """The editable columns of a tabular run (model inputs first, then sensitive columns)."""

    def __init__(self, model):
        from core.data import input_column_kinds

        bundle, data = model.bundle, model.data
        if bundle.modality != "tabular" or data.preprocessor is None:
            raise LayerLabError(FOR_TABLES_ONLY.format(run_id=model.run.id, modality=bundle.modality))
        self.model, self.bundle, self.data = model, bundle, data
        kinds = input_column_kinds(data)
        self.inputs = list(kinds)
        self.sensitive = list(bundle.sensitive)
        for col in self.sensitive:
            kinds.setdefault(col, "numeric" if bundle.kinds.get(col) == "numeric" else "categorical")
        train = bundle.frame.iloc[data.idx_train]
        self.columns = {c: _column(c, k, train[c]) for c, k in kinds.items()}

    @property
    def run_id(self) -> str:
        return self.model.run.id

    def _user_view(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Editable columns as float64 numbers and category text, so edits keep their types."""
        from core.data import category_text

        out = frame.copy()
        for name, col in self.columns.items():
            out[name] = (frame[name].to_numpy(dtype=np.float64) if col.kind == "numeric"
                         else category_text(frame[name]))
        return out

    def test_frame(self) -> pd.DataFrame:
        """The test split's rows in the user's columns (index: position in the test split)."""
        frame = self._user_view(self.bundle.frame.iloc[self.data.idx_test])
        return frame.reset_index(drop=True)

    def row(self, pos: int) -> pd.DataFrame:
        """One test row (a one-row frame)."""
        n = len(self.data.idx_test)
        if not 0 <= int(pos) < n:
            raise LayerLabError(ROW_OUT_OF_RANGE.format(row=pos, run_id=self.run_id, last=n - 1))
        idx = self.data.idx_test[int(pos)]
        return self._user_view(self.bundle.frame.iloc[[idx]]).reset_index(drop=True)

    def typical_row(self) -> pd.DataFrame:
        """A made-up row of the training rows' typical values: the median of each number
        (rounded when the column holds whole numbers) and the most common category."""
        from core.data import category_text

        train = self.bundle.frame.iloc[self.data.idx_train]
        out = self.row(0).copy()
        for name, col in self.columns.items():
            if col.kind == "numeric":
                vals = train[name].to_numpy(dtype=np.float64)
                med = float(np.nanmedian(vals)) if (~np.isnan(vals)).any() else 0.0
                out[name] = [float(round(med)) if col.integer else med]
            else:
                out[name] = [str(category_text(train[name]).value_counts().idxmax())]
        return out

    def require(self, column: str) -> Column:
        """The editable column, or a named error (no such column; not a model input)."""
        if column not in self.columns:
            if column not in self.bundle.frame.columns:
                raise LayerLabError(UNKNOWN_COLUMN.format(
                    column=column, known=", ".join(map(str, self.bundle.frame.columns))))
            raise LayerLabError(NOT_AN_INPUT.format(column=column, run_id=self.run_id,
                                                    known=", ".join(self.columns)))
        return self.columns[column]

    def check(self, column: str, value):
        """The value as the column holds it (float or category text), or a named error."""
        col = self.require(column)
        if col.kind == "categorical":
            text = str(value)
            if text not in col.categories:
                raise LayerLabError(UNSEEN_CATEGORY.format(value=text, column=column,
                                                           seen=", ".join(col.categories)))
            return text
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise LayerLabError(NOT_A_NUMBER.format(column=column, value=value)) from None
        if not col.low - 1e-9 <= number <= col.high + 1e-9:
            raise LayerLabError(OUT_OF_RANGE.format(column=column, value=value, low=col.show(col.low),
                                                    high=col.show(col.high)))
        return number

    def apply(self, base: pd.DataFrame, edits: list[dict]) -> pd.DataFrame:
        """One row per edit: the one-row `base` with that edit's {column: value} written in."""
        frame = base.loc[base.index.repeat(len(edits))].reset_index(drop=True)
        for name in {c for e in edits for c in e}:
            values = frame[name].to_numpy(copy=True)
            for i, edit in enumerate(edits):
                if name in edit:
                    values[i] = edit[name]
            frame[name] = values
        return frame

    def outputs(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's readable outputs for rows in the user's columns (see TrainedModel.outputs)."""
        from core.data import transform_rows

        X = transform_rows(self.data, frame)
        return self.model.outputs(X, sensitive=frame[self.sensitive].reset_index(drop=True))

    def values(self, frame: pd.DataFrame, i: int = 0) -> dict:
        """Row i's editable values, JSON-able, in the user's columns."""
        return {name: col.show(frame[name].iloc[i]) for name, col in self.columns.items()}


def describe(model, out) -> dict:
    """One row's prediction in words: the label (or value) and the probability of that label."""
    from core.metrics import labels_from_proba

    if model.task == "regression":
        return {"value": float(out), "label": f"{float(out):.4g}"}
    proba = np.atleast_1d(np.asarray(out, dtype=np.float64))
    # Randomised kinds answer with a draw; the label here is the likelier answer, so a row
    # reads the same however it is batched.
    label = int(labels_from_proba(proba[None, :] if model.task == "multiclass" else proba,
                                  model.task)[0])
    if model.task == "binary":
        proba = np.array([1.0 - proba[0], proba[0]])
    classes = model.classes
    return {"label": classes[label], "class_id": label, "probability": float(proba[label]),
            "probabilities": {c: float(p) for c, p in zip(classes, proba)}}


def said(pred: dict) -> str:
    """'>50K' (probability 0.62), or a value."""
    if "probability" in pred:
        return f"'{pred['label']}' (probability {pred['probability']:.2f})"
    return pred["label"]
