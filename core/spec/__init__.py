"""Model specs: the JSON description of a network, checked against the data it will see.

A `ModelSpec` lists the hidden layers; the input and the output head follow the dataset.
This package says what each layer is (`catalogue`), offers starting points (`presets`),
reads spec files with plain-language errors (`parse_spec`) and works out, layer by layer,
the shapes, parameter counts, memory and problems of a spec on a given input
(`analyse`), using torch's `meta` device so nothing is allocated. `core.build` turns a
spec that passes into a real torch module.

Importing this package does not import torch; `analyse` does, when first called.
`core.spec.torch_layers` (imported by `core.build` only) holds the torch modules a spec
layer becomes.
"""
from core.spec._analyse import LayerRow, SpecReport, analyse, plan, warm_up
from core.spec._catalogue import LayerInfo, ParamInfo, catalogue
from core.spec._checks import describe, human_bytes
from core.spec._parse import parse_spec
from core.spec._presets import Preset, default_preset_for, get_preset, preset_names, presets
from core.spec._schema import LAYER_TYPES, ModelSpec


def export_spec(spec: ModelSpec) -> str:
    """The spec as the JSON text a user downloads; `parse_spec` reads it back unchanged."""
    return spec.model_dump_json(indent=2)


__all__ = [
    "LAYER_TYPES", "LayerInfo", "LayerRow", "ModelSpec", "ParamInfo", "Preset", "SpecReport",
    "analyse", "plan", "catalogue", "default_preset_for", "describe", "export_spec", "get_preset",
    "human_bytes", "parse_spec", "preset_names", "presets", "warm_up",
]
