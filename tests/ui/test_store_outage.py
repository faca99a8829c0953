"""A run store that cannot be reached: the pages say so (naming LAYERLAB_STORE_URL), no traceback,
and they come back by themselves once the store answers."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.runs.messages import STORE_RETRYING, STORE_UNREACHABLE
from tests.servers.postgres import free_port

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_unreachable_store_at_start_is_a_note_not_a_traceback(monkeypatch):
    port = free_port()  # nothing listens there
    monkeypatch.setenv("LAYERLAB_STORE_URL", f"postgresql+psycopg://u:pw@127.0.0.1:{port}/layerlab")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception  # Home does not need the store
    at.switch_page("views/experiments.py").run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert text.startswith(STORE_UNREACHABLE.partition("{")[0]) and "LAYERLAB_STORE_URL" in text
    assert "Runs cannot be stored" in text
    assert "tries again every 3 seconds" in " ".join(c.value for c in at.caption)


def test_the_page_comes_back_when_the_store_answers_again(postgres_server, monkeypatch):
    url = postgres_server.create_database("outage_page")
    monkeypatch.setenv("LAYERLAB_STORE_URL", url)
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("views/experiments.py").run()
    assert not at.exception and not at.warning
    assert STORE_RETRYING.startswith("The run store is unreachable; retrying…")
