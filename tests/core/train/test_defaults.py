"""Data-aware training defaults (issue 12): the rules, their sentences, and regression scaling."""
import numpy as np
import pytest
import torch

from core.build import build_model, standardised_loss
from core.data import DatasetRef, prepared
from core.spec import get_preset
from core.train import default_config
from core.trained import load_network
from core.train.defaults import data_aware_defaults, model_kind


@pytest.mark.parametrize("n_train, batch", [(105, 32), (1_257, 32), (5_000, 128), (22_792, 256)])
def test_batch_grows_with_the_training_set_and_the_sentence_names_the_rows(n_train, batch):
    d = data_aware_defaults("binary", n_train)
    assert d.settings["batch_size"] == batch
    assert d.reasons[0].startswith(f"Batch {batch} because the training set has {n_train:,} rows")


def test_small_sets_get_many_epochs_with_early_stopping_and_the_sentence_says_so():
    d = data_aware_defaults("multiclass", 350)
    s = d.settings
    assert (s["epochs"], s["early_stopping"]) == (200, True)
    assert "Up to 200 epochs" in d.reasons[1]
    assert f"not improved for {s['patience']} epochs" in d.reasons[1]
    big = data_aware_defaults("binary", 22_792).settings
    # Large sets reach the update budget in fewer epochs (quick start speed stays as it was).
    assert 20 <= big["epochs"] < 100


def test_model_kind_picks_the_learning_rate():
    assert model_kind(get_preset("walkthrough_mlp")) == "dense"
    assert model_kind(get_preset("lenet_cnn")) == "cnn"
    assert model_kind(get_preset("lstm_sequence")) == "recurrent"
    assert model_kind(get_preset("residual_mlp").model_dump(mode="json")) == "dense"
    lr_dense = data_aware_defaults("multiclass", 420, "dense").settings["lr"]
    lr_lstm = data_aware_defaults("multiclass", 420, "recurrent").settings["lr"]
    assert lr_lstm > lr_dense
    assert f"Learning rate {lr_lstm:g}" in data_aware_defaults("multiclass", 420, "recurrent").reasons[2]


def test_default_config_follows_the_rules_and_overrides_win():
    cfg = default_config("multiclass", n_rows=420, spec=get_preset("lstm_sequence"))
    rec = data_aware_defaults("multiclass", 420, "recurrent").settings
    assert {k: getattr(cfg, k) for k in rec} == rec
    assert default_config("binary", n_rows=420, epochs=7, batch_size=16).epochs == 7
    assert default_config("regression").epochs >= 20  # unknown size still gives a valid config
    assert any("standardised" in r for r in data_aware_defaults("regression", 300).reasons)


def test_regression_model_maps_standardised_outputs_back_to_units():
    _, data = prepared(DatasetRef(name="diabetes"))
    assert data.y_mean == pytest.approx(float(data.y_train.mean()), rel=1e-5)
    assert data.y_std == pytest.approx(float(data.y_train.std()), rel=1e-5)
    model = build_model(get_preset("walkthrough_mlp"), data.input_shape, "regression", 1,
                        target_scale=data.target_scale)
    z = torch.zeros(3, 1)
    assert torch.allclose(model.target_scale(z), torch.full((3, 1), data.y_mean))
    # The loss is computed on the standardised scale: MSE in units divided by std².
    out, y = torch.randn(8, 1) * 50 + 150, torch.randn(8, 1) * 50 + 150
    loss = standardised_loss(torch.nn.MSELoss(), model)(out, y)
    assert float(loss) == pytest.approx(float(((out - y) ** 2).mean()) / data.y_std ** 2, rel=1e-4)
    assert standardised_loss(torch.nn.MSELoss(), build_model(
        get_preset("walkthrough_mlp"), (2,), "binary", 1)).__class__ is torch.nn.MSELoss


def test_checkpoint_without_target_scale_loads_as_identity():
    model = build_model(get_preset("walkthrough_mlp"), (10,), "regression", 1, target_scale=(5.0, 2.0))
    old = {k: v for k, v in model.state_dict().items() if not k.startswith("target_scale")}
    fresh = build_model(get_preset("walkthrough_mlp"), (10,), "regression", 1, target_scale=(5.0, 2.0))
    fresh.load_state_dict(old, strict=True)
    assert (float(fresh.target_scale.mean), float(fresh.target_scale.std)) == (0.0, 1.0)


def test_trained_regression_run_predicts_in_units_and_beats_the_mean(store, train):
    run = train(dataset=DatasetRef(name="diabetes"), epochs=60, batch_size=32,
                early_stopping=True, patience=10)
    assert run.status == "finished"
    _, data = prepared(DatasetRef(name="diabetes"))
    model = load_network(run)
    assert float(model.target_scale.mean) == pytest.approx(data.y_mean, rel=1e-5)
    with torch.no_grad():
        pred = model(torch.from_numpy(data.X_test)).numpy().ravel()
    assert abs(pred.mean() - data.y_test.mean()) < data.y_std  # units, not standard scores
    assert run.test_metrics["r2"] > 0.05  # beats always predicting the mean (R² 0)
    assert run.test_metrics["mae"] == pytest.approx(float(np.abs(pred - data.y_test).mean()), rel=1e-3)


def test_presets_that_need_other_settings_say_so_and_the_defaults_apply_them():
    from core.spec import presets

    notes = {p.name: p.recommended for p in presets()}
    assert "0.003" in notes["lstm_sequence"]
    lstm = default_config("multiclass", n_rows=420, spec=get_preset("lstm_sequence"))
    assert lstm.lr == pytest.approx(0.003)
    assert notes["walkthrough_mlp"] == ""
