"""Data: choose a dataset, check how LayerLab reads each column, see how it will be prepared."""
import re

import pandas as pd
import streamlit as st

from core import data as cdata
from core.data import DatasetRef
from core.errors import DataError
from core.plots import data as plots
from core.workspace import load_workspace, save_workspace
from ui.identity import user

KINDS = ["numeric", "categorical", "boolean", "id", "date", "text"]
TASKS = {"binary": "yes/no (two classes)", "multiclass": "one of several classes",
         "regression": "a number"}


def plain(text: str) -> str:
    """User text (column names, file names) shown literally: no markdown, no HTML, no LaTeX."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>$~])", r"\\\1", str(text))


@st.cache_data(max_entries=16, show_spinner="Reading the data...")
def prepared(ref_json: str):
    bundle = cdata.load(DatasetRef.model_validate_json(ref_json))
    prep = cdata.prepare(bundle)
    return bundle, prep, cdata.dataset_report(bundle, prep)


def save(ref: DatasetRef) -> None:
    ws = load_workspace(user())
    if ws.dataset != ref:
        ws.dataset = ref
        save_workspace(ws, user())
        st.rerun()


def choose_builtin(ref: DatasetRef) -> DatasetRef:
    infos = {i.name: i for i in cdata.builtin_datasets()}
    names = list(infos)
    current = ref.name if ref.source == "builtin" and ref.name in infos else "adult"
    name = st.selectbox("Dataset", names, index=names.index(current),
                        format_func=lambda n: infos[n].title)
    info = infos[name]
    st.caption(plain(info.description))
    if name != current or ref.source != "builtin":
        return cdata.default_ref(name)
    params = {}
    cols = st.columns(max(len(info.params), 1))
    for col, p in zip(cols, info.params):
        cast = int if p.kind == "int" else float
        params[p.name] = col.slider(p.label, cast(p.min), cast(p.max), cast(ref.params.get(p.name, p.default)),
                                    cast(p.step), help=p.help, key=f"p_{name}_{p.name}")
    return ref.model_copy(update={"params": params})


def choose_csv(ref: DatasetRef) -> DatasetRef:
    upload = st.file_uploader("Upload a CSV file (comma, semicolon or tab separated)", type=["csv", "tsv", "txt"])
    if upload is not None and st.session_state.get("ingested") != upload.file_id:
        try:
            new = cdata.ingest_csv(upload.getvalue(), upload.name)
        except DataError as exc:
            st.error(plain(exc))
            st.stop()
        st.session_state["ingested"] = upload.file_id
        return new
    if ref.source != "csv":
        st.info("Upload a CSV file: one row per example, one column per field, with a header row.")
        st.stop()
    st.caption(f"Using your file {plain(ref.name)}.")
    return ref


def column_choices(bundle, ref: DatasetRef, key: str) -> DatasetRef:
    """Target, task, sensitive columns and per-column kinds, as the user corrects them."""
    names = list(bundle.frame.columns)
    c1, c2 = st.columns(2)
    target = c1.selectbox("Column to predict (target)", names, index=names.index(bundle.target), key=f"t_{key}")
    task = c2.selectbox("The model predicts", list(TASKS), index=list(TASKS).index(bundle.task),
                        format_func=TASKS.get, key=f"task_{key}_{target}")
    c1, c2 = st.columns(2)
    sensitive = c1.multiselect("Sensitive columns for the fairness checks (at most 2)",
                               [n for n in names if n != target], default=bundle.sensitive,
                               max_selections=2, key=f"s_{key}")
    include = c2.toggle("Include sensitive columns as model inputs", value=ref.include_sensitive,
                        key=f"i_{key}", help="Off: the model never sees them; they are only used to check fairness.")
    st.markdown("**Columns**: correct a column's kind, or untick *use* to leave it out.")
    table = pd.DataFrame([{"column": c.name, "kind": c.kind, "looked like": c.inferred_kind,
                           "use": c.name not in ref.exclude, "note": c.note, "missing": c.n_missing,
                           "distinct": c.n_unique, "examples": ", ".join(c.examples)} for c in bundle.columns])
    edited = st.data_editor(table, hide_index=True, key=f"k_{key}",
                            disabled=["column", "looked like", "missing", "distinct", "examples", "note"],
                            column_config={"kind": st.column_config.SelectboxColumn(options=KINDS, required=True),
                                           "use": st.column_config.CheckboxColumn()})
    rows = edited.to_dict("records")
    kinds = {r["column"]: r["kind"] for r in rows if r["kind"] != r["looked like"]}
    exclude = [r["column"] for r in rows if not r["use"] and r["column"] != target]
    changed_target = target != bundle.target
    return ref.model_copy(update={
        "target": target, "task": None if changed_target else task, "kinds": kinds, "exclude": exclude,
        "sensitive": [s for s in sensitive if s != target], "include_sensitive": include})


def show_data(bundle, prep, report) -> None:
    st.subheader("How the data will be prepared")
    for note in bundle.notes:
        st.caption(plain(note))
    baseline = [s for s in prep.report if s.startswith("Always")]
    for sentence in prep.report:
        if sentence not in baseline:
            st.markdown(f"- {plain(sentence)}")
    left, right = st.columns(2)
    with left:
        if report["class_counts"]:
            st.plotly_chart(plots.class_balance(report["class_counts"], f"Rows per class of {bundle.target}"))
        for sentence in baseline:
            st.info(plain(sentence))
    with right:
        frame = bundle.frame
        if bundle.modality == "image":
            X = frame.drop(columns=bundle.target).to_numpy()[:10].reshape(-1, *bundle.sample_shape)
            st.plotly_chart(plots.image_grid(X, frame[bundle.target].astype(str)[:10]))
        elif bundle.modality == "sequence":
            X = frame.drop(columns=bundle.target).to_numpy()[:200]
            st.plotly_chart(plots.sequence_examples(X, frame[bundle.target].astype(str)[:200]))
        elif {"x1", "x2"} <= set(frame.columns) and len(frame.columns) == 3:
            st.plotly_chart(plots.scatter_2d(frame, "x1", "x2", bundle.target))
    st.subheader("First rows")
    st.dataframe(bundle.frame.head(20), hide_index=True)


st.title("Data")
st.markdown("Choose the data your model will learn from, check how LayerLab reads each column, "
            "and see how the data is prepared before training.")
ref = load_workspace(user()).dataset
if ref == DatasetRef():  # first visit: Adult with its usual sensitive columns
    ref = cdata.default_ref("adult")
source = st.radio("Data source", ["A built-in dataset", "My own CSV file"], horizontal=True,
                  index=int(ref.source == "csv"))
base = choose_builtin(ref) if source == "A built-in dataset" else choose_csv(ref)
save(base)
key = f"{base.name}_{base.path}"
try:
    bundle, prep, report = prepared(base.model_dump_json())
except DataError as exc:
    st.error(plain(exc))
    if st.button("Undo my column choices"):
        save(cdata.default_ref(base.name) if base.source == "builtin"
             else DatasetRef(source="csv", name=base.name, path=base.path))
    st.stop()
st.caption(f"{report['rows']:,} rows, {len(bundle.columns)} columns.")
if bundle.modality == "tabular":
    save(column_choices(bundle, base, key))
else:  # pixel / time-step columns: nothing a person would want to retype one by one
    shape = bundle.sample_shape
    what = f"an image of {shape[1]}x{shape[2]} pixels" if len(shape) == 3 else f"a sequence of {shape[0]} steps"
    st.caption(f"Each row is {what}; the model predicts '{plain(bundle.target)}' ({TASKS[bundle.task]}).")
show_data(bundle, prep, report)
st.divider()
st.page_link("views/build.py", label="Next: build a model for this data", icon=":material/layers:")
