"""`torch.export` program (.pt2) of the network with its readable head: model inputs in.

It takes the model's inputs (after preprocessing, see preprocessing.json), not raw columns:
PyTorch programs hold tensors only. Checked against LayerLab on the test rows like the ONNX
file. Loading it with `torch.export.load` reads a graph and tensors; no Python code is stored.
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

PT2_CANNOT_EXPORT = ("The model of run {run_id} cannot be written as a torch.export program: "
                     "{why}. Export the safetensors weights instead (format 'safetensors').")
PT2_MISMATCH = ("The torch.export program of run {run_id} does not give the same {what} as "
                "LayerLab: the largest difference on the {rows} test rows is {diff:.3g}, above "
                "the allowed {tol:.3g}. It was not offered; export the safetensors weights instead.")


def write_pt2(model, out) -> dict:
    """model.pt2 in `out`; {file, input_shape, outputs, check}. Raises before writing on a mismatch."""
    import torch

    from core.export._check import tolerance
    from core.export._onnx import _EXAMPLE_BATCH, OUTPUT_NAMES, readable_head

    data = model.data
    example = torch.zeros((_EXAMPLE_BATCH, *data.input_shape), dtype=torch.float32)
    try:
        program = torch.export.export(readable_head(model.network, data.task), (example,),
                                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    except Exception as exc:  # noqa: BLE001 - torch.export raises many kinds; say which
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LayerLabError(PT2_CANNOT_EXPORT.format(run_id=model.run.id, why=why[:300])) from None
    with torch.no_grad():
        got = program.module()(torch.from_numpy(np.ascontiguousarray(data.X_test)))
    first = (got[0] if isinstance(got, tuple) else got).numpy().astype(np.float64)
    ours = np.asarray(model.outputs("test"), dtype=np.float64)
    diff = float(np.abs(first - ours).max()) if len(ours) else 0.0
    what = "values" if data.task == "regression" else "probabilities"
    if not np.isfinite(diff) or diff > tolerance(data):
        raise LayerLabError(PT2_MISMATCH.format(
            run_id=model.run.id, what=what, rows=len(ours), diff=diff, tol=tolerance(data)))
    torch.export.save(program, str(out / "model.pt2"))
    return {"file": "model.pt2", "input_shape": ["batch", *data.input_shape],
            "outputs": list(OUTPUT_NAMES[data.task]),
            "check": {"rows": int(len(ours)), "max_abs_diff": diff, "tolerance": tolerance(data),
                      "what": what}}
