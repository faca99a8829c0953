"""The explain job saves its result with the run; the CLI prints it; a new checkpoint makes it stale."""
import json

import pytest

from core.__main__ import main
from core.audit.progress import audit_state
from core.audit.explain import saved_explanation
from core.audit.explain.jobs import explain_job
from core.data import DatasetRef
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, train_run
from core.train._submit import create_run


@pytest.fixture
def moons_run():
    store = open_store()
    rid = create_run(store, DatasetRef(name="moons"), get_preset("walkthrough_mlp"),
                     TrainConfig(epochs=3, batch_size=64))
    train_run(store, rid)
    return store, rid


def test_job_saves_the_explanation_with_the_run(moons_run):
    store, rid = moons_run
    explain_job({"run_id": rid, "kind": "explain", "rows": 30, "lime_rows": 4}, store=store,
                job_id="job-x", run_id=None)
    rec = audit_state(store, None, rid, "explain")
    assert rec.state == "done" and rec.progress == 1.0
    result = saved_explanation(store, rid)
    assert result["n_explained"] == 30 and result["units"] == ["x1", "x2"]
    assert result["agreement"]["n_rows"] == 4 and result["additivity_error"] < 1e-5
    store.update_run(rid, checkpoint_path=store.get_run(rid).checkpoint_path + ".gone")
    assert saved_explanation(store, rid) is None  # another checkpoint: recompute


def test_cli_prints_importances_agreement_and_additivity(moons_run, capsys):
    _, rid = moons_run
    assert main(["audit", "explain", rid, "--rows", "20", "--lime-rows", "3", "--row", "2", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    obj = json.loads(out[-1])
    assert [g["feature"] for g in obj["global"]] == sorted(["x1", "x2"], key=lambda f: -dict(
        (g["feature"], g["importance"]) for g in obj["global"])[f])
    assert obj["agreement"]["n_rows"] == 3 and obj["additivity_error"] < 1e-5
    assert obj["row"]["pos"] == 2 and obj["row"]["sentence"].startswith("The model says '")
    assert any(line.startswith("Additivity error (largest |base + sum of SHAP - output|): ") for line in out)
    assert saved_explanation(open_store(), rid)["n_explained"] == obj["n_explained"]


def test_cli_refuses_an_unknown_row(moons_run, capsys):
    _, rid = moons_run
    assert main(["audit", "explain", rid, "--rows", "5", "--row", "999"]) == 2
    assert capsys.readouterr().err.strip() == ("error: Row 999 is out of range: the test split has 75 "
                                               "rows, numbered 0 to 74. Pick a row in that range.")
