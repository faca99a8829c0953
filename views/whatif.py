"""What if: change one row and see the answer change; the smallest changes that flip it; and the
kinds of rows the model gets wrong most often."""
import streamlit as st

from core.audit.whatif import compare, counterfactuals, default_locks, sensitive_flip
from core.errors import LayerLabError
from core.audit.errors import error_grid
from core.plots.errors import cohort_figure, grid_figure
from ui import whatif_views as wv
from ui.resources import get_store
from ui.run_views import NO_TRAINED_MODEL, pick_run, stop_without_runs
from ui.text import md

st.title("What if")
st.markdown(
    "Pick a test row, change its values and see whether the model's answer changes; ask for the "
    "**smallest changes that flip it**; and see **on which kinds of rows the model fails most**.")

store = get_store()
runs = [r for r in store.list_runs() if r.status == "finished"]
stop_without_runs(runs, NO_TRAINED_MODEL)
run_id = pick_run(runs, key="whatif_run")


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _space(run_id: str):
    from core.audit.whatif import EditSpace
    from core.trained import load_trained

    return EditSpace(load_trained(get_store(), run_id))


@st.cache_data(show_spinner="Growing the error tree…", max_entries=8)
def _errors(run_id: str) -> dict:
    from core.audit.errors import error_analysis

    return error_analysis(get_store(), run_id, model=_space(run_id).model)


try:
    space = _space(run_id)
except LayerLabError as exc:
    st.info(str(exc))
    st.stop()

n_test = len(space.data.idx_test)
edit_tab, errors_tab = st.tabs(["Edit a row", "Where it fails"])
with edit_tab:
    row = int(st.number_input(f"Test row (0 to {n_test - 1})", 0, n_test - 1, key="whatif_row",
                              help="A row of the test split: the model never trained on it."))
    base = space.row(row)
    st.caption("Change any value: categories are those seen in training, numbers stay within the "
               "training range. The prediction updates as you go.")
    with st.container(border=True):
        changes = wv.editor(space, base, run_id, row)
    wv.predictions(compare(space, base, changes, row))

    left, right = st.columns(2)
    with left:
        st.subheader("Smallest changes that flip it")
        lockable = space.inputs + [c for c in space.sensitive if c not in space.inputs]
        locked = st.multiselect("Columns that must not change", lockable, default=default_locks(space),
                                key=f"whatif_locks_{run_id}",
                                help="Sensitive columns always stay locked; age-like ones are locked "
                                     "by default because a person cannot change them.")
        if st.button("Find counterfactuals", type="primary", icon=":material/alt_route:"):
            unlock = [c for c in default_locks(space) if c not in locked and c not in space.sensitive]
            try:
                st.session_state["whatif_cf"] = (run_id, row, counterfactuals(
                    store, run_id, row, count=3, lock=locked, unlock=unlock, model=space.model))
            except LayerLabError as exc:
                st.error(str(exc))
    with right:
        st.subheader("Only the sensitive attribute changed")
        if not space.sensitive:
            st.caption("This run has no sensitive column (choose one on the Data page).")
        elif st.button("Flip the sensitive attribute", icon=":material/swap_horiz:"):
            flip = sensitive_flip(store, run_id, row, model=space.model)
            if flip["note"]:
                st.warning(flip["note"])
            for res in flip["results"]:
                st.markdown(md(res["sentence"]))
    saved = st.session_state.get("whatif_cf")
    if saved and saved[:2] == (run_id, row):
        wv.counterfactuals_view(saved[2])

with errors_tab:
    result = _errors(run_id)
    st.markdown(f"A shallow decision tree split the {result['n_rows']:,} test rows into groups by "
                "their columns, so that the rows the model gets wrong fall together.")
    st.info(result["summary"])
    st.plotly_chart(cohort_figure(result), width="stretch")
    st.dataframe(wv.cohort_frame(result), hide_index=True, width="stretch")
    names = [f"#{i}: {c['condition']}" for i, c in enumerate(result["cohorts"], 1)]
    pick = st.selectbox("See the rows of a group", range(len(names)), format_func=names.__getitem__,
                        key=f"whatif_cohort_{run_id}")
    cohort = result["cohorts"][pick]
    st.caption(f"Rows of {md(names[pick])} ({cohort['n']:,} rows, first 500 shown); the row "
               "number opens it in the editor on the first tab.")
    frame = space.test_frame().iloc[cohort["rows"]][list(space.columns)]
    st.dataframe(frame.rename_axis("row").head(500), width="stretch")
    left, right = st.columns([3, 1])
    chosen = left.selectbox("Row of this group", cohort["rows"][:500], key=f"whatif_pick_{run_id}")
    right.button("Open in the editor", on_click=st.session_state.update, kwargs={"whatif_row": chosen},
                 help="Sets the row of the 'Edit a row' tab; switch to it to change the row.")

    st.subheader("Error rate over two columns")
    cols = list(space.columns)
    left, right = st.columns(2)
    # Default: the first number across and the first category down (else the next column).
    kinds = [space.columns[c].kind for c in cols]
    down = next((i for i, k in enumerate(kinds) if i and k == "categorical"), min(1, len(cols) - 1))
    x = left.selectbox("Across", cols, index=0, key=f"whatif_gx_{run_id}")
    y = right.selectbox("Down", cols, index=down, key=f"whatif_gy_{run_id}")
    try:
        st.plotly_chart(grid_figure(error_grid(store, run_id, x, y, model=space.model)), width="stretch")
    except LayerLabError as exc:
        st.warning(str(exc))
    st.caption("Next: open a row of the worst group in the editor, ask what would flip it, and "
               "see on the Fairness page whether these groups line up with a sensitive attribute.")
