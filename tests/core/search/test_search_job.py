"""The study as a background job on the local runner (real worker process), and its Stop."""
import time

import pytest

from core.data import DatasetRef
from core.jobs import LocalJobRunner
from core.runs import open_store
from core.search import TRIAL_RUN, make_study_def, parse_param, request_stop, study_summary, submit_search
from core.spec import get_preset
from core.train import TrainConfig

TIMEOUT_S = 180
MLP = get_preset("walkthrough_mlp")


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "20")
    r = LocalJobRunner(open_store(), slots=1)
    yield r
    r.shutdown()


def _wait(predicate, what):
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_study_runs_as_one_job_and_stop_ends_it(runner):
    store = runner.store
    space = [parse_param("lr=1e-3:1e-1:log", MLP)]
    cfg = TrainConfig(epochs=400, batch_size=16)  # long trials: Stop must cut the first one short
    sid = submit_search(store, runner, make_study_def(DatasetRef(name="moons"), MLP, cfg,
                                                      space=space, trials=5))
    assert study_summary(store, sid).state in ("queued", "running")
    first = _wait(lambda: [t for t in study_summary(store, sid).trials if t.run_id
                           and store.get_run(t.run_id).status == "running"], "a running trial")
    request_stop(store, runner, sid)
    s = _wait(lambda: (x := study_summary(store, sid)).state == "stopped" and x, "the study to stop")
    run = store.get_run(first[0].run_id)
    assert run.kind == TRIAL_RUN and run.status == "stopped" and run.epoch < 400
    assert len(s.trials) == 1 and s.trials[0].state == "failed" and s.trials[0].status == "stopped"


class _DeadJobRunner:
    """A runner whose every job has failed (its worker was killed)."""

    def status(self, job_id):
        from core.jobs import JobStatus

        return JobStatus(id=job_id, name="search", args={}, run_id=None, status="failed",
                         error="The worker process stopped unexpectedly.")


def test_a_study_whose_job_died_reads_as_failed():
    from core.search import create_study, load_study
    from core.search.messages import JOB_ENDED

    store = open_store()
    sid = create_study(store, make_study_def(DatasetRef(name="moons"), MLP, TrainConfig(epochs=2),
                                             trials=2))
    load_study(store, sid).set_user_attr("job_id", "job-9")
    assert study_summary(store, sid).state == "queued"  # without a runner nothing is checked
    s = study_summary(store, sid, _DeadJobRunner())
    assert s.state == "failed"
    assert s.message == JOB_ENDED.format(why="The worker process stopped unexpectedly.")


@pytest.fixture
def runner2(monkeypatch):
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "20")
    r = LocalJobRunner(open_store(), slots=2)
    yield r
    r.shutdown()


def test_with_two_slots_two_trials_run_at_once(runner2):
    import itertools

    store = runner2.store
    space = [parse_param("lr=1e-3:1e-2:log", MLP)]
    d = make_study_def(DatasetRef(name="moons"), MLP, TrainConfig(epochs=10, batch_size=32),
                       space=space, trials=4, pruner="none")
    sid = submit_search(store, runner2, d)
    s = _wait(lambda: (x := study_summary(store, sid, runner2)).state not in ("queued", "running")
              and x, "the study to end")
    assert s.state == "done" and s.definition.parallel == 2  # the runner's slots
    assert s.counts["complete"] + s.counts["pruned"] + s.counts["failed"] == 4 == len(s.trials)
    runs = [store.get_run(t.run_id) for t in s.trials]
    assert all(r.kind == TRIAL_RUN and r.status == "finished" for r in runs)
    # From the store's stamps: two trial runs were "running" over a common stretch of time.
    assert any(a.started_at < b.finished_at and b.started_at < a.finished_at
               for a, b in itertools.combinations(runs, 2))


def test_stop_ends_every_running_trial_of_a_parallel_study(runner2):
    store = runner2.store
    space = [parse_param("lr=1e-3:1e-1:log", MLP)]
    cfg = TrainConfig(epochs=400, batch_size=16)  # long trials: Stop must cut both short
    sid = submit_search(store, runner2, make_study_def(DatasetRef(name="moons"), MLP, cfg,
                                                       space=space, trials=6, pruner="none"))
    both = _wait(lambda: len(r := [t for t in study_summary(store, sid).trials if t.run_id
                                   and store.get_run(t.run_id).status == "running"]) == 2 and r,
                 "two running trials")
    request_stop(store, runner2, sid)
    s = _wait(lambda: (x := study_summary(store, sid)).state == "stopped" and x, "the study to stop")
    assert len(s.trials) == 2  # no trial started after Stop
    for t in both:
        run = store.get_run(t.run_id)
        assert run.status == "stopped" and run.epoch < 400
