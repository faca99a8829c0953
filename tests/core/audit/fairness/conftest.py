"""A small biased table (800 people, a proxy of 'sex' among the inputs) and a run trained on it."""
import io

import numpy as np
import pandas as pd
import pytest
from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401 - fixtures


def biased_frame(n: int = 800, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    male = rng.random(n) < 0.6
    proxy = male + 0.5 * rng.normal(size=n)  # an input that leaks the sensitive column
    skill = rng.normal(size=n)
    y = (skill + 1.2 * male + 0.5 * rng.normal(size=n)) > 0.9
    return pd.DataFrame({"skill": skill.round(3), "proxy": proxy.round(3),
                         "sex": np.where(male, "M", "F"), "hired": np.where(y, "yes", "no")})


def biased_ref(n: int = 800, seed: int = 0, sensitive=("sex",)):
    from core.data import ingest_csv

    buf = io.StringIO()
    biased_frame(n, seed).to_csv(buf, index=False)
    ref = ingest_csv(buf.getvalue().encode(), "hiring.csv")
    return ref.model_copy(update={"target": "hired", "sensitive": list(sensitive)})


def train_small(store, ref, epochs: int = 8):
    from core.spec import get_preset
    from core.train import default_config, train_run
    from core.train._submit import create_run

    config = default_config("binary", n_rows=800, epochs=epochs, lr=0.01)
    rid = create_run(store, ref, get_preset("walkthrough_mlp"), config)
    run = train_run(store, rid)
    assert run.status == "finished", run.error
    return rid


@pytest.fixture(scope="module")
def _trained_id(shared_home):
    from core.runs import open_store

    with in_home(shared_home):
        return train_small(open_store(), biased_ref())


@pytest.fixture
def trained(store, _trained_id):
    """(store, run_id) of a finished run on the biased table with 'sex' as sensitive column.

    Shared by the module's tests: tests that mitigate it compare only their own child runs."""
    return store, _trained_id
