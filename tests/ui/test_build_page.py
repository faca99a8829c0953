"""The Build page under Streamlit's AppTest: totals from the real torch module, presets,
and the parameter editor writing to the saved workspace (the drag and drop itself is
covered in the browser, tests/e2e/test_build_journey.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data import load, prepare
from core.spec import get_preset
from core.workspace import load_workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def torch_params(spec) -> int:
    from core.build import build_model

    prepared = prepare(load(load_workspace().dataset))  # the default: UCI Adult
    module = build_model(spec, prepared.input_shape, prepared.task, prepared.n_outputs)
    return sum(p.numel() for p in module.parameters())


@pytest.fixture
def build_page():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("views/build.py").run()
    assert not at.exception
    return at


def test_page_starts_from_the_tabular_preset_and_counts_like_torch(build_page):
    spec = get_preset("walkthrough_mlp")
    heading = build_page.subheader[0].value
    assert heading.startswith("2 layers · ") and f"{torch_params(spec):,} parameters" in heading
    assert any(m.value.startswith("**Data:** UCI Adult") for m in build_page.markdown)


def test_load_preset_replaces_and_saves_the_model(build_page):
    build_page.selectbox(key="llb_preset").set_value("deep_sigmoid")
    build_page.button(key="llb_load_preset").click().run()
    assert not build_page.exception
    assert load_workspace(build_page.session_state["_layerlab_user"]).spec == get_preset("deep_sigmoid")
    assert build_page.subheader[0].value.startswith("10 layers · ")


def test_editing_a_selected_layer_saves_it_and_updates_the_total(build_page):
    nodes = build_page.session_state["llb_nodes"]
    build_page.session_state["llb_selected"] = nodes[1]["id"]  # as a click in the builder does
    build_page.run()
    units = build_page.number_input(key=f"llb_param_{nodes[1]['id']}_units")
    units.set_value(7).run()
    assert not build_page.exception
    saved = load_workspace(build_page.session_state["_layerlab_user"]).spec  # this browser's own draft
    assert [layer.units for layer in saved.layers] == [128, 7]
    assert f"{torch_params(saved):,} parameters" in build_page.subheader[0].value
