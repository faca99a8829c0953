"""The Explain page in a real browser: on an Adult run, run the global explanation as a job,
pick a misclassified row and see the SHAP and LIME panels with the agreement sentence; on a
digits run, see the pixel heatmaps."""

from core.data import default_ref
from tests.e2e.conftest import nav, wait_for_app

TITLES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
  const t = (el.layout || {}).title; return {title: (t && t.text) || '', type: (el.data[0] || {}).type};
})"""



def trained(store, ref, preset: str, epochs: int, batch_size: int = 512) -> str:
    from core.spec import get_preset
    from core.train import TrainConfig, train_run
    from core.train._submit import create_run

    run_id = create_run(store, ref, get_preset(preset), TrainConfig(epochs=epochs, batch_size=batch_size))
    assert train_run(store, run_id).status == "finished"
    return run_id


def charts(page, prefix: str, timeout: float = 30_000) -> list[dict]:
    page.wait_for_function(f"(p) => ({TITLES_JS})().some(c => c.title.includes(p))", arg=prefix,
                           timeout=timeout)
    return [c for c in page.evaluate(TITLES_JS) if prefix in c["title"]]


def open_explain(page, app_url, run_id):
    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Explain")
    page.wait_for_url("**/explain**")
    wait_for_app(page)
    page.wait_for_function("(id) => new URLSearchParams(location.search).get('run') === id", arg=run_id)


def test_explain_adult_and_digits(page, app_url, tmp_path):
    from core.audit.explain import AUDIT_KIND, explain_run
    from core.runs import open_store

    store = open_store()
    digits = trained(store, default_ref("digits"), "lenet_cnn", 4, batch_size=64)
    # Digits explained in-process up front (the job path is exercised by the Adult run below).
    store.save_audit(digits, AUDIT_KIND, {"state": "done", "progress": 1.0, "job_id": None,
                                          "result": explain_run(store, digits, rows=40, lime_rows=3)})
    adult = trained(store, default_ref("adult"), "walkthrough_mlp", 1)  # newest: shown first

    open_explain(page, app_url, adult)
    rows = page.get_by_role("spinbutton", name="Rows to explain")
    rows.fill("60")
    rows.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Explain the model").click()
    page.get_by_text("Explaining 60 of 4,885 test rows, chosen at random with seed 0.").wait_for(timeout=150_000)
    assert charts(page, "Global importance")[0]["type"] == "bar"
    assert charts(page, "Each dot is one test row")[0]["type"] == "scatter"
    page.get_by_text("Additivity check").wait_for()

    page.get_by_role("tab", name="One row").click()
    page.get_by_text("A misclassified one").click()
    wait_for_app(page)
    page.get_by_text("The model says '").first.wait_for()
    assert charts(page, "SHAP: from the average")[0]["type"] == "waterfall"
    assert charts(page, "LIME: weights of its local model")[0]["type"] == "bar"
    page.get_by_text("The two methods agree on").first.wait_for()
    page.get_by_role("tab", name="Fairness").click()
    page.get_by_text("The model does not see 'sex' directly.").wait_for()
    page.screenshot(path=str(tmp_path / "explain-adult.png"), full_page=True)

    page.get_by_role("combobox", name="Run").click()
    page.get_by_role("option", name=digits, exact=False).click()
    wait_for_app(page)
    assert charts(page, "Average SHAP heatmap per predicted class")[0]["type"] == "heatmap"
    page.get_by_role("tab", name="One row").click()
    page.get_by_text("A misclassified one").click()
    wait_for_app(page)
    assert charts(page, "Red pushed the explained output up")[0]["type"] == "heatmap"
    page.screenshot(path=str(tmp_path / "explain-digits.png"), full_page=True)
