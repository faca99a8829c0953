"""Train: choose how the model learns, start a run, watch its curves live, stop it."""
import logging

import streamlit as st

from core.errors import LayerLabError
from core.workspace import load_workspace, save_workspace
from ui.identity import user
from ui.resources import get_runner, get_store
from ui.run_views import explain_url_run, live_run
from ui.text import md
from ui.train_form import (config_form, defaults_explained, initial_config, lr_is_extreme,
                           workspace_summary)

st.title("Train")
st.markdown(
    "Choose how the network learns, press **Train**, and watch the loss fall while it learns. "
    "Training runs in the background: you can change pages or close the tab and come back."
)


ws = load_workspace(user())
try:
    summary = workspace_summary(ws.dataset.model_dump_json(),
                                ws.spec.model_dump_json() if ws.spec else None)
except LayerLabError as exc:
    st.error(str(exc))
    summary = None
except Exception as exc:  # noqa: BLE001 - a broken dataset must not hide the runs below
    logging.getLogger(__name__).exception("workspace summary failed")
    st.error(f"LayerLab could not read the chosen dataset or model ({type(exc).__name__}: {exc}). "
             "Pick them again on the Data and Build pages.")
    summary = None

with st.container(border=True):
    if summary:
        st.markdown(f"**{md(summary['title'])}** · {md(summary['spec_name'])} "
                    f"({md(summary['arch'])}) · {summary['params']:,} parameters to learn · "
                    f"{summary['rows']:,} rows ({summary['n_train']:,} used for training)")
        if summary["errors"]:
            st.error("This model does not fit the data yet: " + " ".join(summary["errors"]))
    link_data, link_build, _ = st.columns([1, 1, 3])
    link_data.page_link("views/data.py", label="Change data", icon=":material/table_chart:")
    link_build.page_link("views/build.py", label="Change model", icon=":material/layers:")

store, runner = get_store(), get_runner()


def start_training(cfg) -> None:
    """Button callback (runs before the page), so the new run can become the shown one."""
    from core.spec import ModelSpec
    from core.train import submit_training

    try:
        spec = ModelSpec.model_validate(summary["spec"])
        run_id = submit_training(store, runner, ws.dataset, spec, cfg)
    except LayerLabError as exc:
        st.session_state["train_error"] = str(exc)
        return
    st.session_state.pop("train_error", None)
    st.session_state["run_id"] = run_id


form_col, run_col = st.columns([1, 2], gap="large")
with form_col:
    st.subheader("Settings")
    cfg = None
    if summary:
        base = initial_config(summary["task"], summary["n_train"], ws.train_config,
                              summary["spec"])  # issue 12: defaults depend on the model kind
        cfg = config_form(summary["task"], base)
        defaults_explained(summary["task"], summary["n_train"], summary["spec"], cfg or base)
        if cfg is not None:
            if warning := lr_is_extreme(cfg.lr):
                st.warning(warning)
            if cfg.model_dump(mode="json") != ws.train_config:
                ws.train_config = cfg.model_dump(mode="json")  # kept for the next visit
                save_workspace(ws, user())
    st.button("Train", type="primary", icon=":material/model_training:", disabled=cfg is None, width="stretch",
              on_click=start_training, args=(cfg,),
              help="Start a new run with these settings; earlier runs are kept.")
    if err := st.session_state.get("train_error"):
        st.error(err)

with run_col:
    runs = store.list_runs(limit=200)
    ids = [r.id for r in runs]
    by_id = {r.id: r for r in runs}
    # The shown run: the session's choice, else the URL's (so a reload re-attaches), else newest.
    wanted = st.session_state.get("run_id") or st.query_params.get("run")
    explain_url_run(wanted if wanted not in by_id else None)
    if wanted not in by_id:
        wanted = ids[0] if ids else None
    if wanted is None:
        st.info("No runs yet. Choose the settings and press **Train**; the curves appear here.")
    else:
        st.session_state["run_id"] = wanted
        st.selectbox(
            "Run shown", ids, key="run_id",
            format_func=lambda i: f"{i} · {by_id[i].name}",
            help="Every run is kept; pick an earlier one to see its curves.")
        st.query_params["run"] = st.session_state["run_id"]
        live_run(st.session_state["run_id"])
        st.markdown("**Next:** see how good this run is and why, whom it treats unfairly, or "
                    "compare it with the others.")
        shown = {"run": st.session_state["run_id"]}
        ev_col, fair_col, exp_col = st.columns(3)
        ev_col.page_link("views/evaluate.py", label="Evaluate this run", icon=":material/fact_check:",
                         query_params=shown)
        fair_col.page_link("views/fairness.py", label="Check fairness", icon=":material/balance:",
                           query_params=shown)
        exp_col.page_link("views/experiments.py", label="Compare all runs", icon=":material/science:")
