"""Experiments: every run in one table (the evaluation matrix), notes, and curves side by side."""
import streamlit as st

from ui.resources import get_store
from core.errors import LayerLabError
from ui.run_views import LIVE_STATUSES, manage_run, runs_frame, stop_without_runs
from ui.search_views import study_filter

st.title("Experiments")
st.markdown(
    "Every training run on this server that you may see, one row each: who started it, what was "
    "trained, with which settings, and how well it did on the validation data. Tick **Compare** "
    "to draw runs on the same chart; write what you learned in **Notes**; tick **Private** to "
    "hide one of your runs from everyone else."
)

store = get_store()
runs = store.list_runs()
stop_without_runs(runs, "No runs yet. Train a model first.")

runs, studies = study_filter(store, runs)  # search trials: filter and label by their study
by_id = {r.id: r for r in runs}
# Ticked runs are a UI choice kept for this session and in the URL (?compare=a,b: a link or a
# reload shows the same curves); by default the newest run is shown.
if "compare" not in st.session_state:
    st.session_state["compare"] = [i for i in st.query_params.get("compare", "").split(",")
                                   if i in by_id] or [runs[0].id]
compare = {i for i in st.session_state["compare"] if i in by_id}
frame = runs_frame(runs, compare)
if studies:
    frame.insert(2, "Study", [studies.get(r.id, "") for r in runs])
col = st.column_config
edited = st.data_editor(
    frame, key="runs_table", hide_index=True, width="stretch",
    disabled=[c for c in frame.columns if c not in ("Compare", "Notes", "Private")],
    column_config={
        "Compare": col.CheckboxColumn(help="Tick to draw this run's curves below."),
        "Run": col.TextColumn(help="The run's id; everything about it is stored under it."),
        "Owner": col.TextColumn(help="Who started the run; only they (or an admin) can stop, "
                                     "delete, rename or hide it."),
        "Private": col.CheckboxColumn(help="Only you (and admins) see a private run; tick it "
                                           "on your own runs."),
        "Study": col.TextColumn(help="The search this run is a trial of, and where a trial "
                                     "stopped early (pruned) because it was doing worse."),
        "Open": col.LinkColumn(display_text="open", help="Show this run on the Train page."),
        "Status": col.TextColumn(help="Waiting, Training, Finished, Stopped, Failed or Diverged."),
        "Architecture": col.TextColumn(help="The hidden layers in order, then the output layer."),
        "Hyperparameters": col.TextColumn(
            help="Optimizer, learning rate (size of each update step) and batch size "
                 "(examples per update)."),
        "Epochs": col.TextColumn(help="Epochs done / epochs planned."),
        "Metric": col.TextColumn(help="Accuracy for classification (share correct); R² for "
                                      "regression (1 is perfect, 0 is guessing the mean)."),
        "Best validation score": col.NumberColumn(
            format="%.3f", help="Best value of the metric on validation data (higher is better)."),
        "Best validation loss": col.NumberColumn(
            format="%.4f", help="Lowest loss on validation data (lower is better)."),
        "Duration": col.TextColumn(help="Time from the start of training to its end."),
        "Node": col.TextColumn(help="The machine that trained the run (a Ray cluster node when "
                                    "LAYERLAB_RAY_ADDRESS is set, else this one)."),
        "Notes": col.TextColumn(help="Your notes; saved as you type them.", max_chars=2000),
    },
)

# Save edited notes and privacy to the store (they belong to the run, not to this browser tab);
# the store refuses changes to other people's runs (NOT_YOURS), said here instead of saved.
for row in edited.itertuples(index=False):
    try:
        if (row.Notes or "") != (by_id[row.Run].notes or ""):
            store.set_notes(row.Run, row.Notes or "")
        if bool(row.Private) != by_id[row.Run].private:
            store.set_private(row.Run, bool(row.Private))
    except LayerLabError as exc:
        st.error(str(exc))
st.session_state["compare"] = [r for r, c in zip(edited["Run"], edited["Compare"]) if c]
st.query_params["compare"] = ",".join(st.session_state["compare"])

