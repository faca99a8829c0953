"""The linear baseline beside the majority one (issue 12): fitted on the run's rows, cached, said plainly."""
import time

import pytest

from core.audit.diagnose import RunFacts, diagnose
from core.audit.diagnose._findings import NO_BETTER_THAN_LINEAR_ADVICE
from core.audit.evaluate import fit_linear_baseline, linear_baseline
from core.audit.evaluate._baseline import AUDIT_KIND, describe
from core.data import DatasetRef, prepared
from core.runs import open_store
from core.spec import get_preset
from core.train import TrainConfig, train_run
from core.train._submit import create_run


@pytest.fixture
def store():
    return open_store()


@pytest.fixture
def train(store):
    def _train(dataset, **config):
        cfg = TrainConfig(**{"epochs": 3, "batch_size": 64, **config})
        return train_run(store, create_run(store, dataset, get_preset("walkthrough_mlp"), cfg))
    return _train


def test_sentence_names_both_scores_and_the_difference_in_points():
    base = {"model": "logistic regression", "metric": "accuracy", "value": 0.847}
    assert describe(base, 0.851) == ("a straight-line model (logistic regression) gets 84.7 % on "
                                     "the same rows; your network gets 85.1 %, +0.4 points.")
    reg = {"model": "ridge regression", "metric": "r2", "value": 0.452}
    assert describe(reg, 0.40).endswith("gets R² 0.400, -0.052.")


def test_fit_on_adult_is_cheap_and_scores_like_logistic_regression():
    _, data = prepared(DatasetRef(name="adult"))
    t0 = time.perf_counter()
    base = fit_linear_baseline(data)
    assert time.perf_counter() - t0 < 5.0  # ~1 s alone; the CI machine is shared
    assert base["model"] == "logistic regression" and 0.82 < base["value"] < 0.87


def test_linear_baseline_is_cached_with_the_run_and_compares_to_its_test_score(store, train):
    run = train(dataset=DatasetRef(name="diabetes"), epochs=3)
    result = linear_baseline(store, run.id)
    assert result["metric"] == "r2" and result["model"] == "ridge regression"
    assert result["network"] == pytest.approx(run.test_metrics["r2"])
    assert result["difference"] == pytest.approx(run.test_metrics["r2"] - result["value"])
    assert f"R² {result['value']:.3f}" in result["sentence"]
    saved = store.get_audit(run.id, AUDIT_KIND)
    assert saved["baseline"]["value"] == result["value"]
    # A second call reads the cache: change the stored value and see it come back.
    store.save_audit(run.id, AUDIT_KIND, {**saved, "baseline": {**saved["baseline"], "value": 0.5}})
    assert linear_baseline(store, run.id)["value"] == 0.5


def _facts(test, linear, baseline=0.6):
    return RunFacts(task="binary", status="finished", train_loss=[0.7, 0.5], val_loss=[0.7, 0.5],
                    train_metric=[0.6, 0.8], val_metric=[0.6, 0.8], internals=[],
                    baseline=baseline, test_metric=test, linear_baseline=linear,
                    linear_model="logistic regression")


def test_diagnosis_says_when_the_network_does_not_beat_the_straight_line():
    found = [f for f in diagnose(_facts(0.80, 0.82)) if f.kind == "no_better_than_linear"]
    assert len(found) == 1
    assert "80.0 %" in found[0].evidence and "82.0 %" in found[0].evidence
    assert found[0].advice == NO_BETTER_THAN_LINEAR_ADVICE
    assert not [f for f in diagnose(_facts(0.85, 0.82)) if f.kind == "no_better_than_linear"]
    # Below the majority baseline the stronger finding alone is shown.
    kinds = {f.kind for f in diagnose(_facts(0.60, 0.82))}
    assert "no_better_than_baseline" in kinds and "no_better_than_linear" not in kinds


def test_evaluate_cli_prints_the_linear_baseline_beside_the_majority_one(store, train, capsys):
    import json

    from core.__main__ import main

    run = train(dataset=DatasetRef(name="moons"), epochs=5)
    assert main(["evaluate", run.id, "--json"]) == 0
    out = capsys.readouterr().out
    linear = json.loads(out.strip().splitlines()[-1])["linear_baseline"]
    assert linear["model"] == "logistic regression" and linear["network"] is not None
    assert "A straight-line model (logistic regression) gets " in out
