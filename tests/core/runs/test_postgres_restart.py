"""Real detached workers on a PostgreSQL store: the queue hands each job to one worker (SKIP
LOCKED), and a server restarted while a worker trains is waited out (core.runs._resilient):
the run finishes and no epoch already written is lost."""
import time

import pytest

from core.data import DatasetRef
from core.jobs import LocalJobRunner
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, submit_training
from tests.servers.postgres import start_server, stop_server

TIMEOUT_S = 300  # a shared, busy CI machine; the wait ends as soon as the run does


@pytest.fixture(scope="module")
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


def test_two_workers_share_the_queue_and_each_run_trains_once(server, monkeypatch):
    import sqlalchemy as sa

    url = server.create_database("queue")
    monkeypatch.setenv("LAYERLAB_STORE_URL", url)
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "5")
    store = open_store()
    runner = LocalJobRunner(store, slots=2)
    try:
        ids = [submit_training(store, runner, DatasetRef(name="moons"),
                               get_preset("walkthrough_mlp"), TrainConfig(epochs=2, batch_size=64))
               for _ in range(3)]
        for rid in ids:
            run = _wait(lambda rid=rid: (r := store.get_run(rid)).status
                        not in ("queued", "running") and r, f"{rid} to end")
            assert run.status == "finished", (run.status, run.error)
        with store.engine.connect() as conn:
            claimed = conn.execute(sa.text("SELECT run_id, count(*) FROM jobs GROUP BY run_id")).all()
        assert sorted(claimed) == sorted((rid, 1) for rid in ids)  # one job per run, none twice
    finally:
        runner.shutdown()
