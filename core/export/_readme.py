"""The README.md written beside the exported files: how to load each one, with short examples."""
from __future__ import annotations

_ONNX_TABULAR = """## model.onnx: the whole pipeline (raw columns in, {outputs} out)

Inputs, one per column, each shaped (rows, 1): {inputs}. Numbers are float32 (NaN when
missing); categories are strings written as in the training data ('missing' when empty).
{check}

```python
import numpy as np, onnxruntime as ort
session = ort.InferenceSession("model.onnx")
print(session.run(None, {example})[0])
```
"""
_ONNX_ARRAY = """## model.onnx: the network ({outputs} out)

Input 'input' shaped ({shape}), float32. {note}
{check}

```python
import numpy as np, onnxruntime as ort
session = ort.InferenceSession("model.onnx")
print(session.run(None, {{"input": np.zeros(({shape}), dtype=np.float32)}})[0])
```
"""
_WEIGHTS = """## weights.safetensors, spec.json, config.json, preprocessing.json

The network's weights (safetensors: tensors only, nothing runs on load), the layer spec and
the training settings LayerLab used, and the preprocessing as numbers and category lists
(`preprocessing.json` says how to apply them). To read the weights:

```python
from safetensors.torch import load_file
state = load_file("weights.safetensors")   # {layer name: tensor}
print({name: tuple(t.shape) for name, t in state.items()})
```
"""
_PT2 = """## model.pt2: a torch.export program of the network ({outputs} out)

It takes the model's inputs shaped ({shape}) (after preprocessing: see preprocessing.json),
not raw columns. {check}

```python
import torch
program = torch.export.load("model.pt2").module()
print(program(torch.zeros(({shape}))))
```
"""
_SCRIPT = """## reproduce.py: retrain the run from data.csv

A plain Python script (PyTorch, scikit-learn, pandas; no LayerLab) that rebuilds the network
from spec.json, the preprocessing from preprocessing.json, the same train/validation/test split
(reproduce.json: seed and fractions), retrains with the settings of config.json and seed
{seed} (optimizer, learning-rate schedule, batch size, L1/L2, clipping, class weights, early
stopping, initialisation) and prints the test {metric} (LayerLab's run: {run_metric}).
It covers table data with Dense, Dropout, BatchNorm, LayerNorm and activation layers trained
the plain way; LayerLab refuses to write it for anything else. A run trained on a GPU is
retrained on the CPU here, so its numbers can differ slightly.

```bash
python reproduce.py
```
"""
_OUTPUTS = {"binary": "the probability of '{pos}' and the class id (0 '{neg}', 1 '{pos}')",
            "multiclass": "the probability of each class ({classes}) and the class id",
            "regression": "the predicted '{target}' in its own units"}


def _example_value(col: dict) -> str:
    if col["kind"] == "numeric":
        return f"np.array([[{col.get('example', 0.0)!r}]], dtype=np.float32)"
    return f"np.array([[{str(col.get('example', 'missing'))!r}]], dtype=object)"


def readme_text(manifest: dict) -> str:
    classes, task = manifest["classes"], manifest["task"]
    outputs = _OUTPUTS[task].format(pos=classes[-1] if classes else "", neg=classes[0] if classes else "",
                                    classes=", ".join(classes), target=manifest["target"])
    parts = [f"# Run {manifest['run_id']} ({manifest['name']}), exported from LayerLab\n",
             f"A {task} model of '{manifest['target']}'. Files:\n"]
    onnx = manifest["formats"].get("onnx")
    if onnx:
        check = onnx["check_sentence"]
        inputs = onnx["inputs"]
        if inputs and inputs[0]["kind"] != "array":
            names = ", ".join(f"'{c['name']}' ({c['dtype']})" for c in inputs)
            example = "{" + ", ".join(f"{c['name']!r}: {_example_value(c)}" for c in inputs) + "}"
            parts.append(_ONNX_TABULAR.format(outputs=outputs, inputs=names, check=check,
                                              example=example))
        else:
            shape = ", ".join(str(s) for s in [2, *inputs[0]["shape"][1:]])
            parts.append(_ONNX_ARRAY.format(outputs=outputs, shape=shape,
                                            note=manifest.get("input_note", ""), check=check))
    pt2 = manifest["formats"].get("pt2")
    if pt2:
        shape = ", ".join(str(s) for s in [2, *pt2["input_shape"][1:]])
        c = pt2["check"]
        check = (f"Checked on the {c['rows']:,} test rows: largest difference from LayerLab "
                 f"{c['max_abs_diff']:.1g}.")
        parts.append(_PT2.format(outputs=outputs, shape=shape, check=check))
    if manifest["formats"].get("safetensors"):
        parts.append(_WEIGHTS)
    script = manifest["formats"].get("script")
    if script:
        value = script.get("run_metric")
        parts.append(_SCRIPT.format(seed=script.get("seed", 0), metric=script["metric"],
                                    run_metric="not recorded" if value is None else f"{value:.4f}"))
    parts.append("`manifest.json` lists every file, the check's numbers and the library versions.\n")
    return "\n".join(parts)
