"""Shared fixtures: every test gets its own LayerLab home (store, uploads, workspace)."""
import os

import pytest

# Pages run in-process (AppTest) start the app's warm worker a second after their first run,
# often once the test is over and its environment undone: set for the whole session, so such a
# worker exits 20 s after its last job instead of idling for ten minutes beside the suite.
os.environ.setdefault("LAYERLAB_WORKER_IDLE_S", "20")

# A real PostgreSQL server for the run-store tests (started only when a test asks for it).
from tests.servers.postgres import postgres_server, postgres_url  # noqa: F401


@pytest.fixture(autouse=True)
def layerlab_home(tmp_path, monkeypatch):
    home = tmp_path / "layerlab_home"
    home.mkdir()
    monkeypatch.setenv("LAYERLAB_HOME", str(home))
    monkeypatch.delenv("LAYERLAB_STORE_URL", raising=False)
    return home


# A real Ray head for the cluster tests, started once per session only when one asks for it.
from tests.servers.ray_head import ray_head  # noqa: E402,F401
