"""One torch module per spec layer, given the shape that reaches it (without the batch axis).

Shared by `analyse` (which builds these on the `meta` device to read shapes and parameter
counts) and `core.build` (which builds the same modules for real), so the numbers a user
sees on the Build page cannot drift from the model that trains. Imports torch: only
imported lazily, from inside functions.

Shape conventions, per example: flat (features,); sequence (steps, features);
image (channels, height, width). Modules take and return (batch, *shape).
"""
from __future__ import annotations

import math
from collections import OrderedDict

import torch
from torch import nn

from core.spec import _schema as s

_ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "gelu": nn.GELU,
                "silu": nn.SiLU, "leaky_relu": nn.LeakyReLU}


class GlobalAvgPool(nn.Module):
    """Average over time (sequence) or space (image), leaving one vector per example."""

    def __init__(self, dims: tuple[int, ...]):
        super().__init__()
        self.dims = dims

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=self.dims)  # (batch, features|channels)


class SequenceBatchNorm(nn.Module):
    """BatchNorm over the features of every step; BatchNorm1d wants channels on axis 1."""

    def __init__(self, features: int):
        super().__init__()
        self.norm = nn.BatchNorm1d(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (batch, steps, features) -> (batch, features, steps) -> back
        return self.norm(x.transpose(1, 2)).transpose(1, 2)


class Recurrent(nn.Module):
    """LSTM/GRU on (batch, steps, features); returns all steps or the final state."""

    def __init__(self, kind: str, features: int, layer: s.LSTM | s.GRU):
        super().__init__()
        cls = nn.LSTM if kind == "LSTM" else nn.GRU
        self.rnn = cls(features, layer.hidden_size, num_layers=layer.num_layers,
                       bidirectional=layer.bidirectional, batch_first=True)
        self.dirs = 2 if layer.bidirectional else 1
        self.return_sequences = layer.return_sequences

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, state = self.rnn(x)  # out: (batch, steps, hidden * dirs)
        if self.return_sequences:
            return out
        h_n = state[0] if isinstance(state, tuple) else state  # (layers * dirs, batch, hidden)
        # The top layer's final state per direction: for the backward direction that is the
        # state after reading step 0, which out[:, -1] would miss.
        last = h_n[-self.dirs:].transpose(0, 1)  # (batch, dirs, hidden)
        return last.reshape(last.shape[0], -1)  # (batch, hidden * dirs)


class Transformer(nn.Module):
    """Self-attention encoder over (batch, steps, features), with a learned position embedding.

    Self-attention alone ignores the order of the steps; the position embedding lets the
    model tell step 1 from step 50 (without it, a sequence and its reverse look the same).
    """

    def __init__(self, steps: int, features: int, layer: s.TransformerEncoder):
        super().__init__()
        self.position = nn.Parameter(torch.zeros(steps, features))
        nn.init.normal_(self.position, std=0.02)
        block = nn.TransformerEncoderLayer(features, layer.num_heads, layer.dim_feedforward,
                                           layer.dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(block, layer.num_layers, enable_nested_tensor=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x + self.position)  # (batch, steps, features)


class ResidualBlock(nn.Module):
    """output = input + body(input); the body keeps the shape."""

    def __init__(self, body: nn.Sequential):
        super().__init__()
        self.body = body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def activation(name: str, negative_slope: float = 0.01) -> nn.Module | None:
    if name == "none":
        return None
    if name == "leaky_relu":
        return nn.LeakyReLU(negative_slope)
    return _ACTIVATIONS[name]()


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Padding (before, after) so the output has ceil(size / stride) positions, as in Keras."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _dense(layer: s.Dense, shape: tuple[int, ...]) -> nn.Module:
    parts = OrderedDict(linear=nn.Linear(shape[-1], layer.units, bias=layer.bias))
    act = activation(layer.activation)
    if act is not None:
        parts["activation"] = act
    return nn.Sequential(parts)


def _conv(layer: s.Conv2D, shape: tuple[int, ...]) -> nn.Module:
    channels, height, width = shape
    parts: OrderedDict[str, nn.Module] = OrderedDict()
    if layer.padding == "same":
        top, bottom = same_padding(height, layer.kernel_size, layer.stride)
        left, right = same_padding(width, layer.kernel_size, layer.stride)
        if top or bottom or left or right:
            parts["pad"] = nn.ZeroPad2d((left, right, top, bottom))
    parts["conv"] = nn.Conv2d(channels, layer.filters, layer.kernel_size, stride=layer.stride)
    act = activation(layer.activation)
    if act is not None:
        parts["activation"] = act
    return nn.Sequential(parts)


def _norm(layer: s.BatchNorm | s.LayerNorm, shape: tuple[int, ...]) -> nn.Module:
    if isinstance(layer, s.BatchNorm):
        if len(shape) == 3:
            return nn.BatchNorm2d(shape[0])
        return SequenceBatchNorm(shape[1]) if len(shape) == 2 else nn.BatchNorm1d(shape[0])
    # LayerNorm on images: over (channels, height, width) with one scale per channel, which is
    # GroupNorm with one group (a per-pixel affine would tie the model to one image size).
    return nn.GroupNorm(1, shape[0]) if len(shape) == 3 else nn.LayerNorm(shape[-1])


def make_module(layer, shape: tuple[int, ...], output_softmax: bool = False) -> nn.Module:
    """The module for one (non-Residual) layer receiving `shape`; the caller checked the shape.

    `output_softmax`: a Softmax that is the output activation of a multiclass model builds as
    Identity, because training uses the raw scores (cross-entropy on logits).
    """
    t = layer.type
    if t == "Dense":
        return _dense(layer, shape)
    if t == "Conv2D":
        return _conv(layer, shape)
    if t in ("MaxPool2D", "AvgPool2D"):
        cls = nn.MaxPool2d if t == "MaxPool2D" else nn.AvgPool2d
        return cls(layer.pool_size)
    if t == "GlobalAvgPool":
        return GlobalAvgPool((2, 3) if len(shape) == 3 else (1,))
    if t == "Flatten":
        return nn.Flatten()
    if t == "Dropout":
        return nn.Dropout(layer.rate)
    if t in ("BatchNorm", "LayerNorm"):
        return _norm(layer, shape)
    if t == "LeakyReLU":
        return nn.LeakyReLU(layer.negative_slope)
    if t in ("ReLU", "Sigmoid", "Tanh", "GELU", "SiLU"):
        return _ACTIVATIONS[t.lower()]()
    if t == "Softmax":
        return nn.Identity() if output_softmax else nn.Softmax(dim=-1)
    if t in ("LSTM", "GRU"):
        return Recurrent(t, shape[-1], layer)
    if t == "TransformerEncoder":
        return Transformer(shape[0], shape[1], layer)
    raise ValueError(f"no module for layer type {t!r}")  # a schema type without a builder: a bug


def output_head(shape: tuple[int, ...], n_outputs: int) -> nn.Module:
    return nn.Linear(shape[0], n_outputs)  # (batch, features) -> (batch, n_outputs) logits


def forward_meta(module: nn.Module, shape: tuple[int, ...], probe_batch: int = 2
                 ) -> tuple[tuple[int, ...], int]:
    """Output shape per example and activation count per example, from a meta forward pass.

    Counts the outputs of every leaf submodule (what autograd keeps for the backward pass,
    roughly). Batch 2, not 1: BatchNorm refuses a batch of one in training mode.
    """
    counted = [0]

    def hook(_mod, _inp, out):
        counted[0] += _numel(out)

    leaves = [m for m in module.modules() if not list(m.children())] or [module]
    handles = [m.register_forward_hook(hook) for m in leaves]
    try:
        out = module(torch.empty((probe_batch, *shape), device="meta"))
    finally:
        for h in handles:
            h.remove()
    return tuple(out.shape[1:]), counted[0] // probe_batch


def _numel(out) -> int:
    if isinstance(out, torch.Tensor):
        return out.numel()
    if isinstance(out, (tuple, list)):
        return sum(_numel(o) for o in out)
    return 0


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
