"""Search: let Optuna try training settings, watch the trials live, keep the best."""
import streamlit as st

from core.errors import LayerLabError
from core.search import list_studies
from core.workspace import load_workspace, save_workspace
from ui.identity import user
from ui.resources import get_runner, get_store
from ui.search_form import budget_form, space_form
from ui.text import md
from ui.train_form import initial_config, workspace_summary

st.title("Search")
st.markdown("Let LayerLab try many training settings for your model and keep the best: every "
            "trial is a real run you can open, and trials that are clearly worse stop early.")

store, runner = get_store(), get_runner()
ws = load_workspace(user())
try:
    summary = workspace_summary(ws.dataset.model_dump_json(),
                                ws.spec.model_dump_json() if ws.spec else None)
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()
st.markdown(f"Searching **{md(summary['spec_name'])}** ({md(summary['arch'])}) on "
            f"**{md(summary['title'])}**, {summary['n_train']:,} training rows.")


def start(space, budget) -> None:
    from core.search import submit_search

    try:
        study_id = submit_search(store, runner, _definition(space, dict(budget)))
        st.session_state["study_id"] = st.session_state["study_shown"] = study_id
        st.session_state.pop("search_error", None)
    except LayerLabError as exc:
        st.session_state["search_error"] = str(exc)


def _definition(space, budget):
    from core.search import make_study_def
    from core.spec import ModelSpec

    spec = ModelSpec.model_validate(summary["spec"])
    cfg = initial_config(summary["task"], summary["n_train"], ws.train_config, summary["spec"])
    cfg = cfg.model_copy(update={"epochs": budget.pop("epochs")})
    return make_study_def(ws.dataset, spec, cfg, space=space, **budget)


@st.cache_data(show_spinner="Timing one epoch of your model…", max_entries=16)
def _warning_for(definition_json: str, slots: int) -> str | None:
    from core.search import StudyDef, budget_warning

    return budget_warning(store, StudyDef.model_validate_json(definition_json), parallel=slots)


def _budget_warning(space, budget) -> str | None:
    """What will happen when the trials cannot all fit the time limit (before starting)."""
    try:
        definition = _definition(space, budget)
    except LayerLabError:
        return None  # the range/budget error is shown when Start is pressed
    return _warning_for(definition.model_dump_json(), runner.slots)


with st.expander("New search", expanded=not st.session_state.get("study_id")):
    from core.spec import ModelSpec

    base = initial_config(summary["task"], summary["n_train"], ws.train_config, summary["spec"])
    st.markdown("**Settings to search** (ranges start around your current model and settings)")
    space = space_form(ModelSpec.model_validate(summary["spec"]), base, summary["n_train"])
    st.markdown("**Budget and goal**")
    budget = budget_form(summary["task"])
    if budget["timeout_s"] and budget["trials"]:
        if warning := _budget_warning(space, dict(budget)):
            st.warning(warning)
    st.button("Start search", type="primary", icon=":material/travel_explore:",
              on_click=start, args=(space, budget))
    if err := st.session_state.get("search_error"):
        st.error(err)


def use_best(study_id: str) -> None:
    from core.search import best_settings

    try:
        spec, cfg = best_settings(store, study_id)
    except LayerLabError as exc:
        st.session_state["search_error"] = str(exc)
        return
    fresh = load_workspace(user())
    fresh.spec, fresh.train_config = spec, cfg.model_dump(mode="json")
    save_workspace(fresh, user())
    for key in [k for k in st.session_state if str(k).startswith("cfg_")]:
        del st.session_state[key]  # the Train form shows the new settings, not its old widgets
    st.session_state["search_used"] = study_id


@st.cache_data(show_spinner=False, max_entries=32)
def _importances(study_id: str, n_trials: int) -> dict:
    """Parameter importances of a finished study (a forest fit: worth keeping, not redoing every poll)."""
    from core.search import importances

    return importances(store, study_id)


