"""Fairness journey in a real browser: a run trained on Adult with 'sex' as the sensitive column,
the summary sentence, then ThresholdOptimizer as a background job and the before/after table."""
import re


from tests.e2e.conftest import nav, wait_for_app



def _train_adult_run() -> str:
    """One short epoch on Adult, in this process (the training journey has its own test)."""
    from core.data import default_ref
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import default_config, train_run
    from core.train._submit import create_run

    store = open_store()
    ref = default_ref("adult", sensitive=["sex"])
    rid = create_run(store, ref, get_preset("walkthrough_mlp"), default_config("binary", epochs=1))
    assert train_run(store, rid).status == "finished"
    return rid


def test_summary_then_threshold_optimizer_shrinks_the_gap(page, app_url):
    rid = _train_adult_run()
    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Fairness")
    page.wait_for_url("**/fairness*")
    # no wait_for_app here: the first audit (bootstrap intervals) may take longer than its timeout
    summary = page.get_by_text(re.compile(r"The model predicts '>50K' for \d+ % of (Male|Female)"))
    summary.wait_for(timeout=180_000)
    assert "four-fifths rule" in summary.inner_text()
    assert f"run={rid}" in page.url  # the audited run is the one just trained

    page.get_by_role("button", name="Mitigate → retrain → re-audit").click()
    result = page.get_by_text(re.compile(r"\(threshold optimizer\): demographic parity difference"))
    result.wait_for(timeout=120_000)
    text = result.inner_text()
    before, after = map(float, re.search(r"difference ([\d.]+) → ([\d.]+)", text).groups())
    assert after < before
    page.get_by_text("Before and after", exact=True).wait_for()  # the heading, not the progress text
