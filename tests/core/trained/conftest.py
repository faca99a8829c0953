"""Runs of every kind, trained once for this folder: a plain network and three mitigations.

They live in one LayerLab home for the module (the store and checkpoints are files there), as
the fairness tests do, so each test reads the same runs.
"""
import pytest

from tests.core.audit.fairness.conftest import biased_ref, train_small
from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def runs(shared_home):
    """{"plain", "threshold_optimizer", "exponentiated_gradient", "correlation_remover"} -> run id."""
    from core.audit.fairness import mitigate_run
    from core.runs import open_store

    with in_home(shared_home):
        store = open_store()
        rid = train_small(store, biased_ref())
        out = {"plain": rid}
        out["threshold_optimizer"] = mitigate_run(store, rid, "threshold_optimizer", sensitive="sex")
        out["exponentiated_gradient"] = mitigate_run(store, rid, "exponentiated_gradient",
                                                     sensitive="sex", max_iter=3, member_epochs=2)
        out["correlation_remover"] = mitigate_run(store, rid, "correlation_remover", sensitive="sex")
        return out
