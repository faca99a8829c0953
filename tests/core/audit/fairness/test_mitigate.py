"""Mitigations produce first-class linked runs; their numbers are recomputed independently here."""
import json

import numpy as np
import pytest
from fairlearn.metrics import demographic_parity_difference
from fairlearn.postprocessing import ThresholdOptimizer

from core.audit.fairness import audit_run, compare_runs, group_labels, mitigate_run
from core.audit.fairness._mitigate import FIT_PROGRESS, _Scores
from core.errors import LayerLabError
from core.train import read_checkpoint_meta
from core.trained import load_network, load_trained, network_from_checkpoint, predict_outputs

from .conftest import biased_ref, train_small


def _data(store, rid):
    from core.data import prepared

    return prepared(store.get_run(rid).dataset)[1]


def test_audit_of_a_trained_run_is_saved_and_matches_fairlearn(trained):
    store, rid = trained
    rep = audit_run(store, rid, "sex", n_boot=20)
    data = _data(store, rid)
    model = load_trained(store, rid)
    proba = model.proba("test")
    assert not model.randomised and model.differentiable
    pred = (proba >= 0.5).astype(int)
    groups = data.sensitive_test["sex"].to_numpy().astype(str)
    assert rep["disparities"]["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(data.y_test, pred, sensitive_features=groups))
    assert rep["disparities"]["demographic_parity_difference"] > 0.1  # the table is biased
    saved = store.get_audit(rid, "fairness")
    assert saved["sex|"]["disparities"] == rep["disparities"]


def test_threshold_optimizer_run_is_linked_and_fairer(trained):
    store, rid = trained
    child = mitigate_run(store, rid, "threshold_optimizer", sensitive="sex")
    run = store.get_run(child)
    assert (run.kind, run.parent_id, run.status) == ("mitigated", rid, "finished")
    data = _data(store, rid)
    # Independently: fairlearn fitted the same way gives the same probabilities on the test split.
    model = load_network(store.get_run(rid))
    to = ThresholdOptimizer(estimator=_Scores(), constraints="demographic_parity", prefit=True,
                            predict_method="predict")
    to.fit(predict_outputs(model, data.X_val, "binary").reshape(-1, 1), data.y_val,
           sensitive_features=group_labels(data.sensitive_val))
    expected = to._pmf_predict(predict_outputs(model, data.X_test, "binary").reshape(-1, 1),
                               sensitive_features=group_labels(data.sensitive_test))[:, 1]
    mitigated = load_trained(store, child)
    got = mitigated.proba("test")
    assert mitigated.randomised and not mitigated.differentiable and np.allclose(got, expected)
    rows = compare_runs(store, rid, "sex", child_ids=[child])
    assert [r["method"] for r in rows] == ["original", "threshold_optimizer"]
    assert rows[1]["demographic_parity_difference"] < rows[0]["demographic_parity_difference"]
    assert run.test_metrics["accuracy"] == pytest.approx(rows[1]["accuracy"])
    # evaluate_run scores the randomised classifier through its probabilities
    from core.audit.evaluate import evaluate_run

    assert evaluate_run(store, child).value("roc_auc") is not None


def test_reweighing_and_exponentiated_gradient(trained):
    store, rid = trained
    rw = mitigate_run(store, rid, "reweighing", sensitive="sex")
    assert store.get_run(rw).checkpoint_path  # an ordinary network: every audit applies
    seen = []
    eg = mitigate_run(store, rid, "exponentiated_gradient", sensitive="sex", max_iter=3,
                      member_epochs=2, progress=lambda f, m="": seen.append(m))
    assert seen[0] == FIT_PROGRESS.format(n=1, total=5)  # max_iter + 2 fits expected
    rec = store.get_audit(eg, "mitigation")
    assert rec["weights"] and sum(rec["weights"]) == pytest.approx(1.0)
    assert len(rec["members"]) == len(rec["weights"])
    # the mixture's output is Σ w_j · 1[member j answers 1], recomputed from the member files
    data = _data(store, rid)
    by_hand = sum(w * (predict_outputs(network_from_checkpoint(p), data.X_test, "binary") >= 0.5)
                  for p, w in zip(rec["members"], rec["weights"]))
    assert np.allclose(load_trained(store, eg).proba("test"), by_hand)
    rows = {r["method"]: r for r in compare_runs(store, rid, "sex", child_ids=[rw, eg])}
    assert rows["exponentiated_gradient"]["demographic_parity_difference"] < \
        rows["original"]["demographic_parity_difference"]


def test_correlation_remover_inputs_no_longer_track_the_group(trained):
    from core.trained import remove_correlation

    store, rid = trained
    child = mitigate_run(store, rid, "correlation_remover", sensitive="sex")
    data = _data(store, rid)
    X = remove_correlation(data, ["sex"], data.X_train, data.sensitive_train)
    male = (data.sensitive_train["sex"].to_numpy().astype(str) == "M").astype(float)
    proxy = data.feature_columns.index("proxy")
    assert abs(np.corrcoef(data.X_train[:, proxy], male)[0, 1]) > 0.5  # before: a strong proxy
    assert abs(np.corrcoef(X[:, proxy], male)[0, 1]) < 1e-4  # after: nothing linear is left
    run = store.get_run(child)
    assert run.checkpoint_path is None and run.status == "finished"
    rows = compare_runs(store, rid, "sex", child_ids=[child])
    assert rows[1]["demographic_parity_difference"] < rows[0]["demographic_parity_difference"]


def test_mitigation_job_records_progress_and_result(trained):
    from core.audit.fairness.jobs import mitigate_job

    store, rid = trained
    mitigate_job({"run_id": rid, "kind": "fairness_mitigate", "method": "threshold_optimizer",
                  "sensitive": "sex", "constraint": "equalized_odds"},
                 store=store, job_id="job-1", run_id=None)
    rec = store.get_audit(rid, "fairness_mitigate")
    assert rec["state"] == "done" and rec["progress"] == 1.0
    child = rec["result"]["child_id"]
    assert store.get_run(child).parent_id == rid
    assert store.get_audit(child, "mitigation")["constraint"] == "equalized_odds"


def test_bad_requests_are_refused(trained):
    store, rid = trained
    with pytest.raises(LayerLabError) as e:
        mitigate_run(store, rid, "magic")
    assert str(e.value) == ("Unknown mitigation 'magic'; choose one of threshold_optimizer, "
                            "reweighing, correlation_remover, exponentiated_gradient, grid_search.")
    with pytest.raises(LayerLabError) as e:
        audit_run(store, rid, "age")
    assert str(e.value) == ("'age' is not a sensitive column of this run; its sensitive columns "
                            "are sex. Add others on the Data page and train again.")


def test_no_sensitive_column_is_explained(store):
    rid = train_small(store, biased_ref(sensitive=()), epochs=1)
    with pytest.raises(LayerLabError, match="This run has no sensitive column"):
        audit_run(store, rid)


def test_live_gap_is_recorded_every_epoch(trained):
    from fairlearn.metrics import equalized_odds_difference

    store, rid = trained
    rows = store.epochs(rid)
    assert all("dp_diff" in r.extra and "eo_diff" in r.extra for r in rows)
    data = _data(store, rid)
    pred = (predict_outputs(load_network(store.get_run(rid)), data.X_val, "binary") >= 0.5)
    groups = data.sensitive_val["sex"].to_numpy().astype(str)
    # The checkpoint holds the weights of the epoch it names (the best one under early stopping).
    epoch = read_checkpoint_meta(store.get_run(rid).checkpoint_path)["epoch"]
    last = next(r for r in rows if r.epoch == epoch).extra
    assert last["dp_diff"] == pytest.approx(demographic_parity_difference(
        data.y_val, pred.astype(int), sensitive_features=groups), abs=1e-6)
    assert last["eo_diff"] == pytest.approx(equalized_odds_difference(
        data.y_val, pred.astype(int), sensitive_features=groups), abs=1e-6)


def test_cli_prints_table_and_json(trained, capsys):
    from core.__main__ import main

    store, rid = trained
    assert main(["audit", "fairness", rid, "--sensitive", "sex", "--n-boot", "0",
                 "--mitigate", "threshold_optimizer", "--json"]) == 0
    out = capsys.readouterr().out
    assert "demographic_parity_difference" in out and "Before / after" in out
    payload = json.loads(out.strip().splitlines()[-1])
    assert payload["comparison"][0]["method"] == "original"
    assert payload["mitigated_run_id"] == payload["comparison"][1]["run_id"]
    assert main(["audit", "fairness", rid, "--sensitive", "age"]) == 2


def test_intervals_job_saves_the_report_with_intervals(trained):
    from core.audit.fairness import saved_report
    from core.audit.fairness.jobs import intervals_job, intervals_kind

    store, rid = trained
    # sensitive=None (all sensitive columns): a report no other test of this module saves
    audit_run(store, rid, None, n_boot=None)  # what the page shows first
    assert saved_report(store, rid, None) is None
    intervals_job({"run_id": rid, "kind": intervals_kind(None), "sensitive": None, "n_boot": 5},
                  store=store, job_id="job-2", run_id=None)
    assert store.get_audit(rid, intervals_kind(None))["state"] == "done"
    rep = saved_report(store, rid, None)
    assert rep["groups"]["n_boot"] == 5 and "selection_rate_ci" in rep["groups"]["rows"][0]
    audit_run(store, rid, None, n_boot=None)  # point estimates never overwrite the intervals
    assert saved_report(store, rid, None)["groups"]["n_boot"] == 5


def test_grid_search_keeps_one_ordinary_network(trained):
    store, rid = trained
    child = mitigate_run(store, rid, "grid_search", sensitive="sex", grid_size=3, member_epochs=2)
    run = store.get_run(child)
    assert run.status == "finished" and run.checkpoint_path  # the best of the grid, a plain network
    rec = store.get_audit(child, "mitigation")
    assert (rec["method"], rec["grid_size"]) == ("grid_search", 3)
    model = load_trained(store, run)
    outputs = model.proba("test")
    assert not model.randomised and model.differentiable and ((outputs >= 0) & (outputs <= 1)).all()
