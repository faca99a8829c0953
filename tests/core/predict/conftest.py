"""Runs the predictor meets, trained once for this folder (one LayerLab home).

binary: a small table with numbers, categories, a category written as numbers and missing
cells (the export tests' table); multiclass: iris; regression: diabetes (target in its own
units); image: digits (refused: not a table); mixture: an exponentiated-gradient mitigated run
(predicted, without reasons); queued: a run that never trained (refused).
"""
import pytest

from tests.core.audit.fairness.conftest import biased_ref
from tests.core.export.conftest import _train, mixed_frame, mixed_ref
from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401 - fixtures

__all__ = ["mixed_frame"]


@pytest.fixture(scope="module")
def runs(shared_home):
    """{"binary", "multiclass", "regression", "image", "mixture", "queued"} -> run id."""
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
        out["fair"] = fair
        out["mixture"] = mitigate_run(store, fair, "exponentiated_gradient", sensitive="sex",
                                      max_iter=2, member_epochs=1)
        out["queued"] = create_run(store, DatasetRef(name="moons"), get_preset("walkthrough_mlp"),
                                   default_config("binary", epochs=1))
        return out
