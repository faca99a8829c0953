"""FGSM and PGD (L∞ and L2) in plain PyTorch, with a per-input mask and scale and clamp bounds.

The libraries (torchattacks, ART) move every input by the same ε inside [0, 1]. LayerLab's
inputs are not all alike: on a table only the standardised numeric inputs may move (one-hot
categories, the sensitive attribute and user-locked columns stay fixed), so every attack here
takes a `mask` (1 = may move, 0 = fixed) and clamps to per-input `lo`/`hi` bounds (images:
the valid pixel range; tables and sequences: none). With a mask of ones and bounds [0, 1]
these are exactly the textbook attacks, which the tests check against torchattacks.

All functions take model inputs x (N, *input_shape) and targets y as the training loss
wants them (core.train._evaluate.as_targets) and return the perturbed inputs, detached.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

ATTACKS = ("fgsm", "pgd_linf", "pgd_l2")
ATTACK_TITLES = {"fgsm": "FGSM", "pgd_linf": "PGD (L∞)", "pgd_l2": "PGD (L2)"}


@dataclass
class Constraint:
    """Where and how far inputs may move: mask (1, *input_shape), bounds or None."""

    mask: torch.Tensor  # 1.0 where the input may move, 0.0 where it stays fixed
    lo: float | torch.Tensor | None = None
    hi: float | torch.Tensor | None = None

    def clamp(self, x: torch.Tensor) -> torch.Tensor:
        if self.lo is None and self.hi is None:
            return x
        return torch.clamp(x, min=self.lo, max=self.hi)

    @property
    def n_free(self) -> int:
        return int(self.mask.sum().item())

    def to(self, device) -> "Constraint":
        def mv(t):
            return t.to(device) if isinstance(t, torch.Tensor) else t

        return Constraint(self.mask.to(device), mv(self.lo), mv(self.hi))


def task_loss(out: torch.Tensor, y: torch.Tensor, task: str) -> torch.Tensor:
    """The loss an attacker pushes up: the training loss of the task (mean over the batch)."""
    if task == "binary":
        return F.binary_cross_entropy_with_logits(out, y)  # out, y: (N, 1)
    if task == "multiclass":
        return F.cross_entropy(out, y)  # out: (N, k), y: (N,)
    return F.mse_loss(out, y)  # (N, 1)


def _grad(model, x: torch.Tensor, y: torch.Tensor, task: str) -> torch.Tensor:
    x = x.detach().requires_grad_(True)
    loss = task_loss(model(x), y, task)
    (grad,) = torch.autograd.grad(loss, x)
    return grad


def _l2_normalise(v: torch.Tensor) -> torch.Tensor:
    """Each example's vector scaled to unit L2 norm (zero vectors stay zero)."""
    norms = v.flatten(1).norm(dim=1).clamp_min(1e-12)  # (N,)
    return v / norms.view(-1, *([1] * (v.dim() - 1)))


def _project_l2(delta: torch.Tensor, eps: float) -> torch.Tensor:
    norms = delta.flatten(1).norm(dim=1)  # (N,)
    factor = torch.clamp(eps / norms.clamp_min(1e-12), max=1.0)
    return delta * factor.view(-1, *([1] * (delta.dim() - 1)))


def fgsm(model, x, y, task: str, eps: float, c: Constraint) -> torch.Tensor:
    """One step of size ε along the sign of the gradient (Goodfellow et al., 2015)."""
    if eps == 0:
        return x.detach().clone()
    with _frozen(model):
        adv = x + eps * c.mask * _grad(model, x, y, task).sign()
    return c.clamp(adv).detach()


def pgd(model, x, y, task: str, eps: float, c: Constraint, *, norm: str = "linf",
        steps: int = 10, step_size: float | None = None, random_start: bool = False,
        generator: torch.Generator | None = None) -> torch.Tensor:
    """Projected gradient descent (Madry et al., 2018) in the L∞ or L2 ball of radius ε.

    step_size defaults to 2.5 ε / steps (Madry's rule of thumb). The L2 ball is measured over
    the inputs that may move only. Fixed inputs never move: the step is masked, and so is
    the random start.
    """
    if eps == 0:
        return x.detach().clone()
    alpha = step_size if step_size is not None else 2.5 * eps / steps
    x = x.detach()
    bounded = c.lo is not None or c.hi is not None
    delta = torch.zeros_like(x)
    if random_start:
        noise = torch.rand(x.shape, generator=generator, device="cpu").to(x.device) * 2 - 1
        delta = (noise * eps if norm == "linf" else _project_l2(noise * c.mask, eps)) * c.mask
        if bounded:
            delta = c.clamp(x + delta) - x
    everywhere = bool(c.mask.all())  # images, sequences: skip the mask multiply
    with _frozen(model):
        for _ in range(steps):
            g = _grad(model, x + delta, y, task)  # (N, *input_shape)
            if not everywhere:
                g = g * c.mask
            if norm == "linf":
                delta = torch.clamp(delta + alpha * g.sign(), -eps, eps)
            else:
                delta = _project_l2(delta + alpha * _l2_normalise(g), eps)
            if bounded:
                delta = c.clamp(x + delta) - x  # stay in the valid range
    return (x + delta).detach()


class _frozen:
    """Weights need no gradient while inputs are attacked: autograd then keeps less."""

    def __init__(self, model):
        self.params = [p for p in model.parameters() if p.requires_grad]

    def __enter__(self):
        for p in self.params:
            p.requires_grad_(False)

    def __exit__(self, *exc):
        for p in self.params:
            p.requires_grad_(True)


def run_attack(name: str, model, x, y, task: str, eps: float, c: Constraint, *,
               steps: int = 10, step_size: float | None = None, random_start: bool = False,
               generator: torch.Generator | None = None) -> torch.Tensor:
    """Dispatch by attack name (see ATTACKS)."""
    if name == "fgsm":
        return fgsm(model, x, y, task, eps, c)
    norm = {"pgd_linf": "linf", "pgd_l2": "l2"}[name]
    return pgd(model, x, y, task, eps, c, norm=norm, steps=steps, step_size=step_size,
               random_start=random_start, generator=generator)
