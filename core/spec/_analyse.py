"""Shape inference, parameter counts and plain-language checks of a spec against a dataset.

Every layer's module is built on torch's `meta` device and a meta tensor is pushed through
it: shapes and parameter counts come from torch itself (so they cannot drift from the real
model) while nothing is allocated, even for a model far too big to train. Before that, each
layer's input is checked with rules a learner can act on ("add Flatten before it"), because
torch's own shape errors ("mat1 and mat2 shapes cannot be multiplied") teach nothing.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core import settings
from core.spec import _schema as s
from core.spec._checks import (describe, human_bytes, layer_label, row_warning, shape_error,
                               stack_warnings, static_error, where)

# Per parameter: the weight, its gradient and Adam's two moment estimates, 4 bytes each.
_BYTES_PER_PARAM = 4 * 4
_BYTES_PER_FLOAT = 4


@dataclass
class LayerRow:
    path: tuple[int, ...]  # 1-based; () for the Input row; residual children (3, 2)
    type: str  # layer type, or "Input" / "Output"
    label: str  # e.g. "Dense 128 · ReLU"
    output_shape: tuple[int, ...] | None  # per example, no batch axis; None after an error
    params: int | None
    error: str | None = None
    warning: str | None = None


@dataclass
class SpecReport:
    rows: list[LayerRow]
    total_params: int
    trainable_params: int
    memory_bytes: int  # estimated training memory for one batch, see `analyse`
    ok: bool
    errors: list[str]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (tuples become lists)."""
        return asdict(self)


@dataclass
class Node:
    """What `core.build` needs to build one row for real: the layer and the shape it receives."""

    row: LayerRow
    layer: Any  # a schema layer; None for the output head
    in_shape: tuple[int, ...]
    output_softmax: bool = False
    children: list["Node"] = field(default_factory=list)


class _Walker:
    def __init__(self, task: str, n_outputs: int):
        self.task, self.n_outputs = task, n_outputs
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.activations = 0  # floats per example kept for the backward pass
        self.params = 0
        self.trainable = 0

    def walk(self, layers: list, shape: tuple[int, ...] | None, prefix: tuple[int, ...],
             top: bool) -> tuple[tuple[int, ...] | None, list[Node]]:
        nodes: list[Node] = []
        previous = None
        for i, layer in enumerate(layers, 1):
            path = prefix + (i,)
            last_output = top and i == len(layers)
            node = Node(LayerRow(path, layer.type, layer_label(layer, last_output and
                                                              self._softmax_ok(layer)),
                                 None, None), layer, shape or (), output_softmax=False)
            nodes.append(node)
            row = node.row
            row.error = static_error(layer, path, last_output, self.task)
            if row.error is None and shape is not None:
                row.error = shape_error(layer, path, shape, self.n_outputs)
            in_shape = shape
            if row.error is None and shape is not None:
                node.output_softmax = layer.type == "Softmax"
                shape = self._apply(node, shape, path)
            else:
                shape = None
            if row.error:
                self.errors.append(row.error)
            elif shape is not None:
                row.warning = row_warning(layer, path, previous, last_output, in_shape)
                if row.warning:
                    self.warnings.append(row.warning)
            previous = layer
        return shape, nodes

    def _softmax_ok(self, layer) -> bool:
        return layer.type == "Softmax" and self.task == "multiclass"

    def _apply(self, node: Node, shape: tuple[int, ...], path: tuple[int, ...]
               ) -> tuple[int, ...] | None:
        from core.spec import torch_layers as tl
        import torch

        layer, row = node.layer, node.row
        if layer.type == "Residual":
            before = self.params
            inner, node.children = self.walk(layer.layers, shape, path, top=False)
            if inner is None:
                return None  # the child row carries the error
            if inner != shape:
                row.error = shape_error(layer, path, shape, self.n_outputs, inner_shape=inner)
                return None
            row.params, row.output_shape = self.params - before, shape
            return shape
        try:
            with torch.device("meta"):
                module = tl.make_module(layer, shape, output_softmax=node.output_softmax)
            out, acts = tl.forward_meta(module, shape)
        except (RuntimeError, ValueError) as exc:  # a case the checks missed: still say where
            row.error = f"{where(path, layer.type)} cannot work on {describe(shape)}: {exc}"
            return None
        row.params, row.output_shape = tl.count_params(module), out
        self.params += row.params
        self.trainable += sum(p.numel() for p in module.parameters() if p.requires_grad)
        self.activations += acts
        return out

    def head(self, shape: tuple[int, ...] | None, path: tuple[int, ...]) -> Node:
        label = {"binary": f"Output · Dense {self.n_outputs} (one score for yes/no)",
                 "multiclass": f"Output · Dense {self.n_outputs} (one score per class)",
                 "regression": f"Output · Dense {self.n_outputs} (the predicted value)"}
        node = Node(LayerRow(path, "Output", label.get(self.task, "Output"), None, None),
                    None, shape or ())
        if shape is None:
            return node
        if len(shape) != 1:
            node.row.error = shape_error(None, path, shape, self.n_outputs)
            self.errors.append(node.row.error)
            return node
        from core.spec import torch_layers as tl
        import torch

        with torch.device("meta"):
            module = tl.output_head(shape, self.n_outputs)
        node.row.output_shape, acts = tl.forward_meta(module, shape)
        node.row.params = tl.count_params(module)
        self.params += node.row.params
        self.trainable += node.row.params
        self.activations += acts
        return node


