"""Runs the compression tests share (one LayerLab home for the folder's modules): a small
binary table run, an exponentiated-gradient mitigated run (not one network) and a queued run."""
import pytest

from tests.core.audit.fairness.conftest import biased_ref
from tests.core.export.conftest import _train, mixed_ref
from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def runs(shared_home):
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import create_run, default_config

    with in_home(shared_home):
        store = open_store()
        rid = _train(store, mixed_ref(), "walkthrough_mlp", "binary", epochs=4)
        queued = create_run(store, mixed_ref(), get_preset("walkthrough_mlp"),
                            default_config("binary", epochs=1))
        return {"binary": rid, "queued": queued}


@pytest.fixture(scope="module")
def mixture(shared_home):
    from core.audit.fairness import mitigate_run
    from core.runs import open_store

    with in_home(shared_home):
        store = open_store()
        fair = _train(store, biased_ref(), "walkthrough_mlp", "binary", epochs=1)
        return mitigate_run(store, fair, "exponentiated_gradient", sensitive="sex", max_iter=2,
                            member_epochs=1)
