"""Render helpers of the Compare page: the metric table with differences, and what changed."""
from __future__ import annotations

import streamlit as st

from ui.text import md

_BEST, _WORSE = "background-color: #d8f0d8; font-weight: 600", "background-color: #fde2cf"


def run_label(run) -> str:
    return f"{run.id} · {run.name}"


def compare_table(comparison: dict):
    """The metric table as a styled frame: one row per metric, one column per run.

    Each value after the first run's carries its difference from it; the best value of a row
    is green, values worse than the first run's are orange, so differences stand out.
    """
    import pandas as pd

    names = [f"{s['id']} · {s['name']}" for s in comparison["runs"]]
    shown, styles = [], []
    for row in comparison["table"]:
        cells, marks = [], []
        for i, (v, d) in enumerate(zip(row["values"], row["diff_vs_first"])):
            text = "–" if v is None else _compare_value(row["key"], v)
            if i and d:
                text += f" ({'+' if d > 0 else '−'}{_compare_value(row['key'], abs(d))})"
            cells.append(text)
            lower = row["lower_is_better"]
            worse = (i and d and lower is not None and (d > 0 if lower else d < 0))
            marks.append(_BEST if row["best"] == i else _WORSE if worse else "")
        shown.append(cells)
        styles.append(marks)
    index = [r["label"] + ("" if r["lower_is_better"] is None else
                           " (lower is better)" if r["lower_is_better"] else " (higher is better)")
             for r in comparison["table"]]
    frame = pd.DataFrame(shown, index=index, columns=names)
    style = pd.DataFrame(styles, index=index, columns=names)
    return frame.style.apply(lambda _: style, axis=None)


def _compare_value(key: str, v: float) -> str:
    if key == "epochs":
        return f"{v:.0f}"
    if key == "duration_s":
        return f"{v:.1f}"
    return f"{v:.4g}"


def changes(comparison: dict) -> None:
    """What changed from the first run to each other one, in plain words."""
    by_id = {s["id"]: s for s in comparison["runs"]}
    ref = comparison["reference"]
    for run_id, lines in comparison["changes"].items():
        st.markdown(f"**{md(ref)} → {md(run_id)}** ({md(by_id[run_id]['name'])})")
        if not lines:
            st.caption("Nothing in the data, the model or the training settings differs.")
        for line in lines:
            st.markdown(f"- {md(line)}")