live = [r.id for r in runs if r.status in LIVE_STATUSES]
if live:
    st.caption(f"{len(live)} run(s) still training or waiting: the curves below update by "
               "themselves; the table updates when you open this page again or press Refresh.")
    st.button("Refresh the table", icon=":material/refresh:")

manage_run(store, runs)


@st.cache_resource(max_entries=1000, show_spinner=False)
def _ended_curve(run_id: str, stamp: tuple) -> list:
    """The epoch rows of a run that has ended: they no longer change, so they are read once
    (the overlay of 20 runs of 500 epochs spent a quarter of its time re-reading them).
    `stamp` changes whenever the run does, so a changed run is read again."""
    return store.epochs(run_id)


def _stamp(run) -> tuple:
    return (run.status, run.epoch, run.duration_s, run.best_val_loss, run.name)


def _curve(run) -> list:
    if run.status in LIVE_STATUSES:
        return store.epochs(run.id)
    return _ended_curve(run.id, _stamp(run)[:-1])


@st.cache_resource(max_entries=32, show_spinner=False)
def _ended_panels(stamps: tuple, metric: str, look: str | None):
    """The overlay of runs that have all ended, built once per selection (0.1 s for 20 runs);
    `stamps` holds each run's id and state, so a renamed or changed run rebuilds it."""
    from core.plots.look import streamlit_look
    from core.plots.training import overlay_panels

    epochs = {f"{run_id} · {stamp[-1]}": _ended_curve(run_id, stamp[:-1])
              for run_id, stamp in stamps}
    return overlay_panels(epochs, _panels(metric), template=streamlit_look(look))


def _panels(metric: str) -> list:
    name = {"accuracy": "accuracy", "r2": "R²"}[metric]
    return [("val_loss", "Validation loss (lower is better)", None),
            ("val_metric", f"Validation {name} (higher is better)",
             [0, 1.02] if metric == "accuracy" else None)]


def overlay_charts(selected: list[str], polling: bool) -> None:
    from core.plots.look import streamlit_look
    from core.plots.training import overlay, overlay_panels

    if not selected:
        st.info("Tick **Compare** on one or more runs to see their curves here.")
        return
    # The table's rows are fresh on a page run; a polling tick needs the runs' new state.
    current = {i: store.get_run(i) for i in selected} if polling else {i: by_id[i] for i in selected}
    if polling and not any(r.status in LIVE_STATUSES for r in current.values()):
        st.rerun()  # all ticked runs ended: redraw the page (fresh table) and stop polling
    metrics = {current[i].metric_name or ("r2" if current[i].task == "regression" else "accuracy")
               for i in selected}
    ended = not any(r.status in LIVE_STATUSES for r in current.values())
    if len(metrics) == 1 and ended:  # read and built once per selection (see _ended_panels)
        fig = _ended_panels(tuple((i, _stamp(current[i])) for i in selected), metrics.pop(),
                            st.context.theme.type)
        # Streamlit's look comes with the figure (see core.plots.look): theme="streamlit"
        # would restyle it in the browser, a fifth of the overlay's drawing time.
        st.plotly_chart(fig, key="overlay", config={"displaylogo": False}, theme=None)
        return _overlay_caption()
    epochs = {f"{i} · {current[i].name}": _curve(current[i]) for i in selected}
    if len(metrics) == 1:
        st.plotly_chart(overlay_panels(epochs, _panels(metrics.pop()),
                                       template=streamlit_look(st.context.theme.type)),
                        key="overlay", config={"displaylogo": False}, theme=None)
    else:
        st.plotly_chart(overlay(epochs, "val_loss", title="Validation loss (lower is better)"),
                        key="overlay-loss", config={"displaylogo": False})
        st.info("The ticked runs use different metrics (accuracy and R²), so only their "
                "losses are drawn together.")
    _overlay_caption()


def _overlay_caption() -> None:
    st.caption("Validation data is never used for learning, so these curves show how well each "
               "model does on new rows. Epoch 0 is before any training.")


st.subheader("Curves")
selected = st.session_state["compare"]
# Poll only while a ticked run is still going; finished curves do not change.
polling = any(by_id[i].status in LIVE_STATUSES for i in selected)
st.fragment(overlay_charts, run_every=1.0 if polling else None)(selected, polling)
