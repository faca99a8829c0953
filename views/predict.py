"""Predict: new rows in, the model's answer for each, how sure it is, and why."""
import streamlit as st

from core.errors import LayerLabError
from ui.predict_views import one_case, results
from ui.resources import get_store
from ui.run_views import pick_run, stop_without_runs
from ui.text import md

NO_FINISHED_RUN = "No finished run yet: predictions need a model whose training has finished."

st.title("Predict")
store = get_store()
runs = [r for r in store.list_runs() if r.status == "finished"]
stop_without_runs(runs, NO_FINISHED_RUN)
run_id = pick_run(runs, key="predict_run")


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _predictor(run_id: str):
    from core.predict import Predictor

    return Predictor(get_store(), run_id)


try:
    predictor = _predictor(run_id)
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()

needed = ", ".join(predictor.needed)
st.markdown(f"Upload new rows and get the model's answer for each, how sure it is, and the three "
            f"columns that moved it most. The file needs these columns: {md(needed)} (the "
            "target and other columns may be there and are ignored).")
st.download_button("Download a template CSV", predictor.template_csv(), f"{run_id}-template.csv",
                   "text/csv", icon=":material/description:", key="predict_template",
                   help="The header the file needs and two example rows from the test split.")

file_tab, case_tab = st.tabs(["A file of rows", "One case"])
with file_tab:
    upload = st.file_uploader("CSV of new rows", type=["csv", "tsv", "txt"], key="predict_upload",
                              help="Commas, semicolons or tabs; UTF-8, UTF-16 or Windows-1252.")
    if upload is None:
        st.caption("Upload a CSV: its rows are checked against what the model was trained on, "
                   "then predicted. Rows that cannot be predicted are listed with why.")
    else:
        try:
            with st.spinner("Checking and predicting…"):
                result = predictor.predict_csv(upload.getvalue())
        except LayerLabError as exc:
            st.error(str(exc))
        else:
            results(result, run_id)
with case_tab:
    one_case(predictor, run_id)
