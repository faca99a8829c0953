"""The Fairness page under AppTest: the bad inputs a user can reach without training for long."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _finished_run(sensitive: list[str]) -> str:
    from core.runs import open_store

    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons", "sensitive": sensitive},
                           dataset_hash="h", spec={}, config={}, task="binary")
    store.set_status(rid, "finished")
    return rid


def _open(run_id: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/fairness.py")
    if run_id:
        at.query_params["run"] = run_id
    at.run()
    assert not at.exception
    return at


def test_no_runs_points_to_training():
    at = _open()
    assert at.info[0].value == "No finished runs yet. Train a model first."


def test_no_sensitive_column_says_how_to_choose_one():
    rid = _finished_run([])
    at = _open(rid)
    assert at.warning[0].value.startswith(
        "This run has no sensitive column, so there are no groups to compare. On the Data page, "
        "pick one or two sensitive columns (for Adult: sex and race)")
