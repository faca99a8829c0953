"""TrainConfig: how a model is trained, as typed data with a plain sentence per field.

The descriptions are shown as help text in the app, so they are written for learners.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.errors import LayerLabError

Optimizer = Literal["sgd", "sgd_momentum", "adam", "adamw", "rmsprop", "adagrad"]
Schedule = Literal["constant", "step", "cosine", "one_cycle", "reduce_on_plateau"]
Loss = Literal["auto", "cross_entropy", "bce_with_logits", "mse", "mae", "huber"]

_LOSSES_BY_TASK = {
    # Binary models have one output logit, so the binary loss is BCE on that logit.
    "binary": ["auto", "bce_with_logits"],
    "multiclass": ["auto", "cross_entropy"],
    "regression": ["auto", "mse", "mae", "huber"],
}
_AUTO_LOSS = {"binary": "bce_with_logits", "multiclass": "cross_entropy", "regression": "mse"}


class ConfigError(LayerLabError):
    """A training setting that cannot work (for example a loss that does not fit the task)."""


class TrainConfig(BaseModel):
    """All training settings of one run; stored with the run as JSON."""

    model_config = ConfigDict(extra="forbid")

    optimizer: Optimizer = Field("adam", description="The rule that updates the weights after each batch; Adam is a safe first choice.")
    lr: float = Field(1e-3, gt=0, le=1e4, description="Learning rate: how big each update step is; too big makes training unstable, too small makes it slow.")
    momentum: float = Field(0.9, ge=0.0, lt=1.0, description="For SGD with momentum: how much of the previous update direction is kept.")
    nesterov: bool = Field(False, description="For SGD with momentum: look ahead along the momentum before computing the gradient.")
    schedule: Schedule = Field("constant", description="How the learning rate changes during training.")
    step_size: int = Field(10, ge=1, le=10_000, description="For the step schedule: the number of epochs between learning rate drops.")
    gamma: float = Field(0.1, gt=0.0, lt=1.0, description="For step and plateau schedules: the factor the learning rate is multiplied by at each drop.")
    batch_size: int = Field(256, ge=1, le=65_536, description="How many examples are used for each weight update.")
    epochs: int = Field(20, ge=1, le=10_000, description="How many times training goes through the whole training set.")
    l1: float = Field(0.0, ge=0.0, le=1.0, description="L1 penalty: pushes weights to exactly zero (sparser model); 0 turns it off.")
    l2: float = Field(0.0, ge=0.0, le=1.0, description="L2 penalty (weight decay): keeps weights small to reduce overfitting; 0 turns it off.")
    grad_clip: float = Field(0.0, ge=0.0, le=1e6, description="Largest allowed size of the gradient before it is scaled down; 0 turns clipping off.")
    early_stopping: bool = Field(False, description="Stop when the validation loss has not improved for a while and keep the best weights.")
    patience: int = Field(5, ge=1, le=1_000, description="For early stopping: how many epochs without improvement to wait before stopping.")
    init: Literal["default", "kaiming", "xavier"] = Field("default", description="How the weights are set before training starts; Kaiming suits ReLU, Xavier suits tanh and sigmoid.")
    class_weights: Literal["none", "balanced"] = Field("none", description="Balanced gives rare classes more weight in the loss so the model does not ignore them.")
    loss: Loss = Field("auto", description="What training minimises; auto picks the usual loss for the task.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Random seed: the same seed with the same settings gives the same result.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="Where training runs; auto uses a GPU when one is available.")

    @model_validator(mode="after")
    def _check(self) -> "TrainConfig":
        if self.nesterov and self.optimizer != "sgd_momentum":
            raise ValueError("nesterov only applies to the 'sgd_momentum' optimizer; "
                             "switch it off or pick sgd_momentum.")
        return self


def allowed_losses(task: str) -> list[str]:
    """The losses that fit a task ("auto" first)."""
    if task not in _LOSSES_BY_TASK:
        raise ConfigError(f"Unknown task '{task}'; expected binary, multiclass or regression.")
    return list(_LOSSES_BY_TASK[task])


def resolve_loss(task: str, loss: str) -> str:
    """The concrete loss for a task, or a clear error when the chosen one does not fit."""
    allowed = allowed_losses(task)
    if loss not in allowed:
        raise ConfigError(f"The loss '{loss}' does not fit a {task} task; choose one of "
                          f"{', '.join(allowed)}.")
    return _AUTO_LOSS[task] if loss == "auto" else loss


def default_config(task: str, n_rows: int | None = None, spec=None, **overrides) -> TrainConfig:
    """Settings for a first run that look at the data (see core.train.defaults for the rules).

    `n_rows`: training rows (None when unknown); `spec`: the model, whose kind (dense, CNN,
    recurrent) picks the learning rate. Early stopping on the validation split is on and
    keeps the best weights; `overrides` win over every rule."""
    from core.train.defaults import data_aware_defaults, model_kind

    allowed_losses(task)  # validates the task name
    kind = model_kind(spec) if spec is not None else "dense"
    base = dict(data_aware_defaults(task, n_rows, kind).settings, loss="auto", seed=0)
    base.update(overrides)
    return TrainConfig(**base)
