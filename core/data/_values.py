"""One text column of a CSV to typed values, vectorised in Arrow (no Python loop over cells).

Spreadsheets write numbers for people: '1,234', '3,5', '12 kg', '$1,200', '45%', dates in
several orders, and 'n/a' or '-' for nothing. Each is read as what it means when that is
unambiguous, with a sentence saying so; otherwise the column stays text and the sentence
says why, so the user can fix the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data._csv import MISSING_MARKERS

NOTE_THOUSANDS = "'{col}' held numbers with thousands separators (such as '{ex}'): read as numbers."
NOTE_DECIMAL_COMMA = ("'{col}' held numbers with decimal commas (such as '{ex}'): read as numbers "
                      "('{ex}' is {val:g}).")
NOTE_UNIT = "'{col}' held numbers with the unit '{unit}' (such as '{ex}'): read as numbers in {unit}."
NOTE_PERCENT = "'{col}' held percentages (such as '{ex}'): read as numbers of percent ('{ex}' is {val:g})."
NOTE_CURRENCY = "'{col}' held amounts in {unit} (such as '{ex}'): read as numbers."
KEPT_MIXED_UNITS = ("'{col}' mixes units ({units}): kept as text, since they cannot be compared as "
                    "numbers. Convert them to one unit in the CSV to use the column as numbers.")
KEPT_AMBIGUOUS = ("'{col}' holds values such as '{ex}' that could mean {a:g} (thousands separator) "
                  "or {b:g} (decimal comma): kept as text. Write them without thousands separators, "
                  "or with a decimal point, to use them as numbers.")
NOTE_DATE = ("'{col}' holds dates ({fmt}): turned into the numbers {names} (day of week 0 = "
             "Monday); the date itself is left out.")
KEPT_DATE_AMBIGUOUS = ("'{col}' holds dates such as '{ex}' that could be day/month or month/day: "
                       "left out. Write them as year-month-day (such as 2024-03-05) to use them.")

_NUMBER = r"[+-]?[\d.,]*\d[\d.,]*"
_UNIT_RE = r"^(?P<pre>[$€£¥]?)\s*(?P<num>" + _NUMBER + r")\s*(?P<suf>%|[A-Za-zµ°]{1,3})?$"
_PLAIN = r"^[+-]?(\d+\.?\d*|\.\d+)$"
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+-]?\d+(\.\d+)?$"
_DECIMAL_COMMA = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$|^[+-]?\d+(,\d+)?$"
_UNITS = {"%", "kg", "g", "mg", "lb", "lbs", "oz", "km", "m", "cm", "mm", "mi", "ft", "in", "l",
          "ml", "s", "ms", "min", "h", "hr", "hrs", "°c", "°f", "kwh", "w", "kw", "mb", "gb"}
_SAMPLE = 500  # values looked at before a whole-column regex pass is worth its cost
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
_DATES = [  # (pattern, pandas format or None for ISO 8601, words for the note)
    (r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$", "ISO8601", "year-month-day"),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y", "day.month.year"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", None, None),  # day or month first: decided from the values
]


@dataclass
class Converted:
    series: pd.Series
    markers: list[str]
    note: str = ""
    extra: dict[str, pd.Series] = field(default_factory=dict)  # numbers made from a date column


def _all(mask) -> bool:
    return bool(pc.all(mask).as_py())


def _first(values: pa.ChunkedArray) -> str:
    return values[0].as_py()


def _to_float(values: pa.ChunkedArray) -> np.ndarray | None:
    try:
        out = pc.cast(values, pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return out if np.isfinite(out).all() else None


def _numbers(num: pa.ChunkedArray, col: str) -> tuple[np.ndarray | None, str, str]:
    """(values, which format, a note when kept as text) of number texts without units."""
    if _all(pc.match_substring_regex(num, _PLAIN)):
        return _to_float(num), "plain", ""
    thousands = _all(pc.match_substring_regex(num, _THOUSANDS))
    decimal = _all(pc.match_substring_regex(num, _DECIMAL_COMMA))
    if thousands and decimal:  # every value like '1,234': no way to tell
        ex = _first(pc.filter(num, pc.match_substring(num, ",")))
        a, b = float(ex.replace(",", "")), float(ex.replace(",", "."))
        return None, "", KEPT_AMBIGUOUS.format(col=col, ex=ex, a=a, b=b)
    if thousands:
        return _to_float(pc.replace_substring(num, ",", "")), "thousands", ""
    if decimal:
        dotless = pc.replace_substring(num, ".", "")
        return _to_float(pc.replace_substring(dotless, ",", ".")), "decimal", ""
    return None, "", ""


def _with_units(present: pa.ChunkedArray, col: str) -> tuple[np.ndarray | None, str]:
    """Numbers of a column that may carry one unit or currency; (None, why) when not."""
    parts = pc.extract_regex(present, _UNIT_RE)
    if parts.null_count:
        return None, ""
    pre = set(pc.unique(pc.struct_field(parts, "pre")).to_pylist()) - {""}
    suf = set(pc.utf8_lower(pc.unique(pc.struct_field(parts, "suf"))).to_pylist()) - {"", None}
    if suf - _UNITS:
        return None, ""  # '12A', '3rd': labels, not measurements
    if len(pre) + len(suf) > 1:
        units = ", ".join(f"'{u}'" for u in sorted(pre | suf))
        return None, KEPT_MIXED_UNITS.format(col=col, units=units)
    values, fmt, why = _numbers(pc.struct_field(parts, "num"), col)
    if values is None:
        return None, why
    ex = _first(present)
    if pre:
        return values, NOTE_CURRENCY.format(col=col, unit=_CURRENCY[pre.pop()], ex=ex)
    if suf == {"%"}:
        return values, NOTE_PERCENT.format(col=col, ex=ex, val=values[0])
    if suf:
        unit = _first(pc.struct_field(parts, "suf"))
        return values, NOTE_UNIT.format(col=col, unit=unit, ex=ex)
    if fmt == "thousands":
        ex = _first(pc.filter(present, pc.match_substring(present, ",")))
        return values, NOTE_THOUSANDS.format(col=col, ex=ex)
    if fmt == "decimal":
        return values, NOTE_DECIMAL_COMMA.format(col=col, ex=ex, val=values[0])
    return values, ""


def _plain(present: pa.ChunkedArray) -> np.ndarray | None:
    """Most number columns are plain: one cast, no regex (a regex pass costs seconds per 1M)."""
    if len(present) > 4 * _SAMPLE and _to_float(present[:_SAMPLE]) is None:  # fail fast on text
        return None
    return _to_float(present)


def _maybe_date(present: pa.ChunkedArray) -> bool:
    head = present[:_SAMPLE]
    return any(_all(pc.match_substring_regex(head, pattern)) for pattern, _, _ in _DATES)


def _date_format(present: pa.ChunkedArray, col: str) -> tuple[str | None, str, str]:
    """(pandas format, words, note if refused) when every value is a date of one layout."""
    for pattern, fmt, words in _DATES:
        if not _all(pc.match_substring_regex(present, pattern)):
            continue
        if fmt is not None:
            return fmt, words, ""
        parts = pc.split_pattern(present, "/")
        first = pc.max(pc.cast(pc.list_element(parts, 0), pa.int32())).as_py()
        second = pc.max(pc.cast(pc.list_element(parts, 1), pa.int32())).as_py()
        if first > 12 >= second:
            return "%d/%m/%Y", "day/month/year", ""
        if second > 12 >= first:
            return "%m/%d/%Y", "month/day/year", ""
        return None, "", KEPT_DATE_AMBIGUOUS.format(col=col, ex=_first(present))
    return None, "", ""


def _date_numbers(text: pd.Series, fmt: str, col: str) -> dict[str, pd.Series] | None:
    stamps = pd.to_datetime(text, format=fmt, errors="coerce")
    if int(stamps.notna().sum()) != int(text.notna().sum()):
        return None  # '2024-02-31': not real dates, so not a date column
    parts = {"year": stamps.dt.year, "month": stamps.dt.month, "weekday": stamps.dt.day_of_week}
    # A part that never changes (every date in one year) tells the model nothing.
    return {f"{col}_{k}": v.astype(np.float64) for k, v in parts.items() if v.nunique() > 1} or None


def _numbers_series(values: np.ndarray, missing: np.ndarray | None, series: pd.Series) -> pd.Series:
    if missing is None:
        full = values
        if (full == np.round(full)).all() and np.abs(full).max() < 2**53:
            full = full.astype(np.int64)
    else:
        full = np.full(len(series), np.nan)
        full[~missing] = values
    return pd.Series(full, index=series.index, name=series.name)


def convert_text(series: pd.Series) -> Converted:
    """Strip, mark missing values, then read numbers (with separators or units) or dates."""
    col = str(series.name)
    arr = pa.array(series, from_pandas=True)  # zero-copy for Arrow-backed text
    trimmed = pc.utf8_trim_whitespace(arr)
    missing = pc.is_in(trimmed, value_set=MARKER_SET.cast(trimmed.type))
    n_missing = int(pc.sum(missing).as_py() or 0) + trimmed.null_count
    if not n_missing:  # the common case, in as few passes as possible (1,500 columns add up)
        plain = _plain(trimmed)
        if plain is not None:
            return Converted(_numbers_series(plain, None, series), [])
        present, text = trimmed, trimmed
    else:
        missing = pc.fill_null(missing, True)
        present = pc.filter(trimmed, pc.invert(missing))
        text = pc.if_else(missing, pa.scalar(None, trimmed.type), trimmed)
    markers = sorted(m for m in pc.unique(pc.filter(trimmed, missing)).to_pylist() if m is not None) \
        if n_missing else []
    as_text = pd.Series(text.to_pandas(), index=series.index, name=series.name)
    if len(present) == 0:
        return Converted(as_text, markers)
    values, note = (_plain(present) if n_missing else None), ""
    if values is None and _all(pc.match_substring_regex(present[:_SAMPLE], _UNIT_RE)):
        values, note = _with_units(present, col)  # the slow regex path, only for number-like text
    if values is not None:
        mask = missing.to_numpy(zero_copy_only=False) if n_missing else None
        return Converted(_numbers_series(values, mask, series), markers, note)
    fmt, words, why = _date_format(present, col) if _maybe_date(present) else (None, "", "")
    if fmt:
        extra = _date_numbers(as_text, fmt, col)
        if extra:
            names = ", ".join(f"'{n}'" for n in extra)
            return Converted(as_text, markers, NOTE_DATE.format(col=col, fmt=words, names=names), extra)
    return Converted(as_text, markers, note or why)


# Compared as written, in the spellings people use ('NA', 'N/A', 'n/a', 'Missing', 'NULL'):
# one lookup instead of lower-casing every cell of every column first.
MARKER_SET = pa.array(sorted({v for m in MISSING_MARKERS
                               for v in (m, m.upper(), m.title(), m.capitalize())}), pa.large_string())
