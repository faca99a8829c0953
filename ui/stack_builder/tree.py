"""Pure helpers between a ModelSpec and the stack builder's JSON (no streamlit here).

The component works on *nodes*: the spec's layer dicts plus a stable `id` each, so a layer
keeps its identity (selection, the keys of its parameter widgets) when it is moved. Ids live
only in the UI; the saved spec has none.
"""
from __future__ import annotations

import math
import uuid
from typing import Any, Iterable

RESIDUAL = "Residual"


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def with_ids(layers: list[dict], previous: list[dict] | None = None) -> list[dict]:
    """Nodes for `layers` (spec dicts), reusing ids of `previous` where the same type sits at
    the same place, so a parameter change made elsewhere keeps widget keys stable."""
    previous = previous or []
    nodes = []
    for i, layer in enumerate(layers):
        old = previous[i] if i < len(previous) and previous[i].get("type") == layer["type"] else None
        node = {k: v for k, v in layer.items() if k != "layers"}
        node["id"] = old["id"] if old else new_id()
        if layer["type"] == RESIDUAL:
            node["layers"] = with_ids(layer.get("layers", []), old.get("layers") if old else None)
        nodes.append(node)
    return nodes


def strip_ids(nodes: list[dict]) -> list[dict]:
    """Spec layer dicts (what ModelSpec validates) from nodes."""
    out = []
    for node in nodes:
        layer = {k: v for k, v in node.items() if k not in ("id", "layers")}
        if node.get("type") == RESIDUAL:
            layer["layers"] = strip_ids(node.get("layers", []))
        out.append(layer)
    return out


def fill_new_ids(nodes: list[dict]) -> list[str]:
    """Give an id to every node the component sent without one (a layer just dropped in);
    returns the new ids, in order. Also re-ids duplicates so ids stay unique."""
    seen: set[str] = set()
    fresh: list[str] = []

    def walk(level: list[dict]) -> None:
        for node in level:
            if not node.get("id") or node["id"] in seen:
                node["id"] = new_id()
                fresh.append(node["id"])
            seen.add(node["id"])
            if node.get("type") == RESIDUAL:
                node.setdefault("layers", [])
                walk(node["layers"])

    walk(nodes)
    return fresh


def walk_nodes(nodes: list[dict], prefix: tuple[int, ...] = ()) -> Iterable[tuple[tuple[int, ...], dict]]:
    """(1-based path, node) for every node, parents before their children."""
    for i, node in enumerate(nodes, start=1):
        path = prefix + (i,)
        yield path, node
        if node.get("type") == RESIDUAL:
            yield from walk_nodes(node.get("layers", []), path)


def find_node(nodes: list[dict], node_id: str | None) -> dict | None:
    return next((n for _, n in walk_nodes(nodes) if node_id and n["id"] == node_id), None)


def count_layers(nodes: list[dict]) -> int:
    return sum(1 for _ in walk_nodes(nodes))


def describe_shape(shape: tuple[int, ...] | list[int] | None) -> str:
    """A shape in words a learner can read: (108,) -> "108 features"."""
    if shape is None:
        return ""
    shape = tuple(shape)
    if len(shape) == 1:
        return f"{shape[0]:,} feature{'s' if shape[0] != 1 else ''}"
    if len(shape) == 2:
        return f"{shape[0]:,} steps × {shape[1]:,} feature{'s' if shape[1] != 1 else ''}"
    if len(shape) == 3:
        return f"{shape[0]:,} channels × {shape[1]}×{shape[2]}"
    return " × ".join(f"{d:,}" for d in shape)


def describe_bytes(n: int | float) -> str:
    """Rounded size in words: 2_345_678 -> "about 2.3 MB"."""
    if n < 1_000_000:
        return "under 1 MB"
    for unit, size in (("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            value = n / size
            digits = 0 if value >= 10 else 1
            text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
            return f"about {text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def totals_line(n_layers: int, total_params: int, memory_bytes: int | float, ok: bool = True) -> str:
    layers = f"{n_layers} layer{'s' if n_layers != 1 else ''}"
    if not ok:  # a partial count would mislead: the layers after the problem are not counted
        return f"{layers} · fix the problem marked in red to see the parameter count"
    return f"{layers} · {total_params:,} parameters · {describe_bytes(memory_bytes)} to train"


def group_palette(palette: list[Any]) -> list[Any]:
    """Palette items grouped by category (in order of first appearance), each group in order."""
    order: dict[str, int] = {}
    for item in palette:
        order.setdefault(item.category, len(order))
    return sorted(palette, key=lambda item: order[item.category])  # sorted() is stable


def _row_info(row: Any) -> dict:
    return {"label": row.label, "shape": describe_shape(row.output_shape), "params": row.params,
            "error": row.error, "warning": row.warning}


def component_data(nodes: list[dict], report: Any, palette: list[Any], selected: str | None,
                   rev: int, input_note: str = "") -> dict:
    """The JSON the component draws: palette, fixed input/output rows, and the stack tree
    with each node's label, shape, parameter count and message from `report` (a SpecReport)."""
    by_path = {tuple(r.path): r for r in report.rows}
    first, last = report.rows[0], report.rows[-1]

    def build(level: list[dict], prefix: tuple[int, ...]) -> list[dict]:
        out = []
        for i, node in enumerate(level, start=1):
            path = prefix + (i,)
            row = by_path.get(path)
            item = {"id": node["id"],
                    "layer": {k: v for k, v in node.items() if k not in ("id", "layers")},
                    **(_row_info(row) if row else {"label": node["type"], "shape": "", "params": None,
                                                   "error": None, "warning": None})}
            if node["type"] == RESIDUAL:
                item["children"] = build(node.get("layers", []), path)
            out.append(item)
        return out

    inp = _row_info(first)
    if input_note:
        inp["label"] = f"{first.label} · {input_note}"
    return {"rev": rev, "selected": selected,
            "palette": [{"type": p.type, "title": p.title, "category": p.category,
                         "summary": p.summary} for p in group_palette(palette)],
            "input": inp, "output": _row_info(last), "stack": build(nodes, ())}


def clamp_number(value: float, low: float | None, high: float | None) -> float:
    """Keep a number input's value inside its bounds (a stale value must not crash a widget)."""
    if low is not None and not math.isnan(low):
        value = max(value, low)
    if high is not None and not math.isnan(high):
        value = min(value, high)
    return value
