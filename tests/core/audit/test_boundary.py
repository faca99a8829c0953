"""Decision grid: original units in, through the fitted preprocessor, the model's answer out."""
import numpy as np
import pytest
import torch

from core.audit.boundary import decision_grid, is_two_d, run_decision_grid, two_columns
from core.data import DatasetRef
from core.errors import LayerLabError
from core.data import prepared


def linear_model(n_out: int, weight, bias):
    model = torch.nn.Linear(2, n_out)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(weight, dtype=torch.float32))
        model.bias.copy_(torch.tensor(bias, dtype=torch.float32))
    return model.eval()


def standardised(bundle, data, col, values):
    # The scaler is fitted on the training rows only: mean and (population) std of those rows.
    train = bundle.frame.iloc[data.idx_train][col].to_numpy(dtype=np.float64)
    return (np.asarray(values) - train.mean()) / train.std()


def test_binary_grid_is_in_original_units_and_matches_a_hand_computation():
    bundle, data = prepared(DatasetRef(name="moons"))
    w, b = [[1.5, -2.0]], [0.3]
    grid = decision_grid(linear_model(1, w, b), data, bundle, resolution=25)
    assert (grid["x_column"], grid["y_column"]) == ("x1", "x2")
    xs, ys, z = np.array(grid["x"]), np.array(grid["y"]), np.array(grid["z"])
    assert z.shape == (25, 25)  # rows over y, columns over x
    # The axes span the data in its own units, with a margin on both sides.
    x1 = bundle.frame["x1"]
    assert xs[0] < x1.min() and xs[-1] > x1.max()
    # Every cell equals sigmoid(w · standardised(x) + b), computed here independently.
    sx, sy = standardised(bundle, data, "x1", xs), standardised(bundle, data, "x2", ys)
    expected = 1 / (1 + np.exp(-(w[0][0] * sx[None, :] + w[0][1] * sy[:, None] + b[0])))
    np.testing.assert_allclose(z, expected, atol=1e-4)
    # Training points in original units, labelled with the class names.
    pts = grid["points"]
    assert len(pts["x"]) == len(data.idx_train)
    assert pts["x"][0] == pytest.approx(float(bundle.frame["x1"].iloc[data.idx_train[0]]))
    assert set(pts["label"]) == set(data.classes)


def test_multiclass_grid_holds_the_winning_class_and_its_probability():
    bundle, data = prepared(DatasetRef(name="blobs"))
    w = [[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]
    grid = decision_grid(linear_model(3, w, [0.0, 0.0, 0.0]), data, bundle, resolution=10)
    xs, ys = np.array(grid["x"]), np.array(grid["y"])
    sx, sy = standardised(bundle, data, "x1", xs), standardised(bundle, data, "x2", ys)
    logits = np.stack([np.broadcast_to(sx[None, :], (10, 10)), np.broadcast_to(-sx[None, :], (10, 10)),
                       np.broadcast_to(sy[:, None], (10, 10))], axis=2)  # (y, x, 3)
    P = np.exp(logits) / np.exp(logits).sum(axis=2, keepdims=True)
    np.testing.assert_array_equal(np.array(grid["z"]), P.argmax(axis=2))
    np.testing.assert_allclose(np.array(grid["confidence"]), P.max(axis=2), atol=1e-3)


def test_a_dataset_that_is_not_a_plane_is_refused_plainly():
    bundle, data = prepared(DatasetRef(name="iris"))
    assert two_columns(data, bundle) is None
    with pytest.raises(LayerLabError) as err:
        decision_grid(linear_model(1, [[0.0, 0.0]], [0.0]), data, bundle)
    assert str(err.value) == (
        "A decision boundary can be drawn only for datasets with exactly two numeric input "
        "columns (such as the 2-D toy sets: moons, circles, XOR, spirals, blobs).")


def test_resolution_out_of_range_is_refused():
    bundle, data = prepared(DatasetRef(name="moons"))
    with pytest.raises(LayerLabError, match="between 2 and 300 points per side, got 1000"):
        decision_grid(linear_model(1, [[0.0, 0.0]], [0.0]), data, bundle, resolution=1000)


def test_grid_of_a_trained_run_comes_from_its_checkpoint():
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import TrainConfig, train_run
    from core.train._submit import create_run
    from core.trained import load_network, predict_outputs

    store = open_store()
    ref = DatasetRef(name="moons", params={"n_points": 200})
    run_id = create_run(store, ref, get_preset("walkthrough_mlp"), TrainConfig(epochs=2, batch_size=64))
    train_run(store, run_id)
    assert is_two_d(store, run_id)
    grid = run_decision_grid(store, run_id, resolution=8)
    assert grid["epoch"] == 2
    # The corner cell is the checkpoint's answer for that point, pushed through the preprocessor.
    bundle, data = prepared(ref)
    import pandas as pd
    corner = data.preprocessor.transform(pd.DataFrame({"x1": [grid["x"][0]], "x2": [grid["y"][-1]]}))
    p = predict_outputs(load_network(store.get_run(run_id)), np.asarray(corner), "binary")
    assert grid["z"][-1][0] == pytest.approx(float(p[0]), abs=1e-4)
