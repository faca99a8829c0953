"""Group metrics and disparities equal a hand computation on a dozen rows and fairlearn's own functions."""
import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as fm

from core.audit.fairness import (disparities, fairness_report, gap_from_predictions, group_labels,
                                 group_table, reweighing_weights, threshold_sweep)
from core.metrics import group_codes
from core.errors import LayerLabError

# Twelve people, two groups of six.            group a         | group b
Y_TRUE = np.array([1, 1, 1, 0, 0, 0,   1, 1, 0, 0, 0, 0])
Y_PRED = np.array([1, 1, 0, 1, 0, 0,   1, 0, 0, 0, 0, 1])
GROUPS = np.array(["a"] * 6 + ["b"] * 6)
# By hand — a: selected 3/6, TP 2 of 3 positives, FP 1 of 3 negatives, precision 2/3, acc 4/6.
#           b: selected 2/6, TP 1 of 2 positives, FP 1 of 4 negatives, precision 1/2, acc 4/6.
HAND = {"a": {"selection_rate": 3 / 6, "true_positive_rate": 2 / 3, "false_positive_rate": 1 / 3,
              "precision": 2 / 3, "accuracy": 4 / 6, "false_negative_rate": 1 / 3, "count": 6},
        "b": {"selection_rate": 2 / 6, "true_positive_rate": 1 / 2, "false_positive_rate": 1 / 4,
              "precision": 1 / 2, "accuracy": 4 / 6, "false_negative_rate": 1 / 2, "count": 6}}


def test_group_table_equals_hand_computation():
    table = group_table(Y_TRUE, Y_PRED, GROUPS, n_boot=None)
    rows = {r["group"]: r for r in table["rows"]}
    for g, expected in HAND.items():
        for name, value in expected.items():
            assert rows[g][name] == pytest.approx(value), (g, name)
        assert rows[g]["small"]  # six rows is far below 30
    assert table["overall"]["selection_rate"] == pytest.approx(5 / 12)


def test_disparities_equal_hand_computation_and_fairlearn():
    d = disparities(Y_TRUE, Y_PRED, GROUPS)
    assert d["demographic_parity_difference"] == pytest.approx(3 / 6 - 2 / 6)
    assert d["demographic_parity_ratio"] == pytest.approx((2 / 6) / (3 / 6))
    # equalized odds: the larger of the TPR gap (2/3 - 1/2) and the FPR gap (1/3 - 1/4)
    assert d["equalized_odds_difference"] == pytest.approx(max(2 / 3 - 1 / 2, 1 / 3 - 1 / 4))
    assert d["equalized_odds_ratio"] == pytest.approx(min((1 / 2) / (2 / 3), (1 / 4) / (1 / 3)))
    assert d["equal_opportunity_difference"] == pytest.approx(2 / 3 - 1 / 2)
    kw = {"sensitive_features": GROUPS}
    assert d["equalized_odds_difference"] == pytest.approx(fm.equalized_odds_difference(Y_TRUE, Y_PRED, **kw))
    assert d["demographic_parity_ratio"] == pytest.approx(fm.demographic_parity_ratio(Y_TRUE, Y_PRED, **kw))


def test_bootstrap_intervals_bracket_the_estimate():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    g = np.where(rng.random(400) < 0.5, "a", "b")
    table = group_table(y, p, g, n_boot=10)
    for row in table["rows"]:
        lo, hi = row["selection_rate_ci"]
        assert lo <= row["selection_rate"] <= hi and hi - lo > 0
        assert not row["small"]


def test_report_summary_sentence_and_four_fifths():
    sens = pd.DataFrame({"sex": GROUPS})
    rep = fairness_report(Y_TRUE, Y_PRED.astype(float), sens, "binary", ["no", "yes"], n_boot=None)
    assert rep["summary"][0] == ("The model predicts 'yes' for 50 % of a and 33 % of b (ratio 0.67; "
                                 "the four-fifths rule asks for at least 0.8, so this falls short of it).")
    assert rep["summary"][1] == "Among examples that really are 'yes', it finds 67 % of a and 50 % of b."
    assert any(s.startswith("Too small to judge (fewer than 30 test rows): a (6), b (6).")
               for s in rep["summary"])


def test_two_columns_give_intersectional_groups_and_small_ones_are_flagged():
    rng = np.random.default_rng(1)
    n = 300
    sens = pd.DataFrame({"sex": np.where(rng.random(n) < 0.5, "F", "M"),
                         "race": np.where(rng.random(n) < 0.9, "White", "Other")})
    assert group_labels(sens)[0] == f"{sens.sex[0]} × {sens.race[0]}"
    y, p = rng.integers(0, 2, n), rng.random(n)
    rep = fairness_report(y, p, sens, "binary", ["no", "yes"], n_boot=None)
    rows = {r["group"]: r for r in rep["groups"]["rows"]}
    assert set(rows) == {"F × White", "M × White", "F × Other", "M × Other"}
    for row in rows.values():
        assert row["small"] == (row["count"] < 30)
    assert rows["F × Other"]["small"] and not rows["F × White"]["small"]


def test_one_group_and_no_sensitive_column_are_refused():
    with pytest.raises(LayerLabError) as e:
        fairness_report(Y_TRUE, Y_PRED, pd.DataFrame({"sex": ["F"] * 12}), "binary", n_boot=None)
    assert str(e.value) == ("The sensitive column 'sex' has only one group ('F') in the test split, "
                            "so there is nothing to compare. Pick a column with at least two groups "
                            "on the Data page.")
    with pytest.raises(LayerLabError) as e:
        fairness_report(Y_TRUE, Y_PRED, pd.DataFrame(index=range(12)), "binary", n_boot=None)
    assert str(e.value).startswith("This run has no sensitive column, so fairness cannot be checked. "
                                   "Choose one (for Adult: sex or race) on the Data page")


