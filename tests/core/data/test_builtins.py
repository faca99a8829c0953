"""Every built-in dataset loads offline, prepares to the promised shapes, and is reproducible."""
import numpy as np
import pytest

from core.data import DatasetRef, builtin_datasets, default_ref, load, prepare
from core.errors import DataError

NAMES = [info.name for info in builtin_datasets()]


def test_catalogue_has_the_promised_sets():
    expected = {"adult", "moons", "circles", "xor", "spirals", "blobs", "plane_regression",
                "iris", "wine", "breast_cancer", "diabetes", "digits", "waves"}
    assert expected <= set(NAMES)
    for info in builtin_datasets():
        assert info.description.endswith(".") and info.title
        for p in info.params:
            assert p.min <= p.default <= p.max


@pytest.mark.parametrize("name", NAMES)
def test_each_builtin_prepares_to_its_shapes(name):
    info = next(i for i in builtin_datasets() if i.name == name)
    bundle = load(default_ref(name))
    assert bundle.task == info.task and bundle.modality == info.modality
    assert len(bundle.frame) == info.rows
    prep = prepare(bundle)
    n = len(prep.idx_train) + len(prep.idx_val) + len(prep.idx_test)
    assert n == len(bundle.frame)
    for X, y in ((prep.X_train, prep.y_train), (prep.X_val, prep.y_val), (prep.X_test, prep.y_test)):
        assert X.dtype == np.float32 and X.shape[1:] == prep.input_shape and len(X) == len(y)
        assert np.isfinite(X).all()
        assert y.dtype == (np.float32 if info.task == "regression" else np.int64)
    if info.modality != "tabular":
        assert prep.input_shape == info.sample_shape
    if info.task == "multiclass":
        assert prep.n_outputs == len(prep.classes) >= 3
    else:
        assert prep.n_outputs == 1
    assert len(prep.feature_names) == len(prep.feature_columns) == int(np.prod(prep.input_shape))


@pytest.mark.parametrize("name", ["adult", "spirals", "waves", "digits"])
def test_same_ref_gives_byte_identical_arrays(name):
    ref = default_ref(name)
    a, b = prepare(load(ref)), prepare(load(DatasetRef.model_validate_json(ref.model_dump_json())))
    for field in ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test", "idx_test"):
        assert getattr(a, field).tobytes() == getattr(b, field).tobytes()
    assert load(ref).content_hash == load(ref).content_hash


def test_toy_params_change_the_data():
    base = load(default_ref("moons"))
    assert len(load(default_ref("moons", params={"n_points": 120})).frame) == 120
    assert load(default_ref("moons", params={"noise": 0.3})).content_hash != base.content_hash
    assert load(default_ref("moons", params={"seed": 7})).content_hash != base.content_hash
    blobs = load(default_ref("blobs", params={"classes": 5}))
    assert sorted(blobs.frame["label"].unique()) == [0, 1, 2, 3, 4]


def test_xor_labels_follow_the_quadrant_without_noise():
    frame = load(default_ref("xor", params={"noise": 0.0})).frame
    expected = (frame["x1"] * frame["x2"] > 0).astype(int)
    assert (frame["label"] == expected).all()


def test_waves_without_noise_have_their_shapes():
    ref = default_ref("waves", params={"noise": 0.0, "seq_len": 30, "n_points": 90})
    bundle = load(ref)
    assert bundle.sample_shape == (30, 1)
    values = bundle.frame.drop(columns="shape").to_numpy()
    square = values[(bundle.frame["shape"] == "square").to_numpy()]
    # A square wave takes exactly two values (+amp and -amp) per sequence.
    assert all(len(np.unique(np.abs(row))) == 1 for row in square)
    prep = prepare(bundle)
    assert prep.X_train.shape[1:] == (30, 1) and prep.classes == ["sawtooth", "sine", "square"]


def test_digits_pixels_are_scaled_to_unit_range():
    from sklearn.datasets import load_digits

    prep = prepare(load(default_ref("digits")))
    raw = load_digits().images  # (n, 8, 8), grey levels 0..16
    i = prep.idx_test[0]
    np.testing.assert_allclose(prep.X_test[0, 0], raw[i] / 16.0, rtol=1e-6)
    assert prep.X_train.min() == 0.0 and prep.X_train.max() == 1.0


def test_bad_params_are_refused_with_the_range():
    with pytest.raises(DataError) as exc:
        load(default_ref("moons", params={"noise": 2}))
    assert str(exc.value) == "Setting 'noise' of 'moons' must be between 0.0 and 0.5, got 2."
    with pytest.raises(DataError) as exc:
        load(default_ref("moons", params={"depth": 2}))
    assert str(exc.value) == "The built-in dataset 'moons' has no setting 'depth'. Its settings: n_points, noise, seed."
    with pytest.raises(DataError) as exc:
        load(DatasetRef(name="mnist"))
    assert str(exc.value).startswith("There is no built-in dataset called 'mnist'. Built-in datasets: adult, moons,")
