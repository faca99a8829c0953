"""Error analysis: cohorts partition the test rows; each cohort's numbers and its condition
text are recomputed here by hand from the rows, the labels and the raw test frame."""
import re

import numpy as np
import pytest

from core.audit.errors import error_analysis
from core.audit.whatif import FOR_TABLES_ONLY, EditSpace
from core.errors import LayerLabError


def _matches(frame, condition: str) -> np.ndarray:
    """Rows of the raw test frame that satisfy a cohort's condition text (parsed by hand)."""
    mask = np.ones(len(frame), dtype=bool)
    column = None
    for part in condition.split(" and "):
        m = re.match(r"^(?:(.+?) )?(=|not|≤|≥|>) (.+)$", part)
        column = m.group(1) or column
        op, value = m.group(2), m.group(3)
        values = frame[column]
        if op == "=":
            mask &= (values == value).to_numpy()
        elif op == "not":
            mask &= ~values.isin(value.split(" or ")).to_numpy()
        else:
            nums = values.to_numpy(dtype=float)
            mask &= {"≤": nums <= float(value), "≥": nums >= float(value), ">": nums > float(value)}[op]
    return mask


def test_adult_cohorts_add_up_and_error_rates_are_recomputed(adult):
    store, run_id, model = adult
    result = error_analysis(store, run_id, model=model)
    wrong = model.labels("test") != model.data.y_test
    cohorts = result["cohorts"]
    assert sum(c["n"] for c in cohorts) == len(model.data.y_test) == result["n_rows"]
    rows = np.concatenate([c["rows"] for c in cohorts])
    assert sorted(rows.tolist()) == list(range(len(wrong)))
    assert result["n_errors"] == int(wrong.sum())
    assert result["overall"] == pytest.approx(wrong.mean())
    frame = EditSpace(model).test_frame()
    for c in cohorts:
        idx = np.array(c["rows"])
        assert c["n_errors"] == int(wrong[idx].sum())
        assert c["error_rate"] == pytest.approx(wrong[idx].mean())
        assert c["share_of_errors"] == pytest.approx(wrong[idx].sum() / wrong.sum())
        assert np.array_equal(np.flatnonzero(_matches(frame, c["condition"])), idx), c["condition"]
    rates = [c["error_rate"] for c in cohorts]
    assert rates == sorted(rates, reverse=True)
    worst = cohorts[0]
    assert result["summary"] == (
        f"The model is wrong on {worst['error_rate'] * 100:.0f} % of rows with {worst['condition']} "
        f"({worst['n']:,} rows, {worst['share_of_errors'] * 100:.0f} % of all errors), against "
        f"{wrong.mean() * 100:.0f} % overall.")


def test_regression_uses_the_absolute_error(diabetes):
    store, run_id, model = diabetes
    result = error_analysis(store, run_id, model=model)
    abs_err = np.abs(model.values("test").astype(float) - model.data.y_test.astype(float))
    assert result["measure"] == "absolute error" and result["n_errors"] is None
    assert result["overall"] == pytest.approx(abs_err.mean())
    assert sum(c["n"] for c in result["cohorts"]) == len(abs_err)
    for c in result["cohorts"]:
        idx = np.array(c["rows"])
        assert c["error_rate"] == pytest.approx(abs_err[idx].mean())
        assert c["metrics"]["rmse"] == pytest.approx(np.sqrt((abs_err[idx] ** 2).mean()))
        assert c["share_of_errors"] == pytest.approx(abs_err[idx].sum() / abs_err.sum())


def test_images_are_refused(digits):
    store, run_id, model = digits
    with pytest.raises(LayerLabError) as err:
        error_analysis(store, run_id, model=model)
    assert str(err.value) == FOR_TABLES_ONLY.format(run_id=run_id, modality="image")


def test_error_grid_cells_are_recomputed_by_hand(adult):
    from core.audit.errors import SAME_COLUMN, error_grid

    store, run_id, model = adult
    grid = error_grid(store, run_id, "capital-gain", "sex", model=model)
    assert grid["x_labels"] == ["≤ 0", "> 0"] and grid["y_labels"] == ["Male", "Female"]
    assert sum(map(sum, grid["n"])) == len(model.data.y_test)
    frame = EditSpace(model).test_frame()
    wrong = model.labels("test") != model.data.y_test
    cell = (frame["capital-gain"] > 0).to_numpy() & (frame["sex"] == "Female").to_numpy()
    assert grid["n"][1][1] == int(cell.sum())
    assert grid["rate"][1][1] == pytest.approx(wrong[cell].mean())
    with pytest.raises(LayerLabError) as err:
        error_grid(store, run_id, "age", "age", model=model)
    assert str(err.value) == SAME_COLUMN.format(column="age")
