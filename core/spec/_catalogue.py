"""The layer palette: what each layer type is for, in a learner's words, and its settings.

Defaults, bounds and choices are read from the pydantic fields in `_schema.py`, so the form
on the Build page cannot offer a value the spec would refuse. Only the words live here.
Summaries follow the whitepapers in shared/references (e.g. ReLU as the usual hidden-layer
choice, Softmax only for the multiclass output, LSTM for long-range dependencies).
"""
from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types as at

from core.spec._schema import LAYER_TYPES

Category = Literal["Core", "Convolution", "Regularisation", "Normalisation", "Activation",
                   "Sequence", "Structure"]


@dataclass(frozen=True)
class ParamInfo:
    name: str  # the field name in the spec JSON
    label: str
    kind: Literal["int", "float", "choice", "bool"]
    default: Any
    min: float | int | None = None  # inclusive; an exclusive bound is moved one step inside
    max: float | int | None = None
    choices: tuple[str, ...] | None = None
    help: str = ""


@dataclass(frozen=True)
class LayerInfo:
    type: str
    title: str
    category: Category
    summary: str
    params: list[ParamInfo]


# type: (title, category, summary)
_LAYERS: dict[str, tuple[str, Category, str]] = {
    "Dense": ("Dense (fully connected)", "Core",
              "Every unit weighs all of its inputs, adds a bias and passes the sum through an "
              "activation; the basic building block of a network."),
    "Flatten": ("Flatten", "Core",
                "Lays an image or a sequence out as one long list of numbers, so Dense layers "
                "can use it."),
    "Conv2D": ("Conv2D (convolution)", "Convolution",
               "Slides small learned filters over the image to detect local patterns such as "
               "edges and textures, reusing the same weights everywhere."),
    "MaxPool2D": ("Max pooling", "Convolution",
                  "Keeps the strongest response in each small window, shrinking the image so "
                  "later layers see a wider area for less work."),
    "AvgPool2D": ("Average pooling", "Convolution",
                  "Averages each small window, shrinking the image while keeping its overall "
                  "pattern."),
    "GlobalAvgPool": ("Global average pooling", "Convolution",
                      "Averages over the whole image (or all steps of a sequence), leaving one "
                      "number per channel or feature."),
    "Dropout": ("Dropout", "Regularisation",
                "Dropout randomly switches off a fraction of units while training, so the "
                "network cannot rely on any single one."),
    "BatchNorm": ("Batch normalisation", "Normalisation",
                  "Rescales each feature to a steady range using statistics of the batch, which "
                  "makes training faster and more stable."),
    "LayerNorm": ("Layer normalisation", "Normalisation",
                  "Rescales the features of each example to a steady range; common inside "
                  "transformers and independent of the batch size."),
    "ReLU": ("ReLU", "Activation",
             "Passes positive values and turns negative ones into zero; cheap and the usual "
             "first choice for hidden layers."),
    "LeakyReLU": ("Leaky ReLU", "Activation",
                  "Like ReLU but lets a small slope through for negative values, so units "
                  "cannot get stuck at zero (the dying ReLU problem)."),
    "Sigmoid": ("Sigmoid", "Activation",
                "Squashes any value into the range 0 to 1; fine for a yes/no output but deep "
                "stacks of it suffer from vanishing gradients."),
    "Tanh": ("Tanh", "Activation",
             "Squashes any value into the range -1 to 1; zero-centred, so it often trains "
             "better than Sigmoid in hidden layers, but it can also saturate."),
    "GELU": ("GELU", "Activation",
             "A smooth version of ReLU that lets small negative values through; common in "
             "transformers."),
    "SiLU": ("SiLU (Swish)", "Activation",
             "The input times its sigmoid: a smooth, ReLU-like curve that often trains well in "
             "deep networks."),
    "Softmax": ("Softmax", "Activation",
                "Turns the scores of several classes into probabilities that sum to 1; only for "
                "the output of a multiclass model, never a hidden layer."),
    "LSTM": ("LSTM", "Sequence",
             "Reads a sequence step by step with a memory cell whose gates decide what to keep, "
             "so it can learn long-range dependencies."),
    "GRU": ("GRU", "Sequence",
            "A simpler cousin of the LSTM with two gates instead of three; often as good and "
            "faster to train."),
    "TransformerEncoder": ("Transformer encoder", "Sequence",
                           "Self-attention lets every step look at every other step at once "
                           "and weigh how much each matters (with a learned position signal)."),
    "Residual": ("Residual block", "Structure",
                 "Adds the block's input to its output (a skip connection), so gradients flow "
                 "straight through and deep networks stay trainable."),
}

