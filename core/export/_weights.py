"""Safetensors weights plus the spec, config and preprocessing as JSON: nothing is pickled.

The preprocessing is written as numbers (medians, means, scales) and category lists rather
than a scikit-learn object, so any language can apply it and loading it runs no code.
"""
from __future__ import annotations

import json
from pathlib import Path

IMAGE_NOTE = "Pixels are grey levels divided by {scale:g} (0..1), shaped (batch, {shape})."
SEQUENCE_NOTE = "Each example is a sequence shaped (batch, {shape}), values used as they are."


def preprocessing_record(model, layout: list[dict]) -> dict:
    """How raw rows become the model's inputs, as plain JSON."""
    from core.data import MISSING_CATEGORY

    data = model.data
    rec = {"task": data.task, "classes": list(data.classes), "input_shape": list(data.input_shape),
           "model_inputs": list(data.feature_names), "input_columns": list(data.feature_columns),
           "target": model.bundle.target, "target_scale": data.target_scale and
           {"mean": data.target_scale[0], "std": data.target_scale[1]}, "inputs": layout}
    pre = data.preprocessor
    if pre is None:
        shape = ", ".join(str(s) for s in data.input_shape)
        if model.bundle.modality == "image":
            from core.data import DIGITS_PIXEL_MAX

            rec["note"] = IMAGE_NOTE.format(scale=DIGITS_PIXEL_MAX, shape=shape)
        else:
            rec["note"] = SEQUENCE_NOTE.format(shape=shape)
        return rec
    rec["numeric"], rec["categorical"] = [], []
    for name, part, cols in pre.transformers_:
        if name == "num":
            imp, sc = part.named_steps["impute"], part.named_steps["scale"]
            rec["numeric"] = [{"column": c, "median": float(m), "mean": float(mu), "scale": float(s)}
                              for c, m, mu, s in zip(cols, imp.statistics_, sc.mean_, sc.scale_)]
        elif name == "cat":
            rec["categorical"] = [{"column": c, "categories": [str(v) for v in cats]}
                                  for c, cats in zip(cols, part.categories_)]
    rec["note"] = ("numeric: (value, or the median when missing) - mean) / scale; categorical: one "
                   f"input per category (1 if equal, else 0; unseen categories give all zeros, "
                   f"a missing value is the category '{MISSING_CATEGORY}'); numeric inputs first.")
    return rec


def write_weights(model, out: Path, layout: list[dict]) -> dict:
    """weights.safetensors, spec.json, config.json, preprocessing.json; their names."""
    from safetensors.torch import save_file

    state = {k: v.detach().cpu().contiguous() for k, v in model.network.state_dict().items()}
    save_file(state, str(out / "weights.safetensors"), metadata={"run_id": model.run.id})
    files = {"weights": "weights.safetensors", "spec": "spec.json", "config": "config.json",
             "preprocessing": "preprocessing.json"}
    run = model.run
    (out / "spec.json").write_text(json.dumps(run.spec, indent=2))
    (out / "config.json").write_text(json.dumps(run.config, indent=2, default=str))
    (out / "preprocessing.json").write_text(
        json.dumps(preprocessing_record(model, layout), indent=2, default=float))
    return files
