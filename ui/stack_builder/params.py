"""The settings panel of the selected layer: one widget per LayerInfo.params entry.

Widget keys carry the layer's stable id (not its position), so after a reorder each widget
still belongs to the same layer.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from ui.stack_builder import session, tree


def _number(param: Any, value: Any, kwargs: dict) -> None:
    is_int = param.kind == "int"
    cast = int if is_int else float
    low = cast(param.min) if param.min is not None else None
    high = cast(param.max) if param.max is not None else None
    value = cast(tree.clamp_number(cast(value if value is not None else param.default), low, high))
    st.number_input(param.label, min_value=low, max_value=high, value=value,
                    step=1 if is_int else 0.05, format=None if is_int else "%.3f", **kwargs)


# Readable names for choice values of the spec (the values themselves stay in the JSON).
_CHOICE_WORDS = {"none": "none (linear)", "relu": "ReLU", "leaky_relu": "Leaky ReLU",
                 "sigmoid": "Sigmoid", "tanh": "Tanh", "gelu": "GELU", "silu": "SiLU",
                 "same": "same (keep the size)", "valid": "valid (shrink)"}


def _widget(param: Any, value: Any, kwargs: dict) -> None:
    if param.kind in ("int", "float"):
        _number(param, value, kwargs)
    elif param.kind == "choice":
        choices = list(param.choices or [])
        index = choices.index(value) if value in choices else 0
        st.selectbox(param.label, choices, index=index,
                     format_func=lambda v: _CHOICE_WORDS.get(v, v), **kwargs)
    elif param.kind == "bool":
        st.checkbox(param.label, value=bool(value), **kwargs)


def layer_number(nodes: list[dict], node_id: str) -> str:
    return next((".".join(map(str, p)) for p, n in tree.walk_nodes(nodes) if n["id"] == node_id), "")


def param_editor(nodes: list[dict], catalogue: list[Any], spec_name: str) -> None:
    """Settings of the selected layer, or a hint on how to select one."""
    node = tree.find_node(nodes, session.selected_id())
    if node is None:
        st.markdown("**Layer settings**")
        st.caption("Click a layer in your model to change its settings here.")
        return
    info = next((i for i in catalogue if i.type == node["type"]), None)
    title = info.title if info else node["type"]
    st.markdown(f"**Layer {layer_number(nodes, node['id'])} · {title}**")
    if info is not None:
        st.caption(info.summary)
    params = info.params if info else []
    if not params:
        st.caption("This layer has nothing to set." if node["type"] != tree.RESIDUAL else
                   "Drop layers into its box; their output is added to its input.")
    for param in params:
        key = f"llb_param_{node['id']}_{param.name}"
        kwargs = {"key": key, "help": param.help, "on_change": session.set_param,
                  "args": (node["id"], param.name, key, spec_name)}
        _widget(param, node.get(param.name, param.default), kwargs)
