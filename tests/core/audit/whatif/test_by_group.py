"""Counterfactuals by group: per-group means recomputed by hand from the per-row results, and
each row's figure is the one `counterfactuals` gives that row."""
import numpy as np
import pytest

from core.audit.whatif import BINARY_ONLY, EditSpace, counterfactuals, counterfactuals_by_group
from core.errors import LayerLabError


def test_group_means_match_the_rows(adult):
    store, run_id, model = adult
    result = counterfactuals_by_group(store, run_id, rows=8, model=model)
    rows, changes = np.array(result["rows"]), result["changes"]
    assert (model.labels("test")[rows] == 0).all()  # only rejected rows
    groups = EditSpace(model).test_frame()["sex"].to_numpy()[rows]
    assert sum(g["n"] for g in result["groups"]) == len(rows) == 8
    for g in result["groups"]:
        mine = [c for c, grp in zip(changes, groups) if grp == g["group"]]
        flipped = [c for c in mine if c is not None]
        assert g["n"] == len(mine) and g["n_flipped"] == len(flipped)
        if flipped:
            assert g["mean_changes"] == pytest.approx(np.mean(flipped))
            assert g["ci_low"] <= g["mean_changes"] <= g["ci_high"] or len(flipped) < 2
    first = counterfactuals(store, run_id, int(rows[0]), count=1, model=model)["counterfactuals"]
    assert changes[0] == (first[0]["n_changed"] if first else None)


def test_by_group_needs_a_binary_run(iris):
    store, run_id, model = iris
    with pytest.raises(LayerLabError) as err:
        counterfactuals_by_group(store, run_id, rows=3, model=model)
    assert str(err.value) == BINARY_ONLY.format(run_id=run_id, task="multiclass")
