"""ONNX of the whole tabular pipeline: raw columns in, LayerLab's readable outputs out.

The fitted scikit-learn preprocessor (median impute + standardise numbers, one-hot categories)
is converted with skl2onnx and joined to the network (torch.onnx.export) into one graph, so a
deployment needs neither Python nor LayerLab: one named input per used column (numbers as
float32 (batch, 1), NaN for missing; categories as strings (batch, 1), written as LayerLab
writes them, 'missing' for an empty cell) and outputs named like `TrainedModel.outputs`.
Images and sequences have no fitted preprocessor: the file is the network alone, with the
input layout written beside it. The batch size is dynamic.
"""
from __future__ import annotations

import numpy as np

from core.errors import LayerLabError

ONNX_CANNOT_EXPRESS = ("The model of run {run_id} cannot be written as ONNX: {why}. Usually one "
                       "layer uses an operation ONNX has no form for; export the torch.export "
                       "program (format 'pt2') or the safetensors weights (format "
                       "'safetensors') instead, which hold every layer.")
NO_ONNX_FORM = "the operation {op} has no ONNX form"
PREPROCESSOR_CANNOT_CONVERT = ("The preprocessing of run {run_id} cannot be converted to ONNX "
                               "({why}); export the safetensors weights and preprocessing JSON "
                               "instead (format 'safetensors').")
# torch 2.13's exporter fixes a batch of 1 as a constant even with dynamic shapes: use 2.
_EXAMPLE_BATCH = 2
OUTPUT_NAMES = {"binary": ("probability", "label"), "multiclass": ("probabilities", "label"),
                "regression": ("value",)}


def readable_head(network, task: str):
    """The network plus LayerLab's conversion to readable outputs (and the class id)."""
    import torch

    class Readable(torch.nn.Module):
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            out = self.net(x)  # (batch, n_outputs)
            if task == "binary":  # one logit: P(positive), class 1 when the logit is above 0
                return torch.sigmoid(out[:, 0]), (out[:, 0] > 0).long()
            if task == "multiclass":
                return torch.softmax(out, dim=1), out.argmax(dim=1)
            return out[:, 0]  # regression: already in target units (TargetScale)

    return Readable(network).eval()


def network_onnx(network, input_shape: tuple[int, ...], task: str, run_id: str,
                 input_name: str = "input"):
    """The network (with its readable head) as an ONNX ModelProto with a dynamic batch."""
    import torch

    example = torch.zeros((_EXAMPLE_BATCH, *input_shape), dtype=torch.float32)
    try:
        program = torch.onnx.export(
            readable_head(network, task), (example,), input_names=[input_name],
            output_names=list(OUTPUT_NAMES[task]), dynamo=True, verbose=False,
            dynamic_shapes=({0: torch.export.Dim("batch")},))
    except Exception as exc:  # noqa: BLE001 - the exporter raises many kinds; say which
        raise LayerLabError(ONNX_CANNOT_EXPRESS.format(run_id=run_id, why=_reason(exc))) from None
    return program.model_proto


def _reason(exc: BaseException) -> str:
    """The exporter's root cause in one line: the torch operation without an ONNX form if named."""
    import re

    while exc.__cause__ is not None:  # the outer errors only say which export step failed
        exc = exc.__cause__
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    op = re.search(r"op='([^']+)'", text)
    if op:
        return NO_ONNX_FORM.format(op=op.group(1))
    return ((text.splitlines() or [type(exc).__name__])[0])[:300]


def input_layout(pre) -> list[dict]:
    """The ONNX inputs of a fitted preprocessor: [{name, kind, dtype, shape}] in graph order."""
    layout = []
    for name, _, cols in pre.transformers_:
        if name in ("num", "cat"):
            for col in cols:
                layout.append({"name": col, "kind": "numeric" if name == "num" else "categorical",
                               "dtype": "float32" if name == "num" else "string",
                               "shape": ["batch", 1]})
    return layout


def _preprocessor_onnx(pre, layout: list[dict], opset: int, run_id: str):
    from onnx import version_converter
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    types = [(c["name"], FloatTensorType([None, 1]) if c["kind"] == "numeric"
              else StringTensorType([None, 1])) for c in layout]
    try:
        proto = convert_sklearn(pre, initial_types=types, target_opset={"": opset, "ai.onnx.ml": 3})
        # skl2onnx writes the lowest opset its operators need; the join needs the network's.
        proto = version_converter.convert_version(proto, opset)
    except Exception as exc:  # noqa: BLE001
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LayerLabError(PREPROCESSOR_CANNOT_CONVERT.format(run_id=run_id, why=why[:300])) from None
    return _rename_inputs(proto, [c["name"] for c in layout])


def _preprocessor(pre, layout: list[dict], opset: int, run_id: str):
    """The hand-built graph (integer category codes: faster, see _fastpre) when the fitted
    preprocessor is LayerLab's usual numbers + one-hot; skl2onnx's conversion otherwise."""
    from core.export._fastpre import preprocessor_graph

    steps = {name: part for name, part, _ in pre.transformers_ if name in ("num", "cat")}
    usual = "num" not in steps or list(steps["num"].named_steps) == ["impute", "scale"]
    if usual:
        return preprocessor_graph(pre, layout, opset)
    return _preprocessor_onnx(pre, layout, opset, run_id)


def _rename_inputs(proto, names: list[str]):
    """skl2onnx rewrites names such as 'sepal length (cm)' as identifiers; give the user's
    column names back (graph inputs come in the order of `initial_types`)."""
    renamed = {}
    for graph_input, name in zip(proto.graph.input, names):
        renamed[graph_input.name] = name
        graph_input.name = name
    for node in proto.graph.node:
        for i, edge in enumerate(node.input):
            if edge in renamed:
                node.input[i] = renamed[edge]
    return proto


def pipeline_onnx(model):
    """(ModelProto, input layout) for a TrainedModel: the whole pipeline for tabular runs,
    the network alone (input 'input') for images and sequences."""
    from onnx import compose

    data, run_id = model.data, model.run.id
    if data.preprocessor is None:
        proto = network_onnx(model.network, tuple(data.input_shape), data.task, run_id)
        return proto, [{"name": "input", "kind": "array", "dtype": "float32",
                        "shape": ["batch", *data.input_shape]}]
    net = network_onnx(model.network, tuple(data.input_shape), data.task, run_id, "features")
    opset = next(o.version for o in net.opset_import if o.domain in ("", "ai.onnx"))
    layout = input_layout(data.preprocessor)
    pre = _preprocessor(data.preprocessor, layout, opset, run_id)
    pre.ir_version = net.ir_version
    # Prefixes keep the two graphs' inner names apart (a column could be called 'linear').
    pre = compose.add_prefix(pre, "pre/", rename_inputs=False)
    net = compose.add_prefix(net, "net/", rename_outputs=False)
    merged = compose.merge_models(pre, net, io_map=[(pre.graph.output[0].name, "net/features")])
    merged.graph.name = f"layerlab_{run_id}"
    return merged, layout


def raw_feed(frame, layout: list[dict]) -> dict[str, np.ndarray]:
    """onnxruntime inputs from a table of raw columns (pandas), written as the pipeline expects."""
    from core.data import category_text

    feed = {}
    for c in layout:
        if c["kind"] == "numeric":
            feed[c["name"]] = frame[c["name"]].to_numpy(dtype=np.float32, na_value=np.nan).reshape(-1, 1)
        else:
            feed[c["name"]] = category_text(frame[c["name"]]).to_numpy(dtype=object).reshape(-1, 1)
    return feed
