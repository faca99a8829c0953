"""The rules behind `analyse`'s messages: what each layer needs, and what is unwise.

Each message names the layer ("Layer 3.2 (Dense)"), says what it receives and what it needs,
and ends with something the learner can do. Pure functions of the layer and the shape that
reaches it; no torch here.
"""
from __future__ import annotations

import math

from core.spec import _schema as s

# Layers that are only an activation function (Dense and Conv2D carry one as a setting).
ACTIVATION_LAYERS = ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "Softmax")
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "sigmoid": "Sigmoid",
                    "tanh": "Tanh", "gelu": "GELU", "silu": "SiLU"}
# Deeper stacks of saturating activations than this get the vanishing-gradient warning.
MAX_SATURATING = 5
# Dropout at or above this rate throws away most of the signal on every step.
HIGH_DROPOUT = 0.8


def where(path: tuple[int, ...], layer_type: str) -> str:
    return f"Layer {'.'.join(map(str, path))} ({layer_type})"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def describe(shape: tuple[int, ...]) -> str:
    """(108,) -> 'a flat vector of 108 features'; (1, 8, 8) -> 'an image of 1 channel, 8×8 pixels'."""
    if len(shape) == 1:
        return f"a flat vector of {_plural(shape[0], 'feature')}"
    if len(shape) == 2:
        return f"a sequence of {_plural(shape[0], 'step')} with {_plural(shape[1], 'feature')} each"
    if len(shape) == 3:
        return f"an image of {_plural(shape[0], 'channel')}, {shape[1]}×{shape[2]} pixels"
    return f"data of shape {shape}"


def human_bytes(n: float) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            value = n / size
            text = f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{int(n)} bytes"


def is_activation(layer) -> bool:
    return layer.type in ACTIVATION_LAYERS


def _has_activation(layer) -> bool:
    return is_activation(layer) or getattr(layer, "activation", "none") != "none"


def layer_label(layer, output_activation: bool = False) -> str:
    """A short row label: 'Dense 128 · ReLU', 'Conv2D 6 · 5×5 · same · ReLU', 'Dropout 0.2'."""
    t = layer.type
    act = getattr(layer, "activation", "none")
    act = f" · {ACTIVATION_NAMES[act]}" if act != "none" else ""
    if t == "Dense":
        return f"Dense {layer.units}{act}" + ("" if layer.bias else " · no bias")
    if t == "Conv2D":
        k = layer.kernel_size
        stride = f" · stride {layer.stride}" if layer.stride > 1 else ""
        return f"Conv2D {layer.filters} · {k}×{k}{stride} · {layer.padding}{act}"
    if t in ("MaxPool2D", "AvgPool2D"):
        return f"{t} {layer.pool_size}×{layer.pool_size}"
    if t == "Dropout":
        return f"Dropout {layer.rate:g}"
    if t == "LeakyReLU":
        return f"LeakyReLU {layer.negative_slope:g}"
    if t == "Softmax" and output_activation:
        return "Softmax (output activation; training uses the raw scores)"
    if t in ("LSTM", "GRU"):
        stacked = f" × {layer.num_layers} layers" if layer.num_layers > 1 else ""
        both = " · bidirectional" if layer.bidirectional else ""
        steps = " · all steps" if layer.return_sequences else " · last step"
        return f"{t} {layer.hidden_size}{stacked}{both}{steps}"
    if t == "TransformerEncoder":
        blocks = f" · {layer.num_layers} blocks" if layer.num_layers > 1 else ""
        return f"TransformerEncoder · {layer.num_heads} heads · feed-forward {layer.dim_feedforward}{blocks}"
    if t == "Residual":
        return f"Residual ({_plural(len(layer.layers), 'layer')} inside)"
    return t


def static_error(layer, path: tuple[int, ...], last_output: bool, task: str) -> str | None:
    """Problems that do not depend on shapes (checked even after an earlier shape error)."""
    if layer.type != "Softmax":
        return None
    w = where(path, "Softmax")
    if not last_output:
        return (f"{w} can only be the last layer of a multiclass model. The output layer already "
                "turns scores into probabilities; a Softmax in the middle squeezes the signal into "
                "values that sum to 1 and hides most of it from the layers after. Remove it, or "
                "use ReLU here.")
    if task == "binary":
        return (f"{w}: this is a yes/no task, whose output is one score turned into a probability "
                "by a sigmoid; Softmax is only for choosing among several classes. Remove it.")
    if task == "regression":
        return (f"{w}: this task predicts a number, not probabilities, so its output must not "
                "be squeezed by a Softmax. Remove it.")
    return None


