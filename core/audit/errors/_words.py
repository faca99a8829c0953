"""Cohorts in words: a tree path as conditions on the user's columns, and the plain summary."""
from __future__ import annotations

import math

ALL_ROWS = "all rows"


def _number(col, value: float, upper: bool) -> str:
    """A threshold in the column's own form: whole-number columns say '≤ 40' or '≥ 41'."""
    if col.integer:
        v = math.floor(value)
        return f"≤ {v}" if upper else f"≥ {v + 1}"
    return f"≤ {value:.4g}" if upper else f"> {value:.4g}"


def cohort_text(path, meta, space) -> str:
    """'education-num ≥ 13 and marital-status = Married-civ-spouse' for a tree path: bounds on
    one column merged, a category kept once ('= X' wins over any '≠')."""
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    equal: dict[str, str] = {}
    unequal: dict[str, list[str]] = {}
    order: list[str] = []
    for feat, left, thr in path:
        name, cat = meta[feat]
        if name not in order:
            order.append(name)
        if cat is None:
            if left:
                highs[name] = min(highs.get(name, math.inf), thr)
            else:
                lows[name] = max(lows.get(name, -math.inf), thr)
        elif left:  # a one-hot input at or below 0.5: not this category
            unequal.setdefault(name, []).append(cat)
        else:
            equal[name] = cat
    parts = []
    for name in order:
        col = space.columns[name]
        if name in equal:
            parts.append(f"{name} = {equal[name]}")
        elif name in unequal:
            parts.append(f"{name} not {' or '.join(unequal[name])}")
        else:
            bounds = ([_number(col, lows[name], False)] if name in lows else []) + \
                     ([_number(col, highs[name], True)] if name in highs else [])
            parts.append(f"{name} " + " and ".join(bounds))
    return " and ".join(parts) or ALL_ROWS


def summary(cohorts: list[dict], overall: float, task: str) -> str:
    """One plain sentence about the worst cohort against all rows."""
    worse = [c for c in cohorts if c["error_rate"] > overall and c["condition"] != ALL_ROWS]
    if not worse:
        if task == "regression":
            return f"No group of rows stands out: the model is off by {overall:.4g} on average."
        return f"No group of rows stands out: the model is wrong on {overall * 100:.0f} % of rows."
    w = max(worse, key=lambda c: c["error_rate"])
    if task == "regression":
        return (f"The model is off by {w['error_rate']:.4g} on average on rows with {w['condition']} "
                f"({w['n']:,} rows, {w['share_of_errors'] * 100:.0f} % of all error), against "
                f"{overall:.4g} overall.")
    return (f"The model is wrong on {w['error_rate'] * 100:.0f} % of rows with {w['condition']} "
            f"({w['n']:,} rows, {w['share_of_errors'] * 100:.0f} % of all errors), against "
            f"{overall * 100:.0f} % overall.")
