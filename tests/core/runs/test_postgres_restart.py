"""PostgreSQL restarted while a real detached worker trains: the worker waits out the restart
(core.runs._resilient), the run finishes, and no epoch already written is lost."""
import time

import pytest

from core.data import DatasetRef
from core.jobs import LocalJobRunner
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, submit_training
from tests.servers.postgres import start_server, stop_server

TIMEOUT_S = 300  # a shared, busy CI machine; the wait ends as soon as the run does


@pytest.fixture
def server():
    srv = start_server()
    yield srv
    stop_server(srv)


def _wait(predicate, what):
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - the server is restarting under us
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_restart_mid_run_the_run_finishes_with_every_epoch(server, monkeypatch):
    url = server.create_database("restart")
    monkeypatch.setenv("LAYERLAB_STORE_URL", url)  # the detached worker inherits it
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "5")
    store = open_store()
    runner = LocalJobRunner(store, slots=1)
    try:
        epochs = 40
        run_id = submit_training(store, runner, DatasetRef(name="moons"),
                                 get_preset("walkthrough_mlp"),
                                 TrainConfig(epochs=epochs, batch_size=8))
        _wait(lambda: len(store.epochs(run_id)) >= 3, "three epochs in the store")
        written = [e.epoch for e in store.epochs(run_id)]
        server.restart()
        assert store.get_run(run_id).status == "running"  # the restart really was mid-run
        run = _wait(lambda: (r := store.get_run(run_id)).status not in ("queued", "running") and r,
                    "the run to end")
        assert run.status == "finished", (run.status, run.error)
        stored = [e.epoch for e in store.epochs(run_id)]
        assert set(written) <= set(stored)  # nothing written before the restart was lost
        assert stored == list(range(0, epochs + 1))  # epoch 0 (before training) .. the last
    finally:
        runner.shutdown()
