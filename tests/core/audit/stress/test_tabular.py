"""Table constraints on Adult: only numeric columns move, by ε standard deviations, shown in
original units; categories and locked columns stay fixed; per-group success rates add up."""
import numpy as np
import pytest
import torch

from core.audit.stress import StressSettings, attack_space, pgd, stress_model
from core.trained import load_network
from core.data import prepared
from core.train._evaluate import as_targets


@pytest.fixture(scope="module")
def adult(adult_run):
    store, run_id = adult_run
    run = store.get_run(run_id)
    bundle, data = prepared(run.dataset)
    return load_network(run, store), bundle, data


def test_only_unlocked_numeric_inputs_move_within_eps_and_training_range(adult):
    model, bundle, data = adult
    space = attack_space(bundle, data, locked=["age"])
    assert space.moved_columns == ["fnlwgt", "education-num", "capital-gain", "capital-loss",
                                   "hours-per-week"]
    x = torch.from_numpy(data.X_test[:500])
    y = as_targets(data.y_test[:500], "binary", "cpu")
    adv = pgd(model, x, y, "binary", 0.3, space.constraint(), steps=10)
    moved = (adv - x).abs().amax(0).numpy()  # (n_inputs,)
    names = data.feature_names
    for i, col in enumerate(data.feature_columns):
        if col in space.moved_columns:
            assert moved[i] <= 0.3 + 1e-6
        else:  # one-hot categories and the locked 'age' are bit-for-bit unchanged
            assert moved[i] == 0.0, names[i]
    assert moved[names.index("hours-per-week")] > 0.1
    lo, hi = data.X_train.min(0), data.X_train.max(0)
    assert (adv.numpy() >= lo - 1e-6).all() and (adv.numpy() <= hi + 1e-6).all()


def test_adult_result_speaks_in_original_units_and_per_group(adult):
    model, bundle, data = adult
    settings = StressSettings(strengths=[0, 0.1, 0.5], n_rows=600, steps=5)
    result = stress_model(model, bundle, data, settings)
    assert "Attacked: age, fnlwgt" in result["explanation"]
    assert "Fixed: workclass, education" in result["explanation"]
    assert result["summary"].startswith(
        "Random noise of 0.1 standard deviations in the numeric columns flips ")
    assert "PGD (L∞) at the same size flips " in result["summary"]
    scaler = data.preprocessor.named_transformers_["num"].named_steps["scale"]
    numeric = list(data.preprocessor.transformers_[0][2])
    ex = result["examples"][0]
    for change in ex["changes"]:
        j = numeric.index(change["column"])
        # ε = 0.1 means at most 0.1 of the column's training std, in the column's own units.
        assert abs(change["delta"]) <= 0.1 * scaler.scale_[j] * (1 + 1e-5)
    test_row = bundle.frame.iloc[int(data.idx_test[ex["test_row"]])]
    age = next(c for c in ex["changes"] if c["column"] == "age")
    assert age["before"] == pytest.approx(float(test_row["age"]), abs=1e-3)
    assert ex["fixed"]["workclass"] == str(test_row["workclass"])
    groups = {(g["column"], g["group"]): g for g in result["groups"]}
    assert sum(g["n"] for (col, _), g in groups.items() if col == "sex") == 600
    rows = np.sort(np.random.default_rng(0).choice(len(data.X_test), 600, replace=False))
    females = (data.sensitive_test["sex"].iloc[rows] == "Female").to_numpy()
    assert groups[("sex", "Female")]["n"] == int(females.sum())
    pgd_curve = next(c for c in result["curves"] if c["name"] == "pgd_linf")
    overall = next(p for p in pgd_curve["points"] if p["strength"] == 0.1)["metric"]
    n_f, n_m = groups[("sex", "Female")]["n"], groups[("sex", "Male")]["n"]
    weighted = (groups[("sex", "Female")]["attacked"] * n_f
                + groups[("sex", "Male")]["attacked"] * n_m) / 600
    assert weighted == pytest.approx(overall)


def test_corruptions_at_zero_are_clean_and_missing_values_use_the_imputer(adult):
    from core.audit.stress._corrupt import corrupt

    model, bundle, data = adult
    space = attack_space(bundle, data)
    x = data.X_test[:300]
    rng = np.random.default_rng(0)
    for name in ("noise", "flip", "missing"):
        assert np.array_equal(corrupt(name, x, 0.0, space, rng, data.preprocessor), x)
    blanked = corrupt("missing", x, 1.0, space, rng, data.preprocessor)
    imputer = data.preprocessor.named_transformers_["num"].named_steps["impute"]
    scaler = data.preprocessor.named_transformers_["num"].named_steps["scale"]
    j = data.feature_names.index("age")
    assert np.allclose(blanked[:, j], (imputer.statistics_[0] - scaler.mean_[0]) / scaler.scale_[0])
    flipped = corrupt("flip", x, 1.0, space, rng, data.preprocessor)
    block = space.categorical["workclass"]
    assert (flipped[:, block].argmax(1) != x[:, block].argmax(1)).all()
    assert np.allclose(flipped[:, block].sum(1), 1.0)
