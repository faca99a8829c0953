"""One LayerLab home per test module: trained runs are made once and read by every test in it.

A conftest imports the three fixtures (`from tests.module_home import layerlab_home,
shared_home, store`), which replace the per-test home of tests/conftest.py for that folder;
module-scoped fixtures that train runs use `in_home(shared_home)`.
"""
from contextlib import contextmanager

import pytest


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory):
    return tmp_path_factory.mktemp("module_home")


@pytest.fixture(autouse=True)
def layerlab_home(shared_home, monkeypatch):
    monkeypatch.setenv("LAYERLAB_HOME", str(shared_home))
    monkeypatch.delenv("LAYERLAB_STORE_URL", raising=False)
    return shared_home


@pytest.fixture
def store(layerlab_home):
    from core.runs import open_store

    return open_store()


@contextmanager
def in_home(home):
    """LayerLab's home set to `home` for a module-scoped fixture (function fixtures use the above)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(home))
        mp.delenv("LAYERLAB_STORE_URL", raising=False)
        yield
