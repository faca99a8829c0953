"""The Ray job runner against a real Ray head on 127.0.0.1 (tests/servers/ray_head.py).

One LayerLab home for the module, so the two slot actors start (and import torch) once and
every test after the first finds them warm. Training runs in the actors, the store is SQLite.
"""
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.audit.progress import audit_state, submit_audit
from core.data import DatasetRef
from core.errors import LayerLabError
from core.jobs import EXTRA_JOBS_ENV, RayJobRunner, default_runner
from core.jobs.messages import DEATH_REASON, RAY_UNREACHABLE, RAY_WAITING_CPU
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, create_run, stop_run, submit_training, train_run
from tests.core.jobs.conftest import TEST_JOBS
from tests.module_home import in_home
from tests.waiting import wait_until

TIMEOUT_S = 120


@pytest.fixture(scope="module")
def runner(ray_head, shared_home):
    with in_home(shared_home), pytest.MonkeyPatch.context() as mp:
        # The slot actors take these from the environment, like local workers do.
        mp.setenv(EXTRA_JOBS_ENV, json.dumps(TEST_JOBS))
        mp.setenv("LAYERLAB_STOP_GRACE_S", "30")
        r = RayJobRunner(open_store(), ray_head)
        r.start_reaper(interval_s=0.5)  # as the web server does
        yield r
        r.shutdown()


def _config(epochs):
    return TrainConfig(epochs=epochs, batch_size=16, seed=3)


def _submit(runner, epochs):
    return submit_training(runner.store, runner, DatasetRef(name="moons"),
                           get_preset("walkthrough_mlp"), _config(epochs))


def _wait(predicate, what):
    return wait_until(predicate, what, TIMEOUT_S)


def test_a_training_run_and_an_audit_on_ray_match_the_same_work_done_here(runner):
    store = runner.store
    on_ray = _submit(runner, 4)
    here = create_run(store, DatasetRef(name="moons"), get_preset("walkthrough_mlp"), _config(4))
    train_run(store, here)  # the reference: the same code path a local worker runs
    run = _wait(lambda: (r := store.get_run(on_ray)).done and r, "the Ray run to finish")
    ref = store.get_run(here)
    assert run.status == "finished" and run.host == socket.gethostname()  # the node it ran on
    assert set(run.test_metrics) == set(ref.test_metrics)
    assert run.test_metrics["accuracy"] == pytest.approx(ref.test_metrics["accuracy"], abs=0.05)
    assert [e.epoch for e in store.epochs(on_ray)] == [e.epoch for e in store.epochs(here)]
    job = submit_audit(store, runner, on_ray, "overfit_check")
    rec = _wait(lambda: (r := audit_state(store, runner, on_ray, "overfit_check")) and
                not r.active and r, "the audit")
    assert rec.state.value == "done" and rec.job_id == job
    assert rec.result["passed"] is True and rec.result["n_examples"] == 32
    assert runner.status(job).status == "done"


def test_stop_ends_a_running_run_and_keeps_its_checkpoint(runner):
    store = runner.store
    run_id = _submit(runner, 400)
    _wait(lambda: len(store.epochs(run_id)) >= 2, "two epochs")
    stop_run(store, runner, run_id)
    run = _wait(lambda: (r := store.get_run(run_id)).done and r, "the stop")
    assert run.status == "stopped" and run.checkpoint_path and os.path.exists(run.checkpoint_path)


