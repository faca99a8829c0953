"""Explain and Stress list only runs that are one network, and say why the others are missing."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.runs import open_store

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _finished_run(store, **fields) -> str:
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    store.set_status(rid, "finished")
    if fields:
        store.update_run(rid, **fields)
    return rid


def test_threshold_or_mixture_runs_are_explained_not_listed():
    store = open_store()
    mixture = _finished_run(store, kind="mitigated")  # no checkpoint_path: not one network
    for page in ("views/explain.py", "views/stress.py"):
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.switch_page(page).run()
        captions = " ".join(c.value for c in at.caption)
        assert f"Not listed: {mixture}." in captions, page
        assert any("Train a model first" in i.value or "Train one first" in i.value
                   for i in at.info), page  # and nothing else to pick
