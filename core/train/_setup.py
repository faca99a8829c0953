"""The one training setup: model, loss, optimizer, schedule, initialisation and step, from a spec.

`build_setup(spec, config, data, device)` is the only place where a network is built and made
ready to train, for every loop that trains (runs, mitigation, the checklist tools, adversarial
training): the same seed draws the same initial weights, the same class weights enter the loss,
the same L1 (on weights, not biases), L2 (weight decay), clipping and schedule apply, so two
loops given the same spec, config and data train the same network.
"""
from __future__ import annotations

import logging
import math
import platform
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from core.train._config import ConfigError, TrainConfig, resolve_loss

log = logging.getLogger(__name__)


NO_CUDA = ("The device is set to 'cuda' but this machine has no usable CUDA GPU; "
           "choose 'auto' or 'cpu'.")
CLASS_NEVER_OCCURS = ("Class {missing} never occurs in the training split, so balanced class "
                      "weights cannot be computed; choose class weights 'none'.")
CLASS_WEIGHTS_NEED_CLASSES = ("Class weights only apply to classification; set them to 'none' "
                              "for a regression target.")


def resolve_device(choice: str) -> str:
    """"auto" → CUDA when available, else CPU; a clear error when "cuda" is asked for but absent."""
    if choice == "cuda" and not torch.cuda.is_available():
        raise ConfigError(NO_CUDA)
    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return choice


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def library_versions() -> dict[str, str]:
    import pandas
    import sklearn

    return {"python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "pandas": pandas.__version__, "sklearn": sklearn.__version__}


def class_weight_values(y: np.ndarray, n_classes: int) -> np.ndarray:
    """"Balanced" weights n / (k * count_c), as scikit-learn's compute_class_weight does."""
    counts = np.bincount(y.astype(np.int64), minlength=n_classes).astype(np.float64)
    if (counts == 0).any():
        missing = int(np.flatnonzero(counts == 0)[0])
        raise ConfigError(CLASS_NEVER_OCCURS.format(missing=missing))
    return len(y) / (n_classes * counts)


def make_loss(task: str, cfg: TrainConfig, y_train: np.ndarray, n_outputs: int,
              device: str, reduction: str = "mean") -> nn.Module:
    name = resolve_loss(task, cfg.loss)
    balanced = cfg.class_weights == "balanced"
    if balanced and task == "regression":
        raise ConfigError(CLASS_WEIGHTS_NEED_CLASSES)
    if name == "bce_with_logits":
        pos_weight = None
        if balanced:  # weight on positives = n_negative / n_positive
            w = class_weight_values(y_train, 2)
            pos_weight = torch.tensor([w[1] / w[0]], dtype=torch.float32, device=device)
        return nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction=reduction)
    if name == "cross_entropy":
        weight = None
        if balanced:
            weight = torch.tensor(class_weight_values(y_train, n_outputs), dtype=torch.float32,
                                  device=device)
        return nn.CrossEntropyLoss(weight=weight, reduction=reduction)
    return {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}[name](reduction=reduction)


def make_optimizer(params, cfg: TrainConfig, device: str) -> torch.optim.Optimizer:
    kind, lr, wd = cfg.optimizer, cfg.lr, cfg.l2  # L2 is applied as weight decay
    params = list(params)
    if kind in ("adam", "adamw", "sgd", "sgd_momentum"):
        cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}.get(kind, torch.optim.SGD)
        kwargs = dict(lr=lr, weight_decay=wd)
        if kind == "sgd_momentum":
            kwargs.update(momentum=cfg.momentum, nesterov=cfg.nesterov)
        try:  # fused kernels: one kernel per step instead of one per parameter
            return cls(params, fused=True, **kwargs)
        except (RuntimeError, TypeError, ValueError):
            return cls(params, **kwargs)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    return torch.optim.Adagrad(params, lr=lr, weight_decay=wd)


def make_scheduler(opt, cfg: TrainConfig, steps_per_epoch: int):
    """(scheduler, when) with when in {"none", "epoch", "step", "plateau"}."""
    s = cfg.schedule
    if s == "step":
        return torch.optim.lr_scheduler.StepLR(opt, cfg.step_size, cfg.gamma), "epoch"
    if s == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.epochs), "epoch"
    if s == "one_cycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps_per_epoch), "step"
    if s == "reduce_on_plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, factor=cfg.gamma, patience=max(1, cfg.patience // 2)), "plateau"
    return None, "none"


def apply_init(model: nn.Module, init: str) -> None:
    if init == "default":
        return
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            if init == "kaiming":
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            else:
                nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


