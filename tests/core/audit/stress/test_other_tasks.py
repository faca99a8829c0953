"""Regression (error instead of accuracy) and sequences (ε on the signal, no bounds)."""
import torch
from sklearn.metrics import mean_absolute_error

from core.audit.stress import StressSettings, attack_space, pgd, stress_model
from core.build import build_model
from core.spec import get_preset
from core.data import prepared


def _model(data, preset):
    torch.manual_seed(0)
    return build_model(get_preset(preset), data.input_shape, data.task, data.n_outputs, "cpu")


def test_regression_curves_measure_the_error_and_pgd_only_raises_it():
    bundle, data = prepared({"name": "diabetes"})
    model = _model(data, "walkthrough_mlp")
    result = stress_model(model, bundle, data, StressSettings(strengths=[0, 0.1, 0.3, 0.5],
                                                              n_rows=100, steps=5))
    with torch.no_grad():
        pred = model(torch.from_numpy(data.X_test))[:, 0].double().numpy()
    assert result["metric"] == "mae"
    # 100 rows asked, 67 in the test split: all of them are used, so the clean MAE is sklearn's.
    assert result["n_rows"] == len(data.X_test) == 67
    assert result["clean"] == mean_absolute_error(data.y_test, pred)
    pgd_mae = [p["metric"] for p in next(c for c in result["curves"]
                                         if c["name"] == "pgd_linf")["points"]]
    assert all(b >= a for a, b in zip(pgd_mae, pgd_mae[1:]))
    assert "The mean absolute error rises from" in result["summary"]
    assert result["groups"] == [] and len(result["examples"]) == 4


def test_sequence_attacks_move_every_step_without_bounds():
    bundle, data = prepared({"name": "waves"})
    space = attack_space(bundle, data)
    assert space.lo is None and space.mask.shape == data.input_shape and space.mask.all()
    model = _model(data, "lstm_sequence")
    x = torch.from_numpy(data.X_test[:32])
    y = torch.from_numpy(data.y_test[:32]).long()
    adv = pgd(model, x, y, "multiclass", 0.2, space.constraint(), steps=3)
    moved = float((adv - x).abs().max())
    assert 0.1 < moved <= 0.2 + 1e-6
