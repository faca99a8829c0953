"""Pieces of the What if page: the row editor, the two predictions, counterfactuals with the
changed cells marked, and the error cohorts. All logic is core.audit.whatif / core.audit.errors."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import LayerLabError

from ui.text import md

CHANGED_STYLE = "background-color: #ffe08a; font-weight: 600"
_PER_LINE = 4


def editor(space, base, run_id: str, row) -> dict:
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


def waterfalls(space, explainer, base, result: dict) -> None:
    """The original and the changed row's SHAP waterfalls side by side (or why there are none)."""
    from core.plots.whatif import waterfall_figure

    if isinstance(explainer, str):  # the reason the run has no waterfall
        st.caption(md(explainer))
        return
    edits = {c["column"]: c["to"] for c in result["changes"]}
    shown = explainer.waterfalls(space.apply(base, [{}, edits] if edits else [{}]))
    st.markdown("**Why the model answers this way** (SHAP): each bar is one column pushing the "
                "answer up (red) or down (blue) from the model's average answer over the training "
                "rows.")
    cells = st.columns(len(shown))
    for cell, w, title in zip(cells, shown, ["Original row", "With your changes"]):
        cell.plotly_chart(waterfall_figure(w, title if len(shown) > 1 else ""), width="stretch")
    if not edits:
        st.caption("Change a value above to see a second waterfall beside this one.")


def open_row(run_id: str, row: int) -> None:
    """'Open in the editor': the editor tab starts from this test row."""
    st.session_state["whatif_row"] = int(row)
    st.session_state[f"whatif_start_{run_id}"] = "A test row"


def _clicked_cohort(event, tree: bool) -> int | None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return None
    data = points[0].get("customdata") or []
    if tree:  # [node, leaf number or -1, ...]: an inner node is not a cohort
        return int(data[1]) - 1 if len(data) > 1 and int(data[1]) > 0 else None
    return int(data[2]) if len(data) > 2 else None


def follow_click(pick_key: str, tree_event, bar_event) -> None:
    """A click on a group in the tree or the bars picks it in the selectbox below (once per
    click: a selection stays in the chart, and must not undo a later choice in the box)."""
    for name, event, tree in (("tree", tree_event, True), ("bars", bar_event, False)):
        picked = _clicked_cohort(event, tree)
        seen_key = f"{pick_key}_{name}_seen"
        if picked is not None and st.session_state.get(seen_key) != picked:
            st.session_state[pick_key] = picked
        st.session_state[seen_key] = picked


def groups_section(store, runner, run_id: str, space) -> None:
    """Counterfactuals by sensitive group: a job over a sample of rejected rows, then the chart."""
    from core.audit.progress import submit_audit
    from core.audit.records import AuditKind
    from core.audit.whatif.jobs import DEFAULT_ROWS
    from core.plots.whatif import groups_figure
    from ui.job_panel import job_panel

    st.markdown("Over a sample of test rows the model **rejects**, how many columns must change "
                "before it says yes, for each group of the sensitive column. If one group needs "
                "clearly more changes, a rejection is harder to undo for that group.")
    if space.model.task != "binary":
        st.info("This compares how hard a 'no' is to turn into a 'yes', so it needs a yes/no "
                "(binary) run; this one is " + space.model.task + ".")
        return
    if not space.sensitive:
        st.info("This run has no sensitive column: choose one on the Data page and train again.")
        return

    def show(rec) -> None:
        result = rec.result or {}
        st.info(result.get("sentence", ""))
        st.plotly_chart(groups_figure(result), width="stretch")
        st.dataframe(pd.DataFrame([{
            result["column"]: g["group"], "rows sampled": g["n"], "flipped": g["n_flipped"],
            "changed columns needed (mean)": g["mean_changes"],
            "95 % interval": (f"{g['ci_low']:.2f} to {g['ci_high']:.2f}" if g["ci_low"] is not None
                              else "one row: no interval"),
            "could not be flipped": f"{g['share_not_flipped'] * 100:.0f} %"}
            for g in result["groups"]]), hide_index=True, width="stretch")
        st.caption("The interval is where the mean would likely fall with another sample of rows "
                   "(95 % bootstrap); overlapping intervals mean the difference may be chance. "
                   "Sensitive and age-like columns never change. Next: on the Fairness page, see "
                   "whether the same groups are also rejected more often.")

    rows = st.slider("Rejected rows to sample", 20, 200, DEFAULT_ROWS, step=10, key=f"cfg_rows_{run_id}",
                     help="More rows: narrower intervals, longer wait (about a second per row).")
    if st.button("Compare the groups", type="primary", icon=":material/groups:"):
        try:
            submit_audit(store, runner, run_id, "counterfactual_groups", {"rows": rows},
                         kind=AuditKind.COUNTERFACTUAL_GROUPS)
        except LayerLabError as exc:
            st.error(str(exc))
    job_panel(store, runner, run_id, AuditKind.COUNTERFACTUAL_GROUPS, on_done=show,
              failed_text="Comparing the groups did not finish.")
