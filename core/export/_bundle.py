"""`export_run`: a finished run's files in a folder (ONNX, safetensors + JSON, README, manifest)."""
from __future__ import annotations

import io
import json
import logging
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path

from core.errors import LayerLabError
from core.export._checks import UNKNOWN_FORMAT, check_exportable, check_finished

FORMATS = ("onnx", "pt2", "safetensors", "script")


def parse_formats(fmt: str) -> tuple[str, ...]:
    """'all', one format or a comma list -> the formats to write (UNKNOWN_FORMAT otherwise)."""
    if fmt == "all":
        return FORMATS
    chosen = tuple(f.strip() for f in fmt.split(",") if f.strip())
    for f in chosen or (fmt,):
        if f not in FORMATS:
            raise LayerLabError(UNKNOWN_FORMAT.format(fmt=f, known=", ".join(FORMATS)))
    return chosen


def exportable_model(store, run_id: str):
    """The run as a TrainedModel, or a `LayerLabError` saying why it cannot be exported."""
    from core.trained import load_trained

    run = store.get_run(run_id)  # NO_SUCH_RUN for an unknown id
    check_finished(run)
    model = load_trained(store, run)
    check_exportable(model)
    return model


def _examples(model, layout: list[dict]) -> list[dict]:
    """The layout with the first test row's value of each column (for the README example)."""
    from core.export._check import test_inputs

    feed = test_inputs(model, layout)
    out = []
    for col in layout:
        value = feed[col["name"]][0, 0] if col["kind"] != "array" else None
        if col["kind"] == "numeric":
            value = float(value)
        out.append({**col, "example": value} if value is not None else dict(col))
    return out


def _write_onnx(model, out: Path) -> dict:
    from core.export._check import check_onnx, check_sentence
    from core.export._onnx import OUTPUT_NAMES, pipeline_onnx

    proto, layout = pipeline_onnx(model)
    data = proto.SerializeToString()
    check = check_onnx(data, model, layout)  # raises before anything is written
    (out / "model.onnx").write_bytes(data)
    return {"file": "model.onnx", "inputs": _examples(model, layout),
            "outputs": list(OUTPUT_NAMES[model.task]), "check": check,
            "check_sentence": check_sentence(check)}


@contextmanager
def _quiet_exporters():
    """The exporters' own notices (torch's deprecations, "torchvision is not installed") say
    nothing a LayerLab user can act on; the checks after each export say what matters."""
    import torch.onnx  # noqa: F401 - creates its loggers now, so their levels can be set below

    # torch configures its sub-loggers with their own levels: set each, then put them back.
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)
               if n == "torch" or n.startswith("torch.")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def export_run(store, run_id: str, out_dir, formats=FORMATS) -> dict:
    """Write the run's files into `out_dir` and return the manifest (also manifest.json)."""
    with _quiet_exporters():
        return _export_run(store, run_id, out_dir, formats)


def _export_run(store, run_id: str, out_dir, formats) -> dict:
    """Write the run's files into `out_dir` and return the manifest (also manifest.json)."""
    from core.export._readme import readme_text
    from core.export._weights import preprocessing_record, write_weights

    formats = parse_formats(formats) if isinstance(formats, str) else tuple(formats)
    model = exportable_model(store, run_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = model.run
    manifest = {"run_id": run.id, "name": run.name, "task": model.task, "classes": model.classes,
                "target": model.bundle.target, "dataset_hash": run.dataset_hash,
                "versions": _versions(), "formats": {}}
    layout = []
    if "script" in formats:  # refused before any file is written when it cannot reproduce
        formats, skipped = _script_or_skip(model, formats)
        if skipped:
            manifest["skipped"] = {"script": skipped}
    if "onnx" in formats:
        manifest["formats"]["onnx"] = _write_onnx(model, out)
        layout = manifest["formats"]["onnx"]["inputs"]
    if "pt2" in formats:
        from core.export._pt2 import write_pt2

        manifest["formats"]["pt2"] = write_pt2(model, out)
    if not layout:
        from core.export._onnx import input_layout

        pre = model.data.preprocessor
        layout = input_layout(pre) if pre is not None else []
    if "safetensors" in formats:
        manifest["formats"]["safetensors"] = write_weights(model, out, layout)
    if "script" in formats:
        from core.export._script import write_script

        manifest["formats"]["script"] = write_script(model, out, layout)
    manifest["input_note"] = preprocessing_record(model, []).get("note", "")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    (out / "README.md").write_text(readme_text(manifest))
    return manifest


def _script_or_skip(model, formats: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """Asked alone, a script that cannot reproduce the run is an error; asked with other
    formats ('all'), it is left out with the reason, so the other files are still written."""
    from core.export._script import check_reproducible

    try:
        check_reproducible(model)
    except LayerLabError as exc:
        if formats == ("script",):
            raise
        return tuple(f for f in formats if f != "script"), str(exc)
    return formats, ""


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("torch", "onnx", "onnxruntime", "skl2onnx", "scikit-learn", "safetensors"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def zip_folder(folder) -> bytes:
    """The exported folder as one zip (for a download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(Path(folder).iterdir()):
            if path.is_file():
                zf.write(path, arcname=path.name)
    return buf.getvalue()