def test_with_no_free_cpu_a_run_waits_as_queued_and_says_why(runner):
    store = runner.store
    # Two sleeping jobs hold both CPUs; each has a run, so Stop ends it at once.
    holders = [create_run(store, DatasetRef(name="moons"), get_preset("walkthrough_mlp"),
                          _config(1)) for _ in range(2)]
    for rid in holders:
        runner.submit("sleep", {"seconds": 120}, run_id=rid)
    _wait(lambda: all(store.get_run(r).status == "running" for r in holders), "both CPUs busy")
    waiting = _submit(runner, 1)
    assert store.get_run(waiting).status == "queued"
    assert store.get_run(waiting).queue_position == 1
    assert runner.waiting_reason(waiting) == RAY_WAITING_CPU.format(total=2)
    assert runner.status(runner.q.find(waiting)["id"]).extra["waiting"] == (
        "Waiting for a free CPU on the Ray cluster: all 2 CPUs are in use; it starts when one "
        "is free.")
    for rid in holders:
        stop_run(store, runner, rid)
    _wait(lambda: store.get_run(waiting).status == "finished", "the waiting run")
    assert runner.waiting_reason(waiting) is None


def test_a_killed_ray_worker_fails_its_run_with_a_reason_and_the_next_run_trains(runner):
    store = runner.store
    victim = _submit(runner, 400)
    _wait(lambda: len(store.epochs(victim)) >= 2, "two epochs")
    job = runner.q.find(victim)
    os.kill(job["pid"], signal.SIGKILL)  # the Ray worker process running the job
    run = _wait(lambda: (r := store.get_run(victim)).status == "failed" and r, "the failure")
    assert run.error.startswith(DEATH_REASON.split("{")[0] + f"Ray worker process on node "
                                f"{socket.gethostname()} stopped (killed or out of memory)")
    assert "checkpoint" in run.error and run.advice
    # The job row follows once Ray reports the actor dead (the run may be failed first).
    _wait(lambda: runner.status(job["id"]).status == "failed", "the job to be marked failed")
    nxt = _submit(runner, 2)
    assert _wait(lambda: store.get_run(nxt).done, "the next run").__bool__()
    assert store.get_run(nxt).status == "finished"
    assert store.get_run(victim).status == "failed"  # never run a second time


def test_an_unreachable_address_names_the_setting_instead_of_hanging(monkeypatch, store):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("LAYERLAB_RAY_ADDRESS", address)
    with pytest.raises(LayerLabError) as err:
        default_runner(store)
    assert str(err.value) == RAY_UNREACHABLE.format(
        address=address, why=f"cannot connect to {address}: Connection refused")
    assert "LAYERLAB_RAY_ADDRESS" in str(err.value) and "Jobs cannot run" in str(err.value)


_DRIVER = """
import os, sys, time
from core.data import DatasetRef
from core.jobs import default_runner
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, submit_training
store = open_store()
run_id = submit_training(store, default_runner(store), DatasetRef(name="moons"),
                         get_preset("walkthrough_mlp"), TrainConfig(epochs=30, batch_size=16))
print(run_id, flush=True)
while len(store.epochs(run_id)) < 2:
    time.sleep(0.1)
os._exit(0)  # like a web server killed mid-run: no clean disconnect
"""


def test_a_run_outlives_the_web_server_that_started_it(ray_head, tmp_path):
    """The driver that created the slot actor and queued the run dies mid-run; the detached
    actor finishes the run, and a new process (a restarted server) sees it end."""
    home = tmp_path / "other_home"  # its own store: the dying driver starts its own slot
    env = {**os.environ, "LAYERLAB_HOME": str(home), "LAYERLAB_RAY_ADDRESS": ray_head}
    env.pop("LAYERLAB_STORE_URL", None)
    out = subprocess.run([sys.executable, "-c", _DRIVER], env=env, capture_output=True,
                         text=True, timeout=TIMEOUT_S, cwd=Path(__file__).resolve().parents[4])
    assert out.returncode == 0, out.stderr[-2000:]
    run_id = out.stdout.split()[0]
    with in_home(home):
        store = open_store()
        run = _wait(lambda: (r := store.get_run(run_id)).done and r, "the orphaned run")
        assert run.status == "finished" and run.epoch == 30
        assert [e.epoch for e in store.epochs(run_id)] == list(range(31))
        RayJobRunner(store, ray_head).shutdown()  # this store's slot actors, by name
