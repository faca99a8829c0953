"""A mitigated run is trained with its parent's recipe: equal weights retrain the parent exactly."""
import numpy as np
import pytest
import torch

from core.audit.fairness._mitigate import _estimator
from core.data import prepared
from core.train import build_setup
from core.trained import load_network

from .conftest import biased_ref
from tests.module_home import in_home


def _fit_like_reweighing(run, data, weights):
    """The estimator exactly as the reweighing mitigation builds and fits it."""
    return _estimator({"run": run}).fit(data.X_train, data.y_train, sample_weight=weights)


def _parent_and_mitigated_outputs(store, rid):
    run = store.get_run(rid)
    _, data = prepared(run.dataset)
    est = _fit_like_reweighing(run, data, np.ones(len(data.y_train)))
    X = torch.from_numpy(data.X_test)
    with torch.no_grad():
        return run, data, est, load_network(run)(X), est.model_(X)  # (n_test, 1) logits


def test_equal_weights_retrain_the_parent_exactly(trained):
    store, rid = trained
    run, data, est, parent, child = _parent_and_mitigated_outputs(store, rid)
    assert torch.allclose(parent, child, atol=1e-5)
    acc = float(np.mean(est.predict(data.X_test) == data.y_test))
    assert acc == pytest.approx(run.test_metrics["accuracy"], abs=1e-6)


@pytest.fixture(scope="module")
def recipe_run(shared_home):
    """A parent with a schedule, an initialisation, class weights, L1, clipping, early stopping."""
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import default_config, train_run
    from core.train._submit import create_run
    with in_home(shared_home):
        store = open_store()
        config = default_config("binary", n_rows=800, epochs=12, lr=0.02).model_copy(update=dict(
            schedule="cosine", init="xavier", class_weights="balanced", l1=1e-4, grad_clip=1.0,
            early_stopping=True, patience=2))
        rid = create_run(store, biased_ref(), get_preset("walkthrough_mlp"), config)
        run = train_run(store, rid)
        assert run.status == "finished", run.error
        return rid


def test_schedule_init_class_weights_and_early_stopping_are_kept(store, recipe_run):
    run, data, est, parent, child = _parent_and_mitigated_outputs(store, recipe_run)
    assert torch.allclose(parent, child, atol=1e-5)  # early stopping read the same validation split
    setup = est.training_setup(data.X_train, data.y_train)
    assert isinstance(setup.scheduler, torch.optim.lr_scheduler.CosineAnnealingLR)
    assert setup.schedule_when == "epoch" and setup.config.init == "xavier"
    n_pos = data.y_train.sum()
    expected = (len(data.y_train) - n_pos) / n_pos  # balanced: n_negative / n_positive
    assert float(setup.loss_fn.pos_weight) == pytest.approx(expected, rel=1e-6)
    parents = build_setup(run.spec, run.config, data, "cpu")  # what the parent's Trainer built
    for (name, a), (_, b) in zip(parents.model.state_dict().items(),
                                 setup.model.state_dict().items()):
        assert torch.equal(a, b), name


def test_unequal_weights_change_the_model(trained):
    store, rid = trained
    run = store.get_run(rid)
    _, data = prepared(run.dataset)
    w = np.where(data.y_train == 1, 5.0, 1.0)
    est = _fit_like_reweighing(run, data, w)
    X = torch.from_numpy(data.X_test)
    with torch.no_grad():
        assert not torch.allclose(load_network(run)(X), est.model_(X), atol=1e-3)
