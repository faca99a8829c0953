"""Fairness: does the model treat groups differently, how sure are we, and what does mitigation cost?"""
import streamlit as st

from core.errors import LayerLabError
from ui import fairness_views as fv
from ui.resources import get_store
from ui.run_views import pick_run, stop_without_runs

st.title("Fairness")
st.markdown(
    "Compare how the model treats the groups of a **sensitive column** (for Adult: sex, race): "
    "who it selects, whom it gets wrong, and how sure we can be with this much data. Then try a "
    "mitigation and see what it costs in accuracy and buys in fairness."
)

store = get_store()
runs = [r for r in store.list_runs() if r.status == "finished"]
stop_without_runs(runs, "No finished runs yet. Train a model first.")

run_id = pick_run(runs, key="fairness_run")
run = next(r for r in runs if r.id == run_id)
if run.parent_id:
    st.caption(f"A mitigated run of {run.parent_id}.")

sensitive_cols = list(run.dataset.get("sensitive") or [])
if not sensitive_cols:
    st.warning("This run has no sensitive column, so there are no groups to compare. On the Data "
               "page, pick one or two sensitive columns (for Adult: sex and race), then train "
               "again and come back.")
    st.page_link("views/data.py", label="Choose a sensitive column", icon=":material/dataset:")
    st.stop()

choices = sensitive_cols + ([None] if len(sensitive_cols) == 2 else [])
sensitive = st.radio("Compare groups of", choices, horizontal=True, key="sensitive",
                     format_func=lambda c: c if c else " × ".join(sensitive_cols) + " (intersectional)")

try:
    from core.audit.fairness import audit_run, saved_report

    report = saved_report(store, run_id, sensitive)
    if report is None:  # point estimates now; the bootstrap intervals come from a background job
        with st.spinner("Measuring every group…"):
            report = audit_run(store, run_id, sensitive, n_boot=None)
        fv.intervals_status(run_id, sensitive)
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()

fv.summary(report)
fv.disparity_metrics(report)

st.subheader("Groups")
fv.group_table(report)
fv.group_charts(report)

if report["task"] == "regression":
    st.caption("Mitigation and the threshold explorer apply to two-class tasks.")
    st.stop()

randomised = report.get("randomised")
if report["task"] == "binary" and not randomised:
    st.subheader("Threshold explorer")
    st.caption("Move the decision threshold, for everyone or per group, and watch accuracy and "
               "the gaps move. Nothing is saved: this is for exploring.")
    try:
        fv.threshold_explorer(run_id, sensitive, str(run.checkpoint_path))
    except LayerLabError as exc:
        st.error(str(exc))

st.subheader("Mitigate")
if report["task"] != "binary" or run.kind == "mitigated":
    st.caption("Mitigation applies to two-class runs that are not already mitigated"
               + (f"; open {run.parent_id} to mitigate the original." if run.parent_id else "."))
    st.stop()
st.caption("Each mitigation trains a new run linked to this one (it shows on the Experiments "
           "page) and compares both on the test split. Reweighing and CorrelationRemover act before "
           "training, "
           "ExponentiatedGradient and GridSearch during, ThresholdOptimizer after.")
fv.mitigation_panel(run_id, sensitive)
