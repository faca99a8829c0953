"""Shared helpers for the spec and build tests."""
from __future__ import annotations

from functools import lru_cache

from core.build import layer_name
from core.spec import ModelSpec

# The input shapes core.data gives each kind of built-in data.
SHAPES = {"tabular": (108,), "image": (1, 8, 8), "sequence": (50, 1)}
TASKS = {"tabular": ("binary", 1), "image": ("multiclass", 10), "sequence": ("multiclass", 3)}


def spec(*layers: dict) -> ModelSpec:
    return ModelSpec.model_validate({"layers": list(layers)})


def submodule(model, path: tuple[int, ...], layer_type: str):
    """The built module of the row at `path` (residual children live in `<parent>.body`)."""
    module = model
    for depth in range(1, len(path)):
        module = getattr(module, _parent_name(model, path[:depth])).body
    return getattr(module, layer_name(path, layer_type))


def _parent_name(model, path: tuple[int, ...]) -> str:
    return layer_name(path, "Residual")


@lru_cache(maxsize=None)
def prepared(name: str):
    """A built-in dataset, prepared once per test session (built-ins need no LayerLab home)."""
    from core.data import default_ref, load, prepare

    return prepare(load(default_ref(name)))
