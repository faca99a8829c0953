"""ModelSpec: the JSON model description that is LayerLab's single source of truth.

A spec lists the hidden layers in order; the input and the output head are not in it:
they follow the dataset (input shape from the prepared data, output sized by the task),
so a user never works out "102 + 6 inputs" by hand and one spec fits several datasets.

JSON looks like:
    {"schema_version": 1, "name": "Walkthrough MLP",
     "layers": [{"type": "Dense", "units": 128, "activation": "relu"},
                {"type": "Dropout", "rate": 0.2},
                {"type": "Residual", "layers": [{"type": "Dense", "units": 64}]}]}

Bounds on every size keep a typo (10^9 units) from ever reaching torch.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Activation = Literal["none", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu"]

MAX_UNITS = 65_536
MAX_CHANNELS = 4_096


class _Layer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Dense(_Layer):
    """Fully connected layer on the last axis (a flat vector, or each step of a sequence)."""

    type: Literal["Dense"] = "Dense"
    units: int = Field(64, ge=1, le=MAX_UNITS)
    activation: Activation = "relu"
    bias: bool = True


class Conv2D(_Layer):
    type: Literal["Conv2D"] = "Conv2D"
    filters: int = Field(16, ge=1, le=MAX_CHANNELS)
    kernel_size: int = Field(3, ge=1, le=31)
    stride: int = Field(1, ge=1, le=16)
    padding: Literal["same", "valid"] = "same"
    activation: Activation = "relu"


class MaxPool2D(_Layer):
    type: Literal["MaxPool2D"] = "MaxPool2D"
    pool_size: int = Field(2, ge=1, le=16)


class AvgPool2D(_Layer):
    type: Literal["AvgPool2D"] = "AvgPool2D"
    pool_size: int = Field(2, ge=1, le=16)


class GlobalAvgPool(_Layer):
    """Averages over space (images) or time (sequences), leaving one vector per example."""

    type: Literal["GlobalAvgPool"] = "GlobalAvgPool"


class Flatten(_Layer):
    type: Literal["Flatten"] = "Flatten"


class Dropout(_Layer):
    type: Literal["Dropout"] = "Dropout"
    rate: float = Field(0.2, ge=0.0, lt=1.0)


class BatchNorm(_Layer):
    type: Literal["BatchNorm"] = "BatchNorm"


class LayerNorm(_Layer):
    type: Literal["LayerNorm"] = "LayerNorm"


class ReLU(_Layer):
    type: Literal["ReLU"] = "ReLU"


class LeakyReLU(_Layer):
    type: Literal["LeakyReLU"] = "LeakyReLU"
    negative_slope: float = Field(0.01, ge=0.0, le=1.0)


class Sigmoid(_Layer):
    type: Literal["Sigmoid"] = "Sigmoid"


class Tanh(_Layer):
    type: Literal["Tanh"] = "Tanh"


class GELU(_Layer):
    type: Literal["GELU"] = "GELU"


class SiLU(_Layer):
    type: Literal["SiLU"] = "SiLU"


class Softmax(_Layer):
    """Valid only as the last layer of a multiclass model (it is then the output activation)."""

    type: Literal["Softmax"] = "Softmax"


class LSTM(_Layer):
    type: Literal["LSTM"] = "LSTM"
    hidden_size: int = Field(32, ge=1, le=4_096)
    num_layers: int = Field(1, ge=1, le=8)
    bidirectional: bool = False
    # False: only the last step's output goes on (a vector); True: the whole sequence.
    return_sequences: bool = False


class GRU(_Layer):
    type: Literal["GRU"] = "GRU"
    hidden_size: int = Field(32, ge=1, le=4_096)
    num_layers: int = Field(1, ge=1, le=8)
    bidirectional: bool = False
    return_sequences: bool = False


class TransformerEncoder(_Layer):
    """Self-attention block(s) over a sequence; keeps the shape (steps, features)."""

    type: Literal["TransformerEncoder"] = "TransformerEncoder"
    num_heads: int = Field(4, ge=1, le=64)
    dim_feedforward: int = Field(64, ge=1, le=16_384)
    num_layers: int = Field(1, ge=1, le=12)
    dropout: float = Field(0.1, ge=0.0, lt=1.0)


class Residual(_Layer):
    """A skip connection: output = input + inner layers(input); the inner stack must keep the shape."""

    type: Literal["Residual"] = "Residual"
    layers: list["Layer"] = Field(default_factory=list, max_length=32)


Layer = Annotated[
    Union[
        Dense, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Flatten, Dropout, BatchNorm,
        LayerNorm, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, Softmax, LSTM, GRU,
        TransformerEncoder, Residual,
    ],
    Field(discriminator="type"),
]
Residual.model_rebuild()

LAYER_TYPES: dict[str, type[_Layer]] = {
    cls.model_fields["type"].default: cls
    for cls in (Dense, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Flatten, Dropout, BatchNorm,
                LayerNorm, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, Softmax, LSTM, GRU,
                TransformerEncoder, Residual)
}


class ModelSpec(BaseModel):
    """An ordered stack of hidden layers; input and output head follow the dataset."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    name: str = Field("My model", max_length=200)
    layers: list[Layer] = Field(default_factory=list, max_length=200)
