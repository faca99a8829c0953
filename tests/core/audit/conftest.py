"""Fixtures shared by the audit tests."""
import pytest

from core.runs import open_store


@pytest.fixture
def store_and_run():
    """A store with one bare run record (no training): enough for records, progress and cancel."""
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    return store, rid
