"""The stack being edited: saved in the workspace after every change (a refresh keeps it);
only the UI's per-layer ids, the selection and a redraw counter live in st.session_state."""
from __future__ import annotations

import json
import logging

import streamlit as st

from core import spec as core_spec
from core.data import DatasetRef
from core.errors import SpecError
from core.workspace import load_workspace, save_workspace
from ui.identity import user
from ui.stack_builder import tree

log = logging.getLogger(__name__)

NODES, SELECTED, REV, ERROR = "llb_nodes", "llb_selected", "llb_rev", "llb_error"
NAME_KEY = "llb_name"


@st.cache_data(show_spinner="Loading the dataset…", max_entries=8)
def dataset_facts(ref_json: str) -> dict:
    """What the builder needs from the chosen dataset (cached per dataset reference)."""
    from core.data import load, prepare  # pandas / scikit-learn: only when first needed

    ref = DatasetRef.model_validate_json(ref_json)
    bundle = load(ref)
    prepared = prepare(bundle)
    shape = tuple(int(d) for d in prepared.input_shape)
    inputs = f"{shape[0]:,} inputs" if len(shape) == 1 else tree.describe_shape(shape)
    task = {"binary": "binary (yes/no)", "regression": "regression (a number)"}.get(
        prepared.task, f"{prepared.task}, {prepared.n_outputs} classes")
    return {"title": bundle.title or ref.name, "modality": bundle.modality, "input_shape": shape,
            "task": prepared.task, "n_outputs": int(prepared.n_outputs),
            "summary": f"{bundle.title or ref.name} — {inputs}, {task}"}


def _bump() -> None:
    st.session_state[REV] = st.session_state.get(REV, 0) + 1


def current_nodes(spec: core_spec.ModelSpec) -> list[dict]:
    """The UI nodes for `spec`, keeping ids from the last run where the stack still matches."""
    layers = spec.model_dump(mode="json")["layers"]
    nodes = st.session_state.get(NODES)
    if nodes is None or tree.strip_ids(nodes) != layers:
        nodes = tree.with_ids(layers, nodes)
        st.session_state[NODES] = nodes
    return nodes


def _save(nodes: list[dict], name: str) -> core_spec.ModelSpec:
    """Validate through parse_spec (plain-language errors), then write the workspace."""
    spec = core_spec.parse_spec(json.dumps({"name": name, "layers": tree.strip_ids(nodes)}))
    ws = load_workspace(user())
    ws.spec = spec
    save_workspace(ws, user())
    # Re-read the nodes from the validated spec (defaults filled in), same ids, same order.
    st.session_state[NODES] = tree.with_ids(spec.model_dump(mode="json")["layers"], nodes)
    _bump()
    return spec


def replace_spec(spec: core_spec.ModelSpec) -> None:
    """A preset or an imported file: a new stack with fresh ids and nothing selected."""
    ws = load_workspace(user())
    ws.spec = spec
    save_workspace(ws, user())
    st.session_state[NODES] = tree.with_ids(spec.model_dump(mode="json")["layers"])
    st.session_state[SELECTED] = None
    st.session_state.pop(NAME_KEY, None)
    _bump()


def apply_change(change: dict, name: str) -> None:
    """Apply the component's event: the new layer list, and what is selected now."""
    nodes = change.get("layers")
    if not isinstance(nodes, list):
        log.warning("stack builder sent no layer list: %r", change)
        return
    fresh = tree.fill_new_ids(nodes)
    try:
        _save(nodes, name)
    except SpecError as exc:
        st.session_state[ERROR] = str(exc)
        _bump()  # redraw the component from the last good stack
        return
    # A layer just dropped in is selected, so its settings are right there to edit.
    selected = fresh[-1] if change.get("action") == "add" and fresh else change.get("selected")
    nodes = st.session_state[NODES]
    st.session_state[SELECTED] = selected if tree.find_node(nodes, selected) else None


def set_param(node_id: str, name: str, key: str, spec_name: str) -> None:
    """Widget callback: one parameter of one layer changed."""
    nodes = st.session_state.get(NODES) or []
    node = tree.find_node(nodes, node_id)
    if node is None:
        return
    node[name] = st.session_state[key]
    try:
        _save(nodes, spec_name)
    except SpecError as exc:
        st.session_state[ERROR] = str(exc)


def set_name(key: str) -> None:
    """Widget callback: the model's name changed."""
    nodes = st.session_state.get(NODES) or []
    try:
        _save(nodes, st.session_state[key] or "My model")
    except SpecError as exc:
        st.session_state[ERROR] = str(exc)


def selected_id() -> str | None:
    return st.session_state.get(SELECTED)


def rev() -> int:
    return st.session_state.get(REV, 0)


def pop_error() -> str | None:
    return st.session_state.pop(ERROR, None)
