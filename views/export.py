"""Export: take a finished model out of LayerLab as files that work without it."""
import streamlit as st

from core.audit.progress import audit_state, submit_audit
from core.audit.records import AuditKind, JobState
from core.errors import LayerLabError
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store
from ui.run_views import pick_network_run

NO_FINISHED_RUN = "No finished run yet: a model can be exported once its training has finished."
EXPORT_FAILED = "The export did not finish."
FORMATS = {"all": "Everything", "onnx": "ONNX pipeline only",
           "pt2": "PyTorch program only", "safetensors": "Weights and JSON only",
           "script": "Retraining script only"}
# What each file is, shown beside it (README.md in the download says how to load each).
FILE_MEANING = {
    "model.onnx": "The whole model in one file: raw columns in, probabilities (or values) out. "
                  "Runs in onnxruntime from Python, C#, Java, JavaScript and more.",
    "model.pt2": "The network as a PyTorch program (torch.export): takes the model's inputs "
                 "after preprocessing.",
    "weights.safetensors": "The network's weights only (safe to open: no code runs on load).",
    "spec.json": "The layers, as on the Build page.",
    "config.json": "The training settings this run used.",
    "preprocessing.json": "How raw rows became model inputs: medians, means, scales, categories.",
    "reproduce.py": "A plain Python script (PyTorch + scikit-learn) that retrains this run from "
                    "data.csv and prints its test score: proof of how it was made.",
    "data.csv": "The table the run was trained on, as LayerLab read it (for reproduce.py).",
    "reproduce.json": "The split (seed and fractions) and target reproduce.py uses.",
    "manifest.json": "Every file, the check's numbers and the library versions.",
    "README.md": "How to load each file, with a three-line example.",
}

st.title("Export")
st.markdown("Take a trained model out of LayerLab: a file that answers like LayerLab on new rows, "
            "checked against LayerLab's own answers before you get it.")

store, runner = get_store(), get_runner()
run_id, runs = pick_network_run(store, audit="an export", empty=NO_FINISHED_RUN, key="export_run")


def _start(run_id: str, formats: str) -> None:
    try:
        submit_audit(store, runner, run_id, "export", {"formats": formats}, kind=AuditKind.EXPORT)
        st.session_state.pop("export_error", None)
    except LayerLabError as exc:
        st.session_state["export_error"] = str(exc)


def _show(rec) -> None:
    from core.export import zip_folder
    from core.export.jobs import export_folder

    result = rec.result or {}
    if result.get("sentence"):
        st.success(result["sentence"], icon=":material/verified:")
    if result.get("skipped"):
        st.info(result["skipped"])
    folder = export_folder(run_id)
    if not folder.exists():
        st.info("The exported files are gone from LayerLab's folder; export again.")
        return
    st.markdown("**What you get**")
    st.table({"file": result.get("files", []),
              "what it is": [FILE_MEANING.get(f, "") for f in result.get("files", [])]})
    st.download_button("Download the files (zip)", zip_folder(folder), f"{run_id}-export.zip",
                       "application/zip", type="primary", icon=":material/download:",
                       key="export-download")
    st.caption("Next: open README.md in the zip; its example loads model.onnx and predicts one row.")


rec = audit_state(store, runner, run_id, AuditKind.EXPORT)
with st.container(border=True):
    left, right = st.columns([2, 1])
    formats = left.radio("What to export", list(FORMATS), format_func=FORMATS.get,
                         key="export_formats", horizontal=True,
                         help="ONNX holds preprocessing and network together; the weights and "
                              "JSON let you rebuild the model in PyTorch.")
    right.button("Export", key="export-start", type="primary", icon=":material/output:",
                 disabled=bool(rec and rec.active), on_click=_start, args=(run_id, formats))
    if err := st.session_state.get("export_error"):
        st.error(err)
    job_panel(store, runner, run_id, AuditKind.EXPORT, failed_text=EXPORT_FAILED,
              on_done=_show, cancellable=False)

if rec is None or rec.state is not JobState.DONE:
    st.caption("Press Export: converting and checking takes a few seconds, in the background.")
