"""Reading spec files: plain messages for every kind of bad file, and a lossless round trip."""
import json

import pytest

from core.errors import SpecError
from core.spec import LAYER_TYPES, analyse, export_spec, get_preset, parse_spec, presets
from tests.core.spec.helpers import SHAPES, TASKS

KNOWN = ", ".join(LAYER_TYPES)


def _layers(*layers) -> str:
    return json.dumps({"layers": list(layers)})


ERRORS = [
    ("not json", '{\n  "layers": [\n    {"type": "Dense",}\n  ]\n}',
     "The file is not valid JSON: line 3, column 22: Expecting property name enclosed in "
     "double quotes."),
    ("unknown type", _layers({"type": "Dense"}, {"type": "Foo"}),
     f"Layer 2: unknown layer type 'Foo'. Known types: {KNOWN}."),
    ("negative size", _layers({"type": "Dense", "units": -5}),
     "Layer 1 (Dense): units must be at least 1 (got -5)."),
    ("zero size", _layers({"type": "Conv2D", "filters": 0}),
     "Layer 1 (Conv2D): filters must be at least 1 (got 0)."),
    ("10^9 units", _layers({"type": "Dense", "units": 10**9}),
     "Layer 1 (Dense): units must be at most 65,536 (got 1,000,000,000)."),
    ("10^9 units as a float", _layers({"type": "Dense", "units": 1e9}),
     "Layer 1 (Dense): units must be at most 65,536 (got 1,000,000,000)."),
    ("nested residual", _layers({"type": "Dense"}, {"type": "Dropout"},
                                {"type": "Residual", "layers": [{"type": "Dense"},
                                                                {"type": "Dense", "units": 0}]}),
     "Layer 3.2 (Dense): units must be at least 1 (got 0)."),
    ("unknown field", _layers({"type": "Dense", "unit": 3}),
     "Layer 1 (Dense): unknown field 'unit'. Dense takes: units, activation, bias."),
    ("unknown top-level field", json.dumps({"layers": [], "optimizer": "adam"}),
     "The spec: unknown field 'optimizer'. A spec has: schema_version, name, layers."),
    ("dropout of 1", _layers({"type": "Dropout", "rate": 1.0}),
     "Layer 1 (Dropout): rate must be less than 1 (got 1)."),
    ("bad activation", _layers({"type": "Dense", "activation": "softmax"}),
     "Layer 1 (Dense): activation must be one of 'none', 'relu', 'leaky_relu', 'sigmoid', "
     "'tanh', 'gelu' or 'silu' (got 'softmax')."),
    ("fractional units", _layers({"type": "Dense", "units": 3.5}),
     "Layer 1 (Dense): units must be a whole number (got 3.5)."),
    ("no type", _layers({"units": 3}),
     f"Layer 1 has no \"type\". Give it one of: {KNOWN}."),
    ("layer not an object", _layers(5),
     "Layer 1 must be a JSON object like {\"type\": \"Dense\", \"units\": 64}, not 5."),
    ("a bare list", "[]",
     "The file must hold one JSON object like {\"layers\": [...]}, not a list."),
    ("layers not a list", json.dumps({"layers": 3}), "The spec: layers must be a list, not 3."),
    ("newer schema", json.dumps({"schema_version": 2, "layers": []}),
     "This spec has schema_version 2, but this LayerLab reads version 1. Export it again from "
     "this version of LayerLab."),
]


@pytest.mark.parametrize("text, expected", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_spec_files_get_plain_messages(text, expected):
    with pytest.raises(SpecError) as exc:
        parse_spec(text)
    assert str(exc.value) == expected


def test_several_problems_are_listed_one_per_line_in_layer_order():
    with pytest.raises(SpecError) as exc:
        parse_spec(_layers({"type": "Dense", "units": 0}, {"type": "Dropout", "rate": -1}))
    assert str(exc.value).splitlines() == [
        "Layer 1 (Dense): units must be at least 1 (got 0).",
        "Layer 2 (Dropout): rate must be at least 0 (got -1).",
    ]


def test_bytes_that_are_not_utf8_are_refused_plainly():
    with pytest.raises(SpecError, match="The file is not UTF-8 text"):
        parse_spec(b'{"layers": [], "name": "\xff"}')


def test_bytes_with_a_bom_are_read():
    assert parse_spec(b"\xef\xbb\xbf" + b'{"layers": []}').layers == []


def test_a_huge_file_is_refused_before_parsing():
    with pytest.raises(SpecError, match="The file is too big to be a model spec"):
        parse_spec(b" " * (2 * 1024 * 1024))


@pytest.mark.parametrize("preset", presets(), ids=lambda p: p.name)
def test_round_trip_gives_the_same_spec_and_the_same_report(preset):
    text = export_spec(preset.spec)
    back = parse_spec(text.encode("utf-8"))
    assert back == preset.spec
    assert export_spec(back) == text
    shape = SHAPES[preset.modality]
    task, n_outputs = TASKS[preset.modality]
    assert analyse(back, shape, task, n_outputs) == analyse(preset.spec, shape, task, n_outputs)


def test_defaults_fill_in_what_a_hand_written_file_leaves_out():
    spec = parse_spec('{"layers": [{"type": "Dense"}, {"type": "Residual"}]}')
    assert spec.layers[0].units == 64 and spec.layers[0].activation == "relu"
    assert spec.layers[1].layers == []
    assert spec == parse_spec(export_spec(spec))
    assert get_preset("lstm_sequence").layers[0].hidden_size == 32
