"""Train journey in a real browser: start a run, watch the curve grow while the page still
answers, stop it, reload (the page re-attaches to the run), find it in the Experiments table."""
import time

import pytest

from core.data._types import DatasetRef
from core.workspace import Workspace, load_workspace, save_workspace
from tests.e2e.conftest import browser_user, nav, wait_for_app

# Number of points of the first chart's training-loss trace (-1 while there is none).
# The live curves are drawn inside the live-chart component's (same-origin) frame.
POINTS_JS = """() => {
  const docs = [document, ...[...document.querySelectorAll('iframe')].map(f => {
    try { return f.contentDocument; } catch (e) { return null; } }).filter(Boolean)];
  for (const el of docs.flatMap(d => [...d.querySelectorAll('.js-plotly-plot')])) {
    const t = (el.data || []).find(d => d.name === 'training loss');
    if (t) return t.x.length;
  }
  return -1;
}"""




def eventually(check, timeout: float = 30.0) -> None:
    """Poll `check` until it is true (the page saves to the workspace on its next rerun)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the page did not save the change in time"
        time.sleep(0.1)


def type_note(page, store, text: str) -> None:
    """Type into the Notes cell of the table's first row (the grid is a canvas: use the keys)."""
    from ui.run_views import runs_frame

    headers = list(runs_frame(store.list_runs(), set()).columns)  # the table's column order
    grid = page.get_by_test_id("stDataFrame").bounding_box()
    page.mouse.click(grid["x"] + 110, grid["y"] + 35 + 17)  # first row, "Run" column
    for _ in range(headers.index("Notes") - headers.index("Run")):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input")  # the grid's cell editor
    editor.fill(text)
    editor.press("Enter")


def points(page) -> int:
    return page.evaluate(POINTS_JS)


ENDED_BADLY_JS = ("() => [...document.querySelectorAll('.stMarkdownBadge')]"
                  ".some(b => /^(Failed|Diverged)$/.test(b.innerText))")


def wait_points_above(page, n: int, timeout: float = 60_000) -> int:
    """Wait for more than n points; fail at once, with the page's message, if the run failed."""
    page.wait_for_function(f"() => ({POINTS_JS})() > {n} || ({ENDED_BADLY_JS})()", timeout=timeout)
    assert not page.evaluate(ENDED_BADLY_JS), page.get_by_test_id("stAlert").all_inner_texts()
    return points(page)


def test_train_watch_stop_reload_and_compare(page, app_url):
    from core.runs import open_store

    save_workspace(Workspace(dataset=DatasetRef(name="moons")))
    page.goto(app_url)  # through the app's navigation, as a user arrives
    wait_for_app(page)
    nav(page, "Train")
    page.wait_for_url("**/train")
    wait_for_app(page)
    page.get_by_text("No runs yet").wait_for()

    epochs = page.get_by_role("spinbutton", name="Epochs", exact=True)
    epochs.fill("5000")  # far more than the test waits for: it is stopped by hand
    epochs.press("Enter")
    eventually(lambda: (load_workspace(browser_user(page)).train_config or {}).get("epochs") == 5000)
    wait_for_app(page)
    # Early stopping is on by default (issue 12); this run is to be stopped by hand.
    page.get_by_text("Advanced settings").click()
    page.get_by_text("Early stopping", exact=True).click()
    eventually(lambda: load_workspace(browser_user(page)).train_config["early_stopping"] is False)
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()

    # The run appears and its loss curve gains points over time.
    page.get_by_text("Training", exact=True).first.wait_for(timeout=60_000)
    first = wait_points_above(page, 2)
    run_id = page.evaluate("() => new URLSearchParams(location.search).get('run')")
    assert run_id and run_id.startswith("run-")

    # The rest of the page answers while the fragment keeps polling: change the seed.
    seed = page.get_by_role("spinbutton", name="Random seed", exact=True)
    seed.fill("7")
    seed.press("Enter")
    eventually(lambda: load_workspace(browser_user(page)).train_config["seed"] == 7)
    assert load_workspace(browser_user(page)).train_config["epochs"] == 5000
    later = wait_points_above(page, first)
    assert later > first

    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop training").click()
    page.get_by_text("Stopped", exact=True).first.wait_for(timeout=30_000)
    store = open_store()
    assert store.get_run(run_id).status == "stopped"
    n_epochs = len(store.epochs(run_id))
    assert 2 < n_epochs < 5001

    # A reload re-attaches to the same run (the URL carries its id); all its points are drawn.
    page.reload()
    wait_for_app(page)
    page.get_by_text("Stopped", exact=True).first.wait_for()
    page.wait_for_function(f"() => ({POINTS_JS})() === {n_epochs}")

    page.get_by_role("link", name="Compare all runs").click()
    page.wait_for_url("**/experiments**")
    wait_for_app(page)
    page.get_by_test_id("stDataFrame").wait_for()
    # The newest run is ticked for comparison: its validation curve is drawn, labelled by id
    # (read from plotly's full data: the figure sends its points as binary arrays).
    page.wait_for_function(
        "([id, n]) => [...document.querySelectorAll('.js-plotly-plot')].some(el =>"
        " (el._fullData || []).some(d => d.name.startsWith(id) && d.x.length === n))",
        arg=[run_id, n_epochs])
    assert page.locator(".legendtext", has_text=run_id).count() >= 1

    # Notes typed into the table are saved with the run, as plain text.
    type_note(page, store, "stopped by hand <b>on purpose</b>")
    eventually(lambda: store.get_run(run_id).notes == "stopped by hand <b>on purpose</b>")


# --- quick page checks without a browser (streamlit's AppTest) ------------------------------

def train_page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.switch_page("views/train.py")  # through app.py, so page links resolve as in the app
    return at


def test_a_model_that_does_not_fit_shows_the_reason_and_queues_nothing():
    from core.jobs import default_runner
    from core.runs import open_store
    from core.errors import SpecError
    from core.spec import ModelSpec
    from core.train import default_config, submit_training

    ref = DatasetRef(name="moons")
    spec = ModelSpec.model_validate({"layers": [{"type": "Conv2D", "filters": 4}]})
    save_workspace(Workspace(dataset=ref, spec=spec))
    store = open_store()
    with pytest.raises(SpecError) as expected:  # the message the page must show, word for word
        submit_training(store, default_runner(store), ref, spec, default_config("binary"))
    at = train_page().run()
    [train] = [b for b in at.button if b.label == "Train"]
    train.click().run()
    assert str(expected.value) in [e.value for e in at.error]
    assert store.list_runs() == []


def test_a_diverged_run_shows_its_error_and_advice():
    from core.runs import open_store

    store = open_store()
    run_id = store.create_run(name="too fast", dataset={"name": "moons"}, dataset_hash="h",
                              spec={"layers": []}, config={"lr": 10.0}, task="binary")
    store.set_status(run_id, "diverged", error="The loss became NaN at epoch 2, step 7.",
                     advice="Lower the learning rate (try 10x smaller).")
    save_workspace(Workspace(dataset=DatasetRef(name="moons")))
    at = train_page()
    at.query_params["run"] = run_id
    at.run()
    assert "The loss became NaN at epoch 2, step 7." in [e.value for e in at.error]
    assert "What to try: Lower the learning rate (try 10x smaller)." in [i.value for i in at.info]
    assert ":red-badge[Diverged]" in [m.value for m in at.markdown]
