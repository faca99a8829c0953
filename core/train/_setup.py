"""The pieces a training run is assembled from: device, seeds, loss, optimizer, schedule, init."""
from __future__ import annotations

import logging
import platform
import random

import numpy as np
import torch
from torch import nn

from core.train._config import ConfigError, TrainConfig, resolve_loss

log = logging.getLogger(__name__)


def resolve_device(choice: str) -> str:
    if choice == "cuda" and not torch.cuda.is_available():
        raise ConfigError("The device is set to 'cuda' but this machine has no usable CUDA GPU; "
                          "choose 'auto' or 'cpu'.")
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
        raise ConfigError(f"Class {missing} never occurs in the training split, so balanced class "
                          "weights cannot be computed; choose class weights 'none'.")
    return len(y) / (n_classes * counts)


def make_loss(task: str, cfg: TrainConfig, y_train: np.ndarray, n_outputs: int,
              device: str) -> nn.Module:
    name = resolve_loss(task, cfg.loss)
    balanced = cfg.class_weights == "balanced"
    if balanced and task == "regression":
        raise ConfigError("Class weights only apply to classification; set them to 'none' "
                          "for a regression target.")
    if name == "bce_with_logits":
        pos_weight = None
        if balanced:  # weight on positives = n_negative / n_positive
            w = class_weight_values(y_train, 2)
            pos_weight = torch.tensor([w[1] / w[0]], dtype=torch.float32, device=device)
        return nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    if name == "cross_entropy":
        weight = None
        if balanced:
            weight = torch.tensor(class_weight_values(y_train, n_outputs), dtype=torch.float32,
                                  device=device)
        return nn.CrossEntropyLoss(weight=weight)
    return {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}[name]()


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
