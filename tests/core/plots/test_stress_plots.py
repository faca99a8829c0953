"""Stress charts: one trace per curve, the clean line, and images that show the change."""
import numpy as np
import pytest

from core.plots.stress import curves_figure, example_figure


def _result(clean=0.9):
    points = [{"strength": 0.0, "metric": clean, "changed": 0.0},
              {"strength": 0.1, "metric": clean - 0.3, "changed": 0.3}]
    return {"metric": "accuracy", "clean": clean, "unit": "a change in pixel intensity",
            "curves": [{"name": "pgd_linf", "kind": "attack", "title": "PGD (L∞)",
                        "meaning": "m", "points": points},
                       {"name": "noise", "kind": "corruption", "title": "Gaussian noise",
                        "meaning": "m", "points": points}]}


def test_curves_have_one_trace_each_and_a_clean_reference_line():
    fig = curves_figure(_result())
    assert [t.name for t in fig.data] == ["PGD (L∞)", "Gaussian noise"]
    assert list(fig.data[0].y) == pytest.approx([90.0, 60.0])
    assert fig.data[1].line.dash == "dot"
    assert [s.y0 for s in fig.layout.shapes] == [90.0]
    assert fig.layout.annotations[0].text == "clean: 90.0 %"


def test_compared_run_adds_its_curves_and_clean_line():
    fig = curves_figure(_result(), compare=_result(0.8), compare_name="adversarially trained")
    assert len(fig.data) == 4 and fig.data[2].name == "PGD (L∞) · adversarially trained"
    assert fig.data[2].line.color == fig.data[0].line.color
    assert sorted(s.y0 for s in fig.layout.shapes) == [80.0, 90.0]


def test_example_image_shows_original_attacked_and_magnified_change():
    before = np.zeros((1, 8, 8))
    after = before.copy()
    after[0, 2, 3] = 0.1
    fig = example_figure({"input": before.tolist(), "adversarial": after.tolist(),
                          "before": "3", "p_before": 0.9, "after": "8", "p_after": 0.6})
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Original: 3 (90 %)", "Attacked: 8 (60 %)", "Change × 5"]
    change = np.asarray(fig.data[2].z)
    assert change.max() == 1.0 and np.count_nonzero(change != 0.5) == 1
