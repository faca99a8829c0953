"""Runs of each kind the exporter meets, trained once for this folder (one LayerLab home).

binary: a small table with numbers, categories, a category written as numbers and missing
cells; multiclass: iris; regression: diabetes (target in its own units); image: digits (the
network alone); mixture: an exponentiated-gradient mitigated run (refused); queued: a run
that never trained (refused).
"""
import io

import numpy as np
import pandas as pd
import pytest

from tests.core.audit.fairness.conftest import biased_ref
from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401 - fixtures


def mixed_frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"age": rng.integers(18, 70, n).astype(float),
                       "job": rng.choice(["clerk", "nurse", "pilot"], n),
                       "grade": rng.choice([1, 2, 3], n),
                       "hours": rng.normal(40, 5, n).round(1)})
    df.loc[::17, "age"] = np.nan
    df.loc[::13, "job"] = None
    score = df["age"].fillna(40) + (df["job"] == "pilot") * 10 + df["grade"] * 3
    df["rich"] = np.where(score + rng.normal(0, 5, n) > 55, "yes", "no")
    return df


def mixed_ref():
    from core.data import ingest_csv

    buf = io.StringIO()
    mixed_frame().to_csv(buf, index=False)
    ref = ingest_csv(buf.getvalue().encode(), "people.csv")
    return ref.model_copy(update={"target": "rich", "kinds": {"grade": "categorical"}})


def _train(store, ref, preset: str, task: str, epochs: int = 3) -> str:
    from core.spec import get_preset
    from core.train import create_run, default_config, train_run

    rid = create_run(store, ref, get_preset(preset), default_config(task, epochs=epochs))
    run = train_run(store, rid)
    assert run.status == "finished", run.error
    return rid


@pytest.fixture(scope="module")
def runs(shared_home):
    """{"binary", "multiclass", "regression", "image", "fair", "mixture", "queued"} -> run id."""
    from core.audit.fairness import mitigate_run
    from core.data import DatasetRef
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import create_run, default_config

    with in_home(shared_home):
        store = open_store()
        out = {"binary": _train(store, mixed_ref(), "walkthrough_mlp", "binary"),
               "multiclass": _train(store, DatasetRef(name="iris"), "walkthrough_mlp", "multiclass"),
               "regression": _train(store, DatasetRef(name="diabetes"), "walkthrough_mlp",
                                    "regression"),
               "image": _train(store, DatasetRef(name="digits"), "lenet_cnn", "multiclass", 1)}
        fair = _train(store, biased_ref(), "walkthrough_mlp", "binary")
        out["fair"] = fair  # the mixture's parent (the predict tests use it)
        out["mixture"] = mitigate_run(store, fair, "exponentiated_gradient", sensitive="sex",
                                      max_iter=2, member_epochs=1)
        out["queued"] = create_run(store, DatasetRef(name="moons"), get_preset("walkthrough_mlp"),
                                   default_config("binary", epochs=1))
        return out
