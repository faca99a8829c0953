"""core.plots.data: the Data page's charts carry the numbers they claim, and user text stays text."""
import numpy as np
import pandas as pd

from core.plots import data as plots


def test_class_balance_shows_counts_and_shares():
    fig = plots.class_balance({"<=50K": 75, ">50K": 25}, title="Rows per class")
    bar = fig.data[0]
    assert list(bar.y) == [75, 25]
    assert list(bar.text) == ["75%", "25%"]
    assert list(bar.x) == ["&lt;=50K", "&gt;50K"]  # shown literally, never as markup


def test_scatter_has_one_trace_per_class_and_a_colour_scale_for_regression():
    frame = pd.DataFrame({"x1": [0.0, 1.0, 2.0], "x2": [1.0, 0.0, 1.0], "label": [0, 1, 1]})
    fig = plots.scatter_2d(frame, "x1", "x2", "label")
    assert [t.name for t in fig.data] == ["0", "1"] and len(fig.data[1].x) == 2
    frame["y"] = [0.1, 0.5, 0.9]
    fig = plots.scatter_2d(frame, "x1", "x2", "y")
    assert len(fig.data) == 1 and list(fig.data[0].marker.color) == [0.1, 0.5, 0.9]


def test_image_grid_and_sequences():
    X = np.random.default_rng(0).random((12, 1, 8, 8)).astype(np.float32)
    fig = plots.image_grid(X, [str(i % 10) for i in range(12)], n=10)
    assert len(fig.data) == 10
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), X[0, 0][::-1])
    seqs = np.arange(6 * 20, dtype=np.float32).reshape(6, 20, 1)
    fig = plots.sequence_examples(seqs, ["sine", "sine", "square", "<i>x</i>", "sine", "a"], n=3)
    # One example per label first: rows 0, 2 and 3, not the first three rows.
    assert [t.name for t in fig.data] == ["sine", "square", "&lt;i&gt;x&lt;/i&gt;"]
    np.testing.assert_array_equal(np.asarray(fig.data[1].y), seqs[2, :, 0])
