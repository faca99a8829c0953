"""The Evaluate and Compare pages in a real browser, and quick page checks with AppTest.

A finished moons run shows its metrics beside the baseline, its confusion matrix, a plain
"no problems" diagnosis and its decision boundary; a run with a far too small learning rate is
diagnosed as such; Compare puts the two side by side and says what changed; the boundary of a
run still training in a worker redraws as new weights are saved."""
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.data._types import DatasetRef
from tests.e2e.conftest import nav, wait_for_app

REF = DatasetRef(name="moons", params={"n_points": 300})
SHOTS = "evaluate-{}.png"

# Every plotly chart on the page, also those inside our own (same-origin) component frames.
PLOTS_JS = """[...document.querySelectorAll('.js-plotly-plot'),
  ...[...document.querySelectorAll('iframe')].flatMap(f => {
    try { return [...f.contentDocument.querySelectorAll('.js-plotly-plot')]; } catch (e) { return []; }
  })]"""
# The first plotly chart whose title holds the given text: its first trace's type and z.
CHART_JS = """(prefix) => {
  for (const el of """ + PLOTS_JS + """) {
    const title = ((el.layout || {}).title || {}).text || '';
    if (title.includes(prefix) && el.data && el.data.length)
      return {type: el.data[0].type, z: el.data[0].z, names: el.data.map(d => d.name)};
  }
  return null;
}"""
# The epoch of the weights the decision boundary is drawn from (-1 while there is none).
EPOCH_JS = """() => {
  for (const el of """ + PLOTS_JS + """) {
    const m = (((el.layout || {}).title || {}).text || '').match(/weights of epoch (\\d+)/);
    if (m) return Number(m[1]);
  }
  return -1;
}"""




def trained(store, name: str, **config) -> str:
    """A finished run trained in this process (the workers are not what this test is about)."""
    from core.spec import get_preset
    from core.train import TrainConfig, create_run, train_run

    cfg = TrainConfig(**{"epochs": 6, "batch_size": 32, **config})
    run_id = create_run(store, REF, get_preset("walkthrough_mlp"), cfg, name)
    assert train_run(store, run_id).status == "finished"
    return run_id


def wait_for_run_in_url(page, run_id: str) -> None:
    """The shown run is in the URL (?run=), so a reload or a shared link opens the same run."""
    page.wait_for_function("(id) => new URLSearchParams(location.search).get('run') === id", arg=run_id)


def chart(page, prefix: str, timeout: float = 30_000) -> dict:
    page.wait_for_function(f"(p) => ({CHART_JS})(p) !== null", arg=prefix, timeout=timeout)
    return page.evaluate(CHART_JS, prefix)


def open_tab(page, tab: str, marker: str, tries: int = 5) -> None:
    """Open a tab and wait for `marker` in it. A rerun that lands just after the click (the
    picked run's page is still redrawing) can show the first tab again: click once more then."""
    for attempt in range(tries):
        page.get_by_role("tab", name=tab).click()
        try:
            page.get_by_text(marker).wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


def pick(page, option: str) -> None:
    picker = page.get_by_role("combobox", name="Run")
    picker.scroll_into_view_if_needed()  # a click that has to scroll first does not open it
    page.wait_for_timeout(300)
    picker.click()
    page.get_by_role("option", name=option).click()
    wait_for_app(page)


@pytest.fixture
def two_runs(layerlab_home):
    """Trained before the app server starts (fixture order), so they do not compete for the CPU."""
    from core.runs import open_store

    store = open_store()
    slow = trained(store, "learning rate far too small", lr=1e-6, epochs=4)
    # Long enough to beat a straight-line model too (6 epochs only tie logistic regression).
    healthy = trained(store, "healthy moons", epochs=30, lr=0.01)  # the newest finished run: shown first
    return store, slow, healthy


