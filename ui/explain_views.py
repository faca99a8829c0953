"""Pieces of the Explain page: run picker, the background job panel, and the result views.

Everything shown comes from the explanation stored with the run (core.audit.explain); the
page never computes SHAP or LIME itself.
"""
from __future__ import annotations

import streamlit as st

from core.errors import LayerLabError
from ui.resources import get_runner, get_store
from ui.text import md

POLL_S = 1.0
EXPLAIN_FAILED = "The explanation did not finish."
NOT_EXPLAINED_YET = "Explanations run in the background and are kept with the run until it changes."
NONE_MISCLASSIFIED = "No explained row is misclassified."
NO_BORDERLINE = "Borderline rows only exist for classification."
PICKS = ("A misclassified one", "A borderline one", "By row number", "Search by value")


def start(run_id: str, rows: int, include: list[int] | None = None) -> None:
    from core.audit.progress import submit_audit
    from core.audit.records import AuditKind

    try:
        submit_audit(get_store(), get_runner(), run_id, AuditKind.EXPLAIN,
                     {"rows": int(rows), "seed": 0, "include": include or []})
        st.session_state.pop("explain_error", None)
    except LayerLabError as exc:
        st.session_state["explain_error"] = str(exc)


def about(result: dict) -> None:
    st.caption(md(result["sample_note"]) + " " + md(result["explainer_why"]))
    for note in result.get("notices", []):
        st.warning(md(note), icon=":material/info:")
    st.caption(f"Additivity check: the average output plus the SHAP values of a row give the "
               f"model's output to within {result['additivity_error']:.1e}.")


def global_view(result: dict) -> None:
    from core.plots import explain as px

    if result["modality"] == "image":
        st.plotly_chart(px.class_heatmaps(result), key="class-heatmaps")
        st.plotly_chart(px.importance_bar(result), key="importance")
        return
    st.plotly_chart(px.importance_bar(result), key="importance")
    if result["modality"] != "tabular":
        return
    st.plotly_chart(px.beeswarm(result), key="beeswarm")
    names = [g["feature"] for g in result["global"]]
    feature = st.selectbox("Dependence plot for", names, key="dependence_feature",
                           help="How this column's value moves the output, one dot per row.")
    st.plotly_chart(px.dependence(result, feature), key="dependence")


def choose_row(result: dict) -> dict | None:
    from core.audit.explain import find_row

    how = st.radio("Pick a row", PICKS, horizontal=True, key="explain_pick")
    rows = result["rows"]
    if how == PICKS[0]:
        pool = result["misclassified"]
        if not pool:
            st.info(NONE_MISCLASSIFIED)
            return None
        with_lime = [p for p in pool if p in result["lime_positions"]] or pool
        pos = with_lime[0]
    elif how == PICKS[1]:
        pool = result["borderline"]
        if not pool:
            st.info(NO_BORDERLINE)
            return None
        pos = ([p for p in pool if p in result["lime_positions"]] or pool)[0]
    elif how == PICKS[2]:
        pos = int(st.number_input(f"Test row (0 to {result['n_test'] - 1:,})", 0,
                                  result["n_test"] - 1, rows[0]["pos"], key="explain_row"))
    else:
        text = st.text_input("Find rows whose values contain", key="explain_search").strip().lower()
        hits = [r["pos"] for r in rows if text and r.get("values")
                and any(text in str(v).lower() for v in r["values"])]
        if not hits:
            st.caption("Type a value (e.g. a category) to find explained rows that have it.")
            return None
        pos = st.selectbox(f"{len(hits)} matching rows", hits, key="explain_hit")
    try:
        return find_row(result, pos)
    except LayerLabError as exc:
        st.warning(str(exc))
        st.button("Explain this row", key="explain-this-row", on_click=start,
                  args=(st.session_state["explain_run"], result["rows_requested"], [pos]))
        return None


def local_view(result: dict, rec: dict) -> None:
    from core.audit.explain import agreement_sentence
    from core.plots import explain as px

    st.info(md(rec["sentence"]), icon=":material/record_voice_over:")
    st.caption(f"Row {rec['pos']} of the test split · true label: {md(rec['true'])} · "
               f"predicted: {md(rec['predicted'])}")
    if result["modality"] == "image":
        st.plotly_chart(px.image_maps(result, rec), key="image-maps")
    elif result["modality"] == "sequence":
        st.plotly_chart(px.sequence_view(result, rec), key="sequence-view")
    left, right = st.columns(2)
    with left:
        st.markdown("**SHAP**")
        st.plotly_chart(px.waterfall(result, rec), key="waterfall")
    with right:
        st.markdown("**LIME**")
        if rec.get("lime"):
            st.plotly_chart(px.lime_bar(result, rec), key="lime")
        else:
            st.caption("LIME was run on a smaller sample that does not include this row.")
            st.button("Explain this row with LIME too", key="lime-this-row", on_click=start,
                      args=(st.session_state["explain_run"], result["rows_requested"], [rec["pos"]]))
    if sentence := agreement_sentence(result, rec):
        (st.warning if rec["agreement"]["top_overlap"] < 0.6 - 1e-9 else st.success)(md(sentence))


def agreement_view(result: dict) -> None:
    agree = result["agreement"]
    (st.warning if agree.get("caution") else st.success)(md(agree["sentence"]))
    cols = st.columns(3)
    cols[0].metric("Rank correlation", f"{agree['rank_corr']:.2f}" if agree.get("rank_corr") is not None else "—",
                   help="Spearman correlation of the two methods' importances, per row, averaged.")
    cols[1].metric(f"Top-{agree['top_k']} in common", f"{(agree.get('top_overlap') or 0) * 100:.0f} %",
                   help="Share of SHAP's most important features that LIME also ranks on top.")
    cols[2].metric("Same direction", f"{(agree.get('sign_agreement') or 0) * 100:.0f} %",
                   help="Among SHAP's top features, how often LIME's weight has the same sign.")


def fairness_view(result: dict) -> None:
    from core.plots import explain as px

    for entry in result.get("fairness", []):
        st.markdown(md(entry["sentence"]))
        st.plotly_chart(px.group_importance(entry), key=f"groups-{entry['sensitive']}")
