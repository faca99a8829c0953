"""Column kinds and task detection on small hand-made columns."""
import numpy as np
import pandas as pd
import pytest

from core.data import detect_task, infer_kind

N = 40


@pytest.mark.parametrize("values,name,kind", [
    (np.random.default_rng(0).normal(size=N), "height", "numeric"),
    ([1, 2, 3, 4] * (N // 4), "floors", "numeric"),
    (list(range(1, N + 1)), "row", "id"),  # 1, 2, 3, ...: a counter
    (list(np.random.default_rng(1).permutation(10_000)[:N]), "customer_id", "id"),
    ([0, 1] * (N // 2), "smoker", "boolean"),
    (["yes", "no"] * (N // 2), "smoker", "boolean"),
    (["True", "False"] * (N // 2), "smoker", "boolean"),
    (["red", "green", "blue", "red"] * (N // 4), "colour", "categorical"),
    (["Male", "Female"] * (N // 2), "sex", "categorical"),
    ([f"2024-01-{d:02d}" for d in range(1, 29)] * 2, "day", "date"),
    ([f"user{i:04d}" for i in range(N)], "login", "id"),
    ([f"a long comment number {i}" for i in range(N)], "comment", "text"),
])
def test_infer_kind(values, name, kind):
    series = pd.Series(values, name=name)
    if pd.api.types.is_string_dtype(series) or isinstance(values[0], str):
        series = series.astype("str")
    assert infer_kind(series) == kind


def test_missing_values_do_not_change_the_kind():
    s = pd.Series([1.5, np.nan, 2.5, 3.0] * 10, name="x")
    assert infer_kind(s) == "numeric"
    s = pd.Series(["a", None, "b", "c"] * 10, name="x", dtype="str")
    assert infer_kind(s) == "categorical"


@pytest.mark.parametrize("values,kind,task", [
    ([0, 1] * 20, "boolean", "binary"),
    (["<=50K", ">50K", "<=50K"] * 10, "categorical", "binary"),
    (["a", "b", "c"] * 10, "categorical", "multiclass"),
    (list(range(10)) * 10, "numeric", "multiclass"),  # digits 0..9
    (np.linspace(0, 1, 100), "numeric", "regression"),
    (list(range(100)), "numeric", "regression"),  # many whole numbers: an amount, not labels
])
def test_detect_task(values, kind, task):
    assert detect_task(pd.Series(values, name="target"), kind) == task