# field name: (label, help)
_FIELDS: dict[str, tuple[str, str]] = {
    "units": ("Units", "How many neurons the layer has: more can learn more, and overfit more."),
    "activation": ("Activation", "The non-linearity applied to each unit's output; ReLU is the "
                                 "usual choice, none keeps the layer linear."),
    "bias": ("Bias", "Whether each unit adds a learned constant."),
    "filters": ("Filters", "How many patterns the layer looks for; each gives one output channel."),
    "kernel_size": ("Kernel size", "The width and height of each filter, in pixels."),
    "stride": ("Stride", "How many pixels the filter moves at a time; 2 halves the image size."),
    "padding": ("Padding", "'same' pads the border so the image keeps its size; 'valid' does "
                           "not pad, so the image shrinks."),
    "pool_size": ("Pool size", "The width and height of each window; 2 halves the image size."),
    "rate": ("Rate", "The fraction of units switched off on each training step (0.2 to 0.5 is usual)."),
    "negative_slope": ("Negative slope", "How much of a negative value gets through."),
    "hidden_size": ("Hidden size", "The size of the memory the layer carries from step to step."),
    "num_layers": ("Layers", "How many of these are stacked, each reading the one below."),
    "bidirectional": ("Bidirectional", "Also read the sequence backwards and combine both."),
    "return_sequences": ("Return sequences", "On: pass on every step (to stack another sequence "
                                             "layer). Off: pass on only the final summary."),
    "num_heads": ("Attention heads", "How many attention patterns are learned side by side; "
                                     "must divide the number of features."),
    "dim_feedforward": ("Feed-forward size", "Units of the small Dense network after attention."),
    "dropout": ("Dropout", "Dropout inside the block while training."),
}


def _param(name: str, info) -> ParamInfo:
    label, help_text = _FIELDS.get(name, (name.replace("_", " ").capitalize(), ""))
    ann = info.annotation
    if typing.get_origin(ann) is Literal:
        return ParamInfo(name, label, "choice", info.default, choices=typing.get_args(ann),
                         help=help_text)
    kind = "bool" if ann is bool else "int" if ann is int else "float"
    if kind == "bool":
        return ParamInfo(name, label, kind, info.default, help=help_text)
    step = 1 if kind == "int" else 0.01  # how far inside an exclusive bound the form may go
    lo = hi = None
    for m in info.metadata:
        if isinstance(m, at.Ge):
            lo = m.ge
        elif isinstance(m, at.Gt):
            lo = m.gt + step
        elif isinstance(m, at.Le):
            hi = m.le
        elif isinstance(m, at.Lt):
            hi = round(m.lt - step, 10)
    return ParamInfo(name, label, kind, info.default, lo, hi, help=help_text)


def catalogue() -> list[LayerInfo]:
    """Every layer type in the order of `LAYER_TYPES`, with its settings' defaults and bounds."""
    out = []
    for type_name, cls in LAYER_TYPES.items():
        title, category, summary = _LAYERS[type_name]
        params = [_param(n, f) for n, f in cls.model_fields.items() if n not in ("type", "layers")]
        out.append(LayerInfo(type_name, title, category, summary, params))
    return out
