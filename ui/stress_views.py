"""Render helpers of the Stress test page: the settings form and the results.

The job writes its state to the run store ("stress" audit of the run); the page follows it
with ui.job_panel and renders the result with the functions here.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from core.audit.records import JobRecord, JobState
from ui.text import md

STRESS_FAILED = "The stress test failed."
NO_FINISHED_RUN = "No finished run yet. Train a model first."
NOT_RUN_YET = ("Choose the attacks and strengths, then press **Run stress test**. It runs in "
               "the background and its result is kept with the run.")
BAD_STRENGTHS = ("The strengths {text!r} are not a comma-separated list of numbers; write for "
                 "example 0, 0.05, 0.1.")
NO_CHANGED_ROW = "No test row changed its answer at this strength."
_CORRUPTION_TITLES = {"noise": "Gaussian noise", "flip": "Category flips",
                      "missing": "Missing values", "blur": "Blur", "occlusion": "Occlusion"}


def settings_form(modality: str, numeric_columns: list[str], key: str):
    """The StressSettings chosen in a small form, or None until submitted."""
    from core.audit.stress import (ATTACK_TITLES, ATTACKS, DEFAULT_STRENGTHS, StressSettings,
                                   corruptions_for)

    corr = list(corruptions_for(modality))
    unit = {"tabular": "standard deviations of each numeric column",
            "image": "pixel intensity, 0 = black and 1 = white"}.get(modality, "signal units")
    with st.form(f"stress-form-{key}"):
        left, right = st.columns(2)
        attacks = left.multiselect("Attacks", list(ATTACKS), default=list(ATTACKS),
                                   format_func=ATTACK_TITLES.get,
                                   help="FGSM takes one step; PGD takes several smaller steps "
                                        "and finds stronger changes.")
        corruptions = right.multiselect("Noise and corruptions", corr, default=corr,
                                        format_func=_CORRUPTION_TITLES.get)
        eps = left.text_input(f"Strengths ε ({unit})",
                              ", ".join(f"{e:g}" for e in DEFAULT_STRENGTHS[modality]))
        steps = right.number_input("PGD steps", 1, 100, 10)
        rows = left.number_input("Test rows to attack", 10, 20_000, 1000, step=100,
                                 help="A seeded random subsample keeps the test quick.")
        locked = right.multiselect("Columns that must not move", numeric_columns,
                                   disabled=not numeric_columns,
                                   help="Categories and sensitive columns never move.")
        if not st.form_submit_button("Run stress test", type="primary", icon=":material/bolt:"):
            return None
    try:
        strengths = [float(v) for v in eps.replace(";", ",").split(",") if v.strip()]
    except ValueError:
        st.error(BAD_STRENGTHS.format(text=eps))
        return None
    return StressSettings(attacks=attacks, corruptions=corruptions, strengths=strengths,
                          steps=int(steps), n_rows=int(rows), locked=locked)


def done_result(rec: JobRecord | None) -> dict | None:
    """The finished stress test's result, or None while there is none."""
    return rec.result if rec is not None and rec.state is JobState.DONE else None


def show_result(result: dict, compare: dict | None = None) -> None:
    from core.plots.stress import curves_figure

    st.info(result["summary"])
    st.caption(result["explanation"])
    for note in result.get("notes", []):
        st.caption(note)
    st.plotly_chart(curves_figure(result, compare, "adversarially trained"),
                    key=f"stress-curves-{result.get('run_id')}-{bool(compare)}",
                    config={"displaylogo": False})
    st.caption("Solid lines: attacks (the worst case an attacker can find). Dotted lines: "
               "random damage. The dashed line is the score on the untouched rows.")


def show_examples(result: dict) -> None:
    focus = result.get("focus_attack")
    if not result["examples"]:
        st.caption(NO_CHANGED_ROW)
        return
    st.subheader("Before and after")
    from core.audit.stress import ATTACK_TITLES

    st.caption(f"Rows that {ATTACK_TITLES.get(focus, focus)} turned from right to wrong at ε = "
               f"{result['reference_strength']:g}.")
    if result["modality"] == "image":
        from core.plots.stress import example_figure

        for i, ex in enumerate(result["examples"][:3]):
            st.plotly_chart(example_figure(ex), key=f"stress-ex-{i}",
                            config={"displaylogo": False, "staticPlot": True})
    elif result["modality"] == "tabular":
        for ex in result["examples"][:3]:
            st.markdown(f"Test row {ex['test_row']}: the model said **{md(ex['before'])}** "
                        f"({_pct(ex['p_before'])}), after the attack **{md(ex['after'])}** "
                        f"({_pct(ex['p_after'])}); the true answer is {md(ex['label'])}.")
            if ex["changes"]:
                st.table(_changes_frame(ex).hide(axis="index"))


def _changes_frame(ex: dict):
    import pandas as pd

    frame = pd.DataFrame([{"Column": c["column"], "Before": c["before"], "After": c["after"],
                           "Change": c["delta"]} for c in ex["changes"]])
    return frame.style.format({"Before": "{:.4g}", "After": "{:.4g}", "Change": "{:+.3g}"}).map(
        lambda v: "background-color: #fde2b8", subset=["After", "Change"])


def show_groups(result: dict) -> None:
    import pandas as pd

    if not result["groups"]:
        return
    st.subheader("Robustness by group")
    g0 = result["groups"][0]
    label = "accuracy" if result["metric"] == "accuracy" else "MAE"
    from core.audit.stress import ATTACK_TITLES

    st.caption(f"{ATTACK_TITLES.get(g0['attack'], g0['attack'])} at ε = {g0['strength']:g}. "
               "Attack success rate: the share of rows "
               "the model got right that the attack turns wrong. A higher rate means that group "
               "is easier to push into mistakes.")
    def fmt(v):
        return "–" if v is None else (f"{100 * v:.1f} %" if label == "accuracy" else f"{v:.4g}")

    # A static table (few rows): readable as text, by screen readers and by the browser test.
    st.table(pd.DataFrame([{"Column": g["column"], "Group": g["group"], "Rows": g["n"],
                            f"Clean {label}": fmt(g["clean"]),
                            f"Attacked {label}": fmt(g["attacked"]),
                            "Attack success rate": "–" if g["success_rate"] is None
                            else f"{100 * g['success_rate']:.1f} %"}
                           for g in result["groups"]]).set_index("Column"))


def _pct(p: Any) -> str:
    return "–" if p is None else f"{100 * p:.0f} % sure"


