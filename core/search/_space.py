"""What a search may change: named ranges of training settings and of the model's layers.

A setting is named the way a user reads it: `lr`, `batch_size`, `optimizer`, `l2`, and for the
model's own top-level layers `units_<i>` (a Dense layer's width) and `dropout_<i>` (a Dropout
layer's rate), `<i>` counting layers from 1 as the Build page does, and `blocks`: how many times
the model's hidden block (its trailing run of Dense/Dropout/norm/activation layers) is repeated. Defaults are derived from
the run's own spec and config, so a search looks around what the user already has.
"""
from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

from core.errors import LayerLabError
from core.search.messages import (BAD_CHOICE, BAD_PARAM_SYNTAX, EMPTY_RANGE, INVERTED_RANGE,
                                  LOG_NEEDS_POSITIVE, NO_CHOICES, OUT_OF_BOUNDS, UNKNOWN_PARAM)

OPTIMIZERS = ("sgd", "sgd_momentum", "adam", "adamw", "rmsprop", "adagrad")
# Bounds the settings themselves allow (TrainConfig / the layer schema); a range may not leave them.
_BOUNDS = {"lr": (1e-7, 1e4), "batch_size": (1, 65_536), "l2": (0.0, 1.0),
           "units": (1, 4096), "dropout": (0.0, 0.95), "blocks": (1, 8)}
_PLAIN = {"lr": "learning rate", "batch_size": "batch size", "optimizer": "optimizer",
          "l2": "weight decay (L2)",
          "blocks": "number of repeated hidden blocks"}
# Layers a hidden block of an MLP head is made of; the block is the spec's trailing run of them.
_BLOCK_TYPES = {"Dense", "Dropout", "BatchNorm", "LayerNorm", "ReLU", "LeakyReLU", "Sigmoid",
                "Tanh", "GELU", "SiLU"}


class ParamRange(BaseModel):
    """One searched setting: a float range (log or linear), an int range, or a list of choices."""

    name: str
    kind: Literal["float", "int", "choice"]
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: list[str | int] = Field(default_factory=list)

    @property
    def plain(self) -> str:
        """How a person calls the setting ("learning rate", "units of layer 2")."""
        if self.name in _PLAIN:
            return _PLAIN[self.name]
        what, _, i = self.name.partition("_")
        return f"{'units' if what == 'units' else 'dropout rate'} of layer {i}"


def block_start(spec) -> int | None:
    """Index where the repeatable hidden block starts (None: the model has no Dense block).

    The block is the trailing run of Dense-like layers (all of an MLP; what follows Flatten in
    a CNN), so repeating it keeps the layers before it (convolutions, LSTMs) as they are."""
    start = len(spec.layers)
    while start > 0 and spec.layers[start - 1].type in _BLOCK_TYPES:
        start -= 1
    return start if any(x.type == "Dense" for x in spec.layers[start:]) else None


def searchable(spec) -> dict[str, str]:
    """Every setting a search can change for `spec`: name → kind ("float", "int", "choice")."""
    names = {"lr": "float", "batch_size": "choice", "optimizer": "choice", "l2": "float"}
    for i, layer in enumerate(spec.layers, start=1):
        if layer.type == "Dense":
            names[f"units_{i}"] = "int"
        elif layer.type == "Dropout":
            names[f"dropout_{i}"] = "float"
    if block_start(spec) is not None:
        names["blocks"] = "int"
    return names


def _bounds(name: str) -> tuple[float, float]:
    return _BOUNDS.get(name) or _BOUNDS[name.partition("_")[0]]


def check_range(p: ParamRange, spec) -> ParamRange:
    """`p` when it names a setting of `spec` and holds values to try; LayerLabError otherwise."""
    known = searchable(spec)
    if p.name not in known:
        raise LayerLabError(UNKNOWN_PARAM.format(name=p.name, known=", ".join(known)))
    if p.kind == "choice":
        if not p.choices:
            raise LayerLabError(NO_CHOICES.format(name=p.name, example=_example(p.name)))
        for c in p.choices:
            _check_choice(p.name, c)
        return p
    low, high = p.low, p.high
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        raise LayerLabError(BAD_PARAM_SYNTAX.format(text=f"{p.name}={low}:{high}"))
    if low > high:
        raise LayerLabError(INVERTED_RANGE.format(name=p.name, low=_fmt(low), high=_fmt(high)))
    if low == high or (p.kind == "int" and math.floor(high) < math.ceil(low)):
        raise LayerLabError(EMPTY_RANGE.format(name=p.name, low=_fmt(low), high=_fmt(high)))
    lo, hi = _bounds(p.name)
    if low < lo or high > hi:
        raise LayerLabError(OUT_OF_BOUNDS.format(name=p.name, lo=_fmt(lo), hi=_fmt(hi),
                                                 low=_fmt(low), high=_fmt(high)))
    if p.log and low <= 0:
        raise LayerLabError(LOG_NEEDS_POSITIVE.format(name=p.name, low=_fmt(low)))
    return p


def _check_choice(name: str, value) -> None:
    if name == "optimizer" and value not in OPTIMIZERS:
        raise LayerLabError(BAD_CHOICE.format(value=value, name=name, allowed=", ".join(OPTIMIZERS)))
    if name == "batch_size" and not (isinstance(value, int) and 1 <= value <= 65_536):
        raise LayerLabError(BAD_CHOICE.format(value=value, name="batch size",
                                              allowed="whole numbers from 1 to 65536"))


