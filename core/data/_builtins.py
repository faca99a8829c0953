"""The catalogue of built-in datasets: all offline (shipped in assets/, inside scikit-learn,
or generated from a seed), each described in plain words for the Data page and the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from core.data import _generators as gen
from core.data._types import Modality, Task
from core.errors import DataError

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@dataclass(frozen=True)
class ParamInfo:
    """One generator setting, shown as a slider on the Data page."""

    name: str
    label: str
    kind: str  # "int" | "float"
    default: float | int
    min: float | int
    max: float | int
    step: float | int
    help: str = ""


@dataclass(frozen=True)
class BuiltinInfo:
    name: str
    title: str
    modality: Modality
    task: Task
    description: str  # one plain sentence
    params: list[ParamInfo]
    default_target: str
    default_sensitive: list[str] = field(default_factory=list)
    rows: int = 0  # row count with default params
    sample_shape: tuple[int, ...] | None = None  # image / sequence sets (with default params)


_N = ParamInfo("n_points", "Number of points", "int", 500, 50, 5000, 50,
               "How many examples to generate.")
_NOISE = ParamInfo("noise", "Noise", "float", 0.1, 0.0, 0.5, 0.01,
                   "How much the points are scattered; more noise makes the classes overlap.")
_SEED = ParamInfo("seed", "Random seed", "int", 0, 0, 9999, 1,
                  "Change it to draw a different sample with the same settings.")
_SAMPLES = ParamInfo("n_points", "Number of sequences", "int", 600, 60, 3000, 30,
                     "How many sequences to generate.")
_SEQ_LEN = ParamInfo("seq_len", "Steps per sequence", "int", 50, 10, 200, 5,
                     "How many time steps each sequence has.")
_CLASSES = ParamInfo("classes", "Number of blobs (classes)", "int", 3, 2, 8, 1,
                     "How many groups of points, each its own class.")


def _toy(name, title, task, description, fn, extra=(), target="label") -> tuple[BuiltinInfo, Callable]:
    params = [_N, *extra, _NOISE, _SEED]
    return BuiltinInfo(name, title, "tabular", task, description, params, target, rows=500), fn


def _sklearn_frame(loader: str, target: str, names: bool) -> pd.DataFrame:
    import sklearn.datasets

    data = getattr(sklearn.datasets, loader)()
    frame = pd.DataFrame(data.data, columns=list(data.feature_names))
    if names:  # class names as text, so reports say "malignant" rather than "0"
        frame[target] = pd.Series(np.asarray(data.target_names)[data.target], dtype="str")
    else:
        frame[target] = data.target
    return frame


def _digits() -> pd.DataFrame:
    from sklearn.datasets import load_digits

    data = load_digits()
    frame = pd.DataFrame(data.data.astype(np.int64), columns=[f"p{i}" for i in range(64)])
    frame["digit"] = data.target.astype(np.int64)
    return frame


def _adult() -> pd.DataFrame:
    from core.data._csv import read_stored_text_frame

    return read_stored_text_frame(ASSETS / "adult.csv.gz")


_ENTRIES: list[tuple[BuiltinInfo, Callable]] = [
    (BuiltinInfo("adult", "UCI Adult (income)", "tabular", "binary",
                 "Census records of 32,561 adults; predict whether a person earns more than "
                 "$50K a year.", [], "class", ["sex", "race"], rows=32561), _adult),
    _toy("moons", "Two moons", "binary", "Two interleaving half circles of 2-D points.", gen.moons),
    _toy("circles", "Circles", "binary", "A ring of points around a smaller circle of points.",
         gen.circles),
    _toy("xor", "XOR (four quadrants)", "binary",
         "Points in four squares; opposite corners share a class, so no straight line separates them.",
         gen.xor),
    _toy("spirals", "Two spirals", "binary", "Two interleaved spirals, a hard 2-D problem.",
         gen.spirals),
    _toy("blobs", "Gaussian blobs", "multiclass", "Round clouds of 2-D points, one class each.",
         gen.blobs, extra=(_CLASSES,)),
    _toy("plane_regression", "Plane (regression)", "regression",
         "Predict a number that rises steadily across the 2-D plane.", gen.plane_regression,
         target="y"),
    _toy("surface_regression", "Wavy surface (regression)", "regression",
         "Predict the height of a smooth wavy surface over the 2-D plane.", gen.surface_regression,
         target="y"),
    (BuiltinInfo("iris", "Iris flowers", "tabular", "multiclass",
                 "Petal and sepal sizes of 150 iris flowers; predict the species.", [], "species",
                 rows=150), lambda: _sklearn_frame("load_iris", "species", True)),
    (BuiltinInfo("wine", "Wine", "tabular", "multiclass",
                 "Chemical analysis of 178 Italian wines; predict which of three growers made it.",
                 [], "cultivar", rows=178), lambda: _sklearn_frame("load_wine", "cultivar", True)),
    (BuiltinInfo("breast_cancer", "Breast cancer (Wisconsin)", "tabular", "binary",
                 "Measurements of 569 cell samples; predict whether the tumour is malignant.",
                 [], "diagnosis", rows=569),
     lambda: _sklearn_frame("load_breast_cancer", "diagnosis", True)),
    (BuiltinInfo("diabetes", "Diabetes progression (regression)", "tabular", "regression",
                 "Ten health measurements of 442 patients; predict how the disease progresses "
                 "within a year.", [], "progression", rows=442),
     lambda: _sklearn_frame("load_diabetes", "progression", False)),
    (BuiltinInfo("digits", "Handwritten digits (8x8)", "image", "multiclass",
                 "1,797 small 8x8 grey images of handwritten digits; predict the digit.", [],
                 "digit", rows=1797, sample_shape=(1, 8, 8)), _digits),
    (BuiltinInfo("waves", "Wave shapes (sequences)", "sequence", "multiclass",
                 "Noisy sine, sawtooth and square waves; predict the shape from the sequence.",
                 [_SAMPLES, _SEQ_LEN, _NOISE, _SEED], "shape", rows=600, sample_shape=(50, 1)),
     gen.waves),
    (BuiltinInfo("series_forecast", "Next value of a series (sequence regression)", "sequence",
                 "regression", "Windows of a noisy wavy signal; predict the value that comes next.",
                 [_SAMPLES, _SEQ_LEN, _NOISE, _SEED], "next", rows=600, sample_shape=(50, 1)),
     gen.series_forecast),
]
_REGISTRY = {info.name: (info, fn) for info, fn in _ENTRIES}


def builtin_datasets() -> list[BuiltinInfo]:
    """Every built-in dataset, in the order the Data page lists them."""
    return [info for info, _ in _ENTRIES]


def builtin_info(name: str) -> BuiltinInfo:
    try:
        return _REGISTRY[name][0]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise DataError(f"There is no built-in dataset called '{name}'. Built-in datasets: {known}.") from None


def resolve_params(info: BuiltinInfo, params: dict) -> dict[str, float | int]:
    """The generator settings with defaults filled in, checked against each slider's range."""
    known = {p.name: p for p in info.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        allowed = ", ".join(known) or "none"
        raise DataError(f"The built-in dataset '{info.name}' has no setting '{unknown[0]}'. "
                        f"Its settings: {allowed}.")
    out: dict[str, float | int] = {}
    for p in info.params:
        raw = params.get(p.name, p.default)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise DataError(f"Setting '{p.name}' of '{info.name}' must be a number, got '{raw}'.") from None
        if not p.min <= value <= p.max:
            raise DataError(f"Setting '{p.name}' of '{info.name}' must be between {p.min} and "
                            f"{p.max}, got {raw}.")
        out[p.name] = int(round(value)) if p.kind == "int" else value
    return out


def builtin_frame(name: str, params: dict) -> pd.DataFrame:
    """The raw frame of a built-in set (Adult still holds its '?' markers; load cleans it)."""
    info = builtin_info(name)
    values = resolve_params(info, params)
    return _REGISTRY[name][1](**values)
