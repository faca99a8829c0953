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

A regression model ends with `target_scale`, a fixed affine map (no weights; mean and std are
buffers, so checkpoints carry them) from the standardised scale the network learns on back
to the target's own units: every consumer of the model sees units, and training computes its
loss on the standardised scale (see `TargetScale.standardise`).
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
                device: str = "cpu", target_scale: tuple[float, float] | None = None):
    """Build the network for `spec`; SpecError (every problem, one per line) if it cannot work.

    `target_scale` (mean, std) of a regression target; None is the identity (a checkpoint's
    own values replace it when its state dict is loaded)."""
    import torch
    from torch import nn

    from core.spec import plan

    report, nodes = plan(spec, tuple(input_shape), task, n_outputs)
    if not report.ok:
        raise SpecError("\n".join(report.errors))
    with torch.device(device):
        model = nn.Sequential(OrderedDict(_build_node(node, n_outputs) for node in nodes))
        if task == "regression":
            model.add_module("target_scale", target_scale_module(*(target_scale or (0.0, 1.0))))
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


_TARGET_SCALE_CLS = None


def target_scale_module(mean: float, std: float):
    """A `TargetScale` module: out * std + mean (the class is made on first use: torch is lazy)."""
    global _TARGET_SCALE_CLS
    if _TARGET_SCALE_CLS is None:
        _TARGET_SCALE_CLS = _make_target_scale_cls()
    return _TARGET_SCALE_CLS(mean, std)


def _make_target_scale_cls():
    import torch
    from torch import nn

    class TargetScale(nn.Module):
        """Standardised network output -> target units; identity for checkpoints made before it."""

        def __init__(self, mean: float, std: float):
            super().__init__()
            self.register_buffer("mean", torch.tensor([float(mean)]))
            self.register_buffer("std", torch.tensor([float(std)]))
            self._register_load_state_dict_pre_hook(self._identity_when_missing)

        def forward(self, x):
            return x * self.std + self.mean

        def standardise(self, values):
            """Units -> the scale the network learns on (for the training loss)."""
            return (values - self.mean) / self.std

        def _identity_when_missing(self, state_dict, prefix, *args):
            # Checkpoints written before targets were standardised hold no scale: identity.
            for name, value in (("mean", 0.0), ("std", 1.0)):
                state_dict.setdefault(prefix + name, torch.tensor([value]))

        def extra_repr(self) -> str:
            return f"mean={float(self.mean):.4g}, std={float(self.std):.4g}"

    return TargetScale


def standardised_loss(loss_fn, model):
    """`loss_fn` on the standardised scale when `model` ends with a TargetScale, else itself.

    Outputs and targets in units are both mapped by (v - mean) / std, so the gradients are
    those of a network trained on a standardised target, whatever the target's units."""
    scale = getattr(model, "target_scale", None)
    if scale is None:
        return loss_fn
    from torch import nn

    class _Standardised(nn.Module):
        def __init__(self):
            super().__init__()
            self.base = loss_fn

        def forward(self, out, y):
            return self.base(scale.standardise(out), scale.standardise(y))

    return _Standardised()
