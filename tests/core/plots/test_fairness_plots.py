"""Fairness charts draw what the report says: bars with their intervals, the gap per epoch."""
import numpy as np
import pandas as pd
import pytest

from core.audit.fairness import fairness_report, threshold_point, threshold_sweep
from core.plots.fairness import comparison_chart, group_bars, live_gap_chart, pareto_chart
from core.runs import EpochRow


def _report():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 300), rng.random(300)
    sens = pd.DataFrame({"sex": np.where(rng.random(300) < 0.9, "M", "F")})
    return fairness_report(y, p, sens, "binary", ["no", "yes"], n_boot=20), y, p, sens


def test_group_bars_carry_the_bootstrap_interval():
    rep, *_ = _report()
    fig = group_bars(rep, "selection_rate")
    bar = fig.data[0]
    for i, row in enumerate(rep["groups"]["rows"]):
        assert bar.y[i] == pytest.approx(row["selection_rate"])
        assert bar.y[i] + bar.error_y.array[i] == pytest.approx(row["selection_rate_ci"][1])
        assert bar.y[i] - bar.error_y.arrayminus[i] == pytest.approx(row["selection_rate_ci"][0])
        assert bar.x[i].endswith("(small)") == row["small"]


def test_pareto_and_comparison_charts():
    rep, y, p, sens = _report()
    groups = sens["sex"].to_numpy()
    sweep = threshold_sweep(y, p, groups)
    fig = pareto_chart(sweep, threshold_point(y, p, groups, 0.5))
    assert len(fig.data[0].x) == len(sweep)
    assert len(fig.data[1].x) == sum(pt["pareto"] for pt in sweep)
    rows = [{"run_id": "run-1", "method": "original", "accuracy": 0.8,
             "demographic_parity_difference": 0.2},
            {"run_id": "run-2", "method": "reweighing", "accuracy": 0.79,
             "demographic_parity_difference": 0.05}]
    fig = comparison_chart(rows)
    assert [t.x[0] for t in fig.data] == [0.2, 0.05]


def test_live_gap_chart_only_when_recorded():
    assert live_gap_chart([EpochRow(epoch=1, extra={})]) is None
    fig = live_gap_chart([EpochRow(epoch=e, extra={"dp_diff": 0.1 * e, "eo_diff": 0.05})
                          for e in (1, 2, 3)])
    assert list(fig.data[0].y) == pytest.approx([0.1, 0.2, 0.3])
    assert fig.data[1].name == "equalized odds difference"
