"""Runs shared by the what-if, counterfactual and error-analysis tests, trained once per session:
a small Adult MLP (sensitive sex and race, not model inputs), iris (multiclass), diabetes
(regression) and digits (images, for the "tables only" message)."""
import pytest

from core.data import DatasetRef, default_ref
from core.trained import load_trained
from tests.core.audit.stress.conftest import _train as _train_run

_DENSE = [{"type": "Dense", "units": 32, "activation": "relu"}]


def _train(tmp_path_factory, name, ref, layers=_DENSE, **config):
    store, run_id = _train_run(tmp_path_factory, name, ref, layers, **config)
    return store, run_id, load_trained(store, run_id)


@pytest.fixture(scope="session")
def adult(tmp_path_factory):
    """(store, run id, TrainedModel) of a two-epoch MLP on UCI Adult."""
    return _train(tmp_path_factory, "adult", default_ref("adult"), epochs=2, batch_size=256, lr=3e-3)


@pytest.fixture(scope="session")
def iris(tmp_path_factory):
    return _train(tmp_path_factory, "iris", DatasetRef(name="iris"), epochs=40, batch_size=16, lr=1e-2)


@pytest.fixture(scope="session")
def diabetes(tmp_path_factory):
    return _train(tmp_path_factory, "diabetes", DatasetRef(name="diabetes"), epochs=30,
                  batch_size=32, lr=1e-2)


@pytest.fixture(scope="session")
def digits(tmp_path_factory):
    layers = [{"type": "Flatten"}] + _DENSE
    return _train(tmp_path_factory, "digits", DatasetRef(name="digits"), layers, epochs=1,
                  batch_size=64, lr=3e-3)
