"""Evaluate: how good a trained model is on examples it never saw, what is wrong, what to try."""
import logging

import streamlit as st

from core.trained import checkpoint_stamp
from core.errors import LayerLabError
from ui import evaluate_metrics as em
from ui.evaluate_boundary import boundary_tab
from ui.evaluate_checks import checklist_tab
from ui.resources import get_store
from ui.run_views import LIVE_STATUSES, NO_TRAINED_MODEL, pick_run, status_badge, stop_without_runs
from ui.text import md

st.title("Evaluate")
st.markdown(
    "How good is a trained model on examples it never saw during training, what is wrong with "
    "it, and what to try next."
)

store = get_store()
runs = [r for r in store.list_runs() if r.checkpoint_path]
stop_without_runs(runs, NO_TRAINED_MODEL)

run_id = pick_run(runs, key="eval_run")
run = store.get_run(run_id)
live = run.status in LIVE_STATUSES
badge, about = st.columns([1, 6])
with badge:
    status_badge(run)
about.caption(f"Dataset: {md((run.dataset or {}).get('name', '?'))} · "
              f"{md(run.config.get('optimizer', '?'))}, learning rate {run.config.get('lr', '?')}, "
              f"{run.config.get('epochs', '?')} epochs")
if live:
    st.info("This run is still training: the numbers below are for the weights saved most "
            "recently and change as it learns. Reload the page for the newest ones.",
            icon=":material/hourglass_top:")

stamp = checkpoint_stamp(run)
try:
    evaluation = em.evaluation(run_id, stamp)
    found = em.findings(run_id, stamp, run.status, len(store.epochs(run_id)))
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()
except Exception as exc:  # noqa: BLE001 - one broken run must not take the page down
    logging.getLogger(__name__).exception("evaluation of %s failed", run_id)
    st.error(f"LayerLab could not evaluate run {run_id} ({type(exc).__name__}: {exc}).")
    st.stop()

st.subheader("How good is it?")
st.caption("Measured on the test examples: rows held back from training and from choosing the "
           "best epoch, so they show how the model does on new data.")
em.headline(evaluation)
em.linear_line(run)  # the straight-line model beside the majority baseline

st.subheader("Diagnosis")
st.caption("Read from the learning curves, the per-layer measurements and the test scores.")
em.diagnosis(found)

two_d = False
try:
    from core.audit.boundary import is_two_d

    two_d = is_two_d(store, run_id)
except LayerLabError:
    pass  # no boundary tab; the data problem is shown by the evaluation above

names = ["Plots", "Internals"] + (["Decision boundary"] if two_d else []) + ["Checklist"]
tabs = dict(zip(names, st.tabs(names)))
with tabs["Plots"]:
    em.plots_tab(evaluation, em.target_name(run))
with tabs["Internals"]:
    em.internals_tab(run_id)
if two_d:
    with tabs["Decision boundary"]:
        boundary_tab(run_id, live)
with tabs["Checklist"]:
    checklist_tab(run_id)

st.page_link("views/compare.py", label="Compare this run with others", icon=":material/compare_arrows:",
             query_params={"runs": run_id})
