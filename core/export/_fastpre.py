"""The fitted preprocessor as a small hand-built ONNX graph: faster than skl2onnx's.

skl2onnx turns each one-hot column into string comparisons against every category; here each
category column becomes an integer code through one hash lookup (ai.onnx.ml LabelEncoder,
unseen categories -> an extra code) and the one-hot rows are gathered from an identity matrix
whose extra row is all zeros (scikit-learn's handle_unknown="ignore"). Numbers are joined into
one (batch, n_numeric) tensor and imputed and scaled in three vectorised operations, as
scikit-learn does: where NaN -> training median, then (x - mean) / scale.
"""
from __future__ import annotations

import numpy as np


def preprocessor_graph(pre, layout: list[dict], opset: int, output: str = "features"):
    """An ONNX ModelProto: the layout's named inputs in, `output` (batch, n_inputs) float out."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, parts = [], [], []
    inputs = [helper.make_tensor_value_info(
        c["name"], TensorProto.FLOAT if c["kind"] == "numeric" else TensorProto.STRING, [None, 1])
        for c in layout]
    for name, part, cols in pre.transformers_:
        if name == "num":
            imp, sc = part.named_steps["impute"], part.named_steps["scale"]
            for key, values in (("median", imp.statistics_), ("mean", sc.mean_), ("scale", sc.scale_)):
                inits.append(numpy_helper.from_array(np.asarray(values, np.float32)[None, :], key))
            nodes += [helper.make_node("Concat", list(cols), ["num_raw"], axis=1),
                      helper.make_node("IsNaN", ["num_raw"], ["num_nan"]),
                      helper.make_node("Where", ["num_nan", "median", "num_raw"], ["num_filled"]),
                      helper.make_node("Sub", ["num_filled", "mean"], ["num_centred"]),
                      helper.make_node("Div", ["num_centred", "scale"], ["num_out"])]
            parts.append("num_out")
        elif name == "cat":
            inits.append(numpy_helper.from_array(np.array([0, -1], np.int64), "flat_shape"))
            for i, (col, cats) in enumerate(zip(cols, part.categories_)):
                k = len(cats)
                eye = np.vstack([np.eye(k, dtype=np.float32), np.zeros((1, k), np.float32)])
                inits.append(numpy_helper.from_array(eye, f"eye{i}"))
                nodes += [helper.make_node("LabelEncoder", [col], [f"code{i}"], domain="ai.onnx.ml",
                                           keys_strings=[str(c) for c in cats],
                                           values_int64s=list(range(k)), default_int64=k),
                          helper.make_node("Gather", [f"eye{i}", f"code{i}"], [f"hot{i}"], axis=0),
                          helper.make_node("Reshape", [f"hot{i}", "flat_shape"], [f"cat{i}"])]
                parts.append(f"cat{i}")
    nodes.append(helper.make_node("Concat", parts, [output], axis=1))
    graph = helper.make_graph(nodes, "preprocessing", inputs,
                              [helper.make_tensor_value_info(output, TensorProto.FLOAT, [None, None])],
                              initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset),
                                                   helper.make_opsetid("ai.onnx.ml", 3)])
