"""The runnable script: reproduce.py retrains the run from the CSV with plain PyTorch + sklearn.

The script (core/export/reproduce_template.py, copied as it is) mirrors core.data's split and
preprocessing and core.train's setup and epoch loop, so the same seed gives the same network.
It covers tabular runs trained the plain way with the layers below; everything else is
refused here, at export time, with the reason, rather than written as a script that would
quietly train something else.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from core.errors import LayerLabError

SCRIPT_LAYERS = ("Dense", "Dropout", "BatchNorm", "LayerNorm", "ReLU", "LeakyReLU", "Sigmoid",
                 "Tanh", "GELU", "SiLU", "Softmax")
SCRIPT_CANNOT_REPRODUCE = ("The runnable script cannot reproduce run {run_id}: {why} Export the "
                           "ONNX, pt2 or safetensors files instead (they hold the trained model "
                           "itself).")
WHY_NOT_TABULAR = ("it was trained on {modality} data, and the script only rebuilds table "
                   "preprocessing (numbers and categories).")
WHY_LAYER = ("its layer {index} ({type}) is not one the script rebuilds (it rebuilds "
             "{known}).")
WHY_KIND = ("it is a {kind} run, made by more than plain training (its weights came from "
            "{how}), which the script does not repeat.")
_HOW = {"adversarial": "adversarial examples mixed into each batch",
        "mitigated": "a fairness mitigation", "pruned": "pruning a trained parent",
        "compressed": "compressing a trained parent"}
SCRIPT_FILE = "reproduce.py"
DATA_FILE = "data.csv"


def check_reproducible(model) -> None:
    """Raise SCRIPT_CANNOT_REPRODUCE when the script would not retrain this run faithfully."""
    run = model.run
    if run.kind not in ("train", "search", "trial"):
        why = WHY_KIND.format(kind=run.kind, how=_HOW.get(run.kind, "a derived training"))
        raise LayerLabError(SCRIPT_CANNOT_REPRODUCE.format(run_id=run.id, why=why))
    if model.bundle.modality != "tabular" or model.data.preprocessor is None:
        why = WHY_NOT_TABULAR.format(modality=model.bundle.modality)
        raise LayerLabError(SCRIPT_CANNOT_REPRODUCE.format(run_id=run.id, why=why))
    for i, layer in enumerate(run.spec.get("layers", []), start=1):
        if layer.get("type") not in SCRIPT_LAYERS:
            why = WHY_LAYER.format(index=i, type=layer.get("type"), known=", ".join(SCRIPT_LAYERS))
            raise LayerLabError(SCRIPT_CANNOT_REPRODUCE.format(run_id=run.id, why=why))


def write_script(model, out: Path, layout: list[dict]) -> dict:
    """reproduce.py, data.csv, reproduce.json and the spec/config/preprocessing JSON."""
    from core.export._weights import preprocessing_record
    from core.train.defaults import SMALL_MODEL_PARAMS

    check_reproducible(model)
    run, bundle, ref = model.run, model.bundle, model.bundle.ref
    # The table as LayerLab read it (missing markers already empty cells, for an upload as for a
    # built-in dataset), so the script needs none of LayerLab's CSV parsing rules.
    bundle.frame.to_csv(out / DATA_FILE, index=False)
    metric_name = run.metric_name or ("r2" if model.task == "regression" else "accuracy")
    repro = {"run_id": run.id, "csv": DATA_FILE, "target": bundle.target, "task": model.task,
             "split_seed": ref.split_seed, "val_fraction": ref.val_fraction,
             "test_fraction": ref.test_fraction, "small_model_params": SMALL_MODEL_PARAMS,
             "run_metric": (run.test_metrics or {}).get(metric_name), "metric": metric_name}
    (out / "reproduce.json").write_text(json.dumps(repro, indent=2))
    (out / "spec.json").write_text(json.dumps(run.spec, indent=2))
    (out / "config.json").write_text(json.dumps(run.config, indent=2, default=str))
    (out / "preprocessing.json").write_text(
        json.dumps(preprocessing_record(model, layout), indent=2, default=float))
    shutil.copyfile(Path(__file__).with_name("reproduce_template.py"), out / SCRIPT_FILE)
    return {"file": SCRIPT_FILE, "data": DATA_FILE, "metric": metric_name,
            "run_metric": repro["run_metric"], "seed": run.config.get("seed", 0)}
