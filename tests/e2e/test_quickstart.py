"""A first-time visitor: one click on the home page trains the walkthrough MLP on Adult, and one
more shows its fairness summary."""
import re


from tests.e2e.conftest import browser_user, wait_for_app
from tests.e2e.test_train_journey import POINTS_JS, wait_points_above



def test_quick_start_trains_adult_mlp_then_fairness_summary(page, app_url):
    from core.runs import open_store
    from core.workspace import load_workspace

    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("button", name="Train the walkthrough MLP on Adult").click()
    # Streamlit switches pages in the browser (history API), so no load event: watch the URL.
    page.wait_for_function("() => location.pathname.endsWith('/train') && location.search.includes('run=')",
                           timeout=60_000)
    wait_points_above(page, 1)  # epoch 0 and the first trained epoch are on the chart
    page.get_by_text("Finished").first.wait_for(timeout=240_000)

    [run] = open_store().list_runs()
    assert run.status == "finished" and run.dataset["name"] == "adult"
    assert run.dataset["sensitive"] == ["sex", "race"]
    assert [layer["units"] for layer in run.spec["layers"]] == [128, 64]
    assert run.best_val_metric > 0.80  # clearly above the 76 % majority baseline
    # The complete curve, epoch 0 included (the final redraw may land just after the badge).
    page.wait_for_function(f"() => ({POINTS_JS})() === {run.total_epochs + 1}")
    ws = load_workspace(browser_user(page))  # later pages see the same choices the quick start made
    assert ws.dataset.name == "adult" and ws.spec.name == run.spec["name"]

    # Next step from the Train page: the fairness summary of this very run.
    page.get_by_role("link", name="Check fairness").click()
    summary = page.get_by_text(re.compile(r"The model predicts '>50K' for \d+ % of (Male|Female)"))
    summary.wait_for(timeout=120_000)
    assert f"run={run.id}" in page.url
