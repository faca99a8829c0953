"""`quantize_run`: int8 dynamic quantization of the exported ONNX file, measured honestly.

The run's checked ONNX export (the whole pipeline for tables) is quantized with
onnxruntime's `quantize_dynamic` (weights stored as int8, activations quantized on the fly).
Both files are then measured the same way: size on disk, median latency of one call at
batch 1 and at batch 256 (same session options), and the test metric from the file's own
outputs. On small networks int8 is often slower (the conversions cost more than the smaller
matrix products save) and the file barely shrinks (preprocessing tables and graph structure
do not quantize); the sentences say so when it happens.

The result is a child run (kind "quantized") whose record holds the int8 file; its own
network checkpoint is the float one the file was made from, so LayerLab's pages that
evaluate networks show the float model, and its test metric is the int8 file's.
"""
from __future__ import annotations

import logging
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from core.compress._prune import COMPRESSION_KIND

QUANTIZED_RUN = "quantized"  # the run kind of a quantized child (not an audit kind)
LATENCY_REPEATS = {1: 200, 256: 30}


def quantized_folder(run_id: str) -> Path:
    from core import settings

    return settings.home() / "compressed" / run_id


def _session(path: Path):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # one thread for both files: latency, not parallelism
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _batch(feed: dict, n: int) -> dict:
    rows = len(next(iter(feed.values())))
    idx = np.arange(n) % rows
    return {k: v[idx] for k, v in feed.items()}


def latency_ms(session, feed: dict, batch: int, repeats: int) -> float:
    """Median milliseconds of one call on `batch` rows (after two warm-up calls)."""
    x = _batch(feed, batch)
    for _ in range(2):
        session.run(None, x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        session.run(None, x)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def file_metric(session, feed: dict, data) -> float | None:
    """Accuracy (or R²) of the file's own outputs on the test rows."""
    out = session.run(None, feed)
    if data.task == "regression":
        y = data.y_test.astype(np.float64)
        ss = float(((y - y.mean()) ** 2).sum())
        return 1.0 - float(((out[0].reshape(-1) - y) ** 2).sum()) / ss if ss > 0 else None
    return float((np.asarray(out[1]).reshape(-1) == data.y_test).mean())


def measure(path: Path, feed: dict, data) -> dict:
    session = _session(path)
    return {"bytes": path.stat().st_size, "metric": file_metric(session, feed, data),
            **{f"ms_batch_{b}": latency_ms(session, feed, b, r) for b, r in LATENCY_REPEATS.items()}}


def quantize_run(store, run_id: str, on_progress=None, user: str | None = None) -> dict:
    """Quantize the run's ONNX file to int8; {parent_id, child_id, before, after, sentences}.
    The child run is `user`'s, the person who asked (core.runs.access.child_owner)."""
    from core.compress._checks import compressible_model

    model = compressible_model(store, run_id)
    parent = model.run
    child = _create_child(store, parent, user)
    try:
        return _quantize(store, model, child, on_progress)
    except Exception as exc:
        store.set_status(child, "failed", error=str(exc))  # no half-made child left queued
        raise


def _quantize(store, model, child: str, on_progress) -> dict:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from core.compress._words import quantize_sentences
    from core.export import export_run, test_inputs

    parent = model.run
    folder = quantized_folder(child)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = export_run(store, parent.id, folder, "onnx")  # checked against LayerLab first
    float_path, int8_path = folder / "model.onnx", folder / "model.int8.onnx"
    if on_progress:
        on_progress(0.3, "Quantizing the weights to int8…")
    _prepare_for_quantizer(float_path)
    with _quiet_root():
        # The preprocessing ops (ai.onnx.ml) stop type inference; every tensor past them is float.
        quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": 1})  # 1 = TensorProto.FLOAT
    feed = test_inputs(model, manifest["formats"]["onnx"]["inputs"])
    if on_progress:
        on_progress(0.5, "Measuring size, speed and accuracy of both files…")
    before, after = measure(float_path, feed, model.data), measure(int8_path, feed, model.data)
    metric = parent.metric_name or ("r2" if model.task == "regression" else "accuracy")
    result = {"parent_id": parent.id, "child_id": child, "metric": metric, "before": before,
              "after": after, "file": str(int8_path), "rows": int(len(model.data.y_test))}
    result["sentences"] = quantize_sentences(result)
    store.update_run(child, checkpoint_path=parent.checkpoint_path,
                     test_metrics={metric: after["metric"]})
    store.save_audit(child, COMPRESSION_KIND, {"method": "quantize", **result})
    store.set_status(child, "finished")
    return result


def _prepare_for_quantizer(path: Path) -> None:
    """onnx.compose.merge_models lists the default domain once per joined graph; the quantizer
    wants each domain once (the highest version, which both graphs were written for)."""
    import onnx

    proto = onnx.load(str(path))
    best: dict[str, int] = {}
    for o in proto.opset_import:
        best[o.domain] = max(best.get(o.domain, 0), o.version)
    # The merged graph keeps value_info entries that shape inference (which the quantizer runs)
    # finds inconsistent after the join; without them it infers every shape itself.
    del proto.graph.value_info[:]
    del proto.opset_import[:]
    proto.opset_import.extend(onnx.helper.make_opsetid(d, v) for d, v in best.items())
    onnx.save(proto, str(path))


@contextmanager
def _quiet_root():
    """The quantizer logs advice on the root logger ("consider pre-processing") that a LayerLab
    user cannot act on; the measurements after it say what matters."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _create_child(store, parent, user: str | None) -> str:
    from core.runs.access import child_owner, requester

    child = store.create_run(
        **child_owner(parent, requester(store, user)),
        name=f"{parent.name} · int8 ONNX", kind=QUANTIZED_RUN, dataset=parent.dataset,
        dataset_hash=parent.dataset_hash, spec=parent.spec, config=parent.config,
        task=parent.task, parent_id=parent.id)
    store.update_run(child, preprocessing=list(parent.preprocessing), seed=parent.seed,
                     metric_name=parent.metric_name)
    store.set_notes(child, f"The ONNX file of run {parent.id} with its weights stored as int8 "
                           "(dynamic quantization). LayerLab's pages show the float network it "
                           "was made from; the int8 file is on the Compress page.")
    return child