def study_charts(s, imp: dict, done: bool) -> None:
    """Every trial's curve, settings against score, and what mattered (once there is enough)."""
    from core.plots.search import (importance_figure, parallel_coordinates_figure,
                                   trial_curves_figure)
    from core.search import importance_note, trial_curves

    names = {p.name: p.plain for p in s.definition.space}
    curves_tab, coords_tab, imp_tab = st.tabs(["Every trial's curve", "Settings vs score",
                                               "What mattered"])
    with curves_tab:
        st.plotly_chart(trial_curves_figure(trial_curves(store, s), s.objective_label),
                        width="stretch", key=f"curves_{s.id}")
        st.caption(f"The {s.objective_label} of each trial by epoch; faded dotted lines are "
                   "trials stopped early or failed, the orange line is the best trial.")
    with coords_tab:
        if any(t.value is not None for t in s.trials):
            st.plotly_chart(parallel_coordinates_figure([t.model_dump() for t in s.trials], names,
                                                        s.objective_label), key=f"coords_{s.id}")
            st.caption("One line per trial through the value of each setting it tried, ending "
                       "at its score; drag along an axis to pick out a range.")
    with imp_tab:
        if imp:
            st.plotly_chart(importance_figure(imp, names), width="stretch", key=f"imp_{s.id}")
            st.caption("How much of the differences between trials' scores each setting "
                       "explains (Optuna's fANOVA-style importance).")
        elif note := importance_note(s):
            st.info(note)
        elif not done:
            st.info("What mattered is worked out when the search ends.")


@st.fragment(run_every=2.0)
def live(study_id: str) -> None:
    from core.plots.search import best_so_far_figure
    from core.search import describe, request_stop, study_summary

    s = study_summary(store, study_id, runner)
    c = s.counts
    st.markdown(f"**{study_id}** is **{s.state}**: {c['complete']} finished, {c['pruned']} "
                f"stopped early (pruned), {c['failed']} failed, {c['running']} running. "
                f"Goal: {s.objective_label}.")
    if s.message:
        st.info(s.message)
    stop_col, use_col, _ = st.columns([1, 1, 2])
    stop_col.button("Stop search", icon=":material/stop:", disabled=s.state not in ("queued", "running"),
                    on_click=request_stop, args=(store, runner, study_id), key="search_stop")
    use_col.button("Use these settings", icon=":material/check:", disabled=s.best is None,
                   on_click=use_best, args=(study_id,), key="search_use",
                   help="Write the best trial's settings into the Train and Build pages.")
    if st.session_state.get("search_used") == study_id:
        st.success("The best trial's settings are now in the Train form and the model on Build.")
        st.page_link("views/train.py", label="Open Train", icon=":material/model_training:")
    trials = [t.model_dump() for t in s.trials]
    st.plotly_chart(best_so_far_figure(trials, s.best_so_far(), s.objective_label), width="stretch")
    st.caption("Each dot is one trial's score (grey: stopped early at that score); the orange "
               "line is the best finished trial so far.")
    done = s.state not in ("queued", "running")
    imp = _importances(study_id, len(s.trials)) if done else {}
    for line in describe(s, imp or None):
        st.markdown("- " + md(line))
    study_charts(s, imp, done)
    rows = [{"trial": t.number, "run": t.run_id, "state": t.state + (
        f" at epoch {t.pruned_epoch}" if t.pruned_epoch else "") + (
        f" ({t.status})" if t.status else ""), s.objective_label: t.value,
        **{k: v for k, v in t.params.items()}} for t in reversed(s.trials)]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.markdown("**Next:** open a trial on Evaluate, or press **Use these settings** and train "
                "the best one longer on Train.")


studies = list_studies(store)
if studies:
    if st.session_state.get("study_shown") not in studies:
        st.session_state["study_shown"] = studies[0]
    st.selectbox("Search shown", studies, key="study_shown")
    live(st.session_state["study_shown"])
else:
    st.info("No search yet. Pick the settings to search above and press **Start search**.")
