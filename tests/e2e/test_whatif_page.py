"""What if journey in a real browser: on a trained Adult run, open a rejected row, see its SHAP
waterfall, ask for counterfactuals and see them with the changed cells marked; start from the
typical row; open the error groups, see the rows of the worst one, and click another group in
the chart to see its rows."""
from core.audit.errors import error_analysis
from core.audit.whatif import counterfactuals
from core.data import default_ref
from core.runs import open_store
from core.spec import ModelSpec
from core.train import TrainConfig, create_run, train_run
from core.trained import load_trained
from tests.e2e.conftest import nav, wait_for_app

MARKED_JS = """() => [...document.querySelectorAll('[data-testid="stTable"] td')]
  .filter(td => getComputedStyle(td).backgroundColor === 'rgb(255, 224, 138)').map(td => td.innerText)"""


def test_counterfactuals_and_error_groups_on_adult(page, app_url):
    store = open_store()
    spec = ModelSpec.model_validate({"name": "Adult MLP",
                                     "layers": [{"type": "Dense", "units": 16, "activation": "relu"}]})
    run = train_run(store, create_run(store, default_ref("adult"), spec,
                                      TrainConfig(epochs=1, batch_size=512)))
    assert run.status == "finished", run.error
    model = load_trained(store, run.id)
    rejected = [int(i) for i in (model.labels("test") == 0).nonzero()[0][:20]]
    row, expected = next((r, res) for r in rejected
                         if (res := counterfactuals(store, run.id, r, model=model))["counterfactuals"])
    worst = error_analysis(store, run.id, model=model)["cohorts"][0]

    page.goto(app_url)
    wait_for_app(page)
    nav(page, "What if")
    page.wait_for_url(f"**/whatif?run={run.id}")
    wait_for_app(page)
    box = page.get_by_role("spinbutton", name="Test row", exact=False)
    box.fill(str(row))
    box.press("Enter")
    wait_for_app(page)
    page.get_by_text("Nothing was changed: the model says '<=50K'").wait_for()
    page.get_by_role("button", name="Find counterfactuals").click()
    page.get_by_text(expected["counterfactuals"][0]["sentence"]).wait_for(timeout=60_000)
    first = expected["counterfactuals"][0]["changes"][0]
    page.wait_for_function(f"() => ({MARKED_JS})().includes({str(first['to'])!r})")

    edit_tab = page.get_by_role("tabpanel").first
    page.get_by_text("Why the model answers this way").wait_for()
    edit_tab.locator(".js-plotly-plot .waterfalllayer .point").first.wait_for()  # the row's SHAP waterfall

    page.get_by_text("The typical row").click()
    page.get_by_text("Counterfactuals and the sensitive flip start from a real test row").wait_for()
    page.get_by_text("Nothing was changed: the model says").wait_for()

    page.get_by_role("tab", name="Where it fails").click()
    page.get_by_text("The model is wrong on").wait_for(timeout=60_000)
    page.get_by_text(f"Rows of #1: {worst['condition']} ({worst['n']:,} rows", exact=False).wait_for()
    assert page.get_by_test_id("stDataFrame").count() == 2  # the groups, and the worst one's rows
    # Click the bottom bar of the groups chart (the last, least-wrong group): its rows show.
    cohorts = error_analysis(store, run.id, model=model)["cohorts"]
    last = len(cohorts)
    # A click as a user makes it: on the bar's spot (plotly's drag layer above takes the event).
    bar = page.locator(".barlayer .point path").first  # the groups chart's bottom bar
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text(f"Rows of #{last}: {cohorts[-1]['condition']} ({cohorts[-1]['n']:,} rows",
                     exact=False).wait_for(timeout=30_000)
