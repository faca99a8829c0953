"""Per-layer internals at the end of each epoch, measured on one fixed validation batch.

Gradient norm, weight norm, activation mean/std and the fraction of dead ReLU units (units
that are zero for every example of the batch). Forward hooks are attached only for this one
measuring pass, so the training steps pay nothing for them.
"""
from __future__ import annotations

import torch
from torch import nn

from core.runs import LayerStat


def _probe_targets(model: nn.Module) -> list[tuple[str, nn.Module, nn.Module | None]]:
    """(name, layer with weights, the ReLU right after it or None), in forward order."""
    found: list[list] = []
    for name, module in model.named_modules():
        if list(module.parameters(recurse=False)):
            found.append([_display_name(name), module, None])
        elif isinstance(module, nn.ReLU) and found and found[-1][2] is None:
            found[-1][2] = module
    return [tuple(x) for x in found]


def _display_name(name: str) -> str:
    """"layer1_dense.linear" -> "layer1_dense": the spec row, not the torch part inside it."""
    head, _, last = name.rpartition(".")
    return head if head and last in ("linear", "conv", "rnn", "norm") else (name or "model")


def _first_tensor(out):
    return out[0] if isinstance(out, (tuple, list)) else out


class LayerProbe:
    def __init__(self, model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn):
        self.model, self.X, self.y, self.loss_fn = model, X, y, loss_fn
        self.targets = _probe_targets(model)

    def measure(self, epoch: int) -> list[LayerStat]:
        if not self.targets or len(self.X) == 0:
            return []
        acts: dict[int, torch.Tensor] = {}

        def hook_for(i: int, relu: bool):
            def hook(_m, _inp, out):
                a = _first_tensor(out).detach()
                flat = a.reshape(a.shape[0], -1).float()  # (batch, units)
                dead = (flat <= 0).all(dim=0).float().mean() if relu else flat.new_tensor(float("nan"))
                acts[i] = torch.stack([flat.mean(), flat.std(), dead])
            return hook

        handles = [(relu or layer).register_forward_hook(hook_for(i, relu is not None))
                   for i, (_, layer, relu) in enumerate(self.targets)]
        was_training = self.model.training
        self.model.eval()  # no dropout, and batch-norm statistics stay untouched
        try:
            self.model.zero_grad(set_to_none=True)
            with torch.enable_grad():
                self.loss_fn(self.model(self.X), self.y).backward()
            rows = self._rows(epoch, acts)
        finally:
            for h in handles:
                h.remove()
            self.model.zero_grad(set_to_none=True)
            self.model.train(was_training)
        return rows

    def _rows(self, epoch: int, acts: dict[int, torch.Tensor]) -> list[LayerStat]:
        nan = torch.tensor(float("nan"))
        per_layer = []
        for i, (_, layer, _relu) in enumerate(self.targets):
            params = list(layer.parameters(recurse=False))
            grads = [p.grad.detach().norm() for p in params if p.grad is not None]
            gnorm = torch.stack(grads).norm() if grads else nan
            wnorm = torch.stack([p.detach().norm() for p in params]).norm()
            a = acts.get(i, torch.full((3,), float("nan")))
            per_layer.append(torch.stack([gnorm.cpu(), wnorm.cpu(), *a.cpu()]))
        values = torch.stack(per_layer).tolist()  # one device sync for all layers
        out = []
        for (name, _layer, relu), (g, w, mean, std, dead) in zip(self.targets, values):
            out.append(LayerStat(epoch=epoch, layer=name, grad_norm=g, weight_norm=w,
                                 dead_fraction=dead if relu is not None else None,
                                 act_mean=mean, act_std=std))
        return out
