"""Reading a spec file: JSON text in, a validated ModelSpec out, or one plain message per problem.

Pydantic's own messages ("Input should be less than or equal to 65536", with a location
like `layers.4.Residual.layers.0.Dense.units`) are accurate but not written for a learner,
so each error is translated here into "Layer 5.1 (Dense): units must be at most 65,536
(got 1,000,000,000)." with 1-based layer numbers.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from core.errors import SpecError
from core.spec._schema import LAYER_TYPES, ModelSpec

# A spec is a few kilobytes; anything far larger is not a spec, and parsing it wastes memory.
MAX_SPEC_BYTES = 1024 * 1024
# Enough to fix several problems at once without burying the first under a wall of text.
MAX_MESSAGES = 8

_TOP_FIELDS = ", ".join(ModelSpec.model_fields)


def parse_spec(text: str | bytes) -> ModelSpec:
    """Parse a spec file's content; raise SpecError with one line per problem found."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_SPEC_BYTES:
            raise SpecError(_too_big(len(text)))
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(
                f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). "
                "Export the spec from LayerLab again, or save it as UTF-8 JSON.") from None
    if len(text) > MAX_SPEC_BYTES:
        raise SpecError(_too_big(len(text)))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"The file is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
    try:
        return ModelSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(validation_message(exc)) from None


def validation_message(exc: ValidationError) -> str:
    """All of a ValidationError's problems as plain sentences, one per line."""
    lines = []
    for err in exc.errors():
        line = _translate(err)
        if line not in lines:
            lines.append(line)
    extra = len(lines) - MAX_MESSAGES
    lines = lines[:MAX_MESSAGES]
    if extra > 0:
        lines.append(f"... and {extra} more problem{'s' if extra > 1 else ''}.")
    return "\n".join(lines)


def _too_big(n: int) -> str:
    return (f"The file is too big to be a model spec ({n / 1024 / 1024:.1f} MB; a spec is at most "
            f"{MAX_SPEC_BYTES // 1024 // 1024} MB). Check that you picked the right file.")


def _split_loc(loc: tuple) -> tuple[list[int], str | None, list[str]]:
    """('layers', 4, 'Residual', 'layers', 0, 'Dense', 'units') -> ([5, 1], 'Dense', ['units'])."""
    path: list[int] = []
    layer_type: str | None = None
    fields: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part == "layers" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            path.append(loc[i + 1] + 1)
            fields, layer_type = [], None
            i += 2
            if i < len(loc) and loc[i] in LAYER_TYPES:  # the union's tag, not a field
                layer_type = loc[i]
                i += 1
            continue
        fields.append(str(part))
        i += 1
    return path, layer_type, fields


def _num(value: Any) -> str:
    """1e9 -> '1,000,000,000'; 0.5 -> '0.5'; 'abc' -> "'abc'"."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value[:40])
    return type(value).__name__ if isinstance(value, (dict, list)) else repr(value)[:40]


def _where(path: list[int], layer_type: str | None) -> str:
    if not path:
        return "The spec"
    name = "Layer " + ".".join(map(str, path))
    return f"{name} ({layer_type})" if layer_type else name


def _translate(err: dict) -> str:
    path, layer_type, fields = _split_loc(tuple(err["loc"]))
    where = _where(path, layer_type)
    field = ".".join(fields)
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    known = ", ".join(LAYER_TYPES)
    if kind == "union_tag_invalid":
        return f"{where}: unknown layer type {ctx.get('tag')!r}. Known types: {known}."
    if kind == "union_tag_not_found":
        return f"{where} has no \"type\". Give it one of: {known}."
    if kind in ("model_attributes_type", "model_type", "dict_type"):
        if not path and not field:
            return ("The file must hold one JSON object like {\"layers\": [...]}, "
                    f"not a {_json_kind(got)}.")
        return f"{where} must be a JSON object like {{\"type\": \"Dense\", \"units\": 64}}, not {_num(got)}."
    if kind == "extra_forbidden":
        cls = LAYER_TYPES.get(layer_type) if layer_type else ModelSpec
        allowed = ", ".join(f for f in cls.model_fields if f != "type") if cls else _TOP_FIELDS
        what = f"{layer_type} takes" if layer_type else "A spec has"
        return f"{where}: unknown field {field!r}. {what}: {allowed or 'no settings'}."
    if kind == "list_type":
        return f"{where}: {field} must be a list, not {_num(got)}."
    if kind == "too_long":
        return (f"{where}: {field} can hold at most {ctx.get('max_length')} layers "
                f"(got {ctx.get('actual_length')}).")
    if field == "schema_version":
        return (f"This spec has schema_version {_num(got)}, but this LayerLab reads version 1. "
                "Export it again from this version of LayerLab.")
    prefix = f"{where}: {field}"
    bounds = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
              "greater_than": ("more than", "gt"), "less_than": ("less than", "lt")}
    if kind in bounds:
        words, key = bounds[kind]
        return f"{prefix} must be {words} {_num(ctx.get(key))} (got {_num(got)})."
    if kind == "literal_error":
        return f"{prefix} must be one of {ctx.get('expected')} (got {_num(got)})."
    if kind in ("int_from_float", "int_parsing", "int_type"):
        return f"{prefix} must be a whole number (got {_num(got)})."
    if kind in ("float_parsing", "float_type"):
        return f"{prefix} must be a number (got {_num(got)})."
    if kind in ("bool_parsing", "bool_type"):
        return f"{prefix} must be true or false (got {_num(got)})."
    if kind in ("string_type", "string_too_long"):
        return f"{prefix}: {err['msg'].replace('Input should', 'should')} (got {_num(got)})."
    return f"{prefix}: {err['msg']} (got {_num(got)})."


def _json_kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "true/false"}.get(
        type(value), "null" if value is None else type(value).__name__)
