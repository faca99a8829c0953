"""prepare(): splits, preprocessing fitted on train only, the input map, baselines and report,
checked against hand computations on the original frame."""
import numpy as np
import pandas as pd
import pytest

from core.data import RARE_CLASS, dataset_report, default_ref, ingest_csv, load, prepare
from core.errors import DataError


@pytest.fixture(scope="module")
def adult():
    bundle = load(default_ref("adult"))
    return bundle, prepare(bundle)


def test_adult_target_is_one_for_high_income(adult):
    bundle, prep = adult
    assert prep.classes == ["<=50K", ">50K"]
    truth = (bundle.frame["class"].to_numpy()[prep.idx_test] == ">50K").astype(np.int64)
    assert (prep.y_test == truth).all()


def test_splits_are_disjoint_stratified_and_sized_by_the_ref(adult):
    bundle, prep = adult
    idx = [prep.idx_train, prep.idx_val, prep.idx_test]
    assert len(np.unique(np.concatenate(idx))) == len(bundle.frame)
    n = len(bundle.frame)
    assert abs(len(prep.idx_test) - 0.15 * n) <= 1 and abs(len(prep.idx_val) - 0.15 * n) <= 2
    shares = [float(y.mean()) for y in (prep.y_train, prep.y_val, prep.y_test)]
    assert max(shares) - min(shares) < 0.002


