"""One-hot inputs summed back to columns, segments, agreement numbers and the sentences."""
import numpy as np
import pytest

from core.audit.explain import row_agreement, sample_agreement, segments, to_columns, to_segments
from core.audit.explain._words import story


def test_one_hot_inputs_are_summed_into_their_column():
    cols = ["age", "job", "job", "job", "hours"]
    values = np.array([[0.1, 0.2, -0.05, 0.3, -0.4], [1.0, 0.0, 0.0, -2.0, 0.5]])
    units, agg = to_columns(values, cols)
    assert units == ["age", "job", "hours"]
    np.testing.assert_allclose(agg, [[0.1, 0.45, -0.4], [1.0, -2.0, 0.5]])
    np.testing.assert_allclose(agg.sum(1), values.sum(1))  # additivity survives the grouping


def test_adult_like_prepared_columns_keep_additivity(two_feature):
    bundle, data, _ = two_feature
    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, len(data.feature_names)))
    units, agg = to_columns(values, data.feature_columns)
    assert units == ["x1", "x2", "x3", "x4", "x5", "colour"]
    onehot = [i for i, c in enumerate(data.feature_columns) if c == "colour"]
    assert len(onehot) == 3
    np.testing.assert_allclose(agg[:, -1], values[:, onehot].sum(1))


def test_digit_blocks_and_sequence_windows():
    seg = segments((1, 8, 8), "image")
    assert seg.shape == (8, 8) and seg.max() == 15
    assert all((seg == s).sum() == 4 for s in range(16))
    assert seg[0, 0] == seg[1, 1] == 0 and seg[0, 2] == 1 and seg[2, 0] == 4
    values = np.arange(64, dtype=float).reshape(1, 1, 8, 8)
    blocks = to_segments(values, seg)
    assert blocks[0, 0] == 0 + 1 + 8 + 9 and blocks.sum() == values.sum()
    win = segments((50, 1), "sequence")
    assert win.shape == (50, 1) and win.max() == 9 and (win == 0).sum() == 5


def test_agreement_numbers_on_hand_made_vectors():
    shap = np.array([0.5, -0.4, 0.3, 0.2, 0.1, 0.05, 0.0])
    lime = np.array([0.6, 0.3, 0.02, 0.25, 0.1, 0.2, 0.01])
    a = row_agreement(shap, lime)
    # SHAP top 5: 0,1,2,3,4; LIME top 5: 0,1,3,5,4 -> 4 shared; LIME's sign differs on feature 1.
    assert a["top_shared"] == 4 and a["top_overlap"] == pytest.approx(0.8)
    assert a["sign_agreement"] == pytest.approx(4 / 5)
    from scipy.stats import spearmanr
    assert a["rank_corr"] == pytest.approx(spearmanr(np.abs(shap), np.abs(lime)).statistic)
    agg = sample_agreement(np.array([shap, shap]), np.array([lime, shap]))
    assert agg["top_overlap"] == pytest.approx(0.9) and agg["caution"] is False
    assert agg["sentence"].startswith("Over 2 rows, SHAP and LIME share on average 4.5 of their 5 "
                                      "most important features")


def test_disagreement_gets_a_caution():
    agg = sample_agreement(np.array([[5, 4, 3, 2, 1, 0, 0, 0.0]]), np.array([[0, 0, 0, 0, 1, 2, 3, 4.0]]))
    assert agg["caution"] is True
    assert agg["sentence"].endswith("Caution: the methods often disagree on this model; read single "
                                    "explanations with care.")


def test_sentence_names_original_values_and_directions():
    text = story("binary", ["<=50K", ">50K"], 1, 0.82, 0.82,
                 ["age", "capital-gain", "marital-status", "hours"],
                 np.array([-0.08, 0.31, 0.12, 0.01]), ["23", "15,024", "Married-civ-spouse", "40"])
    assert text == ("The model says '>50K' (82 %). What pushed it up most: capital-gain = 15,024 "
                    "(+0.31), marital-status = Married-civ-spouse (+0.12). What pulled it down: "
                    "age = 23 (\u22120.08).")


def test_proxy_association_matches_scipy_and_a_hand_computation():
    import pandas as pd
    from scipy.stats.contingency import association as scipy_association

    from core.audit.explain._fairness import association

    rng = np.random.default_rng(0)
    s = pd.Series(rng.choice(["a", "b"], 300))
    job = pd.Series(np.where(rng.random(300) < 0.7, s + "-job", rng.choice(["x", "y", "z"], 300)))
    table = pd.crosstab(job, s).to_numpy()
    assert association(job, s) == pytest.approx(scipy_association(table, method="cramer"))
    hours = pd.Series(np.where(s == "a", 40.0, 30.0) + rng.normal(0, 5, 300))
    groups = [hours[s == g] for g in ("a", "b")]
    between = sum(len(g) * (g.mean() - hours.mean()) ** 2 for g in groups)
    eta = np.sqrt(between / ((hours - hours.mean()) ** 2).sum())
    assert association(hours, s) == pytest.approx(eta)
