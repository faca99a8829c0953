"""ModelSpec -> torch.nn.Module, for a dataset's input shape and task.

The spec is analysed first (shapes, plain-language errors, memory estimate, all on torch's
`meta` device), so a spec that cannot work, or would need more memory than
settings.MAX_MODEL_BYTES, is refused before a single real weight is allocated. The real
modules are then built from the same plan and the same factories as the analysis, so the
parameter counts shown on the Build page are those of the model that trains.

Children are named after the spec rows so per-layer internals can be reported by name:
`layer1_dense`, `layer2_dropout`, `layer3_residual` (its inner layers
`layer3_residual.body.layer3_1_dense`, ...), and `output` for the head. The model takes
(batch, *input_shape) and returns logits (batch, n_outputs).
"""
from __future__ import annotations

import logging
from collections import OrderedDict

from core.errors import SpecError
from core.spec import ModelSpec

log = logging.getLogger(__name__)


def layer_name(path: tuple[int, ...], layer_type: str) -> str:
    """The child name of the layer at `path` (1-based): (3, 2), "Dense" -> "layer3_2_dense"."""
    if layer_type == "Output":
        return "output"
    return f"layer{'_'.join(map(str, path))}_{layer_type.lower()}"


def build_model(spec: ModelSpec, input_shape: tuple[int, ...], task: str, n_outputs: int,
                device: str = "cpu"):
    """Build the network for `spec`; SpecError (every problem, one per line) if it cannot work."""
    import torch
    from torch import nn

    from core.spec import plan

    report, nodes = plan(spec, tuple(input_shape), task, n_outputs)
    if not report.ok:
        raise SpecError("\n".join(report.errors))
    with torch.device(device):
        model = nn.Sequential(OrderedDict(_build_node(node, n_outputs) for node in nodes))
    log.info("built %s: %d parameters on %s", spec.name, report.total_params, device)
    return model


def _build_node(node, n_outputs: int) -> tuple[str, object]:
    from torch import nn

    from core.spec import torch_layers as tl

    row = node.row
    if node.layer is None:
        module = tl.output_head(node.in_shape, n_outputs)
    elif node.layer.type == "Residual":
        module = tl.ResidualBlock(nn.Sequential(OrderedDict(_build_node(c, n_outputs) for c in node.children)))
    else:
        module = tl.make_module(node.layer, node.in_shape, output_softmax=node.output_softmax)
    return layer_name(row.path, row.type), module


def count_params(module) -> int:
    """Number of parameters (weights and biases) of a torch module."""
    return sum(p.numel() for p in module.parameters())