def test_regression_shows_error_by_group_and_says_parity_is_for_classification():
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    pred = np.array([1.5, 2.0, 2.0, 4.0, 7.0, 6.0])
    sens = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"]})
    rep = fairness_report(y, pred, sens, "regression", n_boot=None)
    rows = {r["group"]: r for r in rep["groups"]["rows"]}
    assert rows["a"]["mae"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert rows["b"]["mae"] == pytest.approx((0 + 2 + 0) / 3)
    assert rep["disparities"] == {}
    assert rep["summary"][-1].startswith("Parity constraints (demographic parity, equalized odds) "
                                         "and the mitigations apply to classification")


def test_multiclass_is_judged_one_vs_rest():
    y = np.array([0, 1, 2, 2, 0, 1, 2, 2])
    P = np.eye(3)[[0, 1, 2, 0, 0, 2, 2, 2]]
    sens = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4})
    rep = fairness_report(y, P, sens, "multiclass", ["x", "y", "z"], positive=2, n_boot=None)
    rows = {r["group"]: r for r in rep["groups"]["rows"]}
    assert rows["a"]["selection_rate"] == pytest.approx(1 / 4)  # one 'z' answer out of four
    assert rows["b"]["selection_rate"] == pytest.approx(3 / 4)
    assert rep["positive"] == "z" and "one-vs-rest on the class 'z'" in rep["note"]
    with pytest.raises(LayerLabError, match="Class number 5 does not exist"):
        fairness_report(y, P, sens, "multiclass", ["x", "y", "z"], positive=5, n_boot=None)


def test_live_gap_equals_fairlearn():
    rng = np.random.default_rng(3)
    y, p = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    sens = pd.DataFrame({"sex": rng.choice(["F", "M"], 500), "race": rng.choice(["x", "y", "z"], 500)})
    labels = group_labels(sens)
    gap = gap_from_predictions(y, p, group_codes(sens))
    assert gap["dp_diff"] == pytest.approx(fm.demographic_parity_difference(y, p, sensitive_features=labels))
    assert gap["eo_diff"] == pytest.approx(fm.equalized_odds_difference(y, p, sensitive_features=labels))


def test_reweighing_makes_group_and_label_independent():
    w = reweighing_weights(Y_TRUE, GROUPS)
    for g in ("a", "b"):
        m = GROUPS == g
        weighted_rate = np.sum(w[m] * Y_TRUE[m]) / np.sum(w[m])
        assert weighted_rate == pytest.approx(np.sum(w * Y_TRUE) / np.sum(w))
    # by hand: group a, label 1 has P(a)·P(1)/P(a,1) = 0.5 · (5/12) / (3/12)
    assert w[0] == pytest.approx(0.5 * (5 / 12) / (3 / 12))


def test_threshold_sweep_marks_a_pareto_front():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 400)
    g = np.where(rng.random(400) < 0.5, "a", "b")
    scores = np.clip(0.5 * y + 0.3 * (g == "a") + 0.4 * rng.random(400), 0, 1)
    pts = threshold_sweep(y, scores, g, grid=(0.2, 0.35, 0.5, 0.65, 0.8))
    front = [p for p in pts if p["pareto"]]
    assert front
    for p in pts:  # a point off the front is beaten by a front point on both axes
        if not p["pareto"]:
            assert any(q["accuracy"] >= p["accuracy"] and q["demographic_parity_difference"]
                       <= p["demographic_parity_difference"] for q in front)
    t = next(p for p in pts if p["threshold"] == 0.5)
    pred = (scores >= 0.5).astype(int)
    assert t["accuracy"] == pytest.approx(np.mean(pred == y))
    assert t["demographic_parity_difference"] == pytest.approx(
        fm.demographic_parity_difference(y, pred, sensitive_features=g))
    assert t["equalized_odds_difference"] == pytest.approx(
        fm.equalized_odds_difference(y, pred, sensitive_features=g))


def test_mitigation_needs_a_finished_binary_run():
    from types import SimpleNamespace

    from core.audit.fairness._mitigate import check_request

    run = SimpleNamespace(id="run-1", kind="train", status="finished", checkpoint_path="x")
    with pytest.raises(LayerLabError) as e:
        check_request(run, SimpleNamespace(task="regression"), "reweighing", "demographic_parity")
    assert str(e.value) == ("Mitigation needs a two-class (binary) task, but this run predicts a "
                            "number target. Parity constraints apply to yes/no decisions; the "
                            "fairness table still shows how the groups compare.")
    with pytest.raises(LayerLabError, match="but this run predicts more than two classes"):
        check_request(run, SimpleNamespace(task="multiclass"), "reweighing", "demographic_parity")
    running = SimpleNamespace(id="run-2", kind="train", status="running", checkpoint_path=None)
    with pytest.raises(LayerLabError, match=r"Run run-2 has not finished training \(status: running\)"):
        check_request(running, SimpleNamespace(task="binary"), "reweighing", "demographic_parity")
    with pytest.raises(LayerLabError, match="Unknown constraint 'fairness'"):
        check_request(run, SimpleNamespace(task="binary"), "reweighing", "fairness")
