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
            assert len(flipped) < 2 or g["ci_low"] <= g["mean_changes"] <= g["ci_high"]
            assert len(flipped) >= 2 or g["ci_low"] is None  # no interval from one row
    first = counterfactuals(store, run_id, int(rows[0]), count=1, model=model)["counterfactuals"]
    assert changes[0] == (first[0]["n_changed"] if first else None)


def test_by_group_needs_a_binary_run(iris):
    store, run_id, model = iris
    with pytest.raises(LayerLabError) as err:
        counterfactuals_by_group(store, run_id, rows=3, model=model)
    assert str(err.value) == BINARY_ONLY.format(run_id=run_id, task="multiclass")


def test_the_job_saves_the_same_result_as_the_function(adult):
    from core.audit.records import AuditKind, JobRecord, JobState
    from core.audit.whatif.jobs import groups_job

    store, run_id, model = adult
    groups_job({"run_id": run_id, "kind": AuditKind.COUNTERFACTUAL_GROUPS, "rows": 6}, store=store,
               job_id=None, run_id=None)
    rec = JobRecord.read(store, run_id, AuditKind.COUNTERFACTUAL_GROUPS)
    assert rec.state is JobState.DONE and rec.progress == 1.0
    direct = counterfactuals_by_group(store, run_id, rows=6, model=model)
    assert rec.result["changes"] == direct["changes"] and rec.result["sentence"] == direct["sentence"]
    assert [g["group"] for g in rec.result["groups"]] == [g["group"] for g in direct["groups"]]


def test_tree_drawing_has_every_node_and_numbers_the_cohorts(adult):
    from core.audit.errors import error_analysis
    from core.plots.errors import tree_figure

    store, run_id, model = adult
    result = error_analysis(store, run_id, model=model)
    fig = tree_figure(result)
    dots = fig.data[1]
    assert len(dots.x) == len(result["nodes"])
    numbered = {int(d[1]): d[3] for d in dots.customdata if int(d[1]) > 0}
    assert numbered == {i: c["condition"] for i, c in enumerate(result["cohorts"], 1)}
    # Leaves sit at the bottom of their branch: no leaf has a child.
    parents = {n["parent"] for n in result["nodes"]}
    assert not any(c["node"] in parents for c in result["cohorts"])
