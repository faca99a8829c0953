"""A small study on moons, run in this process exactly as the search job runs it."""
import sqlite3

import optuna
import pytest

from core.data import DatasetRef, prepared
from core.errors import LayerLabError
from core.runs import open_store
from core.search import (AUDIT_KIND, TRIAL_RUN, best_settings, create_study, describe,
                         make_study_def, parse_param, request_stop, require_best, run_study,
                         study_summary)
from core.search.messages import ALL_DIVERGED, DIVERGED_ABOVE, PRUNED_NOTE, STOPPED_BY_USER
from core.spec import get_preset
from core.train import create_run, default_config, train_run

MOONS = DatasetRef(name="moons")
MLP = get_preset("walkthrough_mlp")


def _config(epochs=5):
    _bundle, data = prepared(MOONS)
    return default_config(data.task, len(data.X_train), spec=MLP).model_copy(update={"epochs": epochs})


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """(store, study id): 8 trials of 5 epochs over the default ranges, validation loss."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(tmp_path_factory.mktemp("search_home")))
        store = open_store()
        sid = create_study(store, make_study_def(MOONS, MLP, _config(), trials=8))
        run_study(store, sid)
        # The oracle: the current settings trained as an ordinary run, outside the search.
        default = train_run(store, create_run(store, MOONS, MLP, _config()))
        yield store, sid, default


def test_best_is_at_least_as_good_as_the_default_settings(study):
    store, sid, default = study
    s = study_summary(store, sid)
    assert s.state == "done" and s.direction == "minimize" and len(s.trials) == 8
    first = s.trials[0]  # the current settings, tried first
    assert first.value == pytest.approx(default.best_val_loss, rel=1e-6)
    assert s.best.value <= default.best_val_loss
    assert s.best.value == min(t.value for t in s.trials if t.state == "complete")
    assert s.best_so_far()[-1] == (s.best.number, s.best.value)
    assert store.get_run(s.best.run_id).best_val_loss == pytest.approx(s.best.value, rel=1e-6)
    spec, cfg = best_settings(store, sid)
    assert cfg.lr == pytest.approx(s.best.params["lr"])
    assert [layer.units for layer in spec.layers] == \
        [s.best.params["units_1"], s.best.params["units_2"]] * s.best.params["blocks"]
    assert describe(s)[0].startswith(f"The best trial so far is trial {s.best.number}")


def test_pruned_trials_are_recorded_with_their_epoch(study):
    store, sid, _ = study
    s = study_summary(store, sid)
    pruned = [t for t in s.trials if t.state == "pruned"]
    assert pruned and s.counts["pruned"] == len(pruned)
    for t in pruned:
        run = store.get_run(t.run_id)
        rows = store.epochs(run.id)
        assert 1 <= t.pruned_epoch < 5 and run.status == "stopped"
        assert max(r.epoch for r in rows) == t.pruned_epoch  # it trained no further epoch
        assert run.notes == PRUNED_NOTE.format(study_id=sid, number=t.number,
                                               epoch=t.pruned_epoch, metric="loss")
        # Pruned: worse than the median of the earlier trials at the epoch it stopped.
        earlier = [store.epochs(u.run_id) for u in s.trials if u.number < t.number
                   and u.state == "complete"]
        at = [min(r.val_loss for r in e if 1 <= r.epoch <= t.pruned_epoch) for e in earlier]
        assert t.value > sorted(at)[(len(at) - 1) // 2]


def test_trials_are_runs_linked_to_the_study(study):
    store, sid, default = study
    s = study_summary(store, sid)
    trial_runs = [r for r in store.list_runs() if r.kind == TRIAL_RUN]
    assert sorted(r.id for r in trial_runs) == sorted(t.run_id for t in s.trials)
    for t in s.trials:
        rec = store.get_audit(t.run_id, AUDIT_KIND)
        assert rec["study_id"] == sid and rec["trial"] == t.number and rec["params"] == t.params
        assert store.get_run(t.run_id).name == f"{sid} trial {t.number}"
        assert len(store.epochs(t.run_id)) >= 2  # curves, as any run has
    assert default.kind == "train"


def test_optunas_storage_is_the_run_store_database(study):
    store, sid, _ = study
    path = store.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT study_name FROM studies").fetchall() == [(sid,)]
        run_ids = {r for (r,) in db.execute("SELECT id FROM runs")}
        attr_ids = {v.strip('"') for (v,) in db.execute(
            "SELECT value_json FROM trial_user_attributes WHERE key = 'run_id'")}
    assert attr_ids and attr_ids <= run_ids
    # Plain Optuna reads it from the URL too; it must skip its schema check because the run
    # store's Alembic revision sits in the alembic_version table both use.
    storage = optuna.storages.RDBStorage(store.url, skip_compatibility_check=True)
    loaded = optuna.load_study(study_name=sid, storage=storage)
    assert len(loaded.trials) == 8
    assert open_store(store.url).get_run(next(iter(attr_ids))).kind == TRIAL_RUN  # store still opens


def test_a_study_whose_trials_all_diverge_says_so():
    store = open_store()
    space = [parse_param("lr=100:1000:log", MLP), parse_param("optimizer=sgd", MLP)]
    sid = create_study(store, make_study_def(MOONS, MLP, _config(2), space=space, trials=2))
    run_study(store, sid)
    s = study_summary(store, sid)
    assert s.counts["failed"] == 2 and all(t.status == "diverged" for t in s.trials)
    with pytest.raises(LayerLabError) as err:
        require_best(s)
    assert str(err.value) == ALL_DIVERGED.format(study_id=sid, low=0.1, high=100)
    assert "Lower the learning-rate range, e.g. lr=1e-01:1e+02:log" in str(err.value)
    low = min(t.params["lr"] for t in s.trials)  # every trial at or above it diverged
    assert DIVERGED_ABOVE.format(low=low, lo=low / 100) in describe(s)


def test_a_stopped_study_starts_no_trial():
    store = open_store()
    sid = create_study(store, make_study_def(MOONS, MLP, _config(2), trials=3))
    request_stop(store, None, sid)
    run_study(store, sid)
    s = study_summary(store, sid)
    assert s.state == "stopped" and s.trials == [] and s.message == STOPPED_BY_USER.format(done=0)


def test_study_view_figures_match_the_trials(study):
    from core.plots.search import importance_figure, parallel_coordinates_figure, trial_curves_figure
    from core.search import MIN_FOR_IMPORTANCE, importance_note, importances, trial_curves

    store, sid, _ = study
    s = study_summary(store, sid)
    curves = trial_curves(store, s)
    fig = trial_curves_figure(curves, s.objective_label)
    assert len(fig.data) == len(s.trials)
    for trace, t in zip(fig.data, s.trials):
        rows = [r for r in store.epochs(t.run_id) if r.epoch >= 1]
        assert list(trace.x) == [r.epoch for r in rows] and list(trace.y) == [r.val_loss for r in rows]
        assert trace.opacity == (0.35 if t.state in ("pruned", "failed") else 0.9)
    names = {p.name: p.plain for p in s.definition.space}
    par = parallel_coordinates_figure([t.model_dump() for t in s.trials], names, s.objective_label)
    dims = {d.label: d for d in par.data[0].dimensions}
    scored = [t for t in s.trials if t.value is not None]
    assert list(dims["learning rate"].values) == [t.params["lr"] for t in scored]
    assert list(dims[s.objective_label].values) == [t.value for t in scored]
    opt = dims["optimizer"]  # choices are ticks labelled with their names
    assert [opt.ticktext[int(i)] for i in opt.values] == [t.params["optimizer"] for t in scored]
    imp = importances(store, sid)
    if s.counts["complete"] < MIN_FOR_IMPORTANCE:
        assert imp == {} and importance_note(s).startswith("Which setting mattered most shows once")
    else:
        reference = optuna.importance.get_param_importances(
            optuna.load_study(study_name=sid, storage=optuna.storages.RDBStorage(
                store.url, skip_compatibility_check=True)))
        assert imp == pytest.approx(dict(reference))
        bars = importance_figure(imp, names).data[0]
        assert dict(zip(bars.y, bars.x)) == pytest.approx({names[k]: v for k, v in imp.items()})
        assert importance_note(s) is None
        top = max(imp, key=imp.get)
        assert f"{names[top].capitalize()} mattered most" in " ".join(describe(s, imp))


def test_experiments_labels_each_trial_with_its_study_and_pruned_epoch(study):
    from core.search import trial_labels

    store, sid, default = study
    s = study_summary(store, sid)
    labels = trial_labels(store, store.list_runs())
    assert default.id not in labels  # an ordinary run belongs to no study
    for t in s.trials:
        extra = f" · pruned at epoch {t.pruned_epoch}" if t.state == "pruned" else ""
        assert labels[t.run_id] == (sid, f"trial {t.number}{extra}")
    assert any("pruned at epoch" in label for _, label in labels.values())