@dataclass
class TrainArrays:
    """What `build_setup` needs to know about the data when there is no PreparedData (estimator)."""

    task: str  # "binary" | "multiclass" | "regression"
    input_shape: tuple[int, ...]
    n_outputs: int  # 1 for binary and regression, the class count for multiclass
    y_train: np.ndarray  # class ids or values: balanced class weights and the batch count


@dataclass
class TrainingSetup:
    """A network ready to train, with everything that says how; `step` is one optimizer step."""

    model: nn.Module
    loss_fn: nn.Module  # mean over the batch, as the metrics use it
    optimizer: torch.optim.Optimizer
    scheduler: Any  # a torch lr scheduler or None
    schedule_when: str  # "none" | "epoch" (after each epoch) | "step" | "plateau" (on val loss)
    config: TrainConfig
    task: str
    device: str
    steps_per_epoch: int
    n_use: int  # training rows used per epoch (a last batch of one row is dropped)
    l1_params: list = field(default_factory=list)  # weights, not biases: L1 makes weights sparse
    per_example_loss: nn.Module | None = None  # reduction="none", for sample weights

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]

    def loss(self, out: torch.Tensor, yb: torch.Tensor, sample_weight=None) -> torch.Tensor:
        """The batch loss; sample weights scale each example's term, the normaliser stays.

        The normaliser is the unweighted one (the batch size, or the sum of the class weights
        for cross-entropy, as torch does), so weights of mean 1 keep the loss on the same scale
        and all-ones weights give the unweighted loss (exactly for the element-wise losses)."""
        if sample_weight is None:
            return self.loss_fn(out, yb)
        per = self.per_example_loss(out, yb)  # (b,) for cross-entropy, (b, 1) otherwise
        if per.dim() == 1:  # cross-entropy: per already holds class weight × nll
            weight = getattr(self.loss_fn, "weight", None)
            norm = weight[yb].sum() if weight is not None else per.new_tensor(float(len(per)))
            return (per * sample_weight).sum() / norm
        return (per * sample_weight.reshape(-1, *([1] * (per.dim() - 1)))).mean()

    def step(self, xb: torch.Tensor, yb: torch.Tensor, sample_weight=None) -> float:
        """zero_grad, forward, loss (+ L1), backward, clipping, optimizer and per-step schedule."""
        cfg = self.config
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss(self.model(xb), yb, sample_weight)
        if cfg.l1:
            loss = loss + cfg.l1 * sum(p.abs().sum() for p in self.l1_params)
        loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.grad_clip)
        self.optimizer.step()
        if self.schedule_when == "step":
            self.scheduler.step()
        return loss.item()

    def end_epoch(self, val_loss: float | None) -> None:
        """The per-epoch (or on-plateau) schedule step, after the epoch has been recorded."""
        if self.schedule_when == "epoch":
            self.scheduler.step()
        elif self.schedule_when == "plateau" and val_loss is not None:
            self.scheduler.step(val_loss)


def build_setup(spec, config: TrainConfig, data, device: str = "cpu", *,
                schedule: bool = True) -> TrainingSetup:
    """The training setup of `spec` (ModelSpec or its JSON) under `config` on `data`.

    `data` is a PreparedData or a TrainArrays (task, input_shape, n_outputs, y_train). The seed
    is set just before the weights are drawn, so the same config gives the same initial network
    in every loop. `schedule=False` leaves the learning rate to the caller (the LR range test,
    the tiny-batch check)."""
    from core.build import build_model, standardised_loss
    from core.spec import ModelSpec

    cfg = config if isinstance(config, TrainConfig) else TrainConfig.model_validate(config)
    spec = spec if isinstance(spec, ModelSpec) else ModelSpec.model_validate(spec)
    seed_everything(cfg.seed)  # building the model draws the initial weights
    # Regression: the network ends with a fixed (mean, std) map back to the target's units, so
    # every consumer sees units, while the loss compares standardised values (issue 12).
    model = build_model(spec, tuple(data.input_shape), data.task, data.n_outputs, device,
                        target_scale=getattr(data, "target_scale", None))
    apply_init(model, cfg.init)
    model.train()
    loss_fn = standardised_loss(make_loss(data.task, cfg, data.y_train, data.n_outputs, device), model)
    per_example = standardised_loss(
        make_loss(data.task, cfg, data.y_train, data.n_outputs, device, reduction="none"), model)
    opt = make_optimizer(model.parameters(), cfg, device)
    n = len(data.y_train)
    n_use = n - 1 if n % cfg.batch_size == 1 and n > 1 else n
    steps = max(1, math.ceil(n_use / cfg.batch_size))
    sched, when = make_scheduler(opt, cfg, steps) if schedule else (None, "none")
    l1 = [p for name, p in model.named_parameters() if not name.endswith("bias")]
    return TrainingSetup(model, loss_fn, opt, sched, when, cfg, data.task, device, steps, n_use,
                         l1, per_example)