def _example(name: str) -> str:
    return {"optimizer": "optimizer=adam,sgd_momentum", "batch_size": "batch_size=32,64,128"}.get(
        name, f"{name}=LOW:HIGH")


def _fmt(x: float) -> str:
    return f"{x:g}"


def parse_param(text: str, spec) -> ParamRange:
    """A range from the CLI form NAME=LOW:HIGH[:log] or NAME=A,B,C, checked against `spec`."""
    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not name or not rest.strip():
        raise LayerLabError(BAD_PARAM_SYNTAX.format(text=text))
    kind = searchable(spec).get(name)
    if kind is None:
        check_range(ParamRange(name=name, kind="float", low=0, high=1), spec)  # UNKNOWN_PARAM
    if kind == "choice" or ("," in rest and ":" not in rest):
        items = [s.strip() for s in rest.split(",") if s.strip()]
        try:
            choices = [int(s) for s in items] if name == "batch_size" else items
        except ValueError:
            raise LayerLabError(BAD_PARAM_SYNTAX.format(text=text)) from None
        return check_range(ParamRange(name=name, kind="choice", choices=choices), spec)
    parts = rest.split(":")
    log = len(parts) == 3 and parts[2].strip().lower() == "log"
    if len(parts) not in (2, 3) or (len(parts) == 3 and not log):
        raise LayerLabError(BAD_PARAM_SYNTAX.format(text=text))
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise LayerLabError(BAD_PARAM_SYNTAX.format(text=text)) from None
    return check_range(ParamRange(name=name, kind=kind, low=low, high=high, log=log), spec)


def default_space(spec, config, n_train: int) -> list[ParamRange]:
    """Ranges around the current settings: lr ÷10…×10 (log), batch sizes up to the data, the
    common optimizers, L2 up to 1e-3, each Dense width ÷4…×2 (log) and each dropout 0…0.5."""
    lr = float(config.lr)
    sizes = sorted({b for b in (16, 32, 64, 128, 256, int(config.batch_size)) if b <= max(16, n_train)})
    space = [ParamRange(name="lr", kind="float", low=max(lr / 10, 1e-7), high=min(lr * 10, 1e4), log=True),
             ParamRange(name="batch_size", kind="choice", choices=sizes),
             ParamRange(name="optimizer", kind="choice",
                        choices=sorted({"adam", "adamw", "sgd_momentum", config.optimizer})),
             ParamRange(name="l2", kind="float", low=0.0, high=max(1e-3, float(config.l2)))]
    for i, layer in enumerate(spec.layers, start=1):
        if layer.type == "Dense":
            space.append(ParamRange(name=f"units_{i}", kind="int", low=max(2, layer.units // 4),
                                    high=min(4096, layer.units * 2), log=True))
        elif layer.type == "Dropout":
            space.append(ParamRange(name=f"dropout_{i}", kind="float", low=0.0,
                                    high=max(0.5, float(layer.rate))))
    if block_start(spec) is not None:  # 1-3 copies: deeper than that rarely helps a tabular MLP
        space.append(ParamRange(name="blocks", kind="int", low=1, high=3))
    return space


def current_values(spec, config) -> dict:
    """The settings as they are now, under the search's names (the search tries them first)."""
    values = {"lr": config.lr, "batch_size": config.batch_size, "optimizer": config.optimizer,
              "l2": config.l2}
    for i, layer in enumerate(spec.layers, start=1):
        if layer.type == "Dense":
            values[f"units_{i}"] = layer.units
        elif layer.type == "Dropout":
            values[f"dropout_{i}"] = layer.rate
    if block_start(spec) is not None:
        values["blocks"] = 1
    return values


def apply_params(spec, config, params: dict):
    """(spec, config) with the searched settings `params` written in; the inputs are unchanged."""
    cfg = {k: params[k] for k in ("lr", "batch_size", "optimizer", "l2") if k in params}
    if cfg.get("optimizer", config.optimizer) != "sgd_momentum":
        cfg["nesterov"] = False  # nesterov only exists for sgd_momentum
    layers = [layer.model_copy() for layer in spec.layers]
    for name, value in params.items():
        what, _, i = name.partition("_")
        if what in ("units", "dropout"):
            field = "units" if what == "units" else "rate"
            layers[int(i) - 1] = layers[int(i) - 1].model_copy(update={field: value})
    start = block_start(spec)
    if params.get("blocks", 1) > 1 and start is not None:  # widths above apply to every copy
        layers = layers[:start] + layers[start:] * int(params["blocks"])
    # Validated again, so a searched value outside what the schema allows fails here, by name.
    return (type(spec).model_validate({**spec.model_dump(), "layers": [x.model_dump() for x in layers]}),
            type(config).model_validate({**config.model_dump(), **cfg}))


def suggest(trial, p: ParamRange):
    """The value Optuna's `trial` picks for `p`."""
    if p.kind == "choice":
        return trial.suggest_categorical(p.name, list(p.choices))
    if p.kind == "int":
        return trial.suggest_int(p.name, math.ceil(p.low), math.floor(p.high), log=p.log)
    return trial.suggest_float(p.name, p.low, p.high, log=p.log)
