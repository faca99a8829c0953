"""Search journey in a real browser: start a 10-trial search on moons, watch trials arrive and
some stop early, then "Use these settings" and find them in the Train form."""
import re

from core.data import DatasetRef
from core.workspace import Workspace, load_workspace, save_workspace
from tests.e2e.conftest import nav, wait_for_app

STATUS = re.compile(r"(\d+) finished, (\d+) stopped early \(pruned\), (\d+) failed")


def _counts(page):
    text = page.get_by_text(STATUS).first.inner_text()
    return tuple(int(x) for x in STATUS.search(text).groups())


def test_search_live_then_use_the_best_settings(page, app_url, tmp_path):
    from core.runs import open_store
    from core.search import best_settings, list_studies, study_summary

    save_workspace(Workspace(dataset=DatasetRef(name="moons")))
    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Search")
    page.wait_for_url("**/search")
    wait_for_app(page)
    page.get_by_text("No search yet").wait_for(timeout=90_000)  # first read of the data
    epochs = page.get_by_role("spinbutton", name="Epochs per trial", exact=True)
    epochs.fill("8")
    epochs.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Start search").click()

    # Trials arrive while the study runs, then it ends with every trial accounted for.
    page.get_by_text(re.compile(r"search-0001\s+is\s+running")).wait_for(timeout=90_000)
    page.get_by_text(re.compile(r"search-0001\s+is\s+done")).wait_for(timeout=240_000)
    done, pruned, failed = _counts(page)
    store = open_store()
    s = study_summary(store, list_studies(store)[0])
    assert (done, pruned, failed) == (s.counts["complete"], s.counts["pruned"], s.counts["failed"])
    assert done + pruned + failed == 10 and pruned >= 1
    assert page.get_by_text("stopped early because they were doing worse").count() == 1
    assert page.locator(".js-plotly-plot").count() >= 1
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    page.get_by_role("button", name="Use these settings").click()
    page.get_by_text("The best trial's settings are now in the Train form").wait_for()
    spec, cfg = best_settings(store, s.id)
    ws = load_workspace()
    assert ws.spec == spec and ws.train_config == cfg.model_dump(mode="json")

    nav(page, "Train")
    page.wait_for_url("**/train")
    wait_for_app(page)
    assert page.get_by_role("spinbutton", name="Epochs", exact=True).input_value() == "8"
    assert page.get_by_role("spinbutton", name="Batch size", exact=True).input_value() == str(cfg.batch_size)
    units = " → ".join(f"Dense{layer.units}" for layer in spec.layers)
    page.get_by_text(units, exact=False).first.wait_for()
