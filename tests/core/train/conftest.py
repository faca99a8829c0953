import pytest

from core.data import DatasetRef
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, train_run
from core.train._submit import create_run


@pytest.fixture
def store():
    return open_store()


@pytest.fixture
def moons():
    return DatasetRef(name="moons")


@pytest.fixture
def mlp():
    return get_preset("walkthrough_mlp")


@pytest.fixture
def train(store, moons, mlp):
    """Train in this process (the loop a worker runs) and return the final Run."""
    def _train(dataset=None, spec=None, **config):
        cfg = TrainConfig(**{"epochs": 3, "batch_size": 64, **config})
        run_id = create_run(store, dataset or moons, spec or mlp, cfg)
        return train_run(store, run_id)
    return _train
