"""Run store round trips on a SQLite file and on a real PostgreSQL server: runs, curves, steps,
internals, audits, notes, logs (the same contract on both)."""
import math

import pytest
import sqlalchemy as sa

from core.errors import LayerLabError
from core.runs import RUN_STATUSES, EpochRow, LayerStat, SqlRunStore, open_store
from core.runs.messages import NO_SUCH_RUN, UNKNOWN_FIELDS, UNKNOWN_STATUS


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "postgresql":
        return SqlRunStore(request.getfixturevalue("postgres_url"))
    return SqlRunStore(f"sqlite:///{tmp_path / 'runs.db'}")


def _new(store, name="r"):
    return store.create_run(name=name, dataset={"name": "moons"}, dataset_hash="abc",
                            spec={"layers": []}, config={"lr": 0.1}, task="binary")


def test_create_get_list_newest_first_with_queue_positions(store):
    ids = [_new(store, f"run {i}") for i in range(3)]
    assert ids == ["run-0001", "run-0002", "run-0003"]
    run = store.get_run(ids[0])
    assert (run.name, run.status, run.dataset, run.config, run.task) == (
        "run 0", "queued", {"name": "moons"}, {"lr": 0.1}, "binary")
    assert run.created_at.tzinfo is not None
    store.set_status(ids[0], "running")
    listed = store.list_runs()
    assert [r.id for r in listed] == ids[::-1]
    assert {r.id: r.queue_position for r in listed} == {ids[0]: None, ids[1]: 1, ids[2]: 2}
    assert store.get_run(ids[0]).started_at is not None


def test_status_fields_and_duration(store):
    rid = _new(store)
    store.set_status(rid, "running")
    store.update_run(rid, device="cpu", versions={"torch": "x"}, preprocessing=["a", "b"],
                     test_metrics={"accuracy": 0.9}, best_val_loss=float("nan"))
    store.set_status(rid, "failed", error="went wrong", advice="do this")
    run = store.get_run(rid)
    assert (run.status, run.error, run.advice, run.device) == ("failed", "went wrong", "do this", "cpu")
    assert run.preprocessing == ["a", "b"] and run.test_metrics == {"accuracy": 0.9}
    assert run.best_val_loss is None  # NaN is stored as missing, never as a number
    assert run.duration_s is not None and run.duration_s >= 0
    with pytest.raises(ValueError) as err:
        store.set_status(rid, "weird")
    assert str(err.value) == UNKNOWN_STATUS.format(status="weird", expected=RUN_STATUSES)
    with pytest.raises(ValueError) as err:
        store.update_run(rid, colour="red")
    prefix = UNKNOWN_FIELDS.partition("{known}")[0].format(unknown=["colour"])
    assert str(err.value).startswith(prefix) and "'notes'" in str(err.value)


def test_missing_run_message(store):
    with pytest.raises(LayerLabError) as err:
        store.get_run("run-9999")
    assert str(err.value) == NO_SUCH_RUN.format(run_id="run-9999")
    assert str(err.value) == ("There is no run 'run-9999'. Pick one from the runs list "
                              "(`python -m core runs`).")


def test_epochs_round_trip_and_nan_is_none(store):
    rid = _new(store)
    store.add_epoch(rid, EpochRow(epoch=0, train_loss=0.7, val_loss=0.69, val_metric=0.5))
    store.add_epoch(rid, EpochRow(epoch=1, train_loss=float("nan"), val_loss=float("inf"),
                                  lr=1e-3, extra={"val_mae": 0.3}))
    rows = store.epochs(rid)
    assert [r.epoch for r in rows] == [0, 1]
    assert rows[0].train_loss == pytest.approx(0.7) and rows[0].val_metric == pytest.approx(0.5)
    assert rows[1].train_loss is None and rows[1].val_loss is None
    assert rows[1].extra == {"val_mae": 0.3} and rows[1].lr == pytest.approx(1e-3)
    store.add_epoch(rid, EpochRow(epoch=1, train_loss=0.5))  # rewriting replaces
    assert [r.train_loss for r in store.epochs(rid)] == [pytest.approx(0.7), pytest.approx(0.5)]


