"""Wide tables: the per-column steps of reading (`_values`) and summarising (`_infer`), done for
many columns at once.

A file of 1,000 rows and 1,500 columns costs little per cell but a lot per column: each pandas
Series and each pyarrow call carries tens of microseconds of Python overhead, which adds up to
seconds. Here plain-number columns are cast in one Arrow call and summarised on one 2-D numpy
array. Every result is the one the per-column path gives (tests compare them); a column that
is not plainly numbers is left to that careful path, with its messages.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data._values import MARKER_SET

# From this many rows on the per-column overhead is small beside the work on the rows, and the
# whole-table copies made here would cost memory instead of saving time.
LONG_ROWS = 100_000
# A first cell worth trying as a number; only a filter (Arrow's cast decides), so that a text
# column is not cast with the others only to make the whole cast fail.
_NUMBER_LIKE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_MAX_EXACT = 2**53  # whole numbers up to here are exact in float64, so they may become int64


def _joined(table: pa.Table, names: list[str]) -> pa.ChunkedArray:
    """The named columns one after the other, as one array (no copy)."""
    chunks = [chunk for name in names for chunk in table.column(name).chunks]
    return pa.chunked_array(chunks, type=pa.large_string())


def _cast_floats(table: pa.Table, names: list[str], unmarked: bool = False) -> dict[str, np.ndarray]:
    """Cast the named text columns to float64 in one call. When a cell fails, leave out the
    columns with missing-value markers, then halve the set while a cell still fails."""
    if not names:
        return {}
    try:
        flat = _joined(table, names).cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if not unmarked:
            return _cast_floats(table, _without_markers(table, names), unmarked=True)
        if len(names) == 1:
            return {}
        half = len(names) // 2
        return {**_cast_floats(table, names[:half], True), **_cast_floats(table, names[half:], True)}
    values = flat.to_numpy().reshape(len(names), table.num_rows)  # (columns, rows)
    return dict(zip(names, values))


def _without_markers(table: pa.Table, names: list[str]) -> list[str]:
    """The columns with no missing-value marker ('?', 'n/a', ...), found in one pass: when many
    columns hold one, halving the set column by column would cost more than the careful path."""
    marked = pc.is_in(_joined(table, names), value_set=MARKER_SET).to_numpy(zero_copy_only=False)
    clean = ~marked.reshape(len(names), table.num_rows).any(axis=1)
    return [name for name, ok in zip(names, clean) if ok]


def plain_number_columns(table: pa.Table) -> dict[str, np.ndarray]:
    """The text columns that `_values.convert_text` reads as plain numbers (no missing value,
    no separator, unit or space), read the same way: float64, or int64 when every value is a
    whole number below 2**53. Columns not returned need the per-column path."""
    if not 0 < table.num_rows < LONG_ROWS:
        return {}
    first = table.slice(0, 1).to_pylist()[0]
    names = [name for name, column in zip(table.column_names, table.columns)
             if pa.types.is_large_string(column.type) and column.null_count == 0
             and _NUMBER_LIKE.match(first[name])]
    cast = _cast_floats(table, names)
    if not cast:
        return {}
    values = np.stack(list(cast.values()))  # (columns, rows)
    # 'nan' and 'inf' cast too, but the careful path reads 'nan' as a missing value.
    finite = np.isfinite(values).all(axis=1)
    with np.errstate(invalid="ignore"):
        whole = (values == np.round(values)).all(axis=1) & (np.abs(values).max(axis=1) < _MAX_EXACT)
    return {name: (row.astype(np.int64) if is_whole else row)
            for name, row, ok, is_whole in zip(cast, values, finite, whole) if ok}


class NumberStats(NamedTuple):
    """What `_infer.column_infos` needs of one float64/int64 column."""

    n_missing: int
    n_unique: int
    zero_one: bool  # the present values are exactly {0, 1}
    distinct_whole: bool  # a distinct whole number in every row, none missing
    even_steps: bool  # sorted, the values rise by one fixed step (1, 2, 3, ...)
    examples: list  # the first three distinct values, in the order they appear


_HEAD = 8  # rows looked at for the first three distinct values; a column short of them is scanned


def _first_three(values: np.ndarray, nan: np.ndarray, n_unique: np.ndarray) -> list[list]:
    """The first three distinct present values of each column, in the order they appear (as
    pandas' unique() lists them), looked for in the first rows of all columns at once."""
    head, head_nan = values[:, :_HEAD], nan[:, :_HEAD]
    earlier = np.tri(head.shape[1], k=-1, dtype=bool)  # [a, b]: row b comes before row a
    repeat = ((head[:, :, None] == head[:, None, :]) & earlier).any(axis=2)
    first = ~repeat & ~head_nan
    first &= np.cumsum(first, axis=1) <= 3
    found = first.sum(axis=1)
    out = np.split(head[first], np.cumsum(found)[:-1])  # column by column, rows in order
    short = np.flatnonzero(found < np.minimum(n_unique, 3))
    for i in short:  # few distinct values, repeated in the first rows: scan the column
        out[i] = pd.unique(values[i][~nan[i]])[:3]
    return [list(part) for part in out]


def _summarise(values: np.ndarray) -> list[NumberStats]:
    """Counts of one dtype's columns, (columns, rows), by sorting each column once: one sort
    call serves all columns, where pandas' nunique/unique hash one column a call. Rows run along
    the last axis, contiguous in memory, which makes the sort several times faster."""
    n_cols, rows = values.shape
    nan = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
    ordered = np.sort(values, axis=1)  # NaN last
    new = np.ones(values.shape, bool)  # the first of each run of equal values (0.0 == -0.0)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if values.dtype.kind == "f":
        new &= ~np.isnan(ordered)  # NaN != NaN: each would count as a value of its own
    n_missing = nan.sum(axis=1)
    n_unique = new.sum(axis=1)
    last = ordered[np.arange(n_cols), np.maximum(rows - n_missing - 1, 0)]  # the largest present
    zero_one = (ordered[:, 0] == 0) & (last == 1) & (n_unique == 2)
    whole = (values == np.round(values)).all(axis=1) & ~nan.any(axis=1)
    with np.errstate(invalid="ignore", over="ignore"):
        steps = np.diff(ordered, axis=1)
    even = (steps == steps[:, :1]).all(axis=1) if rows > 1 else np.zeros(n_cols, bool)
    return list(map(NumberStats, n_missing.tolist(), n_unique.tolist(), zero_one.tolist(),
                    ((n_unique == rows) & whole).tolist(), even.tolist(),
                    _first_three(values, nan, n_unique)))


def number_stats(frame: pd.DataFrame) -> dict[str, NumberStats]:
    """name -> NumberStats of each float64/int64 column of a short frame; {} for a long one
    (see LONG_ROWS)."""
    if not 0 < len(frame) < LONG_ROWS or not frame.columns.is_unique:
        return {}
    groups: dict[np.dtype, list[str]] = {}
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, np.dtype) and dtype in (np.float64, np.int64):
            groups.setdefault(dtype, []).append(name)
    out = {}
    for names in groups.values():
        # (columns, rows): pandas keeps a block this way round, so the transpose is cheap
        out.update(zip(names, _summarise(np.ascontiguousarray(frame[names].to_numpy().T))))
    return out
