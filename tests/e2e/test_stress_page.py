"""Stress test journey in a real browser: PGD on a digits run shows the curve and an attacked
image with both predictions; on Adult, the per-group success table appears."""

from core.data import DatasetRef, default_ref
from core.runs import open_store
from core.spec._schema import ModelSpec
from core.train import TrainConfig, train_run
from core.train._submit import create_run
from tests.e2e.conftest import nav, wait_for_app

CURVE_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .some(el => (el.data || []).some(t => t.name === 'PGD (L∞)' && t.x.length === 2))"""



def _train(name, ref, layers, **config):
    store = open_store()
    spec = ModelSpec.model_validate({"name": name, "layers": layers})
    run = train_run(store, create_run(store, ref, spec, TrainConfig(**config)))
    assert run.status == "finished", run.error
    return run.id


def _run_stress(page, unit: str, strengths: str):
    box = page.get_by_label(f"Strengths ε ({unit}", exact=False)  # this run's form is drawn
    box.fill(strengths)
    box.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Run stress test").click()


def test_pgd_on_digits_then_groups_on_adult(page, app_url):
    dense = {"type": "Dense", "units": 16, "activation": "relu"}
    adult = _train("Adult MLP", default_ref("adult"), [dense], epochs=1, batch_size=512)
    digits = _train("Digits MLP", DatasetRef(name="digits"), [{"type": "Flatten"}, dense],
                    epochs=6, batch_size=64, lr=5e-3)

    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Stress test")
    page.wait_for_url("**/stress")
    wait_for_app(page)
    page.wait_for_url(f"**/stress?run={digits}")  # the newest run is chosen first
    _run_stress(page, "pixel intensity", "0, 0.1")
    page.wait_for_function(CURVE_JS, timeout=120_000)
    page.get_by_text("Accuracy falls from").wait_for()
    page.get_by_role("tab", name="Before and after").click()
    page.get_by_text("Original: ").first.wait_for()
    page.get_by_text("Attacked: ").first.wait_for()

    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=f"{adult} · Adult MLP").click()
    wait_for_app(page)
    _run_stress(page, "standard deviations", "0, 0.1")
    page.get_by_text("standard deviations in the numeric columns flips").wait_for(timeout=120_000)
    page.get_by_role("tab", name="By group").click()
    table = page.get_by_role("tabpanel", name="By group").get_by_test_id("stTable")
    table.get_by_text("Female").wait_for()
    assert "Attack success rate" in table.inner_text()
    assert "Male" in table.inner_text() and "race" in table.inner_text()
