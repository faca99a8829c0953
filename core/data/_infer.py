"""From text columns to typed columns, each with a kind a person can check and correct.

Kinds decide preprocessing: numeric (scaled), categorical and boolean (one-hot), and id,
date, text (left out of the model inputs, with a note saying why).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api import types as ptypes

from core.data._batch import LONG_ROWS, NumberStats, number_stats, plain_number_columns
from core.data._values import convert_text
from core.data._types import ColumnInfo, ColumnKind, Task
from core.errors import DataError

_TRUE_FALSE = [{"true", "false"}, {"yes", "no"}, {"t", "f"}, {"y", "n"}]
_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_ID_NAME_RE = re.compile(r"(^|[_\s-])(id|uuid|key|index)$|^unnamed", re.IGNORECASE)
MAX_CLASSES = 100  # more than this is almost never a real class label, and one-hot outputs explode
_MAX_CATEGORIES = 100  # a text column with more distinct values than this is free text


def clean_frame(raw: pd.DataFrame | pa.Table
                ) -> tuple[pd.DataFrame, dict[str, list[str]], dict[str, str]]:
    """Strip text, turn missing markers into NaN, read numbers, units and dates (`_values`).
    A frame of 100,000 rows or more is emptied as it is read (its columns are let go).
    An upload may come as its Arrow table of text: its plain-number columns are then read all
    at once (`_batch`), and only the others go through `convert_text` one by one.

    Returns the typed frame, per column the markers that stood for missing values, and per
    column a sentence on what was read (or why it stayed text). The frame is built at once
    from a dict: inserting columns one by one fragments a wide frame.
    """
    numbers: dict = {}
    if isinstance(raw, pa.Table):
        numbers = plain_number_columns(raw)
        order, index = raw.column_names, pd.RangeIndex(raw.num_rows)
        raw = raw.select([n for n in order if n not in numbers]).to_pandas()
    else:
        order, index = list(raw.columns), raw.index
    out, markers, notes = {}, {}, {}
    names = set(order)
    # Each text column is let go once read, so a big file's text and numbers are not all held
    # at once; only a long frame is worth it (deleting columns from a wide one costs per column).
    consume = len(raw) >= LONG_ROWS
    for col in order:
        if col in numbers:
            out[col], markers[col] = numbers[col], []
            continue
        s = raw.pop(col) if consume else raw[col]
        if not ptypes.is_string_dtype(s):  # generated sets arrive typed already
            out[col] = s
            markers[col] = []
            continue
        done = convert_text(s)
        out[col], markers[col] = done.series, done.markers
        if done.note:
            notes[col] = done.note
        for name, values in done.extra.items():
            if name not in out and name not in names:
                out[name], markers[name] = values, []
    return pd.DataFrame(out, index=index), markers, notes


def _is_integer_valued(values: pd.Series) -> bool:
    return ptypes.is_integer_dtype(values) or bool((values == values.round()).all())


def infer_kind(series: pd.Series, uniques=None, values: pd.Series | None = None) -> ColumnKind:
    """Guess what a column holds from its values (and, for ids, its name)."""
    values = series.dropna() if values is None else values
    uniques = values.unique() if uniques is None else uniques
    n, n_unique = len(values), len(uniques)
    if n == 0:
        return "categorical"
    if ptypes.is_bool_dtype(values):
        return "boolean"
    if ptypes.is_numeric_dtype(values):
        if n_unique == 2 and set(uniques) <= {0, 1}:
            return "boolean"
        all_distinct = n_unique == len(series) and n >= 20
        if all_distinct and _is_integer_valued(values):
            steps = np.diff(np.sort(values.to_numpy()))
            if _ID_NAME_RE.search(str(series.name)) or (len(steps) and (steps == steps[0]).all()):
                return "id"  # 1, 2, 3, ... or a column named like an id
        return "numeric"
    text = values.astype(str)
    lowered = {str(u).lower() for u in uniques} if n_unique <= 2 else set()
    if n_unique == 2 and any(lowered == pair for pair in _TRUE_FALSE):
        return "boolean"
    sample = text.head(200)
    if sample.str.match(_DATE_RE).mean() >= 0.9:
        return "date"
    if n_unique == len(series) and n >= 20:
        return "text" if sample.str.contains(" ").mean() > 0.5 else "id"
    if n_unique > _MAX_CATEGORIES and n_unique > 0.5 * n:
        return "text"
    return "categorical"


def detect_task(series: pd.Series, kind: ColumnKind) -> Task:
    """Classification when the target holds labels or a few whole numbers, else regression."""
    values = series.dropna()
    n_unique = int(values.nunique())
    if kind == "boolean" or n_unique == 2:
        return "binary"
    if kind == "numeric" and ptypes.is_numeric_dtype(values):
        if _is_integer_valued(values) and n_unique <= 20 and n_unique <= max(3, 0.1 * len(values)):
            return "multiclass"
        return "regression"
    return "multiclass"


def _example_values(uniques) -> list[str]:
    out = []
    for v in uniques[:3]:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(str(v))
    return out


def _note(kind: ColumnKind, inferred: ColumnKind, n_missing: int, n_rows: int, markers: list[str]) -> str:
    parts = []
    if kind != inferred:
        parts.append(f"you set this to {kind} (looked {inferred})")
    elif kind == "id":
        parts.append("a distinct value in every row: looks like an id, left out")
    elif kind == "date":
        parts.append("holds dates: left out of the model inputs")
    elif kind == "text":
        parts.append("free text with many distinct values: left out (set it to categorical to use it)")
    if n_missing:
        shown = ", ".join(f"'{m}'" if m else "empty cells" for m in markers) if markers else "empty cells"
        parts.append(f"{n_missing:,} of {n_rows:,} values missing ({shown})")
    return "; ".join(parts)


def _number_kind(name: str, n_rows: int, stats: NumberStats) -> ColumnKind:
    """`infer_kind` of a float64/int64 column, from counts made for many columns at once
    (`_batch.number_stats`); the same rules, in the same order, as its numeric branch."""
    n = n_rows - stats.n_missing
    if n == 0:
        return "categorical"
    if stats.n_unique == 2 and stats.zero_one:
        return "boolean"
    if stats.distinct_whole and n >= 20 and (_ID_NAME_RE.search(name) or stats.even_steps):
        return "id"
    return "numeric"


def _info(col, kind: ColumnKind, inferred: ColumnKind, n_rows: int, n_missing: int, n_unique: int,
          uniques, markers: dict[str, list[str]], read_notes: dict[str, str]) -> ColumnInfo:
    """`uniques`: the distinct values in order of appearance (at least the first three)."""
    return ColumnInfo(
        name=str(col), kind=kind, inferred_kind=inferred, n_missing=n_missing,
        n_unique=n_unique, examples=_example_values(uniques),
        note="; ".join(filter(None, [read_notes.get(col, ""),
                                     _note(kind, inferred, n_missing, n_rows, markers.get(col, []))])),
        missing_markers=list(markers.get(col, [])))


def column_infos(frame: pd.DataFrame, markers: dict[str, list[str]],
                 overrides: dict[str, ColumnKind], read_notes: dict[str, str] | None = None
                 ) -> list[ColumnInfo]:
    read_notes = read_notes or {}
    # Number columns of a short (often wide) frame are counted all at once; the rest one by one.
    batched = number_stats(frame)
    n_rows = len(frame)
    infos = []
    for i, col in enumerate(frame.columns):
        stats = batched.get(col)
        if stats is not None:
            inferred = _number_kind(str(col), n_rows, stats)
            infos.append(_info(col, overrides.get(col, inferred), inferred, n_rows, stats.n_missing,
                               stats.n_unique, stats.examples, markers, read_notes))
            continue
        s = frame.iloc[:, i]
        present = s.dropna() if s.hasnans else s
        uniques = present.unique()  # once per column: a hash pass over 1M rows is not free
        inferred = infer_kind(s, uniques, present)
        kind = overrides.get(col, inferred)
        if kind == "numeric" and not ptypes.is_numeric_dtype(s):
            bad = s.dropna()[pd.to_numeric(s.dropna(), errors="coerce").isna()]
            raise DataError(f"Column '{col}' cannot be numeric: values such as '{bad.iloc[0]}' are "
                            "not numbers. Set it to categorical, or fix the values in the CSV.")
        infos.append(_info(col, kind, inferred, len(s), len(s) - len(present), len(uniques),
                           uniques, markers, read_notes))
    return infos
