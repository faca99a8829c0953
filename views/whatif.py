"""What if: change one row and see the answer change; the smallest changes that flip it; the
kinds of rows the model gets wrong most often; and how hard a rejection is to flip per group."""
import streamlit as st

from core.audit.errors import error_grid
from core.audit.whatif import compare, counterfactuals, default_locks, sensitive_flip
from core.errors import LayerLabError
from core.plots.errors import cohort_figure, grid_figure, tree_figure
from ui import whatif_views as wv
from ui.resources import get_runner, get_store
from ui.run_views import NO_TRAINED_MODEL, pick_run, stop_without_runs
from ui.text import md

st.title("What if")
st.markdown(
    "Pick a test row, change its values and see whether the model's answer changes; ask for the "
    "**smallest changes that flip it**; see **on which kinds of rows the model fails most**; and "
    "compare **how hard a rejection is to flip** for each sensitive group.")

store = get_store()
runs = [r for r in store.list_runs() if r.status == "finished"]
stop_without_runs(runs, NO_TRAINED_MODEL)
run_id = pick_run(runs, key="whatif_run")


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _space(run_id: str):
    from core.audit.whatif import EditSpace
    from core.trained import load_trained

    return EditSpace(load_trained(get_store(), run_id))


@st.cache_resource(show_spinner="Preparing the SHAP explainer…", max_entries=4)
def _explainer(run_id: str):
    """The run's SHAP explainer, chosen once; each edit then explains two rows (~0.1 s)."""
    from core.audit.whatif import RowExplainer

    try:
        return RowExplainer(_space(run_id))
    except LayerLabError as exc:
        return str(exc)


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
edit_tab, errors_tab, groups_tab = st.tabs(["Edit a row", "Where it fails", "By group"])
with edit_tab:
    start = st.radio("Start from", ["A test row", "The typical row"], horizontal=True,
                     key=f"whatif_start_{run_id}",
                     help="The typical row is made up: the median of every number and the most "
                          "common category of the training rows.")
    if start == "A test row":
        row = int(st.number_input(f"Test row (0 to {n_test - 1})", 0, n_test - 1, key="whatif_row",
                                  help="A row of the test split: the model never trained on it."))
        base = space.row(row)
    else:
        row, base = None, space.typical_row()
    st.caption("Change any value: categories are those seen in training, numbers stay within the "
               "training range. The prediction and the SHAP bars update as you go.")
    with st.container(border=True):
        changes = wv.editor(space, base, run_id, "typical" if row is None else row)
    result = compare(space, base, changes, row)
    wv.predictions(result)
    wv.waterfalls(space, _explainer(run_id), base, result)

    if row is None:
        st.caption("Counterfactuals and the sensitive flip start from a real test row: choose "
                   "'A test row' above.")
    else:
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
                "their columns, so that the rows the model gets wrong fall together. Click a group "
                "in either chart to see its rows.")
    st.info(result["summary"])
    pick_key = f"whatif_cohort_{run_id}"
    tree_event = st.plotly_chart(tree_figure(result), width="stretch", on_select="rerun",
                                 selection_mode="points", key=f"whatif_tree_{run_id}")
    st.caption("The tree: each dot is a group of rows (bigger: more rows; redder: more often "
               "wrong); the numbered dots at the bottom are the groups listed below.")
    bar_event = st.plotly_chart(cohort_figure(result), width="stretch", on_select="rerun",
                                selection_mode="points", key=f"whatif_bars_{run_id}")
    wv.follow_click(pick_key, tree_event, bar_event)
    st.dataframe(wv.cohort_frame(result), hide_index=True, width="stretch")
    names = [f"#{i}: {c['condition']}" for i, c in enumerate(result["cohorts"], 1)]
    pick = st.selectbox("See the rows of a group", range(len(names)), format_func=names.__getitem__,
                        key=pick_key)
    cohort = result["cohorts"][pick]
    st.caption(f"Rows of {md(names[pick])} ({cohort['n']:,} rows, first 500 shown); the row "
               "number opens it in the editor on the first tab.")
    frame = space.test_frame().iloc[cohort["rows"]][list(space.columns)]
    st.dataframe(frame.rename_axis("row").head(500), width="stretch")
    left, right = st.columns([3, 1])
    chosen = left.selectbox("Row of this group", cohort["rows"][:500], key=f"whatif_pick_{run_id}")
    right.button("Open in the editor", on_click=wv.open_row, args=(run_id, chosen),
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

with groups_tab:
    wv.groups_section(store, get_runner(), run_id, space)
