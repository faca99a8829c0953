"""New rows against what the model learned from: columns present, types, categories, ranges.

File-level problems (a missing input column, a column named twice) raise one message; row
problems hold back only that row, each message naming the row as the user counts it (1-based,
under the header) with its line in the file, and the column. Numbers far outside the
training range are predicted but flagged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import LayerLabError

MISSING_COLUMNS = ("The file has no column {missing}. Run {run_id} reads these columns, so the "
                   "file's first line must name each of them: {needed}. (Other columns are "
                   "allowed and ignored.)")
DUPLICATE_COLUMN = ("The column '{column}' appears twice in the file's first line (columns "
                    "{first} and {second}). Keep one so LayerLab knows which values to use.")
EXTRA_COLUMNS = "Ignored {count} column{s} the model does not read: {names}."
TARGET_IGNORED = (" '{target}' is what the model predicts, so its values in the file are not "
                  "used.")
WRONG_FIELDS = ("Row {row} (line {line}) has {got} values but the header has {want} columns, so "
                "LayerLab cannot tell which value belongs to which column. Check that line for "
                "a missing or extra separator.")
EMPTY_ROW = "Row {row} (line {line}) is empty: every cell is blank, so there is nothing to predict from."
NOT_A_NUMBER = ("Row {row} (line {line}), column '{column}': '{value}' is not a number, but "
                "'{column}' holds numbers ({low} to {high} in the training rows).")
UNSEEN_CATEGORY = ("Row {row} (line {line}), column '{column}': '{value}' was never seen in the "
                   "training rows, so the model's answer would mean little. Use one of: {seen}.")
EMPTY_UNSEEN = ("Row {row} (line {line}), column '{column}' is empty, but every training row had a "
                "value there. Fill it with one of: {seen}.")
FAR_OUTSIDE = ("Row {row} (line {line}), column '{column}': {value} is far outside the training "
               "range ({low} to {high}), so the prediction is a guess beyond anything the model "
               "saw. Check the value.")
FILLED_MEDIAN = ("Row {row} (line {line}), column '{column}' is empty; it was filled with the "
                 "median of the training rows, as during training.")
_SHOW_CATEGORIES = 12


@dataclass
class Checked:
    """The rows fit to predict (user's columns, float64 numbers and category text) and the rest."""

    good: pd.DataFrame  # index: record position in the file
    problems: list[dict] = field(default_factory=list)  # {row, line, column, message}: held back
    flags: dict[int, list[str]] = field(default_factory=dict)  # record position -> warnings
    notes: list[str] = field(default_factory=list)


def _seen(categories: list[str]) -> str:
    from core.data import MISSING_CATEGORY

    more = len(categories) - _SHOW_CATEGORIES
    # Training's own "missing" category is an empty cell in the user's file.
    shown = ", ".join("an empty cell" if c == MISSING_CATEGORY else c
                      for c in categories[:_SHOW_CATEGORIES])
    return shown + (f" (and {more} more)" if more > 0 else "")


def check_header(header: list[str], needed: list[str], run_id: str, target: str) -> list[str]:
    """Notes on ignored columns; raises for a missing or doubled needed column."""
    from core.data import join_names

    first = {}
    for i, name in enumerate(header, start=1):
        if name in first and name in needed:
            raise LayerLabError(DUPLICATE_COLUMN.format(column=name, first=first[name], second=i))
        first.setdefault(name, i)
    missing = [c for c in needed if c not in first]
    if missing:
        raise LayerLabError(MISSING_COLUMNS.format(missing=join_names(missing, limit=20),
                                                   run_id=run_id, needed=", ".join(needed)))
    extra = [c for c in dict.fromkeys(header) if c not in needed]
    if not extra:
        return []
    note = EXTRA_COLUMNS.format(count=len(extra), s="" if len(extra) == 1 else "s",
                                names=join_names(extra, limit=20))
    return [note + (TARGET_IGNORED.format(target=target) if target in extra else "")]


def _where(rec: int, lines: list[int]) -> dict:
    return {"row": rec + 1, "line": lines[rec]}


def _as_category(text: pd.Series, missing: pd.Series, numeric_in_training: bool) -> pd.Series:
    """Cells as the preprocessor's category text (a column of numbers: '3', not '3.0')."""
    from core.data import MISSING_CATEGORY, category_text

    out = text.where(~missing, MISSING_CATEGORY)
    if numeric_in_training:
        num = pd.to_numeric(text.where(~missing), errors="coerce")
        ok = num.notna()
        if ok.any():
            out = out.where(~ok, category_text(num[ok]).reindex(out.index))
    return out.astype(object)


def _far(value: float, low: float, high: float) -> bool:
    # "Far" means beyond the training range by more than the range's own width (or by more
    # than 1 when every training value was the same): slightly outside is normal for new data.
    width = high - low if high > low else max(abs(low), 1.0)
    return value < low - width or value > high + width


def check_rows(table, space, needed: list[str], numeric_in_training: set[str]) -> Checked:
    """Check every record of `table` (a RawTable) column by column; see the module docstring."""
    from core.data import MISSING_MARKERS

    width = len(table.header)
    pos = {name: i for i, name in reversed(list(enumerate(table.header)))}
    out = Checked(good=pd.DataFrame())
    ragged = {i for i, r in enumerate(table.records) if len(r) != width}
    for i in sorted(ragged):
        out.problems.append({**_where(i, table.lines), "column": None, "message": WRONG_FIELDS.format(
            **_where(i, table.lines), got=len(table.records[i]), want=width)})
    keep = [i for i in range(len(table.records)) if i not in ragged]
    cells = pd.DataFrame([table.records[i] for i in keep], index=keep, columns=range(width), dtype=str)
    cells = cells.apply(lambda s: s.str.strip())
    blank = cells.apply(lambda s: s.str.lower()).isin(MISSING_MARKERS)  # the markers are lower case
    held = set(blank.index[blank.all(axis=1)])
    for i in sorted(held):
        out.problems.append({**_where(i, table.lines), "column": None,
                             "message": EMPTY_ROW.format(**_where(i, table.lines))})
    good = pd.DataFrame(index=cells.index)
    for name in needed:
        col, text, missing = space.columns[name], cells[pos[name]], blank[pos[name]]
        if col.kind == "numeric":
            good[name], bad = _numbers(out, table.lines, col, text, missing, held)
        else:
            good[name] = _as_category(text, missing, name in numeric_in_training)
            bad = ~good[name].isin(col.categories)
            for i in bad.index[bad]:
                if i not in held:
                    msg = EMPTY_UNSEEN if missing[i] else UNSEEN_CATEGORY
                    out.problems.append({**_where(i, table.lines), "column": name, "message": msg.format(
                        **_where(i, table.lines), column=name, value=text[i], seen=_seen(col.categories))})
        held |= set(bad.index[bad])
    out.problems.sort(key=lambda p: p["row"])
    out.good = good.loc[[i for i in good.index if i not in held]]
    out.flags = {i: f for i, f in out.flags.items() if i not in held}
    return out


def _numbers(out: Checked, lines, col, text: pd.Series, missing: pd.Series, held: set):
    """(float64 values, bad mask) of a numeric column; problems and flags written to `out`."""
    num = pd.to_numeric(text.where(~missing), errors="coerce").astype(np.float64)
    bad = ~missing & ~np.isfinite(num.fillna(0.0)) | (~missing & num.isna())
    low, high = col.show(col.low), col.show(col.high)
    for i in text.index:
        if i in held:
            continue
        where = _where(i, lines)
        if bad[i]:
            out.problems.append({**where, "column": col.name, "message": NOT_A_NUMBER.format(
                **where, column=col.name, value=text[i], low=low, high=high)})
        elif missing[i]:
            out.flags.setdefault(i, []).append(FILLED_MEDIAN.format(**where, column=col.name))
        elif _far(float(num[i]), col.low, col.high):
            out.flags.setdefault(i, []).append(FAR_OUTSIDE.format(
                **where, column=col.name, value=text[i], low=low, high=high))
    return num.where(~bad), bad
