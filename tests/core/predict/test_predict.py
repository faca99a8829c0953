"""Predictions on new rows equal the trained model's own answers on the same rows, and the
reasons add up: a column's contribution is the sum of its model inputs' SHAP values."""
import numpy as np
import pytest


def _roundtrip(store, run_id):
    """The run's test split written back as a CSV a person would upload, predicted."""
    from core.predict import Predictor

    p = Predictor(store, run_id)
    raw = p.raw_csv(p.space.test_frame()[p.needed])
    return p, p.predict_csv(raw)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_classes_and_probabilities_match_the_trained_model(store, runs, kind):
    from core.trained import load_trained

    model = load_trained(store, runs[kind])
    p, result = _roundtrip(store, runs[kind])
    assert result.counts["predicted"] == len(model.data.X_test) and not result.problems
    labels = model.labels("test")
    proba = model.proba("test")
    full = proba if kind == "multiclass" else np.stack([1 - proba, proba], axis=1)
    assert [r["prediction"] for r in result.rows] == [model.classes[k] for k in labels]
    got = np.array([r["probability"] for r in result.rows])
    np.testing.assert_allclose(got, full[np.arange(len(labels)), labels], atol=1e-6)
    assert [r["row"] for r in result.rows] == list(range(1, len(labels) + 1))
    assert [r["line"] for r in result.rows] == list(range(2, len(labels) + 2))


def test_regression_values_are_in_the_targets_own_units(store, runs):
    from core.trained import load_trained

    model = load_trained(store, runs["regression"])
    _, result = _roundtrip(store, runs["regression"])
    got = np.array([r["prediction"] for r in result.rows])
    np.testing.assert_allclose(got, model.values("test"), rtol=1e-5, atol=1e-3)
    # Diabetes progression is measured in the 25..346 range: un-standardised, not z-scores.
    assert got.mean() > 50 and all(r["probability"] is None for r in result.rows)


def test_reasons_are_shap_values_summed_to_the_users_columns(store, runs):
    """Hand computation: SHAP per model input from the same explainer, summed over each
    column's inputs and signed toward the predicted class, equals the per-column reasons; and
    the columns plus the base add up to the probability of the predicted class."""
    from core.audit.explain import choose_and_explain
    from core.predict import BACKGROUND_ROWS, TOP_REASONS

    p, result = _roundtrip(store, runs["binary"])
    model = p.model
    n = min(len(result.rows), 40)
    rng = np.random.default_rng(0)
    bg = model.data.X_train[np.sort(rng.choice(len(model.data.X_train), BACKGROUND_ROWS, replace=False))]
    sh = choose_and_explain(model.network, "binary", bg, model.data.X_test[:n], seed=0)
    cols = np.array(model.input_columns)
    for i, rec in enumerate(result.rows[:n]):
        sign = 1.0 if rec["prediction"] == model.classes[1] else -1.0
        for col, value in rec["contributions"].items():
            assert value == pytest.approx(sign * sh.values[i, cols == col, 0].sum(), abs=1e-9)
        assert sum(rec["contributions"].values()) + rec["base"] == pytest.approx(rec["probability"], abs=2e-3)
        top = sorted(rec["contributions"].items(), key=lambda kv: -abs(kv[1]))[:TOP_REASONS]
        assert [r["column"] for r in rec["reasons"]] == [c for c, _ in top]
    assert {"job", "grade"} <= set(result.rows[0]["contributions"])  # one-hot inputs grouped


def test_output_csv_keeps_the_files_columns_and_adds_the_answers(store, runs):
    import io

    import pandas as pd

    from core.predict import OUT_COLUMNS

    p, result = _roundtrip(store, runs["binary"])
    out = pd.read_csv(io.BytesIO(result.to_csv_bytes()), dtype=str, keep_default_na=False)
    assert list(out.columns) == p.needed + list(OUT_COLUMNS)
    assert out["prediction"].tolist() == [r["prediction"] for r in result.rows]
    assert out["reason_1"].iloc[0] == result.rows[0]["reason_texts"][0]


def test_reasons_stop_at_the_cap_and_say_so(store, runs):
    from core.predict import REASONS_CAPPED, Predictor

    p = Predictor(store, runs["binary"])
    frame = p.space.test_frame()[p.needed]
    result = p.predict_csv(p.raw_csv(frame.head(12)))
    assert all(r["reasons"] for r in result.rows)
    result.reasons_cap = 5
    p._explain(result, np.zeros((12, len(p.model.input_columns)), np.float32), np.zeros(12, int))
    assert REASONS_CAPPED.format(cap=5, rest=7) in result.notes


def test_a_mixture_run_is_predicted_without_reasons(store, runs):
    from core.predict import NO_REASONS, RANDOMISED, Predictor
    from core.trained import WHY_NOT_DIFFERENTIABLE, load_trained

    model = load_trained(store, runs["mixture"])
    p = Predictor(store, runs["mixture"])
    result = p.predict_csv(p.raw_csv(p.space.test_frame()[p.needed]))
    assert [r["prediction"] for r in result.rows] == [model.classes[k] for k in model.labels("test")]
    assert all(not r["reasons"] for r in result.rows)
    assert NO_REASONS.format(run_id=runs["mixture"], method="exponentiated gradient",
                             why=WHY_NOT_DIFFERENTIABLE["exponentiated_gradient"],
                             parent=runs["fair"]) in result.notes
    assert RANDOMISED.format(run_id=runs["mixture"], method="exponentiated gradient") in result.notes


def test_one_row_from_a_form(store, runs):
    from core.predict import Predictor
    from core.trained import load_trained

    p = Predictor(store, runs["binary"])
    rows = p.predict_frame(p.space.test_frame().head(1))
    model = load_trained(store, runs["binary"])
    assert rows[0]["prediction"] == model.classes[model.labels("test")[0]]
    assert len(rows[0]["reasons"]) == 3
