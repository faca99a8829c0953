"""Compare: two or more runs side by side: curves, scores, and what changed between them."""
import streamlit as st

from core.errors import LayerLabError
from ui.compare_views import changes, compare_table, run_label
from ui.evaluate_metrics import CHART
from ui.resources import get_store

st.title("Compare")
st.markdown(
    "Put two or more runs side by side: their learning curves on the same chart, their scores "
    "in one table, and what changed between them, in plain words."
)

store = get_store()
runs = store.list_runs()
if len(runs) < 2:
    st.info("Comparing needs at least two runs. Train another one first, for example with a "
            "different learning rate.")
    st.page_link("views/train.py", label="Go to Train", icon=":material/exercise:")
    st.stop()

by_id = {r.id: r for r in runs}
if "compare_ids" not in st.session_state:  # first visit: the URL's runs, else the two newest
    wanted = [i for i in st.query_params.get("runs", "").split(",") if i in by_id]
    if len(wanted) < 2:
        wanted += [r.id for r in runs if r.id not in wanted][: 2 - len(wanted)]
    st.session_state["compare_ids"] = wanted
selected = st.multiselect(
    "Runs to compare", list(by_id), key="compare_ids", format_func=lambda i: run_label(by_id[i]),
    help="The first run is the reference: differences and changes are measured from it.")
st.query_params["runs"] = ",".join(selected)
if len(selected) < 2:
    st.info("Pick at least two runs.")
    st.stop()

try:
    from core.audit.compare import compare_runs

    comparison = compare_runs(store, selected)
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()

st.subheader("Curves")
from core.plots.training import overlay  # noqa: E402 - plotly only once there is something to draw

epochs = {run_label(by_id[i]): comparison["curves"][i] for i in selected}  # read once, above
left, right = st.columns(2)
left.plotly_chart(overlay(epochs, "val_loss", title="Validation loss (lower is better)"),
                  config=CHART)
left.plotly_chart(overlay(epochs, "train_loss", title="Training loss (lower is better)"),
                  config=CHART)
metrics = {by_id[i].metric_name or ("r2" if by_id[i].task == "regression" else "accuracy")
           for i in selected}
if len(metrics) == 1:
    word = {"accuracy": "accuracy", "r2": "R²"}.get(metrics.pop(), "score")
    right.plotly_chart(overlay(epochs, "val_metric", title=f"Validation {word} (higher is better)"),
                       config=CHART)
    right.plotly_chart(overlay(epochs, "train_metric", title=f"Training {word} (higher is better)"),
                       config=CHART)
else:
    right.info("These runs use different scores (accuracy and R²), so only their losses are "
               "drawn together.")

st.subheader("Scores")
st.caption("Green: the best value of each row. Orange: worse than the first run. The numbers in "
           "brackets are the difference from the first run.")
st.dataframe(compare_table(comparison), width="stretch")

st.subheader("What changed")
changes(comparison)
