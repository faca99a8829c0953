"""Compress: make a trained network smaller (pruning) or its file lighter (int8), as new runs."""
import streamlit as st

from core.audit.progress import audit_state, submit_audit
from core.audit.records import AuditKind
from core.errors import LayerLabError
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store
from ui.run_views import pick_network_run

NO_FINISHED_RUN = "No finished run yet: a model can be compressed once its training has finished."
PRUNE_FAILED = "Pruning did not finish."
QUANTIZE_FAILED = "Quantization did not finish."
# What each row of the before/after tables means, shown beside the numbers.
MEANING = {"params": "weights and biases the network holds (fewer: less memory, less arithmetic)",
           "bytes": "size of the file you would ship",
           "metric": "share of test rows answered right (R² for numbers)",
           "ms_batch_1": "time for one row, one call (ms; an app answering one user)",
           "ms_batch_256": "time for 256 rows in one call (ms; scoring a table)"}
LABELS = {"params": "Parameters", "bytes": "File size (KB)", "metric": "Test score",
          "ms_batch_1": "Latency, batch 1 (ms)", "ms_batch_256": "Latency, batch 256 (ms)"}

st.title("Compress")
st.markdown("Make a trained model smaller: remove its least important units and fine-tune it, "
            "or store its exported file's weights as 8-bit integers. Each result is a new run "
            "linked to the one you pick, with the numbers before and after.")

store, runner = get_store(), get_runner()
run_id, runs = pick_network_run(store, audit="compression", empty=NO_FINISHED_RUN,
                                key="compress_run")


def _start(job: str, args: dict) -> None:
    try:
        submit_audit(store, runner, run_id, job, args, kind=job)
        st.session_state.pop(f"{job}_error", None)
    except LayerLabError as exc:
        st.session_state[f"{job}_error"] = str(exc)


def _value(key: str, value) -> str:
    if value is None:
        return "not measured"
    if key == "bytes":
        return f"{value / 1024:,.1f}"
    if key == "params":
        return f"{value:,}"
    return f"{value:.3f}" if key != "metric" else f"{value:.4f}"


def _table(result: dict, keys: list[str]) -> None:
    b, a = result["before"], result["after"]
    st.table({"": [LABELS[k] for k in keys], "before": [_value(k, b.get(k)) for k in keys],
              "after": [_value(k, a.get(k)) for k in keys],
              "what it means": [MEANING[k] for k in keys]})


def _show(rec, keys: list[str], sentences_of) -> None:
    result = rec.result or {}
    if not result:
        return
    _table(result, keys)
    for line in sentences_of(result):
        st.markdown(f"- {line}")
    st.caption(f"The result is run {result['child_id']}: open it on the Experiments page, "
               "or export it from the Export page.")


prune_tab, quant_tab = st.tabs(["Prune units", "Quantize to int8"])
with prune_tab:
    from core.compress import prune_sentences

    rec = audit_state(store, runner, run_id, AuditKind.PRUNE)
    left, mid, right = st.columns([2, 2, 1])
    fraction = left.slider("Share of units to remove from each layer", 0.1, 0.9, 0.3, 0.1,
                           key="prune_fraction",
                           help="Units whose weights matter least (in and out) go first.")
    epochs = mid.number_input("Fine-tuning epochs", 1, 100, 3, key="prune_epochs",
                              help="Short retraining so the remaining units take over.")
    right.button("Prune", key="prune-start", type="primary", icon=":material/content_cut:",
                 disabled=bool(rec and rec.active), on_click=_start,
                 args=("prune", {"fraction": float(fraction), "finetune_epochs": int(epochs)}))
    if err := st.session_state.get("prune_error"):
        st.error(err)
    job_panel(store, runner, run_id, AuditKind.PRUNE, failed_text=PRUNE_FAILED,
              on_done=lambda r: _show(r, ["params", "bytes", "metric"], prune_sentences))

with quant_tab:
    rec = audit_state(store, runner, run_id, AuditKind.QUANTIZE)
    st.button("Quantize", key="quantize-start", type="primary", icon=":material/compress:",
              disabled=bool(rec and rec.active), on_click=_start, args=("quantize", {}))
    if err := st.session_state.get("quantize_error"):
        st.error(err)
    job_panel(store, runner, run_id, AuditKind.QUANTIZE, failed_text=QUANTIZE_FAILED,
              on_done=lambda r: _show(r, ["bytes", "ms_batch_1", "ms_batch_256", "metric"],
                                      lambda res: res.get("sentences", [])))
    st.caption("On small networks int8 is often no faster; the result says so when it is not.")
