"""Pieces of the What if page: the row editor, the two predictions, counterfactuals with the
changed cells marked, and the error cohorts. All logic is core.audit.whatif / core.audit.errors."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.text import md

CHANGED_STYLE = "background-color: #ffe08a; font-weight: 600"
_PER_LINE = 4


def editor(space, base, run_id: str, row: int) -> dict:
    """One control per editable column (categories seen in training; numbers in the training
    range); returns {column: value} for the values that differ from the row's own."""
    changes = {}
    names = list(space.columns)
    for start in range(0, len(names), _PER_LINE):
        cells = st.columns(_PER_LINE)
        for cell, name in zip(cells, names[start:start + _PER_LINE]):
            col, now = space.columns[name], base[name].iloc[0]
            key = f"wi_{run_id}_{row}_{name}"
            label = name + (" (sensitive)" if name in space.sensitive else "")
            if col.kind == "categorical":
                # A test row may hold a category the training rows never had: it is shown, kept
                # as it is, and cannot be chosen for another row.
                options = col.categories + ([now] if now not in col.categories else [])
                value = cell.selectbox(label, options, index=options.index(now), key=key,
                                       format_func=lambda c, seen=col.categories: c if c in seen
                                       else f"{c} (not seen in training)")
            else:
                value = _number(cell, label, col, now, key)
            if value is not None and value != now:
                changes[name] = value
    return changes


def _number(cell, label: str, col, now: float, key: str):
    """A number box bounded by the training range (empty when the row has no value); None
    unless the user moved it (a test value outside the range is shown at the nearest end)."""
    tip = f"{col.show(col.low)} to {col.show(col.high)} in the training rows"
    shown = None if pd.isna(now) else min(max(float(now), col.low), col.high)
    if col.integer:
        shown = None if shown is None else int(round(shown))
        value = cell.number_input(label, int(col.low), int(col.high), shown, step=1, key=key, help=tip)
    else:
        value = cell.number_input(label, float(col.low), float(col.high), shown, key=key, help=tip)
    return None if value is None or value == shown else float(value)


def _card(box, title: str, pred: dict) -> None:
    if "probability" in pred:
        box.metric(title, pred["label"], help="the class the model answers")
        box.caption(f"probability {pred['probability']:.2f}: how sure the model is of this answer")
    else:
        box.metric(title, pred["label"], help="the value the model predicts")


def predictions(result: dict) -> None:
    """Original and changed prediction side by side, and the sentence."""
    left, right = st.columns(2)
    _card(left, "Original row", result["before"])
    delta = "answer changed" if result["flipped"] else None
    _card(right, "With your changes", result["after"])
    if delta:
        right.caption(":orange[The answer changed.]")
    st.info(result["sentence"])


def counterfactual_table(result: dict):
    """The original row and each counterfactual, changed cells marked (a Styler for st.table)."""
    changed = [{c["column"] for c in cf["changes"]} for cf in result["counterfactuals"]]
    # Only the columns some counterfactual changes: the rest are the same in every row.
    shown = [c for c in result["original"] if any(c in s for s in changed)]
    rows = [result["original"]] + [cf["row"] for cf in result["counterfactuals"]]
    labels = ["original"] + [f"#{i}" for i in range(1, len(rows))]
    # st.table renders Markdown in cells ('>50K' would become a quote): user text is escaped.
    frame = pd.DataFrame([{c: md(r[c]) for c in shown} for r in rows], index=labels)
    preds = [result["before"]] + [cf["prediction"] for cf in result["counterfactuals"]]
    frame.insert(0, "prediction", [md(p["label"]) + (f" ({p['probability']:.2f})" if "probability" in p
                                                     else "") for p in preds])

    def mark(r):
        cols = changed[labels.index(r.name) - 1] if r.name != "original" else set()
        return [CHANGED_STYLE if c in cols else "" for c in r.index]

    return frame.style.apply(mark, axis=1)


def counterfactuals_view(result: dict) -> None:
    if not result["counterfactuals"]:
        st.warning(result["note"])
        return
    st.caption(f"Goal: the model says {md(result['goal'])}. Locked: "
               f"{md(', '.join(result['locked']) or 'nothing')}. Marked cells are the changes; each "
               "row was run through the model before it was shown.")
    for i, cf in enumerate(result["counterfactuals"], 1):
        st.markdown(f"**#{i}.** {md(cf['sentence'])}")
    st.table(counterfactual_table(result))


def cohort_frame(result: dict) -> pd.DataFrame:
    pct = result["task"] != "regression"
    return pd.DataFrame([{
        "cohort": f"#{i}", "rows with": c["condition"], "rows": c["n"],
        ("error rate" if pct else "mean abs error"):
            f"{c['error_rate'] * 100:.1f} %" if pct else f"{c['error_rate']:.4g}",
        "share of all errors": f"{c['share_of_errors'] * 100:.0f} %"}
        for i, c in enumerate(result["cohorts"], 1)])
