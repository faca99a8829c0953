"""The local job runner with real detached worker processes: queueing, stop, crashes."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.data import DatasetRef
from core.jobs import LocalJobRunner
from core.jobs.messages import DEATH_REASON, DURING_EPOCH, NO_CHECKPOINT, UNKNOWN_JOB, WORKER_LOST
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, stop_run, submit_training
from core.trained import load_network
from tests.waiting import wait_until

TIMEOUT_S = 90


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "20")
    monkeypatch.setenv("LAYERLAB_STOP_GRACE_S", "30")
    r = LocalJobRunner(open_store(), slots=1)
    yield r
    r.shutdown()


def _submit(runner, epochs, **cfg):
    config = TrainConfig(epochs=epochs, batch_size=16, **cfg)
    return submit_training(runner.store, runner, DatasetRef(name="moons"),
                           get_preset("walkthrough_mlp"), config)


def _wait(predicate, what):
    return wait_until(predicate, what, TIMEOUT_S)


def test_four_runs_one_slot_queue_in_order_and_all_finish(runner):
    store = runner.store
    ids = [_submit(runner, 10)] + [_submit(runner, 1) for _ in range(3)]
    _wait(lambda: store.get_run(ids[0]).status == "running", "the first run to start")
    runs = {r.id: r for r in store.list_runs()}
    assert [(runs[i].status, runs[i].queue_position) for i in ids] == [
        ("running", None), ("queued", 1), ("queued", 2), ("queued", 3)]
    assert [j.position for j in runner.queue()] == [None, 1, 2, 3]
    _wait(lambda: all(store.get_run(i).done for i in ids), "all runs to finish")
    assert [store.get_run(i).status for i in ids] == ["finished"] * 4
    assert len(runner.workers()) == 1  # bounded by the slot count


def test_stop_queued_running_and_twice(runner):
    store = runner.store
    first, second = _submit(runner, 400), _submit(runner, 1)
    stop_run(store, runner, second)
    assert store.get_run(second).status == "stopped"  # at once, without a worker
    _wait(lambda: store.get_run(first).epoch and store.get_run(first).epoch >= 2, "epoch 2")
    stop_run(store, runner, first)
    run = _wait(lambda: (r := store.get_run(first)).status == "stopped" and r, "the stop")
    assert run.checkpoint_path and os.path.exists(run.checkpoint_path)
    load_network(run)  # the kept checkpoint is usable
    stop_run(store, runner, first)  # twice: harmless
    stop_run(store, runner, second)
    assert store.get_run(first).status == "stopped" and store.get_run(second).status == "stopped"
    assert store.epochs(second) == []  # the stopped queued run never trained


def test_killed_worker_fails_its_run_with_a_reason_and_the_next_run_still_finishes(runner):
    store = runner.store
    runner.start_reaper(interval_s=0.5)  # as the web server does: nobody else reaps here
    victim, other = _submit(runner, 400), _submit(runner, 2)
    _wait(lambda: len(store.epochs(victim)) >= 3, "two epochs")
    os.kill(store.get_run(victim).pid, signal.SIGKILL)
    run = _wait(lambda: (r := store.get_run(victim)).status == "failed" and r, "the failure")
    assert run.error.startswith("The worker process stopped (killed or out of memory) during epoch ")
    assert "the last checkpoint from epoch" in run.error
    _wait(lambda: store.get_run(other).status == "finished", "the other run on a new worker")


def test_reading_never_reaps_but_reap_fails_a_dead_cli_run_with_a_reason(runner):
    store = runner.store
    run_id = store.create_run(name="cli", dataset={}, dataset_hash="x", spec={}, config={},
                              task="binary")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store.set_status(run_id, "running")
    store.update_run(run_id, pid=dead.pid, host=os.uname().nodename, epoch=1)
    time.sleep(1.1)
    assert store.get_run(run_id).status == "running"  # reading manages no processes
    assert [r.status for r in store.list_runs()] == ["running"]
    runner.reap()
    run = store.get_run(run_id)
    assert run.status == "failed"
    assert run.error == DEATH_REASON.format(what="training process",
                                            during=DURING_EPOCH.format(epoch=1),
                                            kept=NO_CHECKPOINT)
    assert run.error == ("The training process stopped (killed or out of memory) during epoch 1; "
                         "no checkpoint had been saved yet.")


def test_failing_job_is_reported_and_the_worker_keeps_serving(runner, extra_jobs):
    bad = runner.submit("fail", {"message": "no luck"})
    good = runner.submit("sleep", {"seconds": 0.1})
    _wait(lambda: runner.status(good).status == "done", "the second job")
    assert (runner.status(bad).status, runner.status(bad).error) == ("failed", "no luck")


def test_test_jobs_are_not_built_in(runner, monkeypatch):
    from core.errors import LayerLabError
    from core.jobs import JOBS

    assert "sleep" not in JOBS and "fail" not in JOBS
    with pytest.raises(LayerLabError) as err:
        runner.submit("sleep", {})
    assert str(err.value) == UNKNOWN_JOB.format(name="sleep", known=", ".join(sorted(JOBS)))


def test_worker_gets_the_store_url_from_its_environment_not_its_command_line(runner, extra_jobs):
    job = runner.submit("sleep", {"seconds": 0.1})
    _wait(lambda: runner.status(job).status == "done", "the job on a fresh worker")
    [worker] = runner.workers()
    cmdline = Path(f"/proc/{worker.pid}/cmdline").read_bytes().decode()
    assert "core.jobs.worker" in cmdline
    assert runner.store.url not in cmdline and "sqlite" not in cmdline
    environ = Path(f"/proc/{worker.pid}/environ").read_bytes().decode().split("\0")
    assert f"LAYERLAB_STORE_URL={runner.store.url}" in environ


def test_a_worker_that_dies_with_its_job_fails_the_job(runner, extra_jobs):
    job = runner.submit("sleep", {"seconds": 60})
    _wait(lambda: runner.status(job).status == "running", "the job to start")
    os.kill(runner.status(job).pid, signal.SIGKILL)
    _wait(lambda: (runner.reap(), runner.status(job).status == "failed")[1], "the reaper")
    assert runner.status(job).error == WORKER_LOST