def shape_error(layer, path: tuple[int, ...], shape: tuple[int, ...], n_outputs: int,
                inner_shape: tuple[int, ...] | None = None) -> str | None:
    """What is wrong with giving `shape` to `layer` (None: the output head), or None if fine."""
    if layer is None:
        return _head_error(shape)
    t, rank, w = layer.type, len(shape), where(path, layer.type)
    if t == "Dense" and rank == 3:
        return (f"{w} needs a flat vector but receives {describe(shape)}. Add Flatten before it "
                "(or GlobalAvgPool to average over the image).")
    if t in ("Conv2D", "MaxPool2D", "AvgPool2D"):
        if rank != 3:
            fix = ("Use a Dense layer, or pick an image dataset." if rank == 1 else
                   "Use LSTM, GRU or TransformerEncoder for a sequence, or pick an image dataset.")
            return (f"{w} needs image input (channels, height, width) but receives "
                    f"{describe(shape)}. {fix}")
        return _spatial_error(layer, w, shape)
    if t == "GlobalAvgPool" and rank == 1:
        return (f"{w} averages over the steps of a sequence or the pixels of an image, but receives "
                f"{describe(shape)}: there is nothing to average over. Remove it.")
    if t in ("LSTM", "GRU", "TransformerEncoder"):
        if rank != 2:
            fix = ("use Dense layers for flat data" if rank == 1 else "use Conv2D layers for images")
            return (f"{w} needs a sequence (steps, features) but receives {describe(shape)}. "
                    f"Pick a sequence dataset, or {fix}.")
        heads, features = getattr(layer, "num_heads", 1), shape[1]
        if features % heads:
            units = heads * max(8, math.ceil(features / heads))
            return (f"{w}: its {heads} attention heads must share the {_plural(features, 'feature')} "
                    f"of each step equally, but {features} is not a multiple of {heads}. Add a "
                    f"Dense layer with a multiple of {heads} units (e.g. {units}) before it, or use "
                    f"a number of heads that divides {features}.")
    if t == "Residual" and inner_shape is not None and inner_shape != shape:
        return (f"{w}: the inside must keep the shape {shape} but ends with {inner_shape}; "
                f"{_residual_fix(shape)}. The skip connection adds the input to the output, so "
                "both must have the same shape.")
    return None


def _spatial_error(layer, w: str, shape: tuple[int, ...]) -> str | None:
    _, height, width = shape
    if layer.type == "Conv2D":
        k = layer.kernel_size
        if layer.padding == "valid" and (k > height or k > width):
            return (f"{w}: its {k}×{k} kernel is larger than the {height}×{width} image it "
                    "receives. Use padding 'same', a smaller kernel, or fewer pooling layers "
                    "before it.")
        return None
    p = layer.pool_size
    if p > height or p > width:
        return (f"{w} would shrink the {height}×{width} image below 1×1 (pool size {p}). Use a "
                "smaller pool size, or remove a pooling layer before it.")
    return None


def _residual_fix(shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        return (f"make its last layer Conv2D with {shape[0]} filters, padding 'same' and stride 1, "
                "and keep pooling and Flatten out of it")
    return f"make its last layer Dense {shape[-1]}"


def _head_error(shape: tuple[int, ...]) -> str | None:
    if len(shape) == 1:
        return None
    if len(shape) == 2:
        return (f"The output layer needs a flat vector but receives {describe(shape)}. Add "
                "Flatten or GlobalAvgPool as the last layer, or set return_sequences off on the "
                "last LSTM/GRU.")
    return (f"The output layer needs a flat vector but receives {describe(shape)}. Add Flatten "
            "or GlobalAvgPool as the last layer.")


def row_warning(layer, path: tuple[int, ...], previous, last_output: bool,
                in_shape: tuple[int, ...]) -> str | None:
    """Something that works but is unwise (or surprising) about this layer, or None."""
    w = where(path, layer.type)
    if layer.type == "Softmax" and last_output:
        return (f"{w} is the output activation: LayerLab trains on the raw scores (logits, which "
                "keeps the loss numerically stable) and applies Softmax when predicting, so this "
                "layer passes its input through unchanged.")
    if is_activation(layer) and previous is not None and _has_activation(previous):
        before = path[:-1] + (path[-1] - 1,)
        act = previous.type if is_activation(previous) else ACTIVATION_NAMES[previous.activation]
        return (f"{w} comes right after another activation (the {act} of Layer "
                f"{'.'.join(map(str, before))}); two in a row rarely help. Remove one.")
    if layer.type == "Dropout" and layer.rate >= HIGH_DROPOUT:
        return (f"{w} switches off {layer.rate:.0%} of the units on every training step; so much "
                "noise usually stops the network from learning. Try 0.2 to 0.5.")
    if layer.type == "Flatten" and len(in_shape) == 1:
        return f"{w} receives a flat vector already, so it changes nothing. You can remove it."
    if layer.type == "Residual" and not layer.layers:
        return (f"{w} has nothing inside, so it only doubles its input. Add layers inside it "
                "(for example Dense 64, then Dense 64 without activation).")
    return None


def _saturating(layers) -> int:
    count = 0
    for layer in layers:
        if layer.type in ("Sigmoid", "Tanh") or getattr(layer, "activation", "") in ("sigmoid", "tanh"):
            count += 1
        if isinstance(layer, s.Residual):
            count += _saturating(layer.layers)
    return count


def stack_warnings(layers, input_shape: tuple[int, ...]) -> list[str]:
    """Warnings about the stack as a whole."""
    out = []
    if not layers:
        out.append("No hidden layers: this is a linear model (the output layer sees the inputs "
                   "directly, like logistic or linear regression). Add layers to learn "
                   "non-linear patterns.")
    n = _saturating(layers)
    if n > MAX_SATURATING:
        out.append(f"{n} layers use Sigmoid or Tanh: a Sigmoid stack deeper than {MAX_SATURATING} "
                   "may suffer vanishing gradients (each Sigmoid shrinks the gradient to a quarter "
                   "or less, so the first layers barely learn). Use ReLU in hidden layers, or add "
                   "BatchNorm or Residual connections.")
    return out
