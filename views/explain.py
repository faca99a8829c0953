"""Explain: why did the model say this, for the whole model and for one row (SHAP and LIME)."""
import streamlit as st

from core.audit.explain import DEFAULT_ROWS, saved_explanation
from core.audit.progress import audit_state
from core.audit.records import AuditKind
from ui import explain_views as xv
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store
from ui.run_views import NO_TRAINED_MODEL, pick_network_run

st.title("Explain")
st.markdown(
    "Why does the model answer what it answers? Two independent methods, **SHAP** and **LIME**, "
    "explain the whole model and single rows; where they agree you can trust the explanation more."
)

store = get_store()
run_id, runs = pick_network_run(store, audit="SHAP and LIME", empty=NO_TRAINED_MODEL, key="explain_run",
                                 finished_only=False)
result = saved_explanation(store, run_id)

rec = audit_state(store, get_runner(), run_id, AuditKind.EXPLAIN)
active = bool(rec and rec.active)
with st.container(border=True):
    left, right = st.columns([2, 1])
    rows = left.number_input(
        "Rows to explain", 10, 5000, DEFAULT_ROWS, step=50, key="explain_rows",
        help="SHAP explains this many test rows chosen at random (seed 0); LIME explains 30 of them.")
    right.markdown("&nbsp;")
    right.button("Explain the model" if not result else "Explain again", key="explain-start",
                 disabled=active, on_click=xv.start, args=(run_id, rows), type="primary",
                 icon=":material/psychology:")
    if err := st.session_state.get("explain_error"):
        st.error(err)
    job_panel(store, get_runner(), run_id, AuditKind.EXPLAIN, failed_text=xv.EXPLAIN_FAILED,
              poll_s=xv.POLL_S)

if not result:
    st.caption(xv.NOT_EXPLAINED_YET)
    st.stop()

xv.about(result)
tabs = ["Whole model", "One row", "Agreement"] + (["Fairness"] if result.get("fairness") else [])
views = st.tabs(tabs)
with views[0]:
    xv.global_view(result)
with views[1]:
    row = xv.choose_row(result)
    if row:
        xv.local_view(result, row)
with views[2]:
    xv.agreement_view(result)
if result.get("fairness"):
    with views[3]:
        st.caption("Does the model lean on a sensitive attribute, or on a column that stands in for it?")
        xv.fairness_view(result)
