"""`python -m core evaluate RUN_ID` and `python -m core check ...` on runs in the test's store."""
import json
import re

import pytest
from sklearn import metrics as skm

from core.__main__ import main
from core.data import DatasetRef
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, train_run
from core.trained import load_network, predict_outputs
from core.data import prepared
from core.train._submit import create_run
from core.workspace import load_workspace

MOONS = DatasetRef(name="moons")


def _last_json(capsys):
    out = capsys.readouterr().out
    return json.loads(out.strip().splitlines()[-1]), out


@pytest.fixture
def trained():
    store = open_store()
    rid = create_run(store, MOONS, get_preset("walkthrough_mlp"), TrainConfig(epochs=4, batch_size=64))
    return train_run(store, rid)


def test_evaluate_json_has_sklearn_metrics_and_the_diagnosis(trained, capsys):
    assert main(["evaluate", trained.id, "--json"]) == 0
    out, text = _last_json(capsys)
    # Oracle: predictions of the checkpoint, scored by scikit-learn here.
    data = prepared(MOONS)[1]
    proba = predict_outputs(load_network(trained), data.X_test, "binary")
    pred = (proba >= 0.5).astype(int)
    assert out["run_id"] == trained.id and out["task"] == "binary"
    assert out["metrics"]["accuracy"]["value"] == pytest.approx(skm.accuracy_score(data.y_test, pred))
    assert out["metrics"]["roc_auc"]["value"] == pytest.approx(skm.roc_auc_score(data.y_test, proba))
    assert out["metrics"]["f1_macro"]["meaning"].startswith("Balance of precision and recall")
    assert out["baseline"]["value"] == pytest.approx(data.majority_baseline)
    assert out["confusion"] == skm.confusion_matrix(data.y_test, pred).tolist()
    saved = open_store().get_audit(trained.id, "diagnosis")["findings"]
    assert out["diagnosis"] == saved
    for f in out["diagnosis"]:
        assert {"kind", "severity", "title", "evidence", "advice"} <= set(f)
    assert "Test-set metrics:" in text and "Diagnosis:" in text
    assert re.search(rf"\n  accuracy +{out['metrics']['accuracy']['value']:.4f}  Share of test", text)


def test_evaluate_prints_findings_in_plain_words(capsys):
    store = open_store()
    rid = create_run(store, MOONS, get_preset("walkthrough_mlp"), TrainConfig(lr=1e-6, epochs=4))
    train_run(store, rid)
    assert main(["evaluate", rid]) == 0
    text = capsys.readouterr().out
    assert "  [warning] The learning rate looks too low (lr_too_low)\n      The training loss moved only" in text
    assert "      Try: Raise the learning rate (try 10x larger)" in text


def test_evaluate_unknown_run_exits_2(capsys):
    assert main(["evaluate", "run-9999"]) == 2
    assert capsys.readouterr().err == ("error: There is no run 'run-9999'. Pick one from the runs "
                                       "list (`python -m core runs`).\n")


def test_evaluate_run_without_checkpoint_exits_2(capsys):
    store = open_store()
    rid = create_run(store, MOONS, get_preset("walkthrough_mlp"), TrainConfig())
    assert main(["evaluate", rid]) == 2
    assert capsys.readouterr().err == (
        f"error: Run {rid} has no checkpoint to evaluate (status: queued). Train it, or wait "
        "until it has finished at least one epoch.\n")


def test_check_overfit_json_and_lr_finder_apply(capsys):
    store = open_store()
    rid = create_run(store, MOONS, get_preset("walkthrough_mlp"), TrainConfig(batch_size=64))
    assert main(["check", "overfit", rid, "--json"]) == 0
    out, text = _last_json(capsys)
    assert out["check"] == "overfit_check" and out["result"]["passed"] is True
    assert text.startswith("PASSED: Yes. The loss fell from")
    assert store.get_audit(rid, "overfit_check")["result"] == out["result"]

    assert main(["check", "lr-finder", rid, "--apply", "--json"]) == 0
    out, text = _last_json(capsys)
    lr = out["result"]["suggested_lr"]
    assert out["applied_lr"] == lr and 1e-4 <= lr <= 1
    assert load_workspace().train_config["lr"] == lr
    assert f"suggested learning rate: {lr:.3g}" in text
