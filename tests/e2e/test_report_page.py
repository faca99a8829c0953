"""Report journey in a real browser: an Adult run with its fairness audit saved, the Report page,
download the HTML, then open it in a fresh browser context with every network request blocked:
the fairness chart still draws (plotly's script is inside the file)."""
import os
import re
from pathlib import Path

from tests.e2e.conftest import nav, wait_for_app

# Screenshots for people looking at the pages: only when LAYERLAB_SHOTS names a folder.
SCREENS = Path(os.environ.get("LAYERLAB_SHOTS", "/nonexistent-layerlab-shots"))


def _audited_adult_run() -> str:
    """One short epoch on Adult (sensitive: sex) and its fairness report with a few bootstrap draws,
    in this process, as the fairness page test trains it."""
    from core.audit.fairness import audit_run
    from core.data import default_ref
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import default_config, train_run
    from core.train._submit import create_run

    store = open_store()
    rid = create_run(store, default_ref("adult", sensitive=["sex"]), get_preset("walkthrough_mlp"),
                     default_config("binary", epochs=1))
    assert train_run(store, rid).status == "finished"
    audit_run(store, rid, "sex", n_boot=5)
    return rid


def test_download_the_report_and_open_it_offline(page, app_url, browser, tmp_path):
    rid = _audited_adult_run()
    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Report")
    page.wait_for_url("**/report*")
    button = page.get_by_role("button", name="HTML report")
    button.wait_for(timeout=120_000)
    # explain and stress were not run: the page offers to run them
    page.get_by_role("button", name=re.compile("^Run the missing audits")).wait_for()
    wait_for_app(page)
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / "report_page.png"), full_page=True)
    with page.expect_download() as info:
        button.click()
    saved = tmp_path / "report.html"
    info.value.save_as(saved)
    assert rid in saved.read_text()

    offline = browser.new_context(offline=True)
    blocked = []

    def block(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    offline.route("**/*", block)
    try:
        view = offline.new_page()
        view.goto(saved.as_uri())
        chart = view.locator("#fairness .main-svg").first
        chart.wait_for(state="visible", timeout=30_000)
        assert view.locator("#fairness .plotly-graph-div").count() >= 1
        assert view.locator("#explain").get_by_text("not run").first.is_visible()
    finally:
        offline.close()
    assert blocked == []
