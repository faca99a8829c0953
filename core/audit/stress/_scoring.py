"""What a stress test measures on a batch: the model's answers and how good they are.

The runner (`_run`) and the report (`_report`) both read answers, so this sits below both.
Raw outputs become class ids or values through `core.metrics`, as everywhere else.
"""
from __future__ import annotations

import numpy as np

BATCH = 4096


def outputs(model, x, device: str):
    """Model outputs for numpy or tensor inputs, batched on `device`, as a CPU tensor."""
    import torch

    x = torch.as_tensor(x, dtype=torch.float32)
    with torch.inference_mode():
        return torch.cat([model(x[i:i + BATCH].to(device)).float().cpu()
                          for i in range(0, len(x), BATCH)])


def predictions(out, task: str) -> np.ndarray:
    """Class ids (classification: logit > 0, or argmax) or values (regression), (N,)."""
    from core.metrics import labels_from_outputs, outputs_to_values

    if task == "regression":
        return outputs_to_values(out).numpy()
    return labels_from_outputs(out, task).numpy()


def score(pred: np.ndarray, y: np.ndarray, task: str) -> float:
    """Accuracy (classification) or mean absolute error (regression)."""
    if task == "regression":
        return float(np.mean(np.abs(pred - y)))
    return float(np.mean(pred == y))


def changed(pred: np.ndarray, clean: np.ndarray, task: str) -> float:
    """Share of predictions that changed (classification); mean absolute change (regression)."""
    if task == "regression":
        return float(np.mean(np.abs(pred - clean)))
    return float(np.mean(pred != clean))
