"""The what-if editor's SHAP waterfall and typical row: bars in the user's columns that add up
to the model's answer, the same answer the editor shows, and a typical row recomputed by hand."""
import numpy as np
import pandas as pd
import pytest

from core.audit.whatif import EditSpace, RowExplainer, compare


@pytest.mark.parametrize("name", ["adult", "iris", "diabetes"])
def test_waterfall_adds_up_to_the_answer_shown(name, request):
    store, run_id, model = request.getfixturevalue(name)
    space = EditSpace(model)
    base = space.row(3)
    col = next(c for c in space.inputs if space.columns[c].kind == "numeric")
    edit = {col: space.columns[col].high}
    result = compare(space, base, edit, 3)
    waterfalls = RowExplainer(space).waterfalls(space.apply(base, [{}, edit]))
    assert len(waterfalls) == 2
    for w, pred in zip(waterfalls, (result["before"], result["after"])):
        total = w["base"] + sum(b["contribution"] for b in w["bars"])
        assert total == pytest.approx(w["output"], abs=5e-3)  # SHAP's additivity, in output units
        if model.task == "regression":
            assert w["output"] == pytest.approx(pred["value"], rel=1e-4, abs=1e-4)
        elif model.task == "binary":  # the explained output: the probability of class 1
            assert w["output"] == pytest.approx(pred["probabilities"][model.classes[1]], abs=1e-5)
        else:  # multiclass: the probability of the predicted class
            assert w["output"] == pytest.approx(pred["probability"], abs=1e-5)
            assert w["output_label"] == f"probability of '{pred['label']}'"
    # Every bar is one of the user's columns (or the sum of the rest), never a one-hot input.
    named = [b["column"] for b in waterfalls[0]["bars"] if not b["column"].endswith("other columns")]
    assert set(named) <= set(space.inputs)
    # Largest effects first.
    sizes = [abs(b["contribution"]) for b in waterfalls[0]["bars"] if b["column"] in space.inputs]
    assert sizes == sorted(sizes, reverse=True)


def test_a_column_that_moved_the_answer_has_a_different_bar(adult):
    store, run_id, model = adult
    space = EditSpace(model)
    base = space.row(5)
    col = "education" if "education" in space.inputs else space.inputs[0]
    other = next(c for c in space.columns[col].categories if c != base[col].iloc[0])
    before, after = RowExplainer(space).waterfalls(space.apply(base, [{}, {col: other}]))
    bar = {b["column"]: b for b in before["bars"] + after["bars"]}
    assert bar[col]["value"] == other  # the bar shows the row's own value
    got = lambda w: next((b["contribution"] for b in w["bars"] if b["column"] == col), None)  # noqa: E731
    if got(before) is not None and got(after) is not None:
        assert got(before) != pytest.approx(got(after))


def test_typical_row_is_the_training_medians_and_modes(adult):
    store, run_id, model = adult
    space = EditSpace(model)
    typical = space.typical_row()
    train = space.bundle.frame.iloc[space.data.idx_train]
    for name, col in space.columns.items():
        got = typical[name].iloc[0]
        if col.kind == "numeric":
            med = float(np.nanmedian(pd.to_numeric(train[name]).to_numpy(dtype=float)))
            assert got == (round(med) if col.integer else med)
        else:
            assert got == train[name].astype(str).value_counts().idxmax()
    result = compare(space, typical, {}, None)
    assert result["row"] is None and result["changes"] == []
    assert result["sentence"].startswith("Nothing was changed")