def test_numeric_inputs_are_standardised_with_train_statistics_only(adult):
    bundle, prep = adult
    col = prep.feature_names.index("age")
    age = bundle.frame["age"].to_numpy(dtype=np.float64)
    mean, std = age[prep.idx_train].mean(), age[prep.idx_train].std()
    np.testing.assert_allclose(prep.X_test[:, col], (age[prep.idx_test] - mean) / std, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(prep.X_val[:, col], (age[prep.idx_val] - mean) / std, rtol=1e-5, atol=1e-5)


def test_one_hot_inputs_map_back_to_their_columns(adult):
    bundle, prep = adult
    train = bundle.frame.iloc[prep.idx_train]
    for col in ("workclass", "education", "occupation", "native-country"):
        n_inputs = prep.feature_columns.count(col)
        n_categories = train[col].nunique() + int(train[col].isna().any())  # + "missing"
        assert n_inputs == n_categories
    missing = bundle.frame["workclass"].isna().to_numpy()[prep.idx_test]
    col = prep.feature_names.index("workclass=missing")
    assert (prep.X_test[:, col] == missing).all()
    assert "sex" not in prep.feature_columns and "race" not in prep.feature_columns
    assert prep.input_shape == (len(prep.feature_names),)


def test_adult_report_speaks_plainly(adult):
    bundle, prep = adult
    assert prep.report[0] == ("6 numeric columns were standardised (age, fnlwgt, education-num, "
                              "capital-gain, capital-loss and hours-per-week).")
    assert ("'workclass', 'occupation' and 'native-country' had missing values ('?'), kept as "
            "their own category 'missing'.") in prep.report
    n_onehot = len(prep.feature_names) - 6
    assert f"6 categorical columns became {n_onehot} one-hot inputs (one per category seen in the training rows)." in prep.report
    assert "'sex' and 'race' are sensitive and left out of the model inputs (toggle to include them)." in prep.report


def test_majority_baseline_is_the_test_share_of_the_train_majority(adult):
    bundle, prep = adult
    labels = bundle.frame["class"].to_numpy()
    expected = float((labels[prep.idx_test] == "<=50K").mean())
    assert prep.majority_baseline == pytest.approx(expected)
    assert prep.majority_class == "<=50K"
    assert (f"Always answering '<=50K' is right {expected * 100:.0f} % of the time (on the test rows): "
            "a model must beat this.") in prep.report


def test_sensitive_frames_follow_the_split(adult):
    bundle, prep = adult
    assert list(prep.sensitive_test.columns) == ["sex", "race"]
    assert prep.sensitive_test["sex"].tolist() == bundle.frame["sex"].iloc[prep.idx_test].tolist()


def test_dataset_report_is_json_ready(adult):
    import json

    bundle, prep = adult
    report = json.loads(json.dumps(dataset_report(bundle, prep)))
    assert report["rows"] == 32561 and report["task"] == "binary" and report["target"] == "class"
    assert report["class_counts"] == {"<=50K": int((bundle.frame["class"] == "<=50K").sum()),
                                      ">50K": int((bundle.frame["class"] == ">50K").sum())}
    roles = {c["name"]: c["role"] for c in report["columns"]}
    assert roles["class"] == "target" and roles["sex"] == "sensitive" and roles["age"] == "input"
    assert report["baseline"] == {"kind": "majority", "accuracy": prep.majority_baseline, "class": "<=50K"}
    assert report["preprocessing"] == prep.report


def test_including_sensitive_and_excluding_columns():
    ref = default_ref("iris", sensitive=["petal width (cm)"], exclude=["sepal width (cm)"])
    prep = prepare(load(ref))
    assert prep.feature_columns == ["sepal length (cm)", "petal length (cm)"]
    assert "You left out 'sepal width (cm)'." in prep.report
    prep = prepare(load(ref.model_copy(update={"include_sensitive": True})))
    assert "petal width (cm)" in prep.feature_columns
    assert "'petal width (cm)' is sensitive; you chose to include it as model inputs." in prep.report


def test_kind_override_turns_numbers_into_categories():
    ref = default_ref("adult", kinds={"education-num": "categorical"})
    bundle = load(ref)
    prep = prepare(bundle)
    assert prep.feature_columns.count("education-num") == bundle.frame["education-num"].iloc[prep.idx_train].nunique()
    assert "education-num=13" in prep.feature_names


def test_text_cannot_be_made_numeric():
    with pytest.raises(DataError) as exc:
        load(default_ref("adult", kinds={"workclass": "numeric"}))
    assert str(exc.value) == ("Column 'workclass' cannot be numeric: values such as 'State-gov' are "
                              "not numbers. Set it to categorical, or fix the values in the CSV.")


def _csv(frame: pd.DataFrame, name="t.csv"):
    return ingest_csv(frame.to_csv(index=False).encode(), name)


def test_ids_and_dates_are_left_out_and_missing_targets_dropped():
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1), "day": [f"2024-03-{1 + i % 28:02d}" for i in range(n)],
        "x": rng.normal(size=n), "y": ["a", "b", "c"] * (n // 3)})
    frame.loc[[3, 7], "y"] = None
    bundle = load(_csv(frame))
    notes = {c.name: c.note for c in bundle.columns}
    assert notes["id"] == "a distinct value in every row: looks like an id, left out"
    prep = prepare(bundle)
    # March 2024 only: the day of the week is the one part of the date that varies.
    assert prep.feature_columns == ["day_weekday", "x"]
    assert "'id' looks like an id (a distinct value in every row) and was left out." in prep.report
    assert ("'day' holds dates and was left out as dates; where they could be read, the parts that "
            "vary (year, month, day of the week) are inputs instead.") in prep.report
    assert "2 rows without a value for the target 'y' were left out." in prep.report
    kept = np.concatenate([prep.idx_train, prep.idx_val, prep.idx_test])
    assert 3 not in kept and 7 not in kept and len(kept) == n - 2


def test_regression_mean_baseline_matches_hand_computation():
    bundle = load(default_ref("diabetes"))
    prep = prepare(bundle)
    y = bundle.frame["progression"].to_numpy(dtype=np.float64)
    mean = y[prep.idx_train].mean()
    assert prep.mean_baseline["mae"] == pytest.approx(np.abs(y[prep.idx_test] - mean).mean(), rel=1e-5)
    assert prep.majority_baseline is None and prep.classes == []


def test_a_class_with_too_few_rows_is_refused():
    frame = pd.DataFrame({"x": range(30), "y": ["a"] * 14 + ["b"] * 14 + ["c"] * 2})
    with pytest.raises(DataError) as exc:
        prepare(load(_csv(frame)))
    assert str(exc.value) == RARE_CLASS.format(cls="c", target="y", n=2, rows="rows", need=3, more="")
    assert str(exc.value).startswith("Class 'c' of the target 'y' has only 2 rows; every class needs")


def test_binary_yes_no_keeps_yes_as_one_even_when_common():
    frame = pd.DataFrame({"x": [0.5, 1.5] * 20, "y": ["yes"] * 30 + ["no"] * 10})
    prep = prepare(load(_csv(frame)))
    assert prep.classes == ["no", "yes"]


def test_no_inputs_left_is_explained():
    frame = pd.DataFrame({"x": range(30), "y": [0, 1, 2] * 10})
    ref = _csv(frame).model_copy(update={"exclude": ["x"]})
    with pytest.raises(DataError) as exc:
        prepare(load(ref))
    assert str(exc.value).startswith("No columns are left as model inputs")