def plan(spec: s.ModelSpec, input_shape: tuple[int, ...], task: str, n_outputs: int,
         batch_size: int = 256) -> tuple[SpecReport, list[Node]]:
    """The report and the per-layer build plan (Input row excluded, output head last)."""
    input_shape = tuple(int(d) for d in input_shape)
    if len(input_shape) not in (1, 2, 3) or min(input_shape, default=0) < 1:
        from core.errors import SpecError
        raise SpecError(f"The dataset's input shape {input_shape} is not one LayerLab can model: "
                        "expected (features,), (steps, features) or (channels, height, width).")
    walker = _Walker(task, n_outputs)
    shape, nodes = walker.walk(list(spec.layers), input_shape, (), top=True)
    nodes.append(walker.head(shape, (len(spec.layers) + 1,)))
    ok = not walker.errors
    warnings = stack_warnings(spec.layers, input_shape) + walker.warnings
    inputs = _prod(input_shape)
    memory = (walker.params * _BYTES_PER_PARAM
              + (walker.activations + inputs) * batch_size * _BYTES_PER_FLOAT)
    errors = list(walker.errors)
    if ok and memory > settings.MAX_MODEL_BYTES:
        errors.append(memory_message(memory))
        ok = False
    rows = [LayerRow((), "Input", "Input", input_shape, 0)] + _flatten(nodes)
    report = SpecReport(rows, walker.params, walker.trainable, memory, ok, errors, warnings)
    return report, nodes


def memory_message(memory_bytes: int) -> str:
    return (f"This model would need about {human_bytes(memory_bytes)} to train, over the "
            f"{human_bytes(settings.MAX_MODEL_BYTES)} cap. Use fewer units or layers.")


def analyse(spec: s.ModelSpec, input_shape: tuple[int, ...], task: str, n_outputs: int,
            batch_size: int = 256) -> SpecReport:
    """Check `spec` against data of `input_shape` for `task`, row by row (see module doc).

    memory_bytes estimates training memory: parameters x 16 bytes (weights, gradients, two
    Adam moments) plus the activations of one batch of `batch_size` (float32), counted from
    the outputs of every module in the meta pass. Over settings.MAX_MODEL_BYTES is an error.
    """
    return plan(spec, input_shape, task, n_outputs, batch_size)[0]


def warm_up() -> None:
    """Check one small model on torch's meta device now, so what that first check imports
    (torch itself, then sympy for torch's symbolic shapes: ~2 s more on a small machine) is
    loaded before anyone waits for it. The web server calls this in the background once its
    first page is out (a Train click validates the model here), a worker before its first job."""
    from core.spec._presets import get_preset

    analyse(get_preset("walkthrough_mlp"), (8,), "binary", 1)


def _flatten(nodes: list[Node]) -> list[LayerRow]:
    rows = []
    for node in nodes:
        rows.append(node.row)
        rows.extend(_flatten(node.children))
    return rows


def _prod(shape: tuple[int, ...]) -> int:
    out = 1
    for d in shape:
        out *= d
    return out

