"""Presets, the model's name, and JSON export / import of the spec."""
from __future__ import annotations

import re

import streamlit as st

from core import spec as core_spec
from core.errors import SpecError
from ui.stack_builder import session

_IMPORTED = "llb_imported_file"


def _file_name(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "model"
    return f"{slug[:60]}.json"


def preset_picker(modality: str) -> None:
    presets = [p for p in core_spec.presets() if p.modality in (modality, "any")] or core_spec.presets()
    by_name = {p.name: p for p in presets}
    default = core_spec.default_preset_for(modality)
    names = list(by_name)
    choice = st.selectbox("Start from a preset", names, key="llb_preset",
                          index=names.index(default) if default in names else 0,
                          format_func=lambda n: by_name[n].title,
                          help="A ready-made model for this kind of data. Loading one replaces "
                               "your current model (export it first to keep it).")
    st.caption(by_name[choice].description)
    if by_name[choice].recommended:  # issue 12: a preset that needs other training settings
        st.caption(f"Training: {by_name[choice].recommended}")
    if st.button("Load preset", key="llb_load_preset"):
        session.replace_spec(core_spec.get_preset(choice))
        st.rerun()


def name_input(spec: core_spec.ModelSpec) -> None:
    # A preset or an import drops this key (session.replace_spec), so the new name shows.
    st.text_input("Model name", value=spec.name, key=session.NAME_KEY, max_chars=200,
                  on_change=session.set_name, args=(session.NAME_KEY,))


def export_import(spec: core_spec.ModelSpec) -> None:
    st.download_button("Export model (JSON)", data=spec.model_dump_json(indent=2),
                       file_name=_file_name(spec.name), mime="application/json",
                       key="llb_export", help="Save this model as a file you can import later "
                                              "or share.")
    upload = st.file_uploader("Import a model (JSON)", type=["json"], key="llb_import",
                              help="A file exported from LayerLab. It replaces the current model.")
    # The uploader keeps its file across reruns: import each file once only.
    if upload is None or st.session_state.get(_IMPORTED) == upload.file_id:
        return
    st.session_state[_IMPORTED] = upload.file_id
    try:
        imported = core_spec.parse_spec(upload.getvalue())
    except SpecError as exc:
        st.error(f"Could not import {upload.name!r}: {exc}")  # st.error shows text, not HTML
        return
    session.replace_spec(imported)
    st.rerun()
