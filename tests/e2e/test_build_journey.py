"""Build page journey in a real browser: drag layers in with the mouse, size one, see the
parameter total, meet a plain-language error, reorder by drag, export and import the spec.

Expected totals come from torch itself (core.build's real module, parameters counted with
numel), not from the page's own analysis.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from core.data import default_ref, load, prepare
from core.spec import ModelSpec, parse_spec
from core.workspace import load_workspace, save_workspace
from tests.e2e.conftest import browser_user, wait_for_app

STACK = '[data-testid="llb-stack"]'
TOP_ROWS = f"{STACK} > .llb-row"
TOP_LABELS = f"{TOP_ROWS} > .llb-row-head > .llb-label"


def torch_param_count(units: list[int], input_shape, task, n_outputs) -> int:
    """Parameters of the real torch module for a stack of ReLU Dense layers."""
    from core.build import build_model

    spec = ModelSpec.model_validate({"layers": [{"type": "Dense", "units": u} for u in units]})
    module = build_model(spec, input_shape, task, n_outputs)
    return sum(p.numel() for p in module.parameters())


def saved_units(page) -> list[int]:
    """The Dense units in this browser's own draft (drafts are per user: see ui/identity.py)."""
    return [layer.units for layer in load_workspace(browser_user(page)).spec.layers]


class Journey:
    """Small helpers so each step reads as what the user does."""

    def __init__(self, page, shots: Path):
        self.page, self.shots, self.n = page, shots, 0

    def shot(self, name: str) -> None:
        wait_for_app(self.page)
        self.n += 1
        self.page.screenshot(path=str(self.shots / f"{self.n:02d}-{name}.png"), full_page=True)

    def drag_palette_to_stack_end(self, layer_type: str) -> None:
        stack = self.page.locator(STACK)
        box = stack.bounding_box()
        # Drop low in the stack area: below every row's middle, so the layer goes last.
        self.page.get_by_test_id(f"palette-{layer_type}").drag_to(
            stack, target_position={"x": box["width"] / 2, "y": box["height"] - 4}, steps=10)

    def settle(self) -> None:
        """Wait until Python has answered the last change (the builder says "ready")."""
        self.page.wait_for_selector('.llb-root[data-state="ready"]', timeout=30_000)
        wait_for_app(self.page)

    def expect_labels(self, labels: list[str]) -> None:
        expect(self.page.locator(TOP_LABELS)).to_have_text(labels, timeout=30_000)
        self.settle()

    def expect_total(self, n_params: int) -> None:
        expect(self.page.get_by_role("heading", name=f"{n_params:,} parameters")).to_be_visible(
            timeout=30_000)


def test_build_journey(page, app_url, tmp_path):
    shots = Path(os.environ.get("LAYERLAB_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    ws = load_workspace()
    ws.dataset = default_ref("adult")  # as the Data page sets it: UCI Adult, tabular
    save_workspace(ws)
    prepared = prepare(load(ws.dataset))
    facts = (prepared.input_shape, prepared.task, prepared.n_outputs)
    j = Journey(page, shots)

    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Build a model").click()
    page.wait_for_url("**/build")
    j.expect_labels(["Dense 128 · ReLU", "Dense 64 · ReLU"])  # the tabular preset
    expect(page.get_by_text("Data:")).to_be_visible()
    j.expect_total(torch_param_count([128, 64], *facts))
    j.shot("start")

    # Drag a Dense layer from the palette into the model; it arrives selected.
    j.drag_palette_to_stack_end("Dense")
    j.expect_labels(["Dense 128 · ReLU", "Dense 64 · ReLU", "Dense 64 · ReLU"])
    expect(page.get_by_text("Layer 3 · Dense (fully connected)")).to_be_visible()
    units = page.get_by_label("Units", exact=True)
    units.fill("10")
    units.press("Enter")
    j.expect_labels(["Dense 128 · ReLU", "Dense 64 · ReLU", "Dense 10 · ReLU"])
    j.expect_total(torch_param_count([128, 64, 10], *facts))
    assert saved_units(page) == [128, 64, 10]
    j.shot("dense-added")

    # A Conv2D cannot read a flat table: the row and the page say why and what to do.
    j.drag_palette_to_stack_end("Conv2D")
    bad_row = page.locator(f"{TOP_ROWS}.llb-has-error")
    expect(bad_row).to_contain_text("Layer 4 (Conv2D) needs image input", timeout=30_000)
    expect(bad_row).to_contain_text("Use a Dense layer, or pick an image dataset.")
    expect(page.get_by_test_id("stAlert").filter(has_text="needs image input")).to_be_visible()
    j.shot("conv-error")
    bad_row.get_by_role("button", name="Remove layer 4").click()
    j.expect_labels(["Dense 128 · ReLU", "Dense 64 · ReLU", "Dense 10 · ReLU"])
    expect(page.locator(f"{TOP_ROWS}.llb-has-error")).to_have_count(0)
    expect(page.get_by_test_id("stAlert").filter(has_text="needs image input")).to_have_count(0)

    # Reorder by dragging the last row above the first one.
    rows = page.locator(TOP_ROWS)
    rows.nth(2).drag_to(rows.nth(0), target_position={"x": 40, "y": 4}, steps=10)
    j.expect_labels(["Dense 10 · ReLU", "Dense 128 · ReLU", "Dense 64 · ReLU"])
    j.expect_total(torch_param_count([10, 128, 64], *facts))
    assert saved_units(page) == [10, 128, 64]
    j.shot("reordered")

    # Export, change the model, import the file again: the same stack comes back.
    exported = tmp_path / "exported.json"
    for attempt in range(3):
        # A rerun that lands during the click replaces the download's file (Streamlit serves
        # it per run) and the browser reports it cancelled: settle, then click once more.
        wait_for_app(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Export model (JSON)").click()
        try:
            download.value.save_as(exported)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    assert parse_spec(exported.read_bytes()) == load_workspace(browser_user(page)).spec
    assert [layer["units"] for layer in json.loads(exported.read_text())["layers"]] == [10, 128, 64]

    page.locator(TOP_ROWS).nth(0).get_by_role("button", name="Remove layer 1").click()
    j.expect_labels(["Dense 128 · ReLU", "Dense 64 · ReLU"])
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(exported))
    j.expect_labels(["Dense 10 · ReLU", "Dense 128 · ReLU", "Dense 64 · ReLU"])
    assert saved_units(page) == [10, 128, 64]
    j.shot("imported")
