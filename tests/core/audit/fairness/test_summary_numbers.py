"""Every number the fairness summary names belongs to the groups it names (issue 12)."""
import pytest

from core.audit.fairness._summary import classification_summary


def _row(group, rate, small=False, tpr=None):
    return {"group": group, "selection_rate": rate, "true_positive_rate": tpr, "small": small,
            "count": 5 if small else 500}


def test_ratio_is_that_of_the_two_groups_named_not_of_a_left_out_small_group():
    table = {"rows": [_row("Male", 0.30), _row("Female", 0.12), _row("Other", 0.0, small=True)]}
    disp = {"demographic_parity_ratio": 0.0, "equalized_odds_difference": 0.1}
    first = classification_summary(table, disp, ">50K")[0]
    assert "30 % of Male and 12 % of Female" in first
    assert f"(ratio {0.12 / 0.30:.2f};" in first
    assert "falls short of" in first


@pytest.mark.parametrize("lo, verdict", [(0.27, "meets"), (0.2, "falls short of")])
def test_verdict_follows_the_named_ratio(lo, verdict):
    table = {"rows": [_row("a", 0.30), _row("b", lo)]}
    assert verdict in classification_summary(table, {}, "yes")[0]
