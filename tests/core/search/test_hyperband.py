"""The Hyperband pruner, chosen by name: a tiny study in which it stops trials at its rungs."""
from core.data import DatasetRef
from core.runs import open_store
from core.search import (create_study, describe, make_study_def, parse_param, run_study,
                         study_summary)
from core.search.messages import PRUNED_NOTE_HYPERBAND, PRUNED_SENTENCE
from core.spec import get_preset
from core.train import TrainConfig

MLP = get_preset("walkthrough_mlp")


def test_hyperband_prunes_trials_at_its_rungs():
    store = open_store()
    space = [parse_param("lr=1e-4:1e-1:log", MLP), parse_param("optimizer=adam,sgd", MLP)]
    sid = create_study(store, make_study_def(DatasetRef(name="moons"), MLP,
                                             TrainConfig(epochs=9, batch_size=64), space=space,
                                             trials=8, pruner="hyperband", parallel=1))
    run_study(store, sid)
    s = study_summary(store, sid)
    assert s.definition.pruner == "hyperband"
    pruned = [t for t in s.trials if t.state == "pruned"]
    assert pruned and s.counts["complete"] + len(pruned) + s.counts["failed"] == 8
    # Hyperband (min 1, max 9 epochs, factor 3) only judges a trial at its rungs: epochs 1 and
    # 3 (the top bracket runs trials to the end); the median pruner judges at any epoch.
    assert {t.pruned_epoch for t in pruned} <= {1, 3}
    for t in pruned:
        run = store.get_run(t.run_id)
        assert run.status == "stopped" and run.epoch == t.pruned_epoch
        assert run.notes == PRUNED_NOTE_HYPERBAND.format(study_id=sid, number=t.number,
                                                         epoch=t.pruned_epoch, metric="loss")
    assert PRUNED_SENTENCE["hyperband"].format(n=len(pruned), rungs="1, 3") in describe(s)
