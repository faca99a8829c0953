import pytest
from pydantic import ValidationError

from core.train import (ConfigError, TrainConfig, allowed_losses, architecture_summary,
                        default_config, resolve_loss)


def test_every_field_has_a_plain_description_and_json_round_trips():
    for name, field in TrainConfig.model_fields.items():
        assert field.description and field.description.endswith("."), name
    cfg = default_config("multiclass", optimizer="sgd_momentum", nesterov=True, schedule="cosine")
    assert TrainConfig.model_validate_json(cfg.model_dump_json()) == cfg


def test_defaults_per_task_and_size():
    # Issue 12: the defaults look at the data (rules in core.train.defaults).
    cfg = default_config("binary")  # size unknown
    assert (cfg.optimizer, cfg.lr, cfg.batch_size, cfg.epochs, cfg.early_stopping) == (
        "adam", 1e-3, 64, 100, True)
    assert default_config("regression", n_rows=500).batch_size == 32
    assert default_config("binary", n_rows=22_792).batch_size == 256


def test_bounds_and_losses():
    with pytest.raises(ValidationError):
        TrainConfig(batch_size=0)
    with pytest.raises(ValidationError, match="nesterov only applies"):
        TrainConfig(optimizer="adam", nesterov=True)
    assert allowed_losses("regression") == ["auto", "mse", "mae", "huber"]
    assert resolve_loss("multiclass", "auto") == "cross_entropy"
    with pytest.raises(ConfigError) as err:
        resolve_loss("binary", "mse")
    assert str(err.value) == ("The loss 'mse' does not fit a binary task; choose one of "
                              "auto, bce_with_logits.")


def test_architecture_summary():
    spec = {"layers": [{"type": "Dense", "units": 128}, {"type": "Dense", "units": 64}]}
    assert architecture_summary(spec) == "Dense128 → Dense64 → out"
