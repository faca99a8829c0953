"""Search journey in a real browser: start a 10-trial search on moons, watch trials arrive and
some stop early, then "Use these settings" and find them in the Train form."""
import re

from core.data import DatasetRef
from core.workspace import Workspace, load_workspace, save_workspace
from tests.e2e.conftest import browser_user, nav, wait_for_app

STATUS = re.compile(r"(\d+) finished, (\d+) stopped early \(pruned\), (\d+) failed")


def _counts(page):
    text = page.get_by_text(STATUS).first.inner_text()
    return tuple(int(x) for x in STATUS.search(text).groups())


def test_search_live_then_use_the_best_settings(page, app_url, tmp_path):
    from core.runs import open_store
    from core.search import best_settings, list_studies, study_summary

    save_workspace(Workspace(dataset=DatasetRef(name="moons")))
    # An earlier run of the same model on the same data, 2 s per epoch: the page estimates a
    # trial's time from it (not from a quick measure, which depends on this machine's load).
    from core.spec import get_preset
    from core.train import create_run, default_config

    store = open_store()
    earlier = create_run(store, DatasetRef(name="moons"), get_preset("walkthrough_mlp"),
                         default_config("binary", epochs=1), "an earlier run")
    store.update_run(earlier, status="finished", epoch=1, total_epochs=1, started_at=100.0,
                     finished_at=102.0)
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
    # A time limit the 10 trials cannot fit: the page says what will happen before starting.
    minutes = page.get_by_role("spinbutton", name="Time limit (minutes, 0 = none)", exact=True)
    minutes.fill("0.05")
    minutes.press("Enter")
    page.get_by_text(re.compile(r"Not even one trial fits in 3 s")).wait_for(timeout=90_000)
    shots = tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "search_budget.png"), full_page=True)
    minutes.fill("0")
    minutes.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Start search").click()

    # Trials arrive while the study runs, then it ends with every trial accounted for.
    # Live: while the study runs, the page counts the trials the store says are running.
    page.get_by_text(re.compile(r"search-0001\s+is\s+running:.*[1-9]\d* running")).wait_for(
        timeout=90_000)
    page.get_by_text(re.compile(r"search-0001\s+is\s+done")).wait_for(timeout=240_000)
    done, pruned, failed = _counts(page)
    store = open_store()
    s = study_summary(store, list_studies(store)[0])
    assert (done, pruned, failed) == (s.counts["complete"], s.counts["pruned"], s.counts["failed"])
    assert done + pruned + failed == 10 and pruned >= 1
    pruned_sentence = page.get_by_text("stopped early because they were doing worse")
    pruned_sentence.first.wait_for()  # drawn by the rerun that follows "done"
    assert pruned_sentence.count() == 1
    assert page.locator(".js-plotly-plot").count() >= 1
    page.get_by_role("tab", name="Every trial's curve").wait_for()
    page.get_by_role("tab", name="Settings vs score").click()
    page.locator(".parcoords").first.wait_for()
    page.get_by_role("tab", name="What mattered").click()
    page.screenshot(path=str(shots / "search_study.png"), full_page=True)

    page.get_by_role("button", name="Use these settings").click()
    page.get_by_text("The best trial's settings are now in the Train form").wait_for()
    spec, cfg = best_settings(store, s.id)
    ws = load_workspace(browser_user(page))  # this browser's own draft
    assert ws.spec == spec and ws.train_config == cfg.model_dump(mode="json")

    nav(page, "Train")
    page.wait_for_url("**/train*")
    wait_for_app(page)
    assert page.get_by_role("spinbutton", name="Epochs", exact=True).input_value() == "8"
    assert page.get_by_role("spinbutton", name="Batch size", exact=True).input_value() == str(cfg.batch_size)
    units = " → ".join(f"Dense{layer.units}" for layer in spec.layers)
    page.get_by_text(units, exact=False).first.wait_for()

    nav(page, "Experiments")
    page.wait_for_url("**/experiments**")
    wait_for_app(page)
    page.get_by_text("Show", exact=True).wait_for()  # the filter by study
    page.screenshot(path=str(shots / "experiments_by_study.png"), full_page=True)