def test_steps_are_decimated_to_bucket_means(store):
    rid = _new(store)
    store.add_steps(rid, [(i, float(i)) for i in range(1, 10_001)])
    full = store.steps(rid, max_points=20_000)
    assert len(full) == 10_000 and full[:2] == [(1, 1.0), (2, 2.0)]
    small = store.steps(rid, max_points=100)
    assert len(small) <= 100
    # each point is the mean of its bucket: buckets are consecutive runs of steps
    width = math.ceil(10_001 / 100)
    first_bucket = [float(i) for i in range(1, width)]
    assert small[0] == (1, pytest.approx(sum(first_bucket) / len(first_bucket)))


def test_internals_audits_notes_logs_stop_and_delete(store):
    rid = _new(store)
    stats = [LayerStat(epoch=1, layer="layer1_dense", grad_norm=0.1, weight_norm=2.0,
                       dead_fraction=0.25, act_mean=0.3, act_std=0.4),
             LayerStat(epoch=1, layer="output", grad_norm=0.2, weight_norm=1.0)]
    store.add_internals(rid, 1, stats)
    assert store.internals(rid) == stats
    store.save_audit(rid, "fairness", {"gap": 0.1})
    store.save_audit(rid, "fairness", {"gap": 0.2})
    assert store.get_audit(rid, "fairness") == {"gap": 0.2}
    assert store.get_audit(rid, "shap") is None
    store.set_notes(rid, "my <b>note</b>")
    assert store.get_run(rid).notes == "my <b>note</b>"
    store.log(rid, "info", "hello")
    assert [(x.level, x.message) for x in store.logs(rid)] == [("INFO", "hello")]
    assert not store.stop_requested(rid)
    store.request_stop(rid)
    store.request_stop(rid)
    assert store.stop_requested(rid) and store.get_run(rid).stop_requested
    store.delete_run(rid)
    assert store.list_runs() == [] and store.internals(rid) == [] and store.logs(rid) == []


def test_open_store_defaults_to_home_in_wal_mode(layerlab_home):
    store = open_store()
    _new(store)
    assert (layerlab_home / "runs.db").exists()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 1000


def test_queued_only_transitions_win_once_and_running_runs_name_their_process(store):
    rid, other = _new(store), _new(store)
    assert store.start_if_queued(rid, pid=123, host="box")
    assert not store.start_if_queued(rid, pid=456, host="box")  # already running: no change
    run = store.get_run(rid)
    assert (run.status, run.pid, run.host) == ("running", 123, "box") and run.started_at
    assert store.run_status(rid) == "running" and store.run_status("run-9999") is None
    assert not store.stop_if_queued(rid)  # a running run is stopped by request_stop
    assert store.stop_if_queued(other) and store.run_status(other) == "stopped"
    assert store.get_run(other).finished_at is not None
    store.request_stop(rid)
    [proc] = store.running_runs()
    assert (proc.id, proc.pid, proc.host) == (rid, 123, "box")
    assert proc.stop_requested_at == store.stop_requested_at(rid) and proc.heartbeat_at


def test_epochs_and_steps_after_return_only_the_new_points(store):
    rid = _new(store)
    for e in range(5):
        store.add_epoch(rid, EpochRow(epoch=e, train_loss=1.0 / (e + 1)))
    store.add_steps(rid, [(s, float(s)) for s in range(1, 11)])
    assert [r.epoch for r in store.epochs_after(rid, 2)] == [3, 4]
    assert store.epochs_after(rid, 4) == []  # nothing new: the live page's usual answer
    assert [r.epoch for r in store.epochs_after(rid, -1)] == [r.epoch for r in store.epochs(rid)]
    assert store.epochs_after(rid, 2)[0].train_loss == pytest.approx(0.25)
    assert store.steps_after(rid, 8) == [(9, 9.0), (10, 10.0)]
    other = _new(store, "other")  # another run's points never leak in
    store.add_epoch(other, EpochRow(epoch=7))
    assert [r.epoch for r in store.epochs_after(rid, 3)] == [4]
