"""The stack builder's pure helpers: ids that survive moves, the spec round trip, the data
the component draws, and the words for shapes and sizes."""
from dataclasses import dataclass

from core.spec._schema import ModelSpec
from ui.stack_builder import tree as _tree

SPEC = ModelSpec.model_validate({"layers": [
    {"type": "Dense", "units": 32},
    {"type": "Residual", "layers": [{"type": "Dense", "units": 32}, {"type": "ReLU"}]},
    {"type": "Dropout", "rate": 0.3},
]})
LAYERS = SPEC.model_dump(mode="json")["layers"]


def test_ids_are_unique_and_strip_back_to_the_same_spec():
    nodes = _tree.with_ids(LAYERS)
    ids = [n["id"] for _, n in _tree.walk_nodes(nodes)]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert _tree.strip_ids(nodes) == LAYERS
    assert ModelSpec.model_validate({"layers": _tree.strip_ids(nodes)}) == SPEC


def test_ids_are_kept_where_the_same_type_stays_in_place():
    nodes = _tree.with_ids(LAYERS)
    changed = [dict(LAYERS[0], units=64), LAYERS[1], {"type": "ReLU"}]
    again = _tree.with_ids(changed, nodes)
    assert again[0]["id"] == nodes[0]["id"] and again[0]["units"] == 64
    assert again[1]["layers"][1]["id"] == nodes[1]["layers"][1]["id"]
    assert again[2]["id"] != nodes[2]["id"]  # Dropout replaced by ReLU: a new layer


def test_a_move_keeps_ids_and_new_layers_get_fresh_unique_ids():
    nodes = _tree.with_ids(LAYERS)
    moved = [nodes[2], nodes[0], {"id": None, "type": "Tanh"}, nodes[1],
             {"id": nodes[0]["id"], "type": "ReLU"}]  # a duplicate id must be replaced
    fresh = _tree.fill_new_ids(moved)
    assert len(fresh) == 2 and moved[2]["id"] == fresh[0] and moved[4]["id"] == fresh[1]
    assert moved[0]["id"] == nodes[2]["id"] and moved[1]["id"] == nodes[0]["id"]
    assert [layer["type"] for layer in _tree.strip_ids(moved)] == [
        "Dropout", "Dense", "Tanh", "Residual", "ReLU"]


def test_walk_paths_and_find_node():
    nodes = _tree.with_ids(LAYERS)
    paths = [p for p, _ in _tree.walk_nodes(nodes)]
    assert paths == [(1,), (2,), (2, 1), (2, 2), (3,)]
    inner = nodes[1]["layers"][1]
    assert _tree.find_node(nodes, inner["id"]) is inner
    assert _tree.find_node(nodes, "nope") is None and _tree.find_node(nodes, None) is None
    assert _tree.count_layers(nodes) == 5


@dataclass
class Row:
    path: tuple
    type: str
    label: str
    output_shape: tuple | None
    params: int | None
    error: str | None = None
    warning: str | None = None


@dataclass
class Report:
    rows: list


@dataclass
class Info:
    type: str
    title: str
    category: str
    summary: str


def test_component_data_puts_each_report_row_on_its_node():
    nodes = _tree.with_ids(LAYERS)
    report = Report([Row((), "Input", "Input", (10,), None),
                     Row((1,), "Dense", "Dense 32 · ReLU", (32,), 352),
                     Row((2,), "Residual", "Residual", (32,), 1056),
                     Row((2, 1), "Dense", "Dense 32 · ReLU", (32,), 1056),
                     Row((2, 2), "ReLU", "ReLU", (32,), 0, warning="two activations in a row"),
                     Row((3,), "Dropout", "Dropout 0.3", None, None, error="bad <b>"),
                     Row((4,), "Output", "Output · 1 score", None, None)])
    data = _tree.component_data(nodes, report, [Info("Dense", "Dense", "Core", "x")], "abc", 7,
                                input_note="follows the dataset")
    assert data["rev"] == 7 and data["selected"] == "abc"
    assert data["palette"] == [{"type": "Dense", "title": "Dense", "category": "Core", "summary": "x"}]
    assert data["input"]["label"] == "Input · follows the dataset"
    assert data["input"]["shape"] == "10 features"
    assert data["output"]["label"] == "Output · 1 score"
    first, residual, last = data["stack"]
    assert first["id"] == nodes[0]["id"] and first["params"] == 352
    assert first["layer"] == {"type": "Dense", "units": 32, "activation": "relu", "bias": True}
    assert residual["children"][1]["warning"] == "two activations in a row"
    assert "layers" not in residual["layer"]
    assert last["error"] == "bad <b>" and last["shape"] == ""


def test_words_for_shapes_sizes_and_totals():
    assert _tree.describe_shape((108,)) == "108 features"
    assert _tree.describe_shape((1,)) == "1 feature"
    assert _tree.describe_shape((50, 1)) == "50 steps × 1 feature"
    assert _tree.describe_shape((16, 8, 8)) == "16 channels × 8×8"
    assert _tree.describe_shape(None) == ""
    assert _tree.describe_bytes(999_999) == "under 1 MB"
    assert _tree.describe_bytes(2_345_678) == "about 2.3 MB"
    assert _tree.describe_bytes(2_000_000) == "about 2 MB"
    assert _tree.describe_bytes(37_400_000_000) == "about 37 GB"
    assert _tree.totals_line(3, 15233, 2_000_000) == "3 layers · 15,233 parameters · about 2 MB to train"
    assert _tree.totals_line(1, 0, 10) == "1 layer · 0 parameters · under 1 MB to train"


def test_clamp_number():
    assert _tree.clamp_number(5, 1, 3) == 3
    assert _tree.clamp_number(0, 1, None) == 1
    assert _tree.clamp_number(2, None, None) == 2


def test_palette_is_grouped_by_category_in_first_seen_order():
    palette = [Info("Dense", "Dense", "Core", ""), Info("Conv2D", "Conv2D", "Convolution", ""),
               Info("Flatten", "Flatten", "Core", ""), Info("ReLU", "ReLU", "Activation", "")]
    assert [p.type for p in _tree.group_palette(palette)] == ["Dense", "Flatten", "Conv2D", "ReLU"]


def test_totals_do_not_show_a_partial_count_for_a_broken_model():
    line = _tree.totals_line(4, 22_858, 10, ok=False)
    assert "22,858" not in line and line.startswith("4 layers · fix the problem")
