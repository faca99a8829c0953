"""Counterfactuals: each one is checked here, independently, by running its row through the
run's preprocessing and model; locked and sensitive columns never move; values stay valid."""
import numpy as np
import pandas as pd
import pytest

from core.audit.whatif import (CANNOT_UNLOCK_SENSITIVE, UNKNOWN_CLASS, EditSpace, counterfactuals,
                               default_locks)
from core.data import category_text, transform_rows
from core.errors import LayerLabError


def _outputs(model, rows: list[dict]):
    """The model's outputs for rows given in the user's columns (one call per row)."""
    frame = pd.DataFrame(rows)
    outs = []
    for i in range(len(frame)):
        one = frame.iloc[[i]].reset_index(drop=True)
        outs.append(model.outputs(transform_rows(model.data, one), sensitive=one[model.bundle.sensitive])[0])
    return np.array(outs)


def _check_valid(model, result, locked):
    train = model.bundle.frame.iloc[model.data.idx_train]
    original = result["original"]
    for cf in result["counterfactuals"]:
        row = cf["row"]
        for col in locked:
            assert row[col] == original[col], col
        changed = {c for c in row if row[c] != original[c]}
        assert changed == {c["column"] for c in cf["changes"]} and cf["n_changed"] == len(changed)
        for col in changed:
            if col in model.bundle.kinds and model.bundle.kinds[col] == "numeric":
                assert train[col].min() <= row[col] <= train[col].max()
            else:
                assert row[col] in set(category_text(train[col]))


@pytest.mark.parametrize("row", [0, 1, 2, 3, 4, 5])
def test_every_adult_counterfactual_flips_and_keeps_locked_columns(adult, row):
    store, run_id, model = adult
    result = counterfactuals(store, run_id, row, count=3, lock=["education"], model=model)
    locked = ["sex", "race", "age", "education"]
    assert result["locked"] == locked
    assert result["counterfactuals"] or result["note"]
    _check_valid(model, result, locked)
    if result["counterfactuals"]:
        labels = (_outputs(model, [cf["row"] for cf in result["counterfactuals"]]) >= 0.5).astype(int)
        assert (labels != result["before"]["class_id"]).all()
        assert all(cf["prediction"]["label"] != result["before"]["label"]
                   for cf in result["counterfactuals"])


def test_counterfactuals_are_diverse_and_smallest_first(adult):
    store, run_id, model = adult
    found = [counterfactuals(store, run_id, row, count=3, model=model) for row in range(6)]
    for result in found:
        cfs = result["counterfactuals"]
        assert [c["n_changed"] for c in cfs] == sorted(c["n_changed"] for c in cfs)
        sets = [frozenset(c["column"] for c in cf["changes"]) for cf in cfs]
        assert len(sets) == len(set(sets)) or len(sets) < 2
    assert sum(len(r["counterfactuals"]) for r in found) >= 6


def test_age_is_locked_by_default_and_can_be_unlocked_but_sex_cannot(adult):
    store, run_id, model = adult
    space = EditSpace(model)
    assert default_locks(space) == ["sex", "race", "age"]
    result = counterfactuals(store, run_id, 1, unlock=["age"], model=model)
    assert "age" not in result["locked"] and "age" in result["free"]
    with pytest.raises(LayerLabError) as err:
        counterfactuals(store, run_id, 1, unlock=["sex"], model=model)
    assert str(err.value) == CANNOT_UNLOCK_SENSITIVE.format(column="sex")


def test_multiclass_reaches_the_chosen_class(iris):
    store, run_id, model = iris
    now = int(model.labels("test")[0])
    target = model.classes[(now + 1) % 3]
    result = counterfactuals(store, run_id, 0, target=target, model=model)
    assert result["counterfactuals"], result["note"]
    proba = _outputs(model, [cf["row"] for cf in result["counterfactuals"]])
    assert (proba.argmax(axis=1) == model.classes.index(target)).all()
    with pytest.raises(LayerLabError) as err:
        counterfactuals(store, run_id, 0, target="tulip", model=model)
    assert str(err.value) == UNKNOWN_CLASS.format(target="tulip", known=", ".join(model.classes))


def test_regression_reaches_the_target_range(diabetes):
    store, run_id, model = diabetes
    now = float(model.values("test")[0])
    low = now + 20
    result = counterfactuals(store, run_id, 0, target=f"{low}:", model=model)
    assert result["goal"] == f"at least {low:.4g}"
    assert result["counterfactuals"], result["note"]
    values = _outputs(model, [cf["row"] for cf in result["counterfactuals"]])
    assert (values >= low).all()
