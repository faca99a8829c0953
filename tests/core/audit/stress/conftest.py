"""Trained runs shared by the stress tests: a small digits MLP and a small Adult MLP.

Each is trained once per test session in its own LayerLab home (a run store addressed by URL,
checkpoints by absolute path), so every test can read them whatever its own home is.
"""
import pytest

from core.data import DatasetRef, default_ref
from core.runs import open_store
from core.spec._schema import ModelSpec
from core.train import TrainConfig, train_run
from core.train._submit import create_run


def _train(tmp_path_factory, name, ref, layers, **config):
    home = tmp_path_factory.mktemp(name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(home))
        store = open_store(f"sqlite:///{home / 'runs.db'}")
        spec = ModelSpec.model_validate({"name": name, "layers": layers})
        run_id = create_run(store, ref, spec, TrainConfig(**config))
        run = train_run(store, run_id)
    assert run.status == "finished", run.error
    return store, run_id


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory):
    """(store, run id) of an MLP trained on the 8x8 digits (about 95 % test accuracy)."""
    layers = [{"type": "Flatten"}, {"type": "Dense", "units": 64, "activation": "relu"}]
    return _train(tmp_path_factory, "digits", DatasetRef(name="digits"), layers,
                  epochs=15, batch_size=64, lr=3e-3)


@pytest.fixture(scope="session")
def adult_run(tmp_path_factory):
    """(store, run id) of a one-epoch MLP on UCI Adult (sensitive: sex, race)."""
    layers = [{"type": "Dense", "units": 32, "activation": "relu"}]
    return _train(tmp_path_factory, "adult", default_ref("adult"), layers, epochs=1,
                  batch_size=256, lr=3e-3)
