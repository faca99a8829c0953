"""Trials side by side (up to the slots) and the repeated-hidden-blocks setting."""
import itertools

import pytest

from core.data import DatasetRef
from core.runs import open_store
from core.search import (TRIAL_RUN, create_study, make_study_def, parse_param, run_study,
                         study_summary)
from core.spec import get_preset
from core.train import TrainConfig

MLP = get_preset("walkthrough_mlp")


@pytest.fixture(scope="module")
def parallel_study(tmp_path_factory):
    """(store, summary): 4 trials, 2 at a time, searching lr and the number of hidden blocks."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(tmp_path_factory.mktemp("parallel_home")))
        store = open_store()
        space = [parse_param("lr=1e-3:1e-2:log", MLP), parse_param("blocks=1:3", MLP)]
        sid = create_study(store, make_study_def(
            DatasetRef(name="moons"), MLP, TrainConfig(epochs=10, batch_size=32), space=space,
            trials=4, pruner="none", parallel=2))
        run_study(store, sid)
        yield store, study_summary(store, sid)


def test_two_trials_run_at_the_same_time_and_counts_add_up(parallel_study):
    store, s = parallel_study
    runs = [store.get_run(t.run_id) for t in s.trials]
    assert len(s.trials) == 4 and all(r.kind == TRIAL_RUN for r in runs)
    assert s.counts["complete"] + s.counts["pruned"] + s.counts["failed"] == 4
    assert s.counts["running"] == 0 and s.state == "done"
    assert sum(r.kind == TRIAL_RUN for r in store.list_runs()) == 4
    # The store's own start/finish stamps: some two trial runs were "running" together.
    overlaps = [(a.id, b.id) for a, b in itertools.combinations(runs, 2)
                if a.started_at < b.finished_at and b.started_at < a.finished_at]
    assert overlaps
    # Never more than 2 at once: at every start, fewer than 2 other runs were running.
    for r in runs:
        assert sum(o.started_at <= r.started_at < o.finished_at for o in runs if o.id != r.id) < 2


def test_a_trial_repeats_the_hidden_block_k_times(parallel_study):
    store, s = parallel_study
    seen = set()
    for t in s.trials:
        k = t.params["blocks"]
        seen.add(k)
        layers = store.get_run(t.run_id).spec["layers"]
        assert [x["units"] for x in layers] == [128, 64] * k
    assert s.trials[0].params["blocks"] == 1  # the current model is tried first
    assert len(seen) >= 2
