"""Pieces of the Predict page: the answers table, the held-back rows, and the one-case form.
All checking and predicting is core.predict; the form reuses the What-if editor's controls."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.text import md
from ui.whatif_views import editor

MEANINGS = ("**probability**: how sure the model is of its answer, from 0 to 1 (0.5 between two "
            "classes is a coin toss). **reasons**: the three columns that moved this answer most, "
            "with how much each pushed toward it (+) or away from it (−), in probability points "
            "(SHAP values; for a number target, in the target's units).")
_SHOWN_PROBLEMS = 200


def answers_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        "row": [r["row"] for r in rows],
        "prediction": [r["prediction"] for r in rows],
        "probability": [r["probability"] for r in rows],
        **{f"reason {k}": [r["reason_texts"][k - 1] if len(r["reason_texts"]) >= k else ""
                           for r in rows] for k in (1, 2, 3)},
        "flag": [" ".join(r["flags"]) for r in rows],
    })


def results(result, run_id: str) -> None:
    """Counts, notes, the answers, the held-back rows and the download."""
    c = result.counts
    st.success(f"Predicted {c['predicted']:,} of {c['rows']:,} rows; {c['held_back']:,} held back "
               f"(listed below with why), {c['flagged']:,} flagged (predicted, but check them).")
    for note in result.notes:
        st.info(md(note))
    if result.rows:
        st.dataframe(answers_frame(result.rows), hide_index=True, key="predict_answers",
                     column_config={"probability": st.column_config.NumberColumn(format="%.2f")})
        st.caption(MEANINGS)
    if result.problems:
        st.markdown(f"**Held back ({c['held_back']:,} row{'' if c['held_back'] == 1 else 's'})**: "
                    "fix these cells and upload again.")
        shown = result.problems[:_SHOWN_PROBLEMS]
        st.table(pd.DataFrame({"row": [p["row"] for p in shown], "line": [p["line"] for p in shown],
                               "column": [p["column"] or "" for p in shown],
                               "why": [p["message"] for p in shown]}).set_index("row"))
        if len(result.problems) > len(shown):
            st.caption(f"The first {len(shown):,} problems are shown; the download lists them all.")
    st.download_button("Download the predictions (CSV)", result.to_csv_bytes(),
                       f"{run_id}-predictions.csv", "text/csv", type="primary",
                       icon=":material/download:", key="predict_download")
    st.caption("Next: the CSV has your columns plus prediction, probability, reason_1..3 and "
               "problem. Rows flagged far outside the training range deserve a second look; "
               "retrain on data that covers them if they are common.")


def one_case(predictor, run_id: str) -> None:
    """A form of controls that only allow values the model has seen, and its answer."""
    space = predictor.space
    base = space.row(0)
    st.caption("Starts from the first test row; each control offers only the categories seen in "
               "training and numbers within the training range.")
    changes = editor(space, base, run_id, "predict")
    frame = space.apply(base, [changes])
    rec = predictor.predict_frame(frame)[0]
    left, right = st.columns([1, 2])
    label = rec["prediction"] if isinstance(rec["prediction"], str) else f"{rec['prediction']:.4g}"
    left.metric("Prediction", label, help="the model's answer for this case")
    if rec["probability"] is not None:
        left.caption(f"probability {rec['probability']:.2f}: how sure the model is of this answer")
    if rec["reason_texts"]:
        right.markdown("**Why**: the columns that moved this answer most (+ toward it, − away)")
        for text in rec["reason_texts"]:
            right.markdown(f"- {md(text)}")
    st.caption("Next: change one value at a time to see which ones move the answer; the What if "
               "page also finds the smallest change that flips it.")
