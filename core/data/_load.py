"""`load`: a DatasetRef in, a DatasetBundle out (typed frame, column kinds, target, task, hash).

Every choice in the ref (target, task, kinds, sensitive and excluded columns) is checked
here, so a bad choice fails with a plain message before any preprocessing or training.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow as pa
from pandas.api import types as ptypes

from core.data import _builtins, _csv
from core.data._batch import LONG_ROWS
from core.data._infer import MAX_CLASSES, clean_frame, column_infos, detect_task
from core.data._types import ColumnKind, DatasetBundle, DatasetRef, Task
from core.errors import DataError

MAX_SENSITIVE = 2


def _names(columns, limit: int = 12) -> str:
    cols = [str(c) for c in columns]
    more = f" and {len(cols) - limit} more" if len(cols) > limit else ""
    return ", ".join(f"'{c}'" for c in cols[:limit]) + more


def check_sensitive_count(sensitive: list[str]) -> None:
    if len(sensitive) > MAX_SENSITIVE:
        raise DataError(f"Pick at most {MAX_SENSITIVE} sensitive columns (got {len(sensitive)}: "
                        f"{_names(sensitive)}). Fairness checks compare groups of one or two columns.")


def default_ref(name: str, **changes) -> DatasetRef:
    """A ref to a built-in set with its default target and sensitive columns filled in."""
    info = _builtins.builtin_info(name)
    fields = {"source": "builtin", "name": name, "target": info.default_target,
              "sensitive": list(info.default_sensitive)}
    fields.update(changes)
    check_sensitive_count(list(fields.get("sensitive") or []))
    return DatasetRef(**fields)


def _raw_frame(ref: DatasetRef) -> tuple[pd.DataFrame | pa.Table, list[str], dict]:
    """The frame as read, the loading notes, and the descriptive fields of the bundle."""
    if ref.source == "builtin":
        info = _builtins.builtin_info(ref.name)
        params = _builtins.resolve_params(info, ref.params)
        meta = {"title": info.title, "description": info.description, "modality": info.modality,
                "default_target": info.default_target, "task": info.task,
                "sample_shape": info.sample_shape}
        if info.modality == "sequence":
            meta["sample_shape"] = (int(params["seq_len"]), 1)
        return _builtins.builtin_frame(ref.name, ref.params), [], meta
    path = _csv.stored_path(ref)
    meta = {"title": ref.name, "description": "An uploaded CSV file.", "modality": "tabular",
            "default_target": None, "task": None, "sample_shape": None}
    table = _csv.read_stored_text_table(path)
    # A short table goes to `clean_frame` as it is, to read its number columns all at once; a
    # long one as a frame, so cleaning can let go of each text column (the table would hold them).
    raw = table if table.num_rows < LONG_ROWS else table.to_pandas()
    return raw, _csv.stored_notes(path), meta


def _drop_empty_columns(frame: pd.DataFrame, target: str, notes: list[str]) -> pd.DataFrame:
    empty = list(frame.columns[~frame.notna().any().to_numpy()])  # one pass, not one per column
    if target in empty:
        raise DataError(f"The target column '{target}' has no values (every cell is empty or marks "
                        "a missing value). Pick another target column.")
    if empty:
        notes.append(f"{_names(empty)} had no values at all and {'was' if len(empty) == 1 else 'were'} "
                     "dropped.")
    return frame.drop(columns=empty)


def _check_columns(ref: DatasetRef, frame: pd.DataFrame, target: str) -> None:
    cols = set(frame.columns)
    if target not in cols:
        raise DataError(f"The target column '{target}' is not in the data. Columns: "
                        f"{_names(frame.columns)}. Pick one of them as the target.")
    check_sensitive_count(ref.sensitive)
    for col in ref.sensitive:
        if col not in cols:
            raise DataError(f"The sensitive column '{col}' is not in the data. Columns: "
                            f"{_names(frame.columns)}.")
        if col == target:
            raise DataError(f"'{col}' is the target, so it cannot also be a sensitive column. "
                            "Pick another sensitive column or another target.")
    for what, names in (("kind setting", ref.kinds), ("excluded column", ref.exclude)):
        for col in names:
            if col not in cols:
                raise DataError(f"The {what} names '{col}', which is not in the data. Columns: "
                                f"{_names(frame.columns)}.")


def _check_target(series: pd.Series, task: Task) -> None:
    values = series.dropna()
    n_classes = int(values.nunique())
    name = series.name
    if n_classes < 2:
        only = f" ('{values.iloc[0]}')" if len(values) else ""
        raise DataError(f"The target '{name}' has only one value{only} in every row, so there is "
                        "nothing to predict. Pick another target column.")
    if task == "regression":
        if not ptypes.is_numeric_dtype(values):
            raise DataError(f"The target '{name}' holds text (such as '{values.iloc[0]}'), so it "
                            "cannot be predicted as a number. Pick binary or multiclass "
                            "classification, or another column.")
        return
    if task == "binary" and n_classes != 2:
        raise DataError(f"The target '{name}' has {n_classes} classes, but binary classification "
                        "needs exactly 2. Pick multiclass, or another column.")
    if n_classes > MAX_CLASSES:
        raise DataError(f"The target '{name}' has {n_classes:,} distinct values: too many classes "
                        f"for classification (at most {MAX_CLASSES}). If it is a number to "
                        "predict, pick regression; otherwise pick another column as the target.")


def _digest(ref: DatasetRef, frame: pd.DataFrame) -> str:
    """sha256 naming the data. An upload's frame follows from its stored bytes, already named by
    their hash, so that name stands in for them: writing a million typed rows out again as CSV
    only to hash them would cost seconds."""
    if ref.source == "csv":
        shape = json.dumps([_csv.stored_path(ref).stem, list(map(str, frame.columns)),
                            [str(t) for t in frame.dtypes], len(frame)])
        return hashlib.sha256(shape.encode("utf-8")).hexdigest()
    return hashlib.sha256(_csv.canonical_bytes(frame)).hexdigest()


def load(ref: DatasetRef) -> DatasetBundle:
    """Load a built-in set or a stored upload and settle its target, task and column kinds."""
    raw, notes, meta = _raw_frame(ref)
    frame, markers, read_notes = clean_frame(raw)
    notes = notes + list(read_notes.values())
    target = ref.target or meta["default_target"] or str(frame.columns[-1])
    _check_columns(ref, frame, target)
    frame = _drop_empty_columns(frame, target, notes)
    kinds: dict[str, ColumnKind] = dict(ref.kinds)
    columns = column_infos(frame, markers, kinds, read_notes)
    by_name = {c.name: c for c in columns}
    task = ref.task
    if task is None:
        default = meta["task"] if target == meta["default_target"] else None
        task = default or detect_task(frame[target], by_name[target].kind)
    _check_target(frame[target], task)
    digest = _digest(ref, frame)
    return DatasetBundle(
        ref=ref, frame=frame, target=target, task=task, modality=meta["modality"],
        columns=columns, sensitive=list(ref.sensitive), content_hash=digest,
        title=meta["title"], description=meta["description"],
        sample_shape=meta["sample_shape"], notes=notes)