def test_evaluate_page_explains_a_run(two_runs, page, app_url, tmp_path):
    from core.data import prepared

    store, slow, healthy = two_runs
    n_test = len(prepared(REF)[1].idx_test)

    page.goto(app_url)  # through the sidebar, as a user arrives
    wait_for_app(page)
    nav(page, "Evaluate")
    page.wait_for_url("**/evaluate**")
    wait_for_app(page)
    wait_for_run_in_url(page, healthy)

    # Headline metric beside its baseline, in words (the first evaluation imports torch: slow).
    page.get_by_test_id("stMetricLabel").filter(has_text="Baseline accuracy").wait_for(timeout=90_000)
    page.get_by_text("accuracy is what always answering").first.wait_for()
    # The confusion matrix counts every test example once.
    cm = chart(page, "Confusion matrix")
    assert cm["type"] == "heatmap" and sum(map(sum, cm["z"])) == n_test
    page.get_by_text("No problems found").wait_for()
    page.screenshot(path=str(tmp_path / SHOTS.format("healthy")), full_page=True)

    # The decision boundary: a 120 x 120 heatmap of the model's answers with the points on top.
    page.get_by_role("tab", name="Decision boundary").click()
    boundary = chart(page, "What the model answers")
    assert boundary["type"] == "heatmap" and len(boundary["z"]) == 120 and len(boundary["z"][0]) == 120
    assert any((n or "").startswith("training points") for n in boundary["names"])
    page.screenshot(path=str(tmp_path / SHOTS.format("boundary")), full_page=True)

    # Another run from the picker: its problem is named, with what to try next.
    pick(page, f"{slow} · learning rate far too small · Finished")
    page.get_by_text("The learning rate looks too low").wait_for()
    page.get_by_text("Raise the learning rate (try 10x larger)").first.wait_for()
    wait_for_run_in_url(page, slow)
    page.screenshot(path=str(tmp_path / SHOTS.format("slow")), full_page=True)

    # On to Compare with this run as the reference: the other run joins it, and what changed
    # between them is said in plain words.
    page.get_by_role("link", name="Compare this run with others").click()
    page.wait_for_url("**/compare**")
    wait_for_app(page)
    page.get_by_text("Learning rate 1e-06 → 0.01").wait_for()
    page.get_by_text("Epochs 4 → 30").wait_for()
    page.wait_for_function("(n) => new URLSearchParams(location.search).get('runs') === n",
                           arg=f"{slow},{healthy}")
    page.get_by_test_id("stDataFrame").wait_for()
    overlay = chart(page, "Validation loss")
    names = [n or "" for n in overlay["names"]]
    assert any(n.startswith(slow) for n in names) and any(n.startswith(healthy) for n in names)
    page.screenshot(path=str(tmp_path / SHOTS.format("compare")), full_page=True)

    # A run training in a worker: its decision boundary redraws from each new checkpoint.
    from core.jobs import default_runner
    from core.spec import get_preset
    from core.train import TrainConfig, submit_training

    live = submit_training(store, default_runner(store), REF, get_preset("walkthrough_mlp"),
                           TrainConfig(epochs=5000, batch_size=8), name="still training")
    deadline = time.monotonic() + 120
    while not store.get_run(live).checkpoint_path:  # the worker starts and saves its first weights
        assert time.monotonic() < deadline, "the run in the worker saved no weights in time"
        time.sleep(0.5)
    nav(page, "Evaluate")
    page.wait_for_url("**/evaluate**")
    wait_for_app(page)
    pick(page, f"{live} · still training · Training")
    open_tab(page, "Decision boundary", "Updating live from the latest saved weights")
    page.wait_for_function(f"() => ({EPOCH_JS})() > 0")
    first = page.evaluate(EPOCH_JS)
    mark = f"() => {PLOTS_JS}.forEach(el => {{ el.__first = true; }})"
    page.evaluate(mark)
    page.wait_for_function(f"() => ({EPOCH_JS})() > {first}", timeout=60_000)
    # Swapped into the chart already drawn (its new heatmap only), not drawn again.
    assert page.evaluate(f"() => {PLOTS_JS}.every(el => el.__first === true)")
    assert page.evaluate("() => (window.__layerlab_replaced || []).length") >= 1
    page.screenshot(path=str(tmp_path / SHOTS.format("live")), full_page=True)
    store.request_stop(live)


# --- quick page checks without a browser (streamlit's AppTest) ------------------------------

def evaluate_page(run_id: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=90)
    at.switch_page("views/evaluate.py")  # through app.py, so page links resolve as in the app
    if run_id:
        at.query_params["run"] = run_id
    return at.run()


def test_without_trained_runs_the_page_says_what_to_do():
    at = evaluate_page()
    assert not at.exception
    from ui.run_views import NO_TRAINED_MODEL

    assert [i.value for i in at.info] == [NO_TRAINED_MODEL]


def test_a_regression_run_shows_errors_against_the_mean_baseline():
    from core.audit.evaluate import evaluate_run
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import TrainConfig, train_run
    from core.train._submit import create_run

    store = open_store()
    ref = DatasetRef(name="plane_regression", params={"n_points": 200})
    run_id = create_run(store, ref, get_preset("walkthrough_mlp"), TrainConfig(epochs=3, batch_size=32))
    train_run(store, run_id)
    at = evaluate_page(run_id)
    assert not at.exception
    ev = evaluate_run(store, run_id)  # what the page must show, computed here
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["MAE"] == f"{ev.value('mae'):.4g}"
    assert metrics["Baseline MAE (a model that ignores the inputs)"] == f"{ev.baseline.value:.4g}"
    assert [t.label for t in at.tabs] == ["Plots", "Internals", "Decision boundary", "Checklist"]


def test_checklist_results_are_shown_and_the_learning_rate_can_be_applied():
    from core.audit.checklist import run_check
    from core.runs import open_store
    from core.workspace import load_workspace

    store = open_store()
    run_id = trained(store, "checked", epochs=2)
    tiny = run_check(store, run_id, "overfit_check")  # in this process: what a worker would run
    lr = run_check(store, run_id, "lr_finder")
    at = evaluate_page(run_id)
    assert not at.exception
    from ui.text import md  # the page escapes Markdown in the words it shows

    shown = [m.value for m in list(at.success) + list(at.warning)]
    assert md(tiny["verdict"]) in shown
    [use] = [b for b in at.button if b.label.startswith("Use this learning rate")]
    use.click().run()
    ws = load_workspace(at.session_state["_layerlab_user"])  # this session's own draft
    assert ws.train_config["lr"] == pytest.approx(lr["suggested_lr"])
    assert any("is now set on the Train page" in m.value for m in at.success)
