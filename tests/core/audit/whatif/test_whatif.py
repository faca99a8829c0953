"""What-if edits: re-preprocessed with the run's fitted preprocessing and predicted again."""
import numpy as np
import pytest

from core.audit.whatif import (FOR_TABLES_ONLY, NOT_A_MODEL_INPUT_NOTE, NOT_A_NUMBER, NOT_AN_INPUT,
                               OUT_OF_RANGE, ROW_OUT_OF_RANGE, UNKNOWN_COLUMN, UNSEEN_CATEGORY,
                               sensitive_flip, whatif)
from core.data import transform_rows
from core.errors import LayerLabError


def test_transform_rows_reproduces_the_prepared_arrays(adult):
    _, _, model = adult
    bundle, data = model.bundle, model.data
    for split in ("train", "test"):
        rows = bundle.frame.iloc[getattr(data, f"idx_{split}")]
        assert np.array_equal(transform_rows(data, rows), getattr(data, f"X_{split}"))


def test_no_change_gives_the_original_prediction_exactly(adult):
    store, run_id, model = adult
    proba = model.proba("test")
    for row in (0, 7, 123):
        result = whatif(store, run_id, row, {}, model=model)
        assert result["before"] == result["after"]
        # The whole split is one batch, whose float32 sums may differ in the last bits.
        assert result["after"]["probabilities"][model.classes[1]] == pytest.approx(float(proba[row]), abs=1e-6)
        assert result["changes"] == [] and not result["flipped"]


def test_an_edit_matches_the_model_inputs_built_by_hand(adult):
    """education -> Masters and hours-per-week -> 50, written straight into the model inputs."""
    store, run_id, model = adult
    data, row = model.data, 3
    pre = data.preprocessor
    scaler = pre.named_transformers_["num"].named_steps["scale"]
    numeric = list(pre.transformers_[0][2])
    x = data.X_test[row].copy()
    i = numeric.index("hours-per-week")
    x[i] = (50 - scaler.mean_[i]) / scaler.scale_[i]
    for j, name in enumerate(data.feature_names):
        if name.startswith("education="):
            x[j] = 1.0 if name == "education=Masters" else 0.0
    expected = float(model.proba(x[None, :])[0])
    result = whatif(store, run_id, row, {"education": "Masters", "hours-per-week": "50"}, model=model)
    assert result["after"]["probabilities"][model.classes[1]] == pytest.approx(expected, abs=1e-6)
    assert result["changed"]["hours-per-week"] == 50 and result["changed"]["education"] == "Masters"
    assert {c["column"] for c in result["changes"]} == {"education", "hours-per-week"}


def test_sensitive_flip_says_when_the_column_is_not_an_input(adult):
    store, run_id, model = adult
    flip = sensitive_flip(store, run_id, 0, model=model)
    assert flip["column"] == "sex" and flip["used"] is False
    assert flip["note"] == NOT_A_MODEL_INPUT_NOTE.format(column="sex")
    (only,) = flip["results"]
    assert only["changes"][0]["column"] == "sex"
    assert only["after"]["probabilities"] == only["before"]["probabilities"]


def _raises(template, call, **values):
    with pytest.raises(LayerLabError) as err:
        call()
    if values:
        assert str(err.value) == template.format(**values)
    else:
        assert str(err.value).startswith(template.split("{")[0])


def test_bad_inputs_get_named_messages(adult):
    store, run_id, model = adult

    def edit(changes, row=0):
        return lambda: whatif(store, run_id, row, changes, model=model)

    _raises(UNKNOWN_COLUMN, edit({"salary": 1}))
    _raises(NOT_AN_INPUT, edit({"class": ">50K"}))
    _raises(UNSEEN_CATEGORY, edit({"education": "PhD"}))
    _raises(OUT_OF_RANGE, edit({"age": 200}), column="age", value=200, low=17, high=90)
    _raises(NOT_A_NUMBER, edit({"age": "old"}), column="age", value="old")
    n = len(model.data.idx_test)
    _raises(ROW_OUT_OF_RANGE, edit({}, row=n), row=n, run_id=run_id, last=n - 1)


def test_images_are_refused_with_the_tables_only_message(digits):
    store, run_id, model = digits
    _raises(FOR_TABLES_ONLY, lambda: whatif(store, run_id, 0, {}, model=model),
            run_id=run_id, modality="image")
