"""The stack builder: a palette of layers and the model stack, with real drag and drop.

A Streamlit components-v2 component (rendered in the page itself, no iframe, no build step):
builder.html / builder.css / builder.js beside this file are read once and registered under
one name. Python sends the palette, the stack with each layer's output shape, parameter count
and message, and gets back one "change" event per drop, reorder, delete or select.

`stack_builder(data, key=...)` mounts it; the helpers in `tree` build `data` from a spec and
its report; `session` keeps the stack in the workspace; `params` draws the parameter editor.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
_component = st.components.v2.component(
    "layerlab_stack_builder",
    html=(_HERE / "builder.html").read_text(encoding="utf-8"),
    css=(_HERE / "builder.css").read_text(encoding="utf-8"),
    js=(_HERE / "builder.js").read_text(encoding="utf-8"),
    # A shadow root keeps our styles in and Streamlit's out; theme colours still inherit.
    isolate_styles=True,
)


def _ignore() -> None:
    """The event is read from the result; a callback must exist for the trigger to arrive."""


def stack_builder(data: dict, *, key: str) -> dict | None:
    """Mount the builder; returns the user's change ({action, layers, selected}) or None.

    `data` comes from `_tree.component_data`. The change is a trigger: it is there for the one
    run right after the user acted, then None again.
    """
    result = _component(key=key, data=data, on_change_change=_ignore)
    change = result.get("change")
    return change if isinstance(change, dict) else None


__all__ = ["stack_builder"]
