"""Ready-made stacks to start from, one per kind of data, plus two for teaching.

Each preset is a plain ModelSpec, so choosing one is the same as importing its JSON.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import SpecError
from core.spec._schema import ModelSpec

Modality = Literal["tabular", "image", "sequence", "any"]


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    modality: Modality
    spec: ModelSpec
    # Training settings this preset needs that differ from the usual ones, in words ("" when
    # the usual defaults suit it); default_config applies them from the model's kind.
    recommended: str = ""


def _dense(units: int, activation: str = "relu") -> dict:
    return {"type": "Dense", "units": units, "activation": activation}


def _block(units: int) -> dict:
    # ResNet style: the second Dense is linear; the activation comes after the addition.
    return {"type": "Residual", "layers": [_dense(units), _dense(units, "none")]}


_PRESETS: list[tuple[str, str, str, Modality, list[dict]]] = [
    ("walkthrough_mlp", "Walkthrough MLP (128-64)",
     "The whitepaper's walkthrough network: two fully connected layers of 128 and 64 ReLU "
     "units. A solid first model for tables of numbers and categories.",
     "tabular", [_dense(128), _dense(64)]),
    ("lenet_cnn", "LeNet-style CNN",
     "Two convolution + max-pooling stages, then Dense 120 and 84, after LeCun's LeNet; the "
     "second convolution uses 3×3 filters so the network fits 8×8 digit images.",
     "image",
     [{"type": "Conv2D", "filters": 6, "kernel_size": 5, "padding": "same"},
      {"type": "MaxPool2D", "pool_size": 2},
      {"type": "Conv2D", "filters": 16, "kernel_size": 3, "padding": "same"},
      {"type": "MaxPool2D", "pool_size": 2},
      {"type": "Flatten"}, _dense(120), _dense(84)]),
    ("lstm_sequence", "LSTM for sequences",
     "One LSTM layer of 32 units reads the sequence step by step and passes its final memory "
     "to the output.",
     "sequence", [{"type": "LSTM", "hidden_size": 32}]),
    ("tiny_transformer", "Tiny transformer",
     "A Dense layer turns each step into 32 features, one self-attention block with 4 heads "
     "relates every step to every other, and global average pooling summarises the sequence.",
     "sequence",
     [_dense(32, "none"),
      {"type": "TransformerEncoder", "num_heads": 4, "dim_feedforward": 64},
      {"type": "GlobalAvgPool"}]),
    ("residual_mlp", "Residual MLP",
     "Dense 64 followed by two residual blocks (Dense 64, Dense 64 with a skip connection). "
     "Skip connections keep gradients flowing, so deeper stacks stay trainable.",
     "tabular", [_dense(64), _block(64), {"type": "ReLU"}, _block(64), {"type": "ReLU"}]),
    ("deep_sigmoid", "Deep Sigmoid stack (a bad example)",
     "Deliberately bad, for teaching: ten Dense 32 layers with Sigmoid. Gradients shrink at "
     "every Sigmoid and vanish before they reach the first layers, so it learns slowly or not "
     "at all. Train it, look at the gradient chart, then compare with the walkthrough MLP.",
     "tabular", [_dense(32, "sigmoid") for _ in range(10)]),
]

# Measured with bench/defaults_quality.py on the built-in datasets (issue 12).
_RECOMMENDED = {
    "lenet_cnn": "Trains well with the data-aware defaults (batch 32 on small image sets, "
                 "early stopping keeps the best epoch); no change needed.",
    "lstm_sequence": "Needs a higher learning rate than dense stacks: the defaults give LSTMs "
                     "0.003 (three times Adam's usual 0.001), with batch 32 and early stopping "
                     "on short sequence sets.",
    "tiny_transformer": "Uses Adam's usual 0.001 with the data-aware batch size and early "
                        "stopping; attention over few examples overfits, so watch validation loss.",
}

_DEFAULTS = {"tabular": "walkthrough_mlp", "image": "lenet_cnn", "sequence": "lstm_sequence",
             "any": "walkthrough_mlp"}


def presets() -> list[Preset]:
    """Every preset, with a fresh ModelSpec each (callers may change theirs freely)."""
    return [Preset(name, title, description, modality,
                   ModelSpec.model_validate({"name": title, "layers": layers}),
                   _RECOMMENDED.get(name, ""))
            for name, title, description, modality, layers in _PRESETS]


def preset_names() -> list[str]:
    return [p[0] for p in _PRESETS]


def get_preset(name: str) -> ModelSpec:
    for preset in presets():
        if preset.name == name:
            return preset.spec
    raise SpecError(f"There is no preset called {name!r}. "
                    f"Presets: {', '.join(preset_names())}.")


def default_preset_for(modality: str) -> str:
    """The preset the Build page starts from for a dataset of this modality."""
    try:
        return _DEFAULTS[modality]
    except KeyError:
        raise SpecError(f"Unknown kind of data {modality!r}; expected one of: "
                        f"{', '.join(_DEFAULTS)}.") from None
