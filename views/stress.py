"""Stress test: attacks, noise and corruptions against a finished run; adversarial training."""
import json

import streamlit as st

from core.audit.records import AuditKind, JobRecord
from core.errors import LayerLabError
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store
from ui.run_views import pick_network_run
from ui.stress_views import (
    NO_FINISHED_RUN,
    NOT_RUN_YET,
    STRESS_FAILED,
    done_result,
    settings_form,
    show_examples,
    show_groups,
    show_result,
)

st.title("Stress test")
st.markdown(
    "How easily is the model pushed into mistakes, by what, and for whom? Small, deliberate "
    "changes (attacks) and ordinary damage (noise, missing values) are applied to test rows "
    "at growing strength, and the score is measured each time."
)

store, runner = get_store(), get_runner()
run_id, runs = pick_network_run(store, audit="attacks", empty=NO_FINISHED_RUN, key="stress_run")
run = next(r for r in runs if r.id == run_id)


@st.cache_data(show_spinner="Loading the run's data…", max_entries=8)
def data_facts(dataset_json: str) -> tuple[str, list[str]]:
    """(modality, numeric input columns) of a run's dataset."""
    from core.audit.stress import lockable_columns
    from core.data import prepared

    bundle, data = prepared(json.loads(dataset_json))
    return bundle.modality, lockable_columns(bundle, data)


try:
    modality, numeric = data_facts(json.dumps(run.dataset, sort_keys=True))
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()

settings = settings_form(modality, numeric, key=run_id)
if settings is not None:
    from core.audit.stress.jobs import submit_stress

    try:
        submit_stress(store, runner, run_id, settings)
    except LayerLabError as exc:
        st.error(str(exc))

job = job_panel(store, runner, run_id, AuditKind.STRESS, failed_text=STRESS_FAILED)
result = done_result(job)
if result is None:
    if job is None or not job.active:  # while it runs, the panel above says what is happening
        st.caption(NOT_RUN_YET)
    st.stop()

children = [r for r in store.list_runs() if r.parent_id == run_id and r.kind == "adversarial"]
child = children[0] if children else None
child_result = None
if child is not None and child.status == "finished":
    child_result = done_result(JobRecord.read(store, child.id, AuditKind.STRESS))

tab_curves, tab_examples, tab_groups, tab_train = st.tabs(
    ["Curves", "Before and after", "By group", "Adversarial training"])
with tab_curves:
    show_result(result, compare=child_result)
with tab_examples:
    show_examples(result)
with tab_groups:
    if result["groups"]:
        show_groups(result)
    else:
        st.caption("This dataset has no sensitive column, so there is no per-group table.")

with tab_train:
    st.markdown(
        "Adversarial training retrains the same model on the same data, replacing half of "
        "every batch with its PGD-attacked version. It usually costs a little clean accuracy "
        "and buys robustness. The new run is linked to this one.")
    if child is None:
        eps = st.number_input("Train against ε", 0.01, 1.0,
                              float(result["reference_strength"]), step=0.01,
                              help=f"In the same unit as above ({result['unit']}).")
        if st.button("Retrain with PGD examples", icon=":material/shield:"):
            from core.audit.stress import AdvSettings, submit_adversarial

            try:
                submit_adversarial(store, runner, run_id, AdvSettings(eps=eps))
                st.rerun()
            except LayerLabError as exc:
                st.error(str(exc))
    else:
        from ui.run_views import live_run

        st.caption(f"Adversarially trained run: {child.id}")
        live_run(child.id)
        if child.status == "finished":
            child_rec = job_panel(store, runner, child.id, AuditKind.STRESS,
                                  failed_text=STRESS_FAILED)
            if done_result(child_rec) is None and st.button(
                    "Stress-test the retrained run with the same settings",
                    icon=":material/compare_arrows:"):
                from core.audit.stress import StressSettings
                from core.audit.stress.jobs import submit_stress

                submit_stress(store, runner, child.id,
                              StressSettings.model_validate(result["settings"]))
                st.rerun()
            if child_result:
                st.caption("Both runs' curves are on the Curves tab: open markers are the "
                           "adversarially trained run.")
